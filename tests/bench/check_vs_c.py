#!/usr/bin/env python3
"""tools/bench/c/vs_c.py on one C twin, one round: its printed ratio must be
the one its own samples give (CPU less each side's start-up), and every
sample must be a real, positive CPU time."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpjit", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "vs_c.json")
        p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "c", "vs_c.py"), "--cpjit", args.cpjit,
                            "--repeat", "1", "--json", js, "fib"], capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            sys.exit("vs_c.py failed (%d):\n%s%s" % (p.returncode, p.stdout, p.stderr))
        data = json.load(open(js))
    s = data["results"]["fib"]
    for config in ("C", "C start-up", "cpjit on", "cpjit on start-up"):
        if len(s[config]) != 1 or not s[config][0]["cpu_s"] > 0:
            sys.exit("vs_c: %s: expected one sample with CPU time > 0, got %r" % (config, s[config]))
    cpu = {c: s[c][0]["cpu_s"] for c in ("C", "C start-up", "cpjit on", "cpjit on start-up")}
    if not cpu["C"] > cpu["C start-up"] or not cpu["cpjit on"] > cpu["cpjit on start-up"]:
        sys.exit("vs_c: fib should take longer than an empty program on each side: %r" % cpu)
    ratio = (cpu["cpjit on"] - cpu["cpjit on start-up"]) / (cpu["C"] - cpu["C start-up"])
    if abs(ratio - s["ratio"]["on"]) > 1e-9:
        sys.exit("vs_c: JSON ratio %r is not the samples' %r" % (s["ratio"]["on"], ratio))
    row = [l for l in p.stdout.splitlines() if l.startswith("fib ")]
    if len(row) != 1 or ("%.1fx" % ratio) not in row[0].split():
        sys.exit("vs_c: the printed row does not show the ratio %.1fx:\n%s" % (ratio, p.stdout))
    print("vs_c: fib %.1fx behind C (one round), printed and recomputed alike" % ratio)


if __name__ == "__main__":
    main()
