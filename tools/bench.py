#!/usr/bin/env python3
"""Thin wrapper over `cpjit bench`, which is the benchmark implementation
(tools/bench_command.cpp; `build/cpjit bench --help`). Use that directly:

  build/cpjit bench [FILES...] [--tiers off,uops,on] [--interp threaded,switch]
                    [--repeat N] [--python] [--json FILE] [--chart FILE.svg]

This script only finds the binary (--cpjit, default build/cpjit), passes
every other argument through, and with --extras also measures, through
`cpjit bench` as well, start-up (tools/bench/startup.cpasm, an empty main)
and peak memory of a program that allocates about 10 GB in total while
keeping under 1 MB alive (tools/bench/alloc_churn.cpasm).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = sys.argv[1:]
    cpjit = os.path.join(ROOT, "build", "cpjit")
    extras = False
    rest = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--cpjit" and i + 1 < len(args):
            cpjit = args[i + 1]
            i += 1
        elif a.startswith("--cpjit="):
            cpjit = a[len("--cpjit="):]
        elif a == "--extras":
            extras = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return subprocess.call([cpjit, "bench", "--help"]) if os.path.exists(cpjit) else 0
        else:
            rest.append(a)
        i += 1
    if not os.path.exists(cpjit):
        sys.exit("bench.py: %s does not exist; build first (tools/setup.sh) or pass --cpjit" % cpjit)
    code = subprocess.call([cpjit, "bench", *rest])
    if extras:
        bdir = os.path.join(ROOT, "tools", "bench")
        print("\n== start-up (empty main)", flush=True)
        code |= subprocess.call([cpjit, "bench", os.path.join(bdir, "startup.cpasm"), "--tiers=off", "--repeat=10"])
        print("\n== alloc_churn (about 10 GB allocated, under 1 MB live): see RSS MiB", flush=True)
        code |= subprocess.call([cpjit, "bench", os.path.join(bdir, "alloc_churn.cpasm"), "--tiers=off", "--repeat=1"])
    return code


if __name__ == "__main__":
    sys.exit(main())
