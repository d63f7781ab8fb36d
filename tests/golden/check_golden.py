#!/usr/bin/env python3
"""Golden trace tests: for every NAME.cpasm in tests/golden/traces/, the exact
stdout of `cpjit trace NAME.cpasm` (run from that folder) must equal
NAME.trace byte for byte: the program's own output, then every trace with
its bytecode, its uops before and after the optimizer, and its exits.

  check_golden.py --cpjit build/cpjit              compare
  check_golden.py --cpjit build/cpjit --update     rewrite every NAME.trace
  check_golden.py --cpjit build/cpjit --update count_loop   ... only this one

A change to the projector, the optimizer or the printer shows up here as a
diff; when the new traces are the intended ones, run with --update and
review the changes to the .trace files like code.
--emulator (split like a shell would) goes before every cpjit command, for a
cross build run under qemu-user.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("--dir", default=os.path.join(HERE, "traces"))
    ap.add_argument("--emulator", default="")
    ap.add_argument("--update", action="store_true", help="rewrite the .trace files from the current output")
    ap.add_argument("names", nargs="*", help="only these programs (NAME, without .cpasm)")
    args = ap.parse_args()
    cpjit = os.path.abspath(args.cpjit)
    emulator = shlex.split(args.emulator)
    names = sorted(n[:-6] for n in os.listdir(args.dir) if n.endswith(".cpasm"))
    if args.names:
        unknown = set(args.names) - set(names)
        if unknown:
            print("no such program: %s" % ", ".join(sorted(unknown)))
            return 2
        names = [n for n in names if n in args.names]
    passed, failed = 0, 0
    for name in names:
        p = subprocess.run([*emulator, cpjit, "trace", name + ".cpasm"], cwd=args.dir, capture_output=True, timeout=120)
        golden = os.path.join(args.dir, name + ".trace")
        if p.returncode != 0:
            print("FAIL %s: cpjit trace exited with %d: %s" % (name, p.returncode, p.stderr.decode("utf-8", "replace")))
            failed += 1
            continue
        if args.update:
            old = open(golden, "rb").read() if os.path.exists(golden) else None
            if old != p.stdout:
                with open(golden, "wb") as f:
                    f.write(p.stdout)
                print("updated %s.trace" % name)
            passed += 1
            continue
        if not os.path.exists(golden):
            print("FAIL %s: no %s.trace (run with --update to create it)" % (name, name))
            failed += 1
            continue
        want = open(golden, "rb").read()
        if p.stdout == want:
            passed += 1
            continue
        failed += 1
        diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                    p.stdout.decode("utf-8", "replace").splitlines(),
                                    name + ".trace (expected)", "cpjit trace " + name + ".cpasm", lineterm="")
        print("FAIL %s: trace output differs (check_golden.py --update %s accepts it)" % (name, name))
        for line in list(diff)[:60]:
            print("  " + line)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
