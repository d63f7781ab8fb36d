#!/usr/bin/env python3
"""Bad input never crashes: mutate every sample program (as text and as a
.cpbc binary) many times with a fixed seed, run each mutant, and require an
exit code of 0, 1 or 2 (never a signal, never a sanitizer report), and for
exit code 2 exactly one line on stderr.

  mutate_inputs.py --cpjit build/cpjit [--count N] [--seed S] [--emulator CMD] DIR...

Mutants that verify and run are given --max-heap and a timeout (a mutated
loop may never end: a timeout is not a failure, a crash is). Each mutant
that loads and ends (exit 0 or 1) also runs with --jit=on --jit-threshold=1,
so every verified mutant reaches the JIT, and must give the same stdout,
stderr and exit code there (docs/reliability.md: no .cpbc input can make
the runtime jump to data it wrote).
"""
import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile


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
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("--count", type=int, default=int(os.environ.get("CPJIT_MUTANTS", "300")))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--emulator", default="")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    emu = shlex.split(args.emulator)
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
            if subprocess.run(emu + [args.cpjit, "asm", path, "-o", out], capture_output=True).returncode == 0:
                with open(out, "rb") as f:
                    seeds.append(f.read())
    if not seeds:
        print("0 passed, 1 failed (no seed programs)")
        return 1
    passed, failures, jit_compared = 0, [], 0
    for n in range(args.count):
        data = mutate(rng.choice(seeds), rng)
        path = os.path.join(tmp, "m%d" % n)
        with open(path, "wb") as f:
            f.write(data)
        threshold = rng.choice([1, 2, 64])
        tier = rng.choice(["off", "uops", "on"])
        cmd = emu + [args.cpjit, "run", "--max-heap=256M", "--jit-threshold=%d" % threshold, "--jit=%s" % tier, path]
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            passed += 1  # a mutated loop that never ends is not a crash
            continue
        err = p.stderr.decode("utf-8", "replace")
        bad = None
        if p.returncode not in (0, 1, 2):
            bad = "exit code %d" % p.returncode
        elif "Sanitizer" in err or "runtime error:" in err:
            bad = "sanitizer report"
        elif p.returncode == 2 and (err.count("\n") != 1 or not err.startswith("error: ")):
            bad = "exit 2 without exactly one 'error: ' line"
        if not bad and p.returncode in (0, 1) and (tier, threshold) != ("on", 1):
            jit_cmd = cmd[:-3] + ["--jit-threshold=1", "--jit=on", path]
            try:
                q = subprocess.run(jit_cmd, capture_output=True, timeout=10)
                jit_compared += 1
                if (q.stdout, q.stderr, q.returncode) != (p.stdout, p.stderr, p.returncode):
                    cmd = jit_cmd
                    err = q.stderr.decode("utf-8", "replace")
                    bad = "--jit=on --jit-threshold=1 differs from --jit=%s --jit-threshold=%d (exit %d vs %d)" % (
                        tier, threshold, q.returncode, p.returncode)
            except subprocess.TimeoutExpired:
                pass  # slower in the JIT than the limit allows: not a crash
        if bad:
            keep = os.path.join(tmp, "crash%d" % n)
            os.rename(path, keep)
            failures.append("%s: %s (input kept at %s)\n%s" % (" ".join(cmd[-3:-1]), bad, keep, err[:800]))
        else:
            passed += 1
    for f in failures:
        print("FAIL " + f)
    print("%d passed, %d failed (%d that ran also compared with --jit=on --jit-threshold=1)" % (
        passed, len(failures), jit_compared))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
