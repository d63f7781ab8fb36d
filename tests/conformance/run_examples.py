#!/usr/bin/env python3
"""Conformance runner: runs every NAME.cpasm in the given folders and compares
stdout, stderr and exit code byte for byte with NAME.stdout, NAME.stderr
(default empty) and NAME.exitcode (default 0).

  run_examples.py --cpjit build/cpjit --flags "--jit=off" DIR...
  run_examples.py --cpjit build/cpjit --roundtrip DIR...
  run_examples.py --cpjit build-aarch64/cpjit \
      --emulator qemu-aarch64 --flags "--jit=off" DIR...

--roundtrip assembles each program that loads, disassembles the binary,
assembles that text again and requires identical bytes; then runs the binary
and requires the same results as the text.

When the environment sets CPJIT_REDUCED_BENCHMARKS=1 (sanitizer builds and
qemu are too slow for the full sizes), programs listed in a folder's
BENCHMARKS file are replaced by their reduced-input variant, derived at run
time by tests/conformance/small/make_small.py (expected output
small/NAME.stdout, printed by the reduced Python twin); a benchmark without a
reduction there fails.
--benchmarks runs only the programs of BENCHMARKS, at full size whatever the
environment says (the qemu stage runs them once under the JIT this way).
Programs are run from their own folder so load errors name the bare file.
--emulator (split like a shell would) is put before every cpjit command: a
cross build's binary runs under qemu-user (binfmt_misc is not relied on).

Hangs (tests/lib/cpjit_test.py): when --flags selects a Tier 2 (any --jit
other than off), each program first runs with --jit=off and the mode's run
gets that time's budget; past it the program is reported as a HANG. A run
past --timeout is a failure in every mode. --no-reference leaves out the
--jit=off run (under qemu it would take minutes per benchmark): then only
--timeout limits a run.
"""
import argparse
import os
import shlex
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "small"))
import make_small  # noqa: E402


def programs(dirs, small_dir, only_benchmarks=False):
    """(folder, file name) of every program to run, benchmarks swapped for
    their small variants under CPJIT_REDUCED_BENCHMARKS=1; with only_benchmarks,
    the full-size benchmarks alone."""
    small = small_dir is not None and not only_benchmarks
    for d in dirs:
        if not os.path.isdir(d):
            # An empty folder is not kept by git: a fresh clone may lack one.
            print("note: %s does not exist, skipped" % d, file=sys.stderr)
            continue
        bench = set()
        bf = os.path.join(d, "BENCHMARKS")
        if (small or only_benchmarks) and os.path.exists(bf):
            with open(bf) as f:
                bench = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        for name in sorted(os.listdir(d)):
            if not name.endswith(".cpasm"):
                continue
            if only_benchmarks:
                if name[:-6] in bench:
                    yield d, name
            else:
                yield (small_dir if name[:-6] in bench else d), name


def uses_tier2(flags):
    jit = [f for f in flags if f.startswith("--jit=")]
    return not jit or jit[-1] != "--jit=off"


def check(label, r, want):
    """A failure message when run r's outcome is not `want`, else None."""
    if r.timed_out:
        return "%s: %s (stderr so far: %s)" % (label, r.status(), cpjit_test.show(r.stderr))
    problems = cpjit_test.outcome_differences(r.outcome(), want)
    return "%s: %s" % (label, "\n".join(problems)) if problems else None


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--flags", default="")
    ap.add_argument("--roundtrip", action="store_true")
    ap.add_argument("--benchmarks", action="store_true", help="only the BENCHMARKS programs, at full size")
    ap.add_argument("--no-reference", action="store_true", help="no --jit=off run to set a time budget")
    ap.add_argument("--timeout", type=float, default=cpjit_test.DEFAULT_TIMEOUT,
                    help="limit of every run (and of the --jit=off reference run)")
    ap.add_argument("--hang-constant", type=float, default=None,
                    help="seconds added to 10x the reference run (default: tests/lib/cpjit_test.py)")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    flags = shlex.split(args.flags)
    reference = uses_tier2(flags) and not args.roundtrip and not args.no_reference
    checks = cpjit_test.Checks()
    tmp = tempfile.mkdtemp(prefix="cpjit-conf-")
    small_dir = None
    if os.environ.get("CPJIT_REDUCED_BENCHMARKS") == "1" and not args.benchmarks:
        small_dir = os.path.join(tmp, "small")
        os.mkdir(small_dir)
        make_small.materialize(small_dir)
    for d, name in programs(args.dirs, small_dir, args.benchmarks):
        base = os.path.join(d, name[:-6])
        want = cpjit_test.expected_outcome(base)
        if want[0] is None:
            checks.fail("%s: no .stdout file" % name)
            continue
        if args.roundtrip:
            if want[2] == 2:
                continue  # does not load: nothing to round-trip
            b1, t1, b2 = (os.path.join(tmp, name + ext) for ext in (".1.cpbc", ".dis.cpasm", ".2.cpbc"))
            err = None
            r = tool.run("asm", name, "-o", b1, timeout=args.timeout, cwd=d)
            if r.code == 0:
                r = tool.run("dis", b1, timeout=args.timeout, cwd=d)
                if r.code == 0:
                    with open(t1, "wb") as f:
                        f.write(r.stdout)
                    r = tool.run("asm", t1, "-o", b2, timeout=args.timeout, cwd=d)
            if r.code != 0:
                err = "%s: round trip step failed (%s): %s" % (name, r.status(), cpjit_test.show(r.stderr))
            elif open(b1, "rb").read() != open(b2, "rb").read():
                err = "%s: asm(dis(asm(x))) differs from asm(x)" % name
            else:
                # The binary must behave like the text, traceback lines included.
                err = check(name + " (binary)", tool.run("run", b1, timeout=args.timeout, cwd=d), want)
        else:
            label = "%s [%s]" % (name, args.flags)
            limit = args.timeout
            if reference:
                ref = tool.run("run", "--jit=off", name, timeout=args.timeout, cwd=d)
                if not ref.timed_out:
                    limit = min(args.timeout, tool.budget(ref.seconds, constant=args.hang_constant))
            got = tool.run("run", *flags, name, timeout=limit, cwd=d)
            if reference and got.timed_out and not ref.timed_out:
                err = cpjit_test.hang_message(label, limit, ref)
            else:
                err = check(label, got, want)
        if err:
            checks.fail(err)
        else:
            checks.passed()
    shutil.rmtree(tmp, ignore_errors=True)
    checks.report(require_pass=True)


if __name__ == "__main__":
    main()
