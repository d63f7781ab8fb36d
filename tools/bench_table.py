#!/usr/bin/env python3
"""The summary table at the top of docs/benchmarks.md, from one run:

  tools/bench_table.py --cpjit build/cpjit [--repeat 7] \\
      [--json docs/benchmarks.json] [--chart docs/benchmarks.svg]
  tools/bench_table.py --from-json docs/benchmarks.json   (the table again)

One run does, back to back: `cpjit bench` on examples/BENCHMARKS and
bench/heldout/ with --tiers off,on --python (Tier 1, the JIT and the CPython
twin NAME.py of each program, a fresh process per run, one warm-up run
discarded, stdout checked), then the C twins of tools/bench/c/ (gcc -O2,
warm-up + the same number of runs, stdout checked against the example's).
Every figure of the table is the minimum wall time of the measured runs (the
run least disturbed by other load); compile figures come from the JIT's
warm-up run's --stats; peak RSS is the largest of the measured runs'. The
JSON is `cpjit bench --json`'s, with the C twins' samples and the load
average before and after added. Prints Markdown.
"""
import argparse
import glob
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C_TWINS = ["fib", "mandelbrot", "nbody"]  # tools/bench/c/NAME.c


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def bench_files():
    names = [l.strip() for l in open(os.path.join(ROOT, "examples", "BENCHMARKS"))
             if l.strip() and not l.startswith("#")]
    return ([os.path.join("examples", n + ".cpasm") for n in names]
            + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "bench", "heldout", "*.cpasm"))))


def time_c_twins(repeat, names):
    """{name: {"samples": [s...], "min_s": s}} of each C twin, gcc -O2."""
    out = {}
    tmp = tempfile.mkdtemp(prefix="cpjit-bench-c-")
    for name in names:
        exe = os.path.join(tmp, name)
        subprocess.run(["gcc", "-O2", "-o", exe, os.path.join(ROOT, "tools", "bench", "c", name + ".c"), "-lm"],
                       check=True)
        expected = open(os.path.join(ROOT, "examples", name + ".stdout"), "rb").read()
        samples = []
        for r in range(repeat + 1):  # run 0 is a warm-up
            t0 = time.monotonic()
            p = subprocess.run([exe], capture_output=True)
            t = time.monotonic() - t0
            if p.returncode != 0 or p.stdout != expected:
                sys.exit("bench_table: the C twin of %s printed something else than examples/%s.stdout" % (name, name))
            if r:
                samples.append(t)
        out[name] = {"samples": samples, "min_s": min(samples)}
        print("bench_table: C %s: %s" % (name, " ".join("%.3f" % s for s in samples)), file=sys.stderr)
    return out


def cell(bench, config):
    for run in bench["runs"]:
        if run["config"] == config:
            return run
    return None


def min_s(run):
    if not run or not run["ok"]:
        return float("nan")
    return min(s["wall_s"] for s in run["samples"])


def rss(run):
    return run["peak_rss_kib"] / 1024 if run and run["ok"] else float("nan")


def fmt(x, f="%.3f"):
    return f % x if x is not None and math.isfinite(x) else "-"


def print_table(data):
    rows, jit_t1, jit_py, t1_py, c_ratio = [], [], [], [], []
    c = data.get("c_twins", {})
    for b in data["benchmarks"]:
        t1, on, py = cell(b, "off+threaded"), cell(b, "on+threaded"), cell(b, "python3")
        s_t1, s_on, s_py = min_s(t1), min_s(on), min_s(py)
        s_c = c[b["name"]]["min_s"] if b["name"] in c else float("nan")
        jit_t1.append(s_t1 / s_on)
        jit_py.append(s_py / s_on)
        t1_py.append(s_py / s_t1)
        if math.isfinite(s_c):
            c_ratio.append(s_on / s_c)
        st = on["stats"] if on and on.get("stats") else {}
        traces, uops, ns = st.get("traces_compiled"), st.get("uops_in_traces"), st.get("compile_ns")
        compile_cell = "-"
        if traces and uops and ns:
            compile_cell = "%d / %d / %.0f / %.0f" % (traces, uops, ns / 1e3 / traces, ns / uops)
        held = "heldout" in b["file"]
        rows.append("| %s%s | %s | %s | %s | %s | %.2fx | %.2fx | %s | %s | %.1f / %.1f / %s |" % (
            b["name"], " (held out)" if held else "", fmt(s_t1), fmt(s_on), fmt(s_py), fmt(s_c), s_t1 / s_on,
            s_py / s_on, fmt(s_on / s_c, "%.1fx") if math.isfinite(s_c) else "-", compile_cell, rss(t1), rss(on),
            fmt(rss(py), "%.1f")))
    print("| program | Tier 1 s | JIT s | CPython s | C -O2 s | JIT vs Tier 1 | JIT vs CPython | JIT behind C "
          "| traces / uops / µs per trace / ns per uop | peak RSS MiB Tier 1 / JIT / CPython |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(r)
    print("| **geometric mean** | | | | | **%.2fx** | **%.2fx** | **%s** | | |" % (
        geomean(jit_t1), geomean(jit_py), fmt(geomean(c_ratio), "%.1fx")))
    print()
    print("Tier 1 against CPython: %.2fx (geometric mean)." % geomean(t1_py))
    m = data["machine"]
    print()
    print("Run: %s; %s, %d CPUs, %s; %s; load average %.1f before, %.1f after; %d measured runs per figure "
          "after 1 warm-up (`%s`)." % (
              m["date"], m["cpu_model"], m["nproc"], m["kernel"].split(" #")[0], m["python_version"],
              data["load_average"]["before"], data["load_average"]["after"], data["repeat"],
              " ".join(data["table_command"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpjit", help="the cpjit to measure (the release build, build/cpjit)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", help="write every sample here (default: a temporary file)")
    ap.add_argument("--chart", help="also draw cpjit bench's SVG chart here")
    ap.add_argument("--from-json", help="print the table of an earlier run's --json file")
    ap.add_argument("files", nargs="*", help="programs (default: examples/BENCHMARKS and bench/heldout/)")
    args = ap.parse_args()
    if args.from_json:
        print_table(json.load(open(args.from_json)))
        return 0
    if not args.cpjit:
        ap.error("--cpjit or --from-json needed")
    json_path = os.path.abspath(args.json or os.path.join(tempfile.mkdtemp(prefix="cpjit-bench-"), "bench.json"))
    load_before = os.getloadavg()[0]
    cmd = [os.path.abspath(args.cpjit), "bench", *(args.files or bench_files()), "--tiers", "off,on", "--python",
           "--repeat", str(args.repeat), "--json", json_path]
    if args.chart:
        cmd += ["--chart", os.path.abspath(args.chart)]
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        sys.exit("bench_table: cpjit bench failed")
    measured = {os.path.splitext(os.path.basename(f))[0] for f in (args.files or bench_files())}
    c_twins = time_c_twins(args.repeat, [n for n in C_TWINS if n in measured])
    data = json.load(open(json_path))
    data["c_twins"] = c_twins
    data["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    data["table_command"] = ["tools/bench_table.py"] + sys.argv[1:]
    with open(json_path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print_table(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
