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


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--timeout", type=float, default=cpjit_test.DEFAULT_TIMEOUT)
    ap.add_argument("--allow-empty", action="store_true", help="no cases at all is not a failure")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    checks = cpjit_test.Checks()
    for d in args.dirs:
        if not os.path.isdir(d):
            print("note: %s does not exist, skipped" % d, file=sys.stderr)
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".cpasm", ".cpbc")):
                continue
            base = os.path.join(d, name.rsplit(".", 1)[0])
            flags = shlex.split(cpjit_test.read_bytes(base + ".flags", b"").decode())
            want = cpjit_test.expected_outcome(base)
            if want[0] is None:
                want = None
            first, first_run = None, None
            for mode, mflags in MODES:
                label = "%s [%s]" % (name, " ".join(mflags + flags))
                limit = args.timeout
                if first_run is not None:
                    limit = min(limit, tool.budget(first_run.seconds))
                r = tool.run("run", *mflags, *flags, name, timeout=limit, cwd=d)
                if r.timed_out:
                    if first_run is None:
                        checks.fail("%s: %s" % (label, r.status()))
                    else:
                        checks.fail(cpjit_test.hang_message(label, limit, first_run))
                    continue
                if first_run is None:
                    first_run = r
                got = r.outcome()
                problems = []
                ref = want or first
                if got[2] not in (0, 1, 2):
                    problems = ["%s (a crash?); stderr:\n%s" % (r.status(), cpjit_test.show(got[1], 800))]
                elif b"Sanitizer" in got[1] or b"runtime error:" in got[1]:
                    problems = ["sanitizer report:\n%s" % cpjit_test.show(got[1], 800)]
                elif ref is not None:
                    problems = cpjit_test.outcome_differences(got, ref, "expected" if want else "--jit=off gave")
                if first is None:
                    first = got
                if problems:
                    checks.fail("%s: %s" % (label, "\n".join(problems)))
                else:
                    checks.passed()
    checks.report(require_pass=not args.allow_empty)


if __name__ == "__main__":
    main()
