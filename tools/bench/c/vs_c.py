#!/usr/bin/env python3
"""How far cpjit is behind C: each C twin (tools/bench/c/NAME.c, gcc -O2)
against the same program under cpjit, by CPU time less start-up.

  tools/bench/c/vs_c.py [--cpjit build/cpjit] [--repeat 7] [--tiers on,off]
                        [--json FILE] [NAME ...]      (default: every twin)

Method. One round runs, one after the other, every configuration of a
program: the C twin, an empty C program (its start-up), then for each tier
`cpjit run --jit=TIER examples/NAME.cpasm` and `cpjit run --jit=TIER
tools/bench/startup.cpasm` (an empty main: cpjit's start-up in that tier).
Rounds alternate `--repeat` times after one warm-up round (discarded), so the
configurations of a row are measured side by side. Each run is a fresh
process; its CPU time is user + system time from wait4's rusage (the whole
process: loader, start-up, the work, exit). Every run's stdout is checked
against examples/NAME.stdout. A figure is the minimum over the measured
rounds (the run least disturbed by other load); the ratio is

    (cpjit CPU - cpjit start-up CPU) / (C CPU - C start-up CPU)

each side's own start-up taken off, so the ratio compares the work alone.
Wall times (minimum, not less start-up) are printed beside it.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TWINS_DIR = os.path.join(ROOT, "tools", "bench", "c")
STARTUP = os.path.join(ROOT, "tools", "bench", "startup.cpasm")
EMPTY_C = "int main(void) { return 0; }\n"
sys.path.insert(0, os.path.join(ROOT, "tools"))
from startup_bench import spawn_once  # noqa: E402  (one way to time a child, shared)


def twins():
    return sorted(f[:-2] for f in os.listdir(TWINS_DIR) if f.endswith(".c"))


def run_once(argv, expected, out_path):
    """(cpu_s, wall_s) of one fresh process; stdout must equal `expected` (bytes, or None)."""
    wall, cpu, _, code = spawn_once(argv, out_path)
    if code != 0:
        sys.exit("vs_c: %s exited with %d" % (" ".join(argv), code))
    if expected is not None and open(out_path, "rb").read() != expected:
        sys.exit("vs_c: %s printed something else than expected" % " ".join(argv))
    return cpu, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpjit", default=os.path.join(ROOT, "build", "cpjit"))
    ap.add_argument("--repeat", type=int, default=7, help="measured rounds (after one warm-up round)")
    ap.add_argument("--tiers", default="on", help="cpjit --jit settings to compare, comma-separated (default on)")
    ap.add_argument("--json", help="write every sample here")
    ap.add_argument("names", nargs="*", help="C twins (default: all of tools/bench/c/*.c)")
    args = ap.parse_args()
    if args.repeat < 1:
        sys.exit("vs_c: --repeat must be at least 1")
    names = args.names or twins()
    for n in names:
        if n not in twins():
            sys.exit("vs_c: no C twin tools/bench/c/%s.c (have: %s)" % (n, ", ".join(twins())))
    tiers = [t for t in args.tiers.split(",") if t]
    tmp = tempfile.mkdtemp(prefix="cpjit-vs-c-")
    empty = os.path.join(tmp, "empty")
    with open(empty + ".c", "w") as f:
        f.write(EMPTY_C)
    subprocess.run(["gcc", "-O2", "-o", empty, empty + ".c"], check=True)

    results = {}
    for name in names:
        exe = os.path.join(tmp, name)
        subprocess.run(["gcc", "-O2", "-o", exe, os.path.join(TWINS_DIR, name + ".c"), "-lm"], check=True)
        expected = open(os.path.join(ROOT, "examples", name + ".stdout"), "rb").read()
        configs = {"C": ([exe], expected), "C start-up": ([empty], b"")}
        for t in tiers:
            configs["cpjit " + t] = ([args.cpjit, "run", "--jit=" + t, os.path.join(ROOT, "examples", name + ".cpasm")], expected)
            configs["cpjit %s start-up" % t] = ([args.cpjit, "run", "--jit=" + t, STARTUP], None)
        samples = {c: [] for c in configs}
        for r in range(args.repeat + 1):  # round 0 is a warm-up
            for c, (argv, exp) in configs.items():
                cpu, wall = run_once(argv, exp, os.path.join(tmp, "stdout"))
                if r:
                    samples[c].append({"cpu_s": cpu, "wall_s": wall})
        results[name] = samples
        best = {c: (min(s["cpu_s"] for s in v), min(s["wall_s"] for s in v)) for c, v in samples.items()}
        c_work = best["C"][0] - best["C start-up"][0]
        row = [name, "%.4f" % best["C"][0], "%.4f" % best["C start-up"][0], "%.3f" % best["C"][1]]
        for t in tiers:
            j = best["cpjit " + t]
            js = best["cpjit %s start-up" % t]
            ratio = (j[0] - js[0]) / c_work if c_work > 0 else float("nan")
            row += ["%.4f" % j[0], "%.4f" % js[0], "%.3f" % j[1], "%.1fx" % ratio, "%.1fx" % (j[1] / best["C"][1])]
        results[name]["ratio"] = {t: ((best["cpjit " + t][0] - best["cpjit %s start-up" % t][0]) / c_work
                                      if c_work > 0 else None) for t in tiers}
        print_row(row, tiers, header=(name == names[0]))
    print("(CPU s: user + system time of the whole process, minimum of %d alternating rounds after a warm-up; "
          "start-up: an empty C main / `cpjit run` of tools/bench/startup.cpasm in the same tier; "
          "behind C = (cpjit CPU - its start-up) / (C CPU - its start-up); wall ratio: minimum wall times, start-up included)"
          % args.repeat)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeat": args.repeat, "tiers": tiers, "results": results,
                       "load_average": os.getloadavg()}, f, indent=1)


def print_row(row, tiers, header):
    cols = ["program", "C CPU s", "C start s", "C wall s"]
    for t in tiers:
        cols += ["%s CPU s" % t, "%s start s" % t, "%s wall s" % t, "behind C", "wall ratio"]
    widths = [max(len(c), 10) for c in cols]
    widths[0] = 12
    if header:
        print(" ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cols, widths))))
    print(" ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()
