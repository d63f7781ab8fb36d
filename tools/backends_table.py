#!/usr/bin/env python3
"""The comparison tables of docs/backends.md: each benchmark of
examples/BENCHMARKS under --jit=off, on (copy-and-patch), llvm-O0 and
llvm-O2, in one go (a build with -DCPJIT_LLVM_BACKEND=ON):

  tools/backends_table.py --cpjit build-llvm/cpjit [--repeat 3] [--json FILE]
  tools/backends_table.py --from-json FILE      (the tables again, from a --json file)

Every run is a fresh `cpjit run --stats=FILE` process (one warm-up run
discarded); stdout must equal NAME.stdout. From each run's stats: run_ns
(the VM's run, compile included), compile_ns, traces_compiled,
uops_in_traces, code_bytes. "Code" time = run_ns - compile_ns of the same
run: the time spent outside the compiler. Per configuration the table shows
the minimum over the runs (the least disturbed by other load on a shared
machine) and the compile figures of the median run. Prints Markdown.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")
CONFIGS = ["off", "on", "llvm-O0", "llvm-O2"]


def geomean(xs):
    xs = [x for x in xs if x > 0 and math.isfinite(x)]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def one_run(cpjit, jit, path, expected, stats_path):
    p = subprocess.run([cpjit, "run", "--jit=" + jit, "--stats=" + stats_path, path], capture_output=True)
    if p.returncode != 0 or (expected is not None and p.stdout != expected):
        sys.exit("backends_table: %s --jit=%s: wrong output or exit code %d" % (path, jit, p.returncode))
    with open(stats_path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpjit")
    ap.add_argument("--from-json", help="print the tables of an earlier run's --json file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="write every run's figures here")
    args = ap.parse_args()
    names = [l.strip() for l in open(os.path.join(EXAMPLES, "BENCHMARKS")) if l.strip() and not l.startswith("#")]
    if args.from_json:
        with open(args.from_json) as f:
            saved = json.load(f)
        results = {tuple(k.split(" ")): v for k, v in saved["runs"].items()}
        print_tables(names, results, saved["header"])
        return
    if not args.cpjit:
        sys.exit("backends_table: --cpjit or --from-json needed")
    tmp = tempfile.mkdtemp(prefix="cpjit-backends-")
    stats_path = os.path.join(tmp, "stats.json")
    load_before = os.getloadavg()
    results = {}
    for name in names:
        path = os.path.join(EXAMPLES, name + ".cpasm")
        exp_path = os.path.join(EXAMPLES, name + ".stdout")
        expected = open(exp_path, "rb").read() if os.path.exists(exp_path) else None
        for jit in CONFIGS:
            runs = [one_run(args.cpjit, jit, path, expected, stats_path) for _ in range(args.repeat + 1)][1:]
            results[(name, jit)] = runs
            print("%s --jit=%s: %s" % (name, jit, " ".join("%.3f" % (r["run_ns"] / 1e9) for r in runs)),
                  file=sys.stderr)
    load_after = os.getloadavg()
    header = ("%d runs per configuration after one warm-up run; %s; load average %.1f before, %.1f after "
              "(`%s`)." % (args.repeat, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load_before[0],
                           load_after[0], " ".join(["tools/backends_table.py"] + sys.argv[1:])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "runs": {"%s %s" % k: v for k, v in results.items()}}, f, indent=1)
    print_tables(names, results, header)


def print_tables(names, results, header):

    def fig(name, jit):
        runs = results[(name, jit)]
        mid = sorted(runs, key=lambda r: r.get("compile_ns", 0))[len(runs) // 2]
        n = max(1, mid.get("traces_compiled", 0))
        return dict(wall=min(r["run_ns"] for r in runs) / 1e9,
                    code=min(r["run_ns"] - r.get("compile_ns", 0) for r in runs) / 1e9,
                    us=mid.get("compile_ns", 0) / 1e3 / n, ns_uop=mid.get("compile_ns", 0) / max(1, mid.get("uops_in_traces", 1)),
                    n=mid.get("traces_compiled", 0), uops=mid.get("uops_in_traces", 0), bytes=mid.get("code_bytes", 0))

    print(header + "\n")
    print("**Compile** (median run): µs per trace, ns per uop, and machine code bytes placed.\n")
    print("| program | traces | uops | c&p µs/trace | O0 µs/trace | O2 µs/trace | O0 / c&p | O2 / c&p "
          "| c&p ns/uop | O0 ns/uop | O2 ns/uop | c&p bytes | O0 bytes | O2 bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    r_o0, r_o2, c_o0, c_o2 = [], [], [], []
    for name in names:
        cp, o0, o2 = fig(name, "on"), fig(name, "llvm-O0"), fig(name, "llvm-O2")
        r_o0.append(o0["us"] / cp["us"])
        r_o2.append(o2["us"] / cp["us"])
        print("| %s | %d | %d | %.1f | %.0f | %.0f | %.0fx | %.0fx | %.0f | %.0f | %.0f | %d | %d | %d |" % (
            name, cp["n"], cp["uops"], cp["us"], o0["us"], o2["us"], r_o0[-1], r_o2[-1], cp["ns_uop"],
            o0["ns_uop"], o2["ns_uop"], cp["bytes"], o0["bytes"], o2["bytes"]))
    print("| **geometric mean** | | | | | | **%.0fx** | **%.0fx** | | | | | | |\n" % (geomean(r_o0), geomean(r_o2)))
    print("**Run** (minimum over the runs, seconds): the VM's whole run, then its code time (run minus "
          "compile). The ratios are LLVM's code time over copy-and-patch's: above 1, copy-and-patch's "
          "code is faster.\n")
    print("| program | Tier 1 | c&p | O0 | O2 | c&p code | O0 code | O2 code | O0 / c&p | O2 / c&p |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        t1, cp, o0, o2 = (fig(name, j) for j in CONFIGS)
        c_o0.append(o0["code"] / cp["code"])
        c_o2.append(o2["code"] / cp["code"])
        print("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx |" % (
            name, t1["wall"], cp["wall"], o0["wall"], o2["wall"], cp["code"], o0["code"], o2["code"], c_o0[-1],
            c_o2[-1]))
    print("| **geometric mean** | | | | | | | | **%.2fx** | **%.2fx** |" % (geomean(c_o0), geomean(c_o2)))


if __name__ == "__main__":
    main()
