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
    checks = cpjit_test.Checks()
    for twin in args.twins:
        expected_path = twin[:-3] + ".stdout"
        name = os.path.basename(twin)
        want = cpjit_test.read_bytes(expected_path) if twin.endswith(".py") else None
        if want is None:
            checks.fail("%s: no %s beside it" % (name, os.path.basename(expected_path)))
            continue
        path = os.path.abspath(twin)
        r = cpjit_test.run([args.python, path], timeout=args.timeout, cwd=os.path.dirname(path))
        if r.code != 0:
            checks.fail("%s: %s\n%s" % (name, r.status(), cpjit_test.show(r.stderr)))
        elif r.stdout != want:
            checks.fail("%s: stdout differs from %s\n%s" % (
                name, os.path.basename(expected_path),
                cpjit_test.diff(want, r.stdout, os.path.basename(expected_path), "the twin's stdout", limit=12)))
        else:
            checks.passed("%s (%.1f s)" % (name, r.seconds))
    checks.report(require_pass=True)


if __name__ == "__main__":
    main()
