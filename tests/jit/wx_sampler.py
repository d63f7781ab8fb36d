#!/usr/bin/env python3
"""W^X seen from outside: runs `cpjit run --jit=on --jit-threshold=1` on a
program that never ends (wx_forever.cpasm) and reads /proc/PID/maps over and
over from the moment it starts, while it compiles, links and runs traces.
Fails if any sample shows a mapping that is writable and executable, or if
the JIT's code pages (asmjit's memfd, mapped twice) are ever mapped in one
view both writable and executable; requires that the samples did see the
JIT's r-x view and its rw- view (so the check looked at real machine code).
Stops after the JIT mapping has been seen in --samples samples, then kills
the program; fewer than --min-samples of them (the program ended, or
--give-up passed) is a failure: one lucky sample proves little. Native builds only: under qemu-user the maps are qemu's own.

  wx_sampler.py --cpjit build/cpjit [--samples N] [--jit=on|llvm-O0|llvm-O2]

With --jit=llvm-*, the machine code is ORC's (JITLink's memory manager maps
anonymous pages read-write, then read-execute): the samples must see an
anonymous r-x mapping instead of asmjit's two memfd views.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402


def read_maps(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return f.read().splitlines()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap, emulator=False)  # under qemu-user the maps are qemu's
    ap.add_argument("--samples", type=int, default=2000, help="samples showing the JIT mapping before stopping")
    ap.add_argument("--jit", default="on", choices=["on", "llvm-O0", "llvm-O2"])
    ap.add_argument("--min-samples", type=int, default=100,
                    help="samples showing the JIT mapping needed to pass (at most --samples)")
    ap.add_argument("--give-up", type=float, default=120.0, help="seconds without seeing the JIT mapping")
    args = ap.parse_args()
    llvm = args.jit != "on"
    p = cpjit_test.Cpjit.from_args(args).start("run", "--jit=" + args.jit, "--jit-threshold=1",
                                               os.path.join(HERE, "wx_forever.cpasm"), stdout=subprocess.DEVNULL)
    problems, samples, jit_samples = [], 0, 0
    deadline = time.monotonic() + args.give_up
    try:
        while jit_samples < args.samples and time.monotonic() < deadline and p.poll() is None:
            lines = read_maps(p.pid)
            if lines is None:
                break
            samples += 1
            saw_rx = saw_rw = False
            for line in lines:
                fields = line.split()
                perms = fields[1]
                path = fields[5] if len(fields) > 5 else ""
                if "w" in perms and "x" in perms:
                    problems.append("writable and executable: " + line)
                if llvm and not path:
                    saw_rx |= perms.startswith("r-x")
                    saw_rw = True
                elif path.startswith("/memfd:"):
                    saw_rx |= perms.startswith("r-x")
                    saw_rw |= perms.startswith("rw-")
            if saw_rx and saw_rw:
                jit_samples += 1
            if len(problems) > 10:
                break
    finally:
        cpjit_test.stop(p)
        p.wait()
    checks = cpjit_test.Checks()
    for pr in problems[:10]:
        checks.fail(pr)
    print("%d samples of /proc/PID/maps, %d showing the JIT's %s" % (
        samples, jit_samples, "anonymous r-x code" if llvm else "r-x and rw- views"))
    if p.returncode not in (-9, 0) and not problems:
        checks.fail("cpjit exited with %d before the sampler stopped it" % p.returncode)
    need = min(args.min_samples, args.samples)
    if jit_samples == 0:
        checks.fail("never saw the JIT's code mapping")
    elif jit_samples < need:
        checks.fail("only %d samples showed the JIT's mapping, %d needed" % (jit_samples, need))
    checks.report()


if __name__ == "__main__":
    main()
