#!/usr/bin/env python3
"""gdb sees cpjit's machine code with --gdb-jit (docs/profiling.md).

  check_gdb.py --cpjit build/cpjit

Runs tests/profiling/generic_loop.cpasm under `gdb -batch` with a breakpoint
in cpjit_uop_generic, a helper that machine code calls, and checks the
backtrace: the helper, then the uop that called it (cpjit:tN:work@I:GENERIC or GENERIC_m_n),
the entry shim, the interpreter's frames and main, with no unknown frame.
Then `finish` returns into the trace, and the backtrace from inside the
trace (where the stencil has pushed: the CFA moved) must read the same.
Without --gdb-jit the same backtrace has unknown frames (the check can
fail; it must produce a backtrace to compare). Exits 77 (ctest: skipped)
with one line when gdb is missing or may not trace processes here; under
CPJIT_REQUIRE_TOOLS=1 (CI, which installs gdb) that is a failure.
"""
import argparse
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

PROGRAM = os.path.join(HERE, "generic_loop.cpasm")
UOP = re.compile(r"in cpjit:t\d+:work@\d+:GENERIC(_\d_\d)? \(\)")


def gdb_bt(gdb, tool, flags):
    cmd = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "break cpjit_uop_generic", "-ex", "run",
           "-ex", "bt", "-ex", "finish", "-ex", "bt", "-ex", "kill",
           "--args", *tool.cmd("run", "--jit-threshold=4", *flags, PROGRAM)]
    r = cpjit_test.run(cmd, timeout=120, text=True)
    return r.stdout + r.stderr


def backtraces(out):
    """The frames of each `bt`, as lists of lines."""
    traces, cur = [], None
    for line in out.splitlines():
        if line.startswith("#0 "):
            cur = []
            traces.append(cur)
        if cur is not None and re.match(r"#\d+ ", line):
            cur.append(line)
    return traces


def check_bt(frames, first_is_helper):
    problems = []
    text = "\n".join(frames)
    i = 0
    if first_is_helper:
        if not frames or "cpjit_uop_generic" not in frames[0]:
            problems.append("frame #0 is not cpjit_uop_generic")
        i = 1
    if len(frames) <= i + 1 or not UOP.search(frames[i]):
        problems.append(f"frame #{i} does not name the trace and its GENERIC uop")
    elif "cpjit:entry_shim" not in frames[i + 1]:
        problems.append(f"frame #{i + 1} is not the entry shim")
    if not re.search(r"cpjit::VM::", text):
        problems.append("no interpreter frame (cpjit::VM::...)")
    if not frames or not re.search(r"in main \(", frames[-1]):
        problems.append("the last frame is not main")
    if "?? (" in text:
        problems.append("unknown frames (??)")
    return problems


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap, emulator=False)
    tool = cpjit_test.Cpjit.from_args(ap.parse_args())
    gdb = shutil.which("gdb")
    if not gdb:
        cpjit_test.skip("gdb is not installed (Debian: apt-get install gdb)")
    out = gdb_bt(gdb, tool, ["--gdb-jit"])
    if "ptrace" in out and "not permitted" in out:
        cpjit_test.skip("gdb may not trace processes here: " + next(l for l in out.splitlines() if "ptrace" in l))
    checks = cpjit_test.Checks()
    bts = backtraces(out)
    if len(bts) != 2:
        checks.fail(f"expected two backtraces, got {len(bts)}")
    else:
        for p in check_bt(bts[0], True):
            checks.fail(f"in the helper: {p}")
        for p in check_bt(bts[1], False):
            checks.fail(f"after finish, in the trace: {p}")
        if not checks.failures:
            print("\n".join(bts[0]))
    if checks.failures:
        print(out)
    # The check sees the difference: without --gdb-jit the JIT frames are unknown.
    plain_out = gdb_bt(gdb, tool, [])
    plain = backtraces(plain_out)
    if not plain:
        checks.fail("without --gdb-jit gdb printed no backtrace: the negative check could not run\n"
                    + plain_out[-1500:])
    elif not check_bt(plain[0], True):
        checks.fail("without --gdb-jit the backtrace passed the checks too: they prove nothing")
    checks.report()


if __name__ == "__main__":
    main()
