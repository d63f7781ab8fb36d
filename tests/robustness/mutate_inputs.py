#!/usr/bin/env python3
"""Bad input never crashes: mutate every sample program (as text and as a
.cpbc binary) many times with a fixed seed, run each mutant, and require an
exit code of 0, 1 or 2 (never a signal, never a sanitizer report), and for
exit code 2 exactly one line on stderr.

  mutate_inputs.py --cpjit build/cpjit [--count N] [--seed S] [--emulator CMD] DIR...

Mutants that verify and run are given --max-heap and a time limit. A
mutated loop may never end: a mutant that runs past the limit in the
reference (--jit=off) too is not a failure. A mutant whose --jit=off run
ends but whose run in a Tier 2 goes past the budget of tests/lib/cpjit_test.py
is a HANG, a failure. Each mutant that loads and ends (exit 0 or 1) also
runs with --jit=on --jit-threshold=1, so every verified mutant reaches the
JIT, and must give the same stdout, stderr and exit code there, within the
budget (docs/reliability.md: no .cpbc input can make the runtime jump to
data it wrote).
"""
import argparse
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

# A mutant's first run: past this many seconds it is a loop that never ends
# (if --jit=off says so too). A budget is never above it.
LIMIT = 10.0


def mutate(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        if not data:
            data += bytes([rng.randrange(256)])
            continue
        i = rng.randrange(len(data))
        if kind == 0:
            data[i] = rng.randrange(256)
        elif kind == 1:
            data[i] ^= 1 << rng.randrange(8)
        elif kind == 2:
            del data[i:i + rng.randint(1, 8)]
        elif kind == 3:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            data = data[:i]
    return bytes(data)


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--count", type=int, default=int(os.environ.get("CPJIT_MUTANTS", "300")))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    checks = cpjit_test.Checks()
    limit = LIMIT * (3 if tool.emulated else 1)
    rng = random.Random(args.seed)
    seeds = []
    tmp = tempfile.mkdtemp(prefix="cpjit-mut-")
    for d in args.dirs:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".cpasm"):
                continue
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                seeds.append(f.read())
            out = os.path.join(tmp, name + ".cpbc")
            if tool.run("asm", path, "-o", out, timeout=cpjit_test.DEFAULT_TIMEOUT).code == 0:
                with open(out, "rb") as f:
                    seeds.append(f.read())
    if not seeds:
        checks.fail("no seed programs")
        checks.report()
    jit_compared, endless = 0, 0
    for n in range(args.count):
        data = mutate(rng.choice(seeds), rng)
        path = os.path.join(tmp, "m%d" % n)
        with open(path, "wb") as f:
            f.write(data)
        threshold = rng.choice([1, 2, 64])
        tier = rng.choice(["off", "uops", "on"])
        common = ["--max-heap=256M"]
        cmd = tool.cmd("run", *common, "--jit-threshold=%d" % threshold, "--jit=%s" % tier, path)
        p = cpjit_test.run(cmd, timeout=limit)
        ref = None  # the --jit=off run, when p is not one
        if tier == "off":
            ref = p
        elif p.timed_out or p.code in (0, 1):
            ref = cpjit_test.run(tool.cmd("run", *common, "--jit=off", path), timeout=limit)
        bad = None
        if p.timed_out and not ref.timed_out and tool.budget(ref.seconds) > limit:
            p = cpjit_test.run(cmd, timeout=tool.budget(ref.seconds))  # a slow program: its own budget
        if p.timed_out:
            if ref.timed_out:
                endless += 1
                checks.passed()  # a mutated loop that never ends, in every tier
                continue
            bad = "HANG: past its budget of %.1f s while --jit=off ended in %.2f s (%s)" % (
                max(limit, tool.budget(ref.seconds)), ref.seconds, ref.status())
            err = ""
        else:
            err = p.stderr.decode("utf-8", "replace")
            if p.code not in (0, 1, 2):
                bad = p.status()
            elif "Sanitizer" in err or "runtime error:" in err:
                bad = "sanitizer report"
            elif p.code == 2 and (err.count("\n") != 1 or not err.startswith("error: ")):
                bad = "exit 2 without exactly one 'error: ' line"
        if not bad and p.code in (0, 1) and (tier, threshold) != ("on", 1) and not ref.timed_out:
            jit_cmd = tool.cmd("run", *common, "--jit-threshold=1", "--jit=on", path)
            q = cpjit_test.run(jit_cmd, timeout=min(limit, tool.budget(ref.seconds)))
            jit_compared += 1
            if q.timed_out:
                cmd = jit_cmd
                bad = "--jit=on --jit-threshold=1: HANG: past its budget while --jit=off ended in %.2f s" % ref.seconds
            elif q.outcome() != p.outcome():
                cmd = jit_cmd
                err = q.stderr.decode("utf-8", "replace")
                bad = "--jit=on --jit-threshold=1 differs from --jit=%s --jit-threshold=%d (exit %d vs %d)" % (
                    tier, threshold, q.code, p.code)
        if bad:
            keep = os.path.join(tmp, "crash%d" % n)
            os.rename(path, keep)
            checks.fail("%s: %s (input kept at %s)\n%s" % (" ".join(cmd[-3:-1]), bad, keep, err[:800]))
        else:
            checks.passed()
    checks.report("%d that ran also compared with --jit=on --jit-threshold=1; %d never end, in --jit=off too"
                  % (jit_compared, endless))


if __name__ == "__main__":
    main()
