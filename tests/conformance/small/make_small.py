#!/usr/bin/env python3
"""The reduced-input variant of every benchmark (examples/BENCHMARKS,
bench/heldout/BENCHMARKS): the program and its Python twin with the smaller
sizes of the table below. Only the expected outputs live in this folder,
NAME.stdout, printed by the reduced twin (python3), never by cpjit; the
reduced programs are derived from the full-size ones whenever they are needed,
so they cannot drift from them.

  tests/conformance/small/make_small.py          # write every NAME.stdout from the twins
  tests/conformance/small/make_small.py --check  # exit 1 if a NAME.stdout is not what its twin prints

Under CPJIT_REDUCED_BENCHMARKS=1 (the sanitizer and qemu stages of CI) the
conformance runner runs the reduced programs in place of the full-size ones,
so every benchmark still runs in every mode there: it calls materialize()
(tests/conformance/run_examples.py).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "lib"))
import cpjit_test  # noqa: E402

# name: (folder, [(text in NAME.cpasm, reduced)], [(text in NAME.py, reduced)]).
# Each text must occur exactly once in its file.
REDUCTIONS = {
    "fib": ("examples", [("    const 35\n    call fib", "    const 20\n    call fib")],
            [("print(fib(35))", "print(fib(20))")]),
    "nbody": ("examples", [("    const 160000\n", "    const 2000\n")],
              [("advance(bodies, 0.01, 160000)", "advance(bodies, 0.01, 2000)")]),
    "spectral_norm": ("examples", [("    const 450\n", "    const 40\n")], [("    n = 450\n", "    n = 40\n")]),
    "fannkuch": ("examples", [(".locals n res k\n    const 9\n", ".locals n res k\n    const 7\n")],
                 [("    n = 9\n", "    n = 7\n")]),
    "mandelbrot": ("examples", [("    const 560\n", "    const 48\n")], [("mandel(560)", "mandel(48)")]),
    "sieve": ("examples", [("    const 1000000\n", "    const 20000\n")], [("sieve(1000000)", "sieve(20000)")]),
    "binary_trees": ("examples", [("    const 15\n", "    const 8\n")], [("max_depth = 15", "max_depth = 8")]),
    "string_builder": ("examples", [("    const 3000000\n", "    const 30000\n")],
                       [("    n = 3000000\n", "    n = 30000\n")]),
    "richards": ("examples", [("    const 60\n", "    const 2\n")], [("while k < 60:", "while k < 2:")]),
    "tak": ("bench/heldout",
            [("    const 24\n    const 14\n    const 6\n", "    const 12\n    const 8\n    const 4\n"),
             ("    const 21\n    const 14\n    const 7\n", "    const 11\n    const 7\n    const 3\n"),
             ("    const 20\n    const 12\n    const 4\n", "    const 10\n    const 6\n    const 2\n"),
             ("    const 20\n    const 10\n    const 5\n", "    const 10\n    const 5\n    const 2\n"),
             ("    const 18\n    const 12\n    const 6\n", "    const 9\n    const 6\n    const 3\n")],
            [("run(24, 14, 6)", "run(12, 8, 4)"), ("run(21, 14, 7)", "run(11, 7, 3)"),
             ("run(20, 12, 4)", "run(10, 6, 2)"), ("run(20, 10, 5)", "run(10, 5, 2)"),
             ("run(18, 12, 6)", "run(9, 6, 3)")]),
    "hash_table": ("bench/heldout", [("    const 600000\n", "    const 20000\n")],
                   [("    n = 600000\n", "    n = 20000\n")]),
    "tree_of_arrays": ("bench/heldout", [("    const 40000\n", "    const 2000\n"), ("    const 2000\n    lt", "    const 200\n    lt")],
                       [("        n = 40000\n", "        n = 2000\n"), ("while q < 2000:", "while q < 200:")]),
    "matmul": ("bench/heldout", [("    const 60\n", "    const 32\n"), ("    const 30\n", "    const 4\n")],
               [("    n = 60\n", "    n = 32\n"), ("    reps = 30\n", "    reps = 4\n")]),
    "quicksort": ("bench/heldout", [("    const 60000\n", "    const 3000\n")], [("    n = 60000\n", "    n = 3000\n")]),
    "strings": ("bench/heldout", [("    const 100000\n", "    const 5000\n")], [("    n = 100000\n", "    n = 5000\n")]),
    "nqueens": ("bench/heldout", [("    const 11\n", "    const 7\n")], [("while size <= 11:", "while size <= 7:")]),
    "bytecode_vm": ("bench/heldout", [("    const 300\n", "    const 10\n")], [("while rep < 300:", "while rep < 10:")]),
    "heap_queue": ("bench/heldout", [("    const 60000\n", "    const 2000\n")], [("    steps = 60000\n", "    steps = 2000\n")]),
    "life": ("bench/heldout", [("    const 600\n", "    const 30\n"), ("    const 300\n", "    const 15\n")],
             [("run(64, 64, 600, 2024)", "run(64, 64, 30, 2024)"), ("run(48, 80, 300, 7)", "run(48, 80, 15, 7)")]),
    "dynprog": ("bench/heldout",
                [("    const 2400\n", "    const 110\n"), ("    const 2000\n    const 4242\n", "    const 100\n    const 4242\n"),
                 ("    const 250\n    store count\n", "    const 20\n    store count\n"), ("    const 100000\n", "    const 3000\n")],
                [("lcg_seq(2400, 17, 4)", "lcg_seq(110, 17, 4)"), ("lcg_seq(2000, 4242, 4)", "lcg_seq(100, 4242, 4)"),
                 ("    count = 250\n", "    count = 20\n"), ("change_ways(coins, 8, 100000)", "change_ways(coins, 8, 3000)")]),
    "ode": ("bench/heldout",
            [("    const 1024000\n", "    const 4000\n"), ("    const 300000\n", "    const 2000\n"),
             ("    const 400000\n", "    const 2000\n"), ("    const 600000\n", "    const 2000\n")],
            [("while n <= 1024000:", "while n <= 4000:"), ("3.0, 300000)", "3.0, 2000)"),
             ("0.001, 400000)", "0.001, 2000)"), ("0.0005, 600000)", "0.0005, 2000)")]),
    "collatz": ("bench/heldout", [("    const 1000000\n", "    const 20000\n"), ("    const 600000\n", "    const 20000\n")],
                [("collatz_table(1000000)", "collatz_table(20000)"), ("factor_counts(600000)", "factor_counts(20000)")]),
    "formatter": ("bench/heldout", [("    const 300000\n", "    const 3000\n")],
                  [("report(300000, 31337, digits)", "report(3000, 31337, digits)")]),
    "bignum": ("bench/heldout",
               [("    const 2500\n", "    const 300\n"), ("    const 500\n", "    const 100\n"),
                ("    const 12000\n", "    const 500\n"), ("    const 11\n", "    const 6\n"),
                ("    const 2048\n", "    const 64\n")],
               [("while k <= 2500:", "while k <= 300:"), ("if k % 500 == 0:", "if k % 100 == 0:"),
                ("while k < 12000:", "while k < 500:"), ("while k < 11:", "while k < 6:"),
                ("while k < 2048:", "while k < 64:")]),
    "graph": ("bench/heldout", [("    const 20000\n    const 60000\n    const 6\n    const 2\n",
                                 "    const 2000\n    const 6000\n    const 3\n    const 1\n")],
              [("run(20000, 60000, 6, 2)", "run(2000, 6000, 3, 1)")]),
    "exprcalc": ("bench/heldout", [("    const 40000\n", "    const 2000\n"), ("    const 5000\n", "    const 500\n")],
                 [("while count < 40000:", "while count < 2000:"), ("if count % 5000 == 0:", "if count % 500 == 0:")]),
    "kmeans": ("bench/heldout", [("    const 30000\n", "    const 2000\n"), ("    const 10000\n", "    const 1000\n")],
               [('run(30000, 12, 4711, "a")', 'run(2000, 12, 4711, "a")'), ('run(10000, 24, 99, "b")', 'run(1000, 24, 99, "b")')]),
}


def reduce_text(text, changes, where):
    for old, new in changes:
        if text.count(old) != 1:
            sys.exit("make_small: %r occurs %d times in %s (must be once)" % (old, text.count(old), where))
        text = text.replace(old, new)
    return text


def listed(folder):
    with open(os.path.join(ROOT, folder, "BENCHMARKS")) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def reduced(name):
    """(NAME.cpasm text, NAME.py text) of the reduced variant of benchmark `name`."""
    folder, asm_changes, py_changes = REDUCTIONS[name]
    src = os.path.join(ROOT, folder, name)
    note = "%s/%s with smaller sizes (tests/conformance/small/make_small.py)" % (folder, name)
    with open(src + ".cpasm") as f:
        asm = "; Reduced input: " + note + "\n" + reduce_text(f.read(), asm_changes, src + ".cpasm")
    with open(src + ".py") as f:
        py = "# Reduced input: " + note + "\n" + reduce_text(f.read(), py_changes, src + ".py")
    return asm, py


def names():
    """Every benchmark; one without a reduction is an error."""
    all_names = listed("examples") | listed("bench/heldout")
    missing = all_names - set(REDUCTIONS)
    if missing:
        sys.exit("make_small: no reduction for %s (add it to REDUCTIONS)" % ", ".join(sorted(missing)))
    return sorted(all_names)


def materialize(dest):
    """Writes NAME.cpasm (reduced) and NAME.stdout (the committed expected
    output) of every benchmark into the folder `dest`, for a conformance run."""
    for name in names():
        asm, _ = reduced(name)
        with open(os.path.join(dest, name + ".cpasm"), "w") as f:
            f.write(asm)
        expected = os.path.join(HERE, name + ".stdout")
        if os.path.exists(expected):  # a missing one fails the run (no expected output)
            with open(expected) as f, open(os.path.join(dest, name + ".stdout"), "w") as g:
                g.write(f.read())


def twin_output(name):
    _, py = reduced(name)
    p = cpjit_test.run([sys.executable, "-c", py], timeout=600, text=True)
    if p.code != 0:
        sys.exit("make_small: the reduced twin of %s failed (%s):\n%s" % (name, p.status(), p.stderr))
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    stale = []
    for name in names():
        path = os.path.join(HERE, name + ".stdout")
        content = twin_output(name)
        old = open(path).read() if os.path.exists(path) else None
        if old == content:
            continue
        stale.append(name)
        if not args.check:
            with open(path, "w") as f:
                f.write(content)
    if args.check:
        checks = cpjit_test.Checks()
        for name in names():
            if checks.expect(name not in stale, "stale: tests/conformance/small/%s.stdout is not what its reduced "
                             "twin prints (run make_small.py)" % name):
                checks.passed()
        checks.report(require_pass=True)
    print("%d file(s) written" % len(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
