#!/usr/bin/env python3
"""Conformance runner: runs every NAME.cpasm in the given folders and compares
stdout, stderr and exit code byte for byte with NAME.stdout, NAME.stderr
(default empty) and NAME.exitcode (default 0).

  run_examples.py --cpjit build/cpjit --flags "--jit=off" DIR...
  run_examples.py --cpjit build/cpjit --roundtrip DIR...
  run_examples.py --cpjit build-aarch64/cpjit \
      --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu" --flags "--jit=off" DIR...

--roundtrip assembles each program that loads, disassembles the binary,
assembles that text again and requires identical bytes; then runs the binary
and requires the same results as the text.

Programs listed in a folder's BENCHMARKS file are skipped when the
environment sets CPJIT_SKIP_BENCHMARKS=1 (sanitizer builds are too slow).
Programs are run from their own folder so load errors name the bare file.
--emulator (split like a shell would) is put before every cpjit command: a
cross build's binary runs under qemu-user (binfmt_misc is not relied on).
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile


def expected(path_base):
    def read(ext, default):
        p = path_base + ext
        if os.path.exists(p):
            with open(p, "rb") as f:
                return f.read()
        return default

    code = read(".exitcode", b"0").strip()
    return read(".stdout", None), read(".stderr", b""), int(code)


def programs(dirs):
    skip_bench = os.environ.get("CPJIT_SKIP_BENCHMARKS") == "1"
    for d in dirs:
        if not os.path.isdir(d):
            # An empty folder is not kept by git: a fresh clone may lack one.
            print("note: %s does not exist, skipped" % d, file=sys.stderr)
            continue
        bench = set()
        bf = os.path.join(d, "BENCHMARKS")
        if skip_bench and os.path.exists(bf):
            with open(bf) as f:
                bench = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        for name in sorted(os.listdir(d)):
            if name.endswith(".cpasm") and name[:-6] not in bench:
                yield d, name


def run(cmd, cwd, timeout):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout)
        return p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        return b"", b"<timeout>", -999


def show(b, limit=600):
    s = b.decode("utf-8", "replace")
    return s if len(s) <= limit else s[:limit] + "...(%d more bytes)" % (len(s) - limit)


def check(label, got, want):
    names = ("stdout", "stderr", "exit code")
    for n, g, w in zip(names, got, want):
        if w is not None and g != w:
            if isinstance(g, bytes):
                return "%s: %s differs\n--- expected\n%s\n--- got\n%s" % (label, n, show(w), show(g))
            return "%s: %s is %r, expected %r (stderr: %s)" % (label, n, g, w, show(got[1]))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("--flags", default="")
    ap.add_argument("--roundtrip", action="store_true")
    ap.add_argument("--emulator", default="",
                    help="command put before every cpjit command, e.g. \"qemu-aarch64 -L /usr/aarch64-linux-gnu\"")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("CPJIT_TEST_TIMEOUT", "120")))
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    # Every cpjit command is [*emulator, cpjit, ...]: the binary path stays one
    # element; under a cross build the emulator runs it.
    cpjit = os.path.abspath(args.cpjit)
    emulator = shlex.split(args.emulator)
    flags = shlex.split(args.flags)
    passed, failures = 0, []
    tmp = tempfile.mkdtemp(prefix="cpjit-conf-")
    for d, name in programs(args.dirs):
        base = os.path.join(d, name[:-6])
        want = expected(base)
        if want[0] is None:
            failures.append("%s: no .stdout file" % name)
            continue
        if args.roundtrip:
            if want[2] == 2:
                continue  # does not load: nothing to round-trip
            b1, t1, b2 = (os.path.join(tmp, name + ext) for ext in (".1.cpbc", ".dis.cpasm", ".2.cpbc"))
            steps = [[*emulator, cpjit, "asm", name, "-o", b1], None, [*emulator, cpjit, "asm", t1, "-o", b2]]
            err = None
            out, e, code = run(steps[0], d, args.timeout)
            if code == 0:
                out, e, code = run([*emulator, cpjit, "dis", b1], d, args.timeout)
                if code == 0:
                    with open(t1, "wb") as f:
                        f.write(out)
                    out, e, code = run(steps[2], d, args.timeout)
            if code != 0:
                err = "%s: round trip step failed (%d): %s" % (name, code, show(e))
            elif open(b1, "rb").read() != open(b2, "rb").read():
                err = "%s: asm(dis(asm(x))) differs from asm(x)" % name
            else:
                # The binary must behave like the text, traceback lines included.
                got = run([*emulator, cpjit, "run", b1], d, args.timeout)
                err = check(name + " (binary)", got, want)
        else:
            got = run([*emulator, cpjit, "run", *flags, name], d, args.timeout)
            err = check("%s [%s]" % (name, args.flags), got, want)
        if err:
            failures.append(err)
        else:
            passed += 1
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
