#!/usr/bin/env python3
"""`cpjit bench --compile` goes through any program: one that makes no trace
(it never gets hot, or it stops at a runtime error first) is a row that says
so, beside a program whose traces it times; the exit code is 0.

  check_bench_compile.py --cpjit build/cpjit [--emulator CMD]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HOT_LOOP = os.path.join(HERE, "..", "jit", "hot_loop.cpasm")
COLD = ".func main\n    const 1\n    print\n    const nil\n    ret\n.end\n"
FAILS = ".func main\n    const 1\n    const 0\n    div\n    print\n    const nil\n    ret\n.end\n"


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    args = ap.parse_args()
    base = cpjit_test.Cpjit(args.cpjit, args.emulator).cmd()
    failures = []
    with tempfile.TemporaryDirectory(prefix="cpjit-bench-compile-") as tmp:
        programs = []
        for name, text in (("cold", COLD), ("fails", FAILS)):
            path = os.path.join(tmp, name + ".cpasm")
            with open(path, "w") as f:
                f.write(text)
            programs.append(path)
        r = subprocess.run(base + ["bench", "--compile", "--repeat", "3", *programs, HOT_LOOP], capture_output=True,
                           text=True, timeout=600)
        print(r.stdout)
        if r.returncode != 0:
            failures.append(f"exit {r.returncode} (signal {-r.returncode if r.returncode < 0 else 0}): {r.stderr}")
        rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.split()}
        for name in ("cold", "fails"):
            if "made no trace" not in rows.get(name, ""):
                failures.append(f"{name}: no row saying it made no trace: {rows.get(name)!r}")
        hot = rows.get("hot_loop", "")
        if "no trace" in hot or "FAILED" in hot or len(hot.split()) < 5 or int(hot.split()[1]) < 1:
            failures.append(f"hot_loop: no figures: {hot!r}")
    for f in failures:
        print("FAIL:", f)
    print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
