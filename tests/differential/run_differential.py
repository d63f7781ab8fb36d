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
with the reference output next to it. The last line is always `N passed, M
failed` (a program passes when every configuration agrees with --jit=off).

The count defaults to the environment variable CPJIT_DIFF_COUNT, else
--default-count (300; the ctest passes a smaller one under an emulator).
--emulator (split like a shell would) goes before every cpjit command, for a
cross build run under qemu-user. Programs run in parallel (--jobs, default
the number of CPUs).
"""
import argparse
import concurrent.futures
import difflib
import os
import shlex
import subprocess
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
# Fewer locals in registers than the default 4 (the count changes which
# locals a trace keeps in l0..l3 and its reloads after calls): one of these
# per program, in turn (seed % 4), so each runs on a quarter of the programs.
ROTATING = [
    ["--jit=on", "--jit-threshold=1", "--local-regs=0"],
    ["--jit=on", "--jit-threshold=2", "--local-regs=1"],
    ["--jit=on", "--jit-threshold=1", "--local-regs=2"],
    ["--jit=on", "--jit-threshold=2", "--local-regs=3"],
]
# Every run gets these too: a generated program never needs much memory.
COMMON = ["--max-heap=512M"]


def run(cmd, timeout):
    """(stdout, stderr, exit code, seconds), or None past the timeout."""
    r = cpjit_test.run(cmd, timeout=timeout)
    return None if r.timed_out else (r.stdout, r.stderr, r.code, r.seconds)


def short_diff(name, want, got, limit=12):
    a = want.decode("utf-8", "replace").splitlines()
    b = got.decode("utf-8", "replace").splitlines()
    lines = list(difflib.unified_diff(a, b, "expected (--jit=off) " + name, "got " + name, n=1, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + ["... (%d more diff lines)" % (len(lines) - limit)]
    return "\n".join("    " + line for line in lines)


def check_one(seed, args, cpjit, emulator, tmpdir):
    """Returns (seed, None) when every tier agrees, else (seed, report)."""
    gen = subprocess.run([*emulator, args.generator, "--print", str(seed)], capture_output=True, check=True)
    text = gen.stdout.decode()
    path = os.path.join(tmpdir, "seed-%d.cpasm" % seed)
    with open(path, "w") as f:
        f.write(text)
    try:
        return compare(seed, args, cpjit, emulator, path, text)
    finally:
        os.unlink(path)


def compare(seed, args, cpjit, emulator, path, text):
    ref = run([*emulator, cpjit, "run", "--jit=off", *COMMON, path], args.timeout)
    if ref is None:
        return seed, "seed %d: --jit=off timed out (generator bug?)" % seed, text, None
    if ref[2] not in (0, 1):
        return seed, "seed %d: --jit=off exit code %d (generator bug?):\n%s" % (
            seed, ref[2], ref[1].decode("utf-8", "replace")[:600]), text, ref
    problems = []
    budget = cpjit_test.budget(ref[3], emulated=bool(emulator), factor=args.hang_factor, constant=args.hang_constant)
    for cfg in CONFIGS + ([ROTATING[seed % len(ROTATING)]] if ROTATING else []):
        got = run([*emulator, cpjit, "run", *cfg, *COMMON, path], budget)
        flags = " ".join(cfg)
        if got is None:
            problems.append("  [%s] HANG: ran past its budget of %.1f s (--jit=off took %.2f s)" % (
                flags, budget, ref[3]))
            continue
        parts = []
        if got[2] != ref[2]:
            parts.append("    exit code: expected %d, got %d" % (ref[2], got[2]))
        if got[0] != ref[0]:
            parts.append(short_diff("stdout", ref[0], got[0]))
        if got[1] != ref[1]:
            parts.append(short_diff("stderr", ref[1], got[1]))
        if parts:
            problems.append("  [%s]\n%s" % (flags, "\n".join(parts)))
    if problems:
        return seed, "FAILED seed %d (mismatch or hang):\n%s" % (seed, "\n".join(problems)), text, ref
    return seed, None, text, ref


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("--generator", required=True, help="diff_driver, whose --print SEED writes the program")
    ap.add_argument("--count", type=int, default=None,
                    help="programs to run (default: $CPJIT_DIFF_COUNT, else --default-count)")
    ap.add_argument("--default-count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", help="folder for the programs that mismatch")
    ap.add_argument("--emulator", default="", help="command put before every cpjit command")
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
    cpjit = os.path.abspath(args.cpjit)
    args.generator = os.path.abspath(args.generator)
    emulator = shlex.split(args.emulator)
    start = time.time()
    passed = failed = 0
    tmpdir = tempfile.mkdtemp(prefix="cpjit-diff-")
    seeds = range(args.seed, args.seed + args.count)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for seed, report, text, ref in pool.map(lambda s: check_one(s, args, cpjit, emulator, tmpdir), seeds):
            if report is None:
                passed += 1
                continue
            failed += 1
            print(report, flush=True)
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                base = os.path.join(args.save, "seed-%d" % seed)
                with open(base + ".cpasm", "w") as f:
                    f.write(text)
                if ref is not None:
                    for ext, data in ((".stdout", ref[0]), (".stderr", ref[1])):
                        with open(base + ext, "wb") as f:
                            f.write(data)
                    with open(base + ".exitcode", "w") as f:
                        f.write("%d\n" % ref[2])
                print("  saved to %s.cpasm (expected output: --jit=off)" % base, flush=True)
    try:
        os.rmdir(tmpdir)
    except OSError:
        pass
    print("seeds %d..%d, %.1f s" % (args.seed, args.seed + args.count - 1, time.time() - start), file=sys.stderr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
