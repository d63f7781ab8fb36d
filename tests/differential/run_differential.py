#!/usr/bin/env python3
"""Differential testing of the tiers on random programs, through the cpjit
command line (each run a process).

  run_differential.py --cpjit build/cpjit --generator build/tests/diff_driver \
      --count N --seed S [--save DIR]

The program for seed N is `diff_driver --print N` (tests/fuzz/program_gen.cpp,
the one generator; diff_driver itself runs the same programs in process,
faster). For each of N programs (seeds S, S+1, ...) runs `cpjit run
--jit=off` and then every Tier-2 configuration of CONFIGS below and one of
ROTATING (in turn), and requires the same
stdout, stderr and exit code byte for byte, each within the hang budget of
tests/lib/cpjit_test.py: --hang-factor (10) x the --jit=off run's wall time
+ --hang-constant (5 s natively, 30 s under an emulator: process start-up
and a busy machine). A run past its budget is a HANG, a failure like a
mismatch. A failure prints the seed, the configuration and a
short diff, and (with --save DIR) writes the program to DIR/seed-N.cpasm
with the reference output next to it. The last line always counts the
programs that passed and failed (a program passes when every configuration
agrees with --jit=off).

The count defaults to the environment variable CPJIT_DIFF_COUNT, else
--default-count (300; the ctest passes a smaller one under an emulator).
--emulator (split like a shell would) goes before every cpjit command, for a
cross build run under qemu-user. Programs run in parallel (--jobs, default
the number of CPUs).
"""
import argparse
import concurrent.futures
import os
import shlex
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402


CONFIGS = [
    ["--jit=uops"],
    ["--jit=uops", "--jit-threshold=1"],
    ["--jit=uops", "--jit-threshold=1", "--opt=0"],
    ["--jit=uops", "--jit-threshold=2"],
    ["--jit=on", "--jit-threshold=1"],
    ["--jit=on", "--jit-threshold=2"],
    ["--jit=on"],
]
# Fewer locals in registers than the default 4 and 4 (the counts change
# which locals a trace keeps in l0..l3 and fl0..fl3 and its reloads after
# calls): one of these per program, in turn (seed % 4), so each runs on a
# quarter of the programs.
ROTATING = [
    ["--jit=on", "--jit-threshold=1", "--local-regs=0", "--float-local-regs=2"],
    ["--jit=on", "--jit-threshold=2", "--local-regs=1", "--float-local-regs=0"],
    ["--jit=on", "--jit-threshold=1", "--local-regs=2", "--float-local-regs=1"],
    ["--jit=on", "--jit-threshold=2", "--local-regs=3", "--float-local-regs=3"],
]
# Every run gets these too: a generated program never needs much memory.
COMMON = ["--max-heap=512M"]


def check_one(seed, args, tool, generator, tmpdir):
    """(seed, None or a failure report, the program, the --jit=off run)."""
    gen = generator.run("--print", str(seed), timeout=args.timeout)
    if gen.code != 0:
        return seed, "seed %d: diff_driver --print: %s: %s" % (seed, gen.status(), cpjit_test.show(gen.stderr)), "", None
    text = gen.stdout.decode()
    path = os.path.join(tmpdir, "seed-%d.cpasm" % seed)
    with open(path, "w") as f:
        f.write(text)
    try:
        return compare(seed, args, tool, path, text)
    finally:
        os.unlink(path)


def compare(seed, args, tool, path, text):
    ref = tool.run("run", "--jit=off", *COMMON, path, timeout=args.timeout)
    if ref.timed_out:
        return seed, "seed %d: --jit=off %s (generator bug?)" % (seed, ref.status()), text, None
    if ref.code not in (0, 1):
        return seed, "seed %d: --jit=off %s (generator bug?):\n%s" % (
            seed, ref.status(), cpjit_test.show(ref.stderr)), text, ref
    problems = []
    budget = tool.budget(ref.seconds, factor=args.hang_factor, constant=args.hang_constant)
    for cfg in CONFIGS + ([ROTATING[seed % len(ROTATING)]] if ROTATING else []):
        got = tool.run("run", *cfg, *COMMON, path, timeout=budget)
        flags = " ".join(cfg)
        if got.timed_out:
            problems.append("  [%s] HANG: ran past its budget of %.1f s (--jit=off took %.2f s)" % (
                flags, budget, ref.seconds))
            continue
        parts = cpjit_test.outcome_differences(got.outcome(), ref.outcome(), "--jit=off")
        if parts:
            problems.append("  [%s]\n%s" % (flags, "\n".join("    " + p for p in parts)))
    if problems:
        return seed, "seed %d (mismatch or hang):\n%s" % (seed, "\n".join(problems)), text, ref
    return seed, None, text, ref


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--generator", required=True, help="diff_driver, whose --print SEED writes the program")
    ap.add_argument("--count", type=int, default=None,
                    help="programs to run (default: $CPJIT_DIFF_COUNT, else --default-count)")
    ap.add_argument("--default-count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", help="folder for the programs that mismatch")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--config", action="append", metavar="FLAGS",
                    help="a Tier-2 configuration to compare (repeatable; replaces the default set), "
                         "e.g. --config='--jit=uops --jit-threshold=5'")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("CPJIT_TEST_TIMEOUT", "60")),
                    help="limit of the --jit=off run (past it: a generator bug)")
    ap.add_argument("--hang-factor", type=float, default=cpjit_test.HANG_FACTOR)
    ap.add_argument("--hang-constant", type=float, default=None,
                    help="default: %g s, %g s under an emulator" % (cpjit_test.HANG_CONSTANT, cpjit_test.EMULATED_CONSTANT))
    args = ap.parse_args()
    if args.config:
        CONFIGS[:] = [shlex.split(c) for c in args.config]
        ROTATING.clear()
    if args.count is None:
        args.count = int(os.environ.get("CPJIT_DIFF_COUNT") or args.default_count)
    tool = cpjit_test.Cpjit.from_args(args)
    generator = cpjit_test.Cpjit(args.generator, args.emulator)
    start = time.time()
    checks = cpjit_test.Checks()
    tmpdir = tempfile.mkdtemp(prefix="cpjit-diff-")
    seeds = range(args.seed, args.seed + args.count)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for seed, report, text, ref in pool.map(lambda s: check_one(s, args, tool, generator, tmpdir), seeds):
            if report is None:
                checks.passed()
                continue
            checks.fail(report)
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                base = os.path.join(args.save, "seed-%d" % seed)
                with open(base + ".cpasm", "w") as f:
                    f.write(text)
                if ref is not None:
                    for ext, data in ((".stdout", ref.stdout), (".stderr", ref.stderr)):
                        with open(base + ext, "wb") as f:
                            f.write(data)
                    with open(base + ".exitcode", "w") as f:
                        f.write("%d\n" % ref.code)
                print("  saved to %s.cpasm (expected output: --jit=off)" % base, flush=True)
    try:
        os.rmdir(tmpdir)
    except OSError:
        pass
    print("seeds %d..%d, %.1f s" % (args.seed, args.seed + args.count - 1, time.time() - start), file=sys.stderr)
    checks.report(require_pass=True)


if __name__ == "__main__":
    main()
