#!/usr/bin/env python3
"""The expected outputs come from an independent source: a program's Python
twin (NAME.py beside NAME.cpasm, run with python3) must print exactly
NAME.stdout, byte for byte, and exit 0. The conformance tests compare cpjit
with NAME.stdout; this test compares NAME.stdout with Python, so a wrong
expected file (written once by cpjit itself) cannot hide a wrong result.
Nothing here or in the build writes NAME.stdout.

  check_twins.py [--python python3] PATH.py...

A twin past --timeout seconds is a failure.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("twins", nargs="+")
    args = ap.parse_args()
    failures = []
    for twin in args.twins:
        expected_path = twin[:-3] + ".stdout"
        name = os.path.basename(twin)
        if not twin.endswith(".py") or not os.path.exists(expected_path):
            failures.append("%s: no %s beside it" % (name, os.path.basename(expected_path)))
            continue
        with open(expected_path, "rb") as f:
            want = f.read()
        r = cpjit_test.run([args.python, twin], timeout=args.timeout, cwd=os.path.dirname(os.path.abspath(twin)))
        if r.timed_out:
            failures.append("%s: still running after %.0f s" % (name, args.timeout))
        elif r.code != 0:
            failures.append("%s: exit %d\n%s" % (name, r.code, cpjit_test.show(r.stderr)))
        elif r.stdout != want:
            got_lines, want_lines = r.stdout.splitlines(), want.splitlines()
            first = next((i for i, (g, w) in enumerate(zip(got_lines, want_lines)) if g != w),
                         min(len(got_lines), len(want_lines)))
            failures.append("%s: stdout differs from %s at line %d\n--- expected\n%s\n--- twin printed\n%s" % (
                name, os.path.basename(expected_path), first + 1,
                cpjit_test.show(b"\n".join(want_lines[first:first + 3])),
                cpjit_test.show(b"\n".join(got_lines[first:first + 3]))))
        else:
            print("ok   %s (%.1f s)" % (name, r.seconds))
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed" % (len(args.twins) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
