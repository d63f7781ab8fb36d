#!/usr/bin/env python3
"""Side-by-side benchmark of cpjit's modes (and CPython on the Python twins).

  python3 tools/bench.py [FILES...] [--modes off-threaded,off-switch,...]
                         [--repeat N] [--python] [--json FILE]

Method: every program runs in a fresh process per repetition; the first run
of each (program, mode) is a warm-up and is discarded; the table shows the
median and minimum wall time of the remaining runs, the peak resident set
size (ru_maxrss of the child), and the speedup of each mode's median over
the baseline mode (Tier-1 threaded). All modes of one program run
interleaved, on the same machine, in one invocation. Also measured: start-up
(an empty main) and peak memory of a program that allocates about 10 GB in
total while keeping under 1 MB alive.
"""
import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = {
    "off-threaded": ["--jit=off", "--interp=threaded"],
    "off-switch": ["--jit=off", "--interp=switch"],
    "off-nospec": ["--jit=off", "--specialize=off"],
    "uops": ["--jit=uops"],
    "on": ["--jit=on"],
}
BASELINE = "off-threaded"


def run_measured(cmd, cwd):
    """Wall time and peak RSS (KiB) of one child."""
    t0 = time.perf_counter()
    # close_fds=False lets Python use posix_spawn (vfork), so the child's peak
    # RSS is its own and not that of a copy of this Python process.
    # (that needs no cwd either: programs are passed by absolute path).
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, close_fds=False)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read()
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, code, err


def bench_one(cmd, cwd, repeat):
    run_measured(cmd, cwd)  # warm-up, discarded
    samples, rss = [], 0
    for _ in range(repeat):
        wall, maxrss, code, err = run_measured(cmd, cwd)
        if code not in (0,):
            raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), code, err.decode(errors="replace")[:300]))
        samples.append(wall)
        rss = max(rss, maxrss)
    return {"samples": samples, "median": statistics.median(samples), "min": min(samples), "rss_kib": rss}


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--cpjit", default=os.path.join(ROOT, "build", "cpjit"))
    ap.add_argument("--modes", default="off-threaded,off-switch")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python", action="store_true", help="also run NAME.py twins with python3")
    ap.add_argument("--json")
    ap.add_argument("--no-extras", action="store_true", help="skip the start-up and memory measurements")
    args = ap.parse_args()

    modes = args.modes.split(",")
    for m in modes:
        if m not in MODES:
            sys.exit("bench: unknown mode %r (have %s)" % (m, ", ".join(MODES)))
    if BASELINE not in modes:
        modes.insert(0, BASELINE)
    files = args.files
    if not files:
        with open(os.path.join(ROOT, "examples", "BENCHMARKS")) as f:
            names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        files = [os.path.join(ROOT, "examples", n + ".cpasm") for n in names]

    results = {}
    cols = modes + (["python3"] if args.python else [])
    for path in files:
        name = os.path.basename(path)[:-6]
        cwd = os.path.dirname(os.path.abspath(path))
        row = {}
        for m in modes:
            print("bench: %s [%s]..." % (name, m), file=sys.stderr, flush=True)
            row[m] = bench_one([args.cpjit, "run", *MODES[m], os.path.abspath(path)], cwd, args.repeat)
        twin = path[:-6] + ".py"
        if args.python and os.path.exists(twin):
            print("bench: %s [python3]..." % name, file=sys.stderr, flush=True)
            row["python3"] = bench_one(["python3", os.path.abspath(twin)], cwd, args.repeat)
        results[name] = row

    base = BASELINE
    header = "%-16s" % "program" + "".join(" %26s" % c for c in cols)
    print("\neach cell: median s (min s), time relative to %s (above 1 = slower), peak RSS MiB" % base)
    print(header)
    for name, row in results.items():
        line = "%-16s" % name
        for c in cols:
            r = row.get(c)
            if not r:
                line += " %26s" % "-"
                continue
            sp = row[base]["median"] / r["median"]
            line += " %26s" % ("%.3f (%.3f) %.2fx %dM" % (r["median"], r["min"], 1 / sp if c != base else 1.0, r["rss_kib"] // 1024))
        print(line)
    print("\ngeometric mean of time relative to %s (above 1 = slower than it):" % base)
    summary = {}
    for c in cols:
        ratios = [row[c]["median"] / row[base]["median"] for row in results.values() if c in row]
        summary[c] = geomean(ratios)
        print("  %-14s %.2fx  (over %d programs)" % (c, summary[c], len(ratios)))

    extras = {}
    if not args.no_extras:
        bdir = os.path.join(ROOT, "tools", "bench")
        r = bench_one([args.cpjit, "run", os.path.join(bdir, "startup.cpasm")], bdir, max(args.repeat, 10))
        extras["startup_ms"] = r["median"] * 1000
        print("\nstart-up (empty main): median %.2f ms, min %.2f ms" % (r["median"] * 1000, r["min"] * 1000))
        r = bench_one([args.cpjit, "run", "--jit=off", os.path.join(bdir, "alloc_churn.cpasm")], bdir, 1)
        extras["alloc_churn"] = r
        print("alloc_churn (about 10 GB allocated, <1 MB live): %.2f s, peak RSS %.1f MiB" % (r["median"], r["rss_kib"] / 1024))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": {"platform": platform.platform(), "processor": platform.processor(),
                                   "cpus": os.cpu_count(), "python": sys.version.split()[0]},
                       "method": "fresh process per run, 1 warm-up discarded, %d measured runs" % args.repeat,
                       "results": results, "geomean_over_baseline": summary, "extras": extras}, f, indent=1)


if __name__ == "__main__":
    main()
