#!/usr/bin/env python3
"""`cpjit bench --compile` goes through any program: one that makes no trace
(it never gets hot, or it stops at a runtime error first) is a row that says
so, beside a program whose traces it times; the exit code is 0.

  check_bench_compile.py --cpjit build/cpjit [--emulator CMD]
"""
import argparse
import os
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
    tool = cpjit_test.Cpjit.from_args(ap.parse_args())
    checks = cpjit_test.Checks()
    with tempfile.TemporaryDirectory(prefix="cpjit-bench-compile-") as tmp:
        programs = []
        for name, text in (("cold", COLD), ("fails", FAILS)):
            path = os.path.join(tmp, name + ".cpasm")
            with open(path, "w") as f:
                f.write(text)
            programs.append(path)
        r = tool.run("bench", "--compile", "--repeat", "3", *programs, HOT_LOOP, timeout=600, text=True)
        print(r.stdout)
        checks.expect(r.code == 0, f"{r.status()}: {r.stderr}")
        rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.split()}
        for name in ("cold", "fails"):
            checks.expect("made no trace" in rows.get(name, ""), f"{name}: no row saying it made no trace: {rows.get(name)!r}")
        hot = rows.get("hot_loop", "")
        checks.expect(not ("no trace" in hot or "FAILED" in hot or len(hot.split()) < 5 or int(hot.split()[1]) < 1),
                      f"hot_loop: no figures: {hot!r}")
    checks.report()


if __name__ == "__main__":
    main()
