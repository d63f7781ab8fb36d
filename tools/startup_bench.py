#!/usr/bin/env python3
"""Start-up cost of cpjit, whole processes side by side (docs/compile_time.md):

  tools/startup_bench.py --cpjit build/cpjit [--runs 10] [--program P.cpasm] [--json FILE]

Times, round after round in turn, /bin/true, `cpjit --version`,
`cpjit run --jit=off P` and `cpjit run --jit=on P`, where P
(tools/bench/startup.cpasm unless given) is a program that never gets hot.
Each run is a fresh process started with posix_spawn, stdin and stdout
/dev/null, after one warm-up round; wall time is the monotonic clock around
spawn and wait4, CPU time (user + system) and page faults (minor + major)
are wait4's for the child. Prints per command the least and median wall
time, the least CPU time (the figure other processes' load disturbs least)
and the page faults, then the two figures issue 27 bounds: `run --jit=off`
minus /bin/true and `run --jit=on` over `run --jit=off` (least wall times).
Exits 1 if a run fails or the two tiers print differently.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spawn_once(argv, stdout_path=os.devnull):
    """(wall seconds, cpu seconds, page faults, exit status) of one run of argv,
    its stdout written to stdout_path (tools/bench/c/vs_c.py uses it too)."""
    with open(os.devnull, "rb") as devin, open(stdout_path, "wb") as devout:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devin.fileno(), 0),
                                           (os.POSIX_SPAWN_DUP2, devout.fileno(), 1)])
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter()
    return t1 - t0, ru.ru_utime + ru.ru_stime, ru.ru_minflt + ru.ru_majflt, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpjit", default=os.path.join(ROOT, "build", "cpjit"))
    ap.add_argument("--program", default=os.path.join(ROOT, "tools", "bench", "startup.cpasm"))
    ap.add_argument("--runs", type=int, default=10, help="measured runs of each command (default 10)")
    ap.add_argument("--json", help="also write the figures and every sample to this file")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs takes a whole number from 1")
    cpjit = os.path.abspath(args.cpjit)
    true = "/bin/true"
    commands = [
        ("/bin/true", [true]),
        ("cpjit --version", [cpjit, "--version"]),
        ("cpjit run --jit=off", [cpjit, "run", "--jit=off", args.program]),
        ("cpjit run --jit=on", [cpjit, "run", "--jit=on", args.program]),
    ]

    outputs = {}
    for tier in ("off", "on"):
        p = subprocess.run([cpjit, "run", "--jit=" + tier, args.program], capture_output=True, timeout=60)
        if p.returncode != 0:
            sys.exit("startup_bench: cpjit run --jit=%s %s exits %d:\n%s" %
                     (tier, args.program, p.returncode, p.stderr.decode(errors="replace")))
        outputs[tier] = (p.stdout, p.stderr)
    if outputs["off"] != outputs["on"]:
        sys.exit("startup_bench: --jit=off and --jit=on print differently for " + args.program)

    samples = {name: [] for name, _ in commands}
    for name, argv in commands:  # one warm-up round: the files in the page cache
        spawn_once(argv)
    for _ in range(args.runs):
        for name, argv in commands:
            wall, cpu, faults, code = spawn_once(argv)
            if code != 0:
                sys.exit("startup_bench: %s exits %d" % (" ".join(argv), code))
            samples[name].append({"wall_s": wall, "cpu_s": cpu, "page_faults": faults})

    rows = []
    for name, argv in commands:
        walls = [s["wall_s"] for s in samples[name]]
        faults = [s["page_faults"] for s in samples[name]]
        rows.append({"command": name, "argv": argv, "min_wall_ms": min(walls) * 1e3,
                     "median_wall_ms": statistics.median(walls) * 1e3,
                     "min_cpu_ms": min(s["cpu_s"] for s in samples[name]) * 1e3,
                     "min_page_faults": min(faults), "max_page_faults": max(faults),
                     "samples": samples[name]})
    by = {r["command"]: r for r in rows}
    off_over_true_ms = by["cpjit run --jit=off"]["min_wall_ms"] - by["/bin/true"]["min_wall_ms"]
    on_over_off = by["cpjit run --jit=on"]["min_wall_ms"] / by["cpjit run --jit=off"]["min_wall_ms"]
    on_minus_off_ms = by["cpjit run --jit=on"]["min_wall_ms"] - by["cpjit run --jit=off"]["min_wall_ms"]

    print("program: %s; %d runs of each command, in turn" % (os.path.relpath(args.program), args.runs))
    print("%-22s %12s %14s %11s %12s" % ("command", "min wall ms", "median wall ms", "min cpu ms", "page faults"))
    for r in rows:
        pf = str(r["min_page_faults"]) if r["min_page_faults"] == r["max_page_faults"] else \
            "%d-%d" % (r["min_page_faults"], r["max_page_faults"])
        print("%-22s %12.2f %14.2f %11.2f %12s" % (r["command"], r["min_wall_ms"], r["median_wall_ms"], r["min_cpu_ms"], pf))
    print("run --jit=off - /bin/true: %+.2f ms (least wall times)" % off_over_true_ms)
    print("run --jit=on / run --jit=off: %.2fx (%+.2f ms)" % (on_over_off, on_minus_off_ms))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"program": args.program, "runs": args.runs, "rows": rows,
                       "off_minus_true_ms": off_over_true_ms, "on_over_off": on_over_off,
                       "on_minus_off_ms": on_minus_off_ms}, f, indent=1)


if __name__ == "__main__":
    main()
