#!/usr/bin/env python3
"""Replays saved cases through `cpjit run` in every tier and dispatch mode.

  replay.py --cpjit build/cpjit [--emulator CMD] DIR...

Each case is NAME.cpasm or NAME.cpbc, with optional files beside it:
  NAME.flags     extra `run` options on one line (e.g. --max-heap=8M)
  NAME.stdout    expected stdout  } when NAME.stdout exists, stdout, stderr
  NAME.stderr    expected stderr  } (default empty) and exit code (default 0)
  NAME.exitcode  expected exit    } must match byte for byte in every mode
Without NAME.stdout (an input saved from a fuzzer crash, say) every mode must
give the same stdout, stderr and exit code as --jit=off, the exit code must
be 0, 1 or 2 (never a signal) and stderr must not hold a sanitizer report.

Every mode after the first (--jit=off) runs within the time budget of
tests/lib/cpjit_test.py (10x the first mode's time + 5 s): past it, a HANG.
A folder without any case is a failure (--allow-empty to accept it).

Used for tests/fuzz/regressions (inputs the fuzzers found) and tests/limits
(resource limits: --max-heap, call depth, enormous arrays and strings).
"""
import argparse
import os
import shlex
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

MODES = [
    ("off-threaded", ["--jit=off", "--interp=threaded"]),
    ("off-switch", ["--jit=off", "--interp=switch"]),
    ("uops", ["--jit=uops"]),
    ("uops-t1", ["--jit=uops", "--jit-threshold=1"]),
    ("uops-t1-opt0", ["--jit=uops", "--jit-threshold=1", "--opt=0"]),
    ("nospec-uops-t1", ["--specialize=off", "--jit=uops", "--jit-threshold=1"]),
    ("on", ["--jit=on"]),
    ("on-t1", ["--jit=on", "--jit-threshold=1"]),
]


def read(path, default=None):
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    return default


def show(b, limit=800):
    s = b.decode("utf-8", "replace")
    return s if len(s) <= limit else s[:limit] + "...(%d more bytes)" % (len(s) - limit)


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--timeout", type=float, default=cpjit_test.DEFAULT_TIMEOUT)
    ap.add_argument("--allow-empty", action="store_true", help="no cases at all is not a failure")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit(args.cpjit, args.emulator)
    passed, failures = 0, []
    for d in args.dirs:
        if not os.path.isdir(d):
            print("note: %s does not exist, skipped" % d, file=sys.stderr)
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".cpasm", ".cpbc")):
                continue
            base = os.path.join(d, name.rsplit(".", 1)[0])
            flags = shlex.split((read(base + ".flags", b"") or b"").decode())
            want_out = read(base + ".stdout")
            want = None
            if want_out is not None:
                want = (want_out, read(base + ".stderr", b""), int(read(base + ".exitcode", b"0").strip()))
            first, first_run = None, None
            for mode, mflags in MODES:
                label = "%s [%s]" % (name, " ".join(mflags + flags))
                limit = args.timeout
                if first_run is not None:
                    limit = min(limit, tool.budget(first_run.seconds))
                r = tool.run("run", *mflags, *flags, name, timeout=limit, cwd=d)
                if r.timed_out:
                    if first_run is None:
                        failures.append("%s: still running after %.0f s" % (label, limit))
                    else:
                        failures.append(cpjit_test.hang_message(label, limit, first_run))
                    continue
                if first_run is None:
                    first_run = r
                got = r.outcome()
                err = None
                ref = want or first
                if got[2] not in (0, 1, 2):
                    err = "exit code %d (a crash?); stderr:\n%s" % (got[2], show(got[1]))
                elif b"Sanitizer" in got[1] or b"runtime error:" in got[1]:
                    err = "sanitizer report:\n%s" % show(got[1])
                elif ref is not None:
                    for what, g, w in zip(("stdout", "stderr", "exit code"), got, ref):
                        if g != w:
                            src = "expected" if want else "--jit=off gave"
                            err = "%s differs\n--- %s\n%s\n--- got\n%s" % (
                                what, src, show(w) if isinstance(w, bytes) else w,
                                show(g) if isinstance(g, bytes) else g)
                            break
                if first is None:
                    first = got
                if err:
                    failures.append("%s: %s" % (label, err))
                else:
                    passed += 1
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures or (passed == 0 and not args.allow_empty) else 0


if __name__ == "__main__":
    sys.exit(main())
