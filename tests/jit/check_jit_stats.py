#!/usr/bin/env python3
"""JIT behaviour through the command line: each case runs a program with
--jit=on (plus its flags) and --stats=FILE, requires stdout, stderr and exit
code byte-identical to --jit=off, and checks the JIT counters say the
behaviour under test really happened in machine code.

  check_jit_stats.py --cpjit build/cpjit [--emulator CMD] [--jit=on|llvm-O0|llvm-O2]

--jit picks the backend under test (default on: copy-and-patch). The LLVM
backends skip the two cases that compile 10,000 traces: LLVM takes
milliseconds per trace, past those cases' time budget (docs/backends.md);
they skip the exits_cached_* and exits_floats checks (copy-and-patch's top-of-stack caching)
but still require the same output as --jit=off.

Under the AArch64 cross build (--emulator "qemu-aarch64 -L ...") the same
checks show the JIT compiled and ran AArch64 traces.

Every case also requires, besides its own checks:
  tier_used == "machine code", traces_compiled > 0, jit_failures == 0, and
  uops_executed == 0 (the uop interpreter never ran: every trace that ran
  was machine code), invalidations == 0 (globals are guarded, never
  watched: docs/tier2.md section 5), projections_failed == 0 (every hot
  spot of these programs projects to a trace), uops_in_traces >=
  traces_compiled.

Every tests/conformance/cases/t2_* program is a case here, with the counters
its comment claims (a program whose traces stopped compiling, or stopped
exiting where it says, fails here even when its output is still right); the
script fails if one is missing. LISTINGS (copy-and-patch only) check the
uops `cpjit trace` shows: the string and float uops, and the locals kept in
registers for each --local-regs; under --jit=llvm-* instead, that `cpjit
trace --jit=llvm-*` lists LLVM's machine code.

Time budget (tests/lib/cpjit_test.py): 10x the --jit=off run + 10 s (60 s
under LLVM, which takes up to ~100 ms per trace at -O2 on a loaded machine).
"""
import argparse
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

CASES_DIR = os.path.join(HERE, "..", "conformance", "cases")
GEN_DIR = tempfile.mkdtemp(prefix="cpjit-jitstats-gen-")
MANY_LOOPS = os.path.join(GEN_DIR, "ten_thousand_loops.cpasm")


def write_many_loops(path, n=10000):
    """main with n loops one after another, 100 iterations each: every one
    gets hot and its trace closes at its own back edge."""
    lines = [".func main", ".locals i s", "    const 0", "    store s"]
    for k in range(n):
        lines += ["    const 0", "    store i", "L%d:" % k, "    load s", "    load i", "    add", "    store s",
                  "    load i", "    const 1", "    add", "    dup", "    store i", "    const 100", "    lt",
                  "    jt L%d" % k]
    lines += ["    load s", "    print", "    const nil", "    ret", ".end", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))

# (name, program, extra run flags, [(stat, op, value)])
CASES = [
    ("hot loop runs in machine code", "hot_loop.cpasm", [],
     [("traces_compiled", ">=", 1), ("side_traces", "==", 0)]),
    ("a hot side exit grows a side trace and its stub is linked", "side_exit_linked.cpasm", [],
     [("side_traces", ">=", 1), ("exits_linked", ">=", 1)]),
    ("linked through the exit record (a link the stub's jump cannot reach)", "side_exit_linked.cpasm",
     ["--jit-far-links"], [("side_traces", ">=", 1), ("exits_linked", ">=", 1)]),
    # 8K: the first trace must fit under every backend (LLVM -O0's is over 4K)
    ("code memory cap: later hot code stays in Tier 1, output unchanged", "many_traces.cpasm",
     ["--jit-threshold=1", "--max-jit-code=8K"],
     [("jit_cap_refusals", ">", 0), ("code_bytes", "<=", 8192)]),
    ("the same program without the cap compiles every trace", "many_traces.cpasm",
     ["--jit-threshold=1"],
     [("jit_cap_refusals", "==", 0), ("traces_compiled", ">=", 16), ("code_bytes", ">", 4096)]),
    # No fixed count of traces (it was 4,096, refused silently): the limits
    # come from the code-memory cap, and every refusal is counted.
    ("10,000 hot loops get 10,000 traces", MANY_LOOPS, [],  # (MANY_LOOPS: copy-and-patch only)
     [("traces_compiled", ">=", 10000), ("jit_cap_refusals", "==", 0),
      ("code_mapped_bytes", ">=", 1), ("code_mapped_bytes", "<=", 64 << 20)]),
    ("a small cap refuses the rest of them, and counts it", MANY_LOOPS, ["--max-jit-code=64K"],
     [("jit_cap_refusals", ">", 0), ("code_bytes", "<=", 64 << 10)]),
    ("a global flips type mid-loop: guards fail, nothing invalidated",
     os.path.join(CASES_DIR, "t2_global_flip.cpasm"), [],
     [("side_exits_taken", ">", 0)]),
    ("a global flips while frames pushed by machine code are live",
     "flip_under_live_frames.cpasm", [],
     [("side_exits_taken", ">", 0), ("side_traces", ">", 0)]),
    ("an inlined callee breaks the assumption of the trace running it",
     "flip_inside_trace.cpasm", [],
     [("side_exits_taken", ">", 0), ("side_traces", ">", 0)]),
    ("runtime error two inlined calls deep in machine code",
     os.path.join(CASES_DIR, "t2_error_in_trace.cpasm"), [],
     [("side_exits_taken", ">", 0), ("exit_code", "==", 1)]),
    # Top-of-stack caching: an exit leaves with up to 3 stack values in
    # registers; its stub (EXIT_rN) writes them back before the VM goes on.
    # (At the default threshold the loop checks d once on entry: that entry
    # guard fails and the trace is rebuilt; at threshold 2, the guard with
    # 3 values cached fails first.)
    ("guards fail with 1 and 2 stack values in registers, an entry guard rebuilds the loop",
     os.path.join(CASES_DIR, "t2_exits_from_registers.cpasm"), [],
     [("exits_cached_1", ">", 0), ("exits_cached_2", ">", 0), ("traces_rebuilt", ">=", 1)]),
    ("... and at threshold 2",
     os.path.join(CASES_DIR, "t2_exits_from_registers.cpasm"), ["--jit-threshold=2"],
     [("exits_cached_1", ">", 0), ("exits_cached_2", ">", 0), ("exits_cached_3", ">", 0)]),
    # Floats in FP registers: exits leave with cached floats as doubles in
    # FP registers; their stubs (EXIT_rN_fM) store them as Values.
    ("guards and a division exit with floats in FP registers",
     os.path.join(CASES_DIR, "t2_exits_from_fp_registers.cpasm"), [],
     [("exits_floats", ">", 0), ("exit_code", "==", 1)]),
    ("collections while arrays live only on the stack of a trace with cached values",
     os.path.join(CASES_DIR, "t2_gc_with_cached_values.cpasm"), [],
     [("gc_collections", ">", 0)]),
    ("a helper refusing inside machine code exits with the values still in registers",
     os.path.join(CASES_DIR, "t2_helper_exit_from_registers.cpasm"), [],
     [("exits_cached_2", ">", 0), ("exit_code", "==", 1)]),
    ("deep recursion through an entry trace linked to itself",
     os.path.join(CASES_DIR, "t2_deep_recursion.cpasm"), [],
     [("traces_compiled", ">=", 1)]),
    ("stack overflow reached from machine code",
     os.path.join(CASES_DIR, "t2_stack_overflow.cpasm"), [],
     [("exit_code", "==", 1)]),
] + [
    ("guards that fail every other iteration grow a side trace linked back",
     os.path.join(CASES_DIR, "t2_alternating_guard.cpasm"), [],
     [("side_exits_taken", ">", 0), ("side_traces", ">=", 1), ("exits_linked", ">=", 1),
      ("guards_removed", ">", 0)]),
    # A loop-carried local that changes type outside the trace fails the
    # loop's entry guard (docs/tier2.md, "Entry guards"): no progress, so
    # the trace is rebuilt with its guards in the loop.
    ("ints crossing the inline boundary exit to Tier 1, which boxes them",
     os.path.join(CASES_DIR, "t2_boxed_int_cross.cpasm"), [],
     [("side_exits_taken", ">", 0), ("heap_bytes_allocated", ">", 0), ("traces_rebuilt", ">=", 1)]),
    ("a callee's return value teaches nothing about the caller's local: its guard fails",
     os.path.join(CASES_DIR, "t2_callee_return_fact.cpasm"), [],
     [("side_exits_taken", ">", 0), ("traces_rebuilt", ">=", 1)]),
    ("a loop entered with other types than it carries: its entry guards fail, it is rebuilt",
     os.path.join(CASES_DIR, "t2_entry_guard_fails.cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0), ("traces_rebuilt", ">=", 1)]),
    ("a type error at the bottom of a self-linked recursion",
     os.path.join(CASES_DIR, "t2_error_deep_in_trace.cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0), ("traces_compiled", ">=", 1)]),
    ("DIV_FLOAT and TO_FLOAT_INT exit on a boxed int and a zero divisor",
     os.path.join(CASES_DIR, "t2_float_div_tofloat.cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0), ("guards_removed", ">", 0)]),
    ("locals in registers: a failing entry guard rebuilds the loop, error with the locals stored",
     os.path.join(CASES_DIR, "t2_local_regs.cpasm"), [],
     [("exit_code", "==", 1), ("traces_rebuilt", ">=", 1), ("exits_linked", ">=", 1), ("side_exits_taken", ">", 0)]),
    ("float locals in FP registers: an int and nil stored into one, its guards fail",
     os.path.join(CASES_DIR, "t2_float_local_regs.cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0)]),
    ("... and with no locals in registers",
     os.path.join(CASES_DIR, "t2_local_regs.cpasm"), ["--local-regs=0"],
     [("exit_code", "==", 1), ("traces_rebuilt", ">=", 1), ("exits_linked", ">=", 1)]),
    ("integer overflow raised by Tier 1 after the trace's mul exits",
     os.path.join(CASES_DIR, "t2_overflow_in_trace.cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0), ("heap_bytes_allocated", ">", 0)]),
    # Ints past 48 bits in machine code (ADD_INT64 .. SHR): boxed results
    # take their cells inline; errors exit and Tier 1 raises them.
    ("ints past 48 bits, boxed and small mixed, computed and boxed in machine code",
     os.path.join(CASES_DIR, "t2_int64_edges.cpasm"), [],
     [("heap_bytes_allocated", ">", 0), ("traces_compiled", ">=", 1)]),
] + [
    ("%s of boxed ints raised by Tier 1 after the trace's uop exits" % what,
     os.path.join(CASES_DIR, name + ".cpasm"), [],
     [("exit_code", "==", 1), ("side_exits_taken", ">", 0), ("heap_bytes_allocated", ">", 0)])
    for what, name in (("integer overflow of an add", "t2_int64_overflow_add"),
                       ("integer overflow of a subtract", "t2_int64_overflow_sub"),
                       ("integer overflow of a multiply", "t2_int64_overflow_mul"),
                       ("division by zero of a mod", "t2_int64_mod_zero"))
] + [
    ("side exits from inside inlined callees grow side traces there",
     os.path.join(CASES_DIR, "t2_side_exit_inlined.cpasm"), [],
     [("side_exits_taken", ">", 0), ("side_traces", ">=", 2), ("exits_linked", ">=", 2)]),
    ("CONCAT and TOSTR in a loop that allocates MiBs: collections inside the trace",
     os.path.join(CASES_DIR, "t2_string_uops.cpasm"), [],
     [("gc_collections", ">", 0), ("heap_bytes_allocated", ">", 1 << 20)]),
    ("a local changes type mid-loop: guards fail, side traces take over",
     os.path.join(CASES_DIR, "t2_type_change_loop.cpasm"), [],
     [("side_exits_taken", ">", 0), ("side_traces", ">=", 1)]),
    # The optimizer's counters count its work: at --opt=0 nothing is removed.
    ("the optimizer removes guards and uops", "hot_loop.cpasm", [],
     [("guards_removed", ">", 0), ("uops_removed", ">=", 1)]),
    ("... and nothing at --opt=0", "hot_loop.cpasm", ["--opt=0"],
     [("guards_removed", "==", 0), ("uops_removed", "==", 0)]),
] + [
    # Issue 18: a trace whose first guard fails exits where it started; that
    # exit must resume Tier 1, never link back to the same trace (it hung at
    # every threshold from 2 to 99). Hot, it rebuilds the trace.
    ("an exit at a trace's own start makes progress (threshold %d)" % t,
     os.path.join(CASES_DIR, "t2_exit_at_trace_start.cpasm"), ["--jit-threshold=%d" % t],
     [("traces_compiled", ">=", 2)] + ([("traces_rebuilt", ">=", 1)] if t <= 20 else []))
    for t in (2, 3, 10, 20, 64, 99)
] + [
    # Exits resuming where a side trace already starts link to it: at
    # threshold 1 this program built a new side trace per loop iteration
    # (4096 traces, the cap) before.
    ("exits resuming at a side trace's start share it (no chain of side traces)",
     os.path.join(HERE, "..", "fuzz", "regressions", "side_trace_chain_at_loop_head.cpasm"),
     ["--jit-threshold=1"], [("traces", "<=", 16), ("side_traces", ">=", 1)]),
]

ALWAYS = [("tier_used", "==", "machine code"), ("traces_compiled", ">", 0), ("jit_failures", "==", 0),
          ("uops_executed", "==", 0), ("invalidations", "==", 0), ("projections_failed", "==", 0),
          ("uops_in_traces", ">=", ("counter", "traces_compiled"))]

# (name, program, extra flags, [(regex over `cpjit trace` output, op, count)]):
# uops the traces really hold (copy-and-patch; uop names, not the layout).
LOAD_LREG = r"\bLOAD_LOCAL_L(\d)"
LOAD_FREG = r"\bLOAD_LOCAL_F(\d)"
LISTINGS = [
    ("CONCAT and TOSTR uops in the string loop's traces", os.path.join(CASES_DIR, "t2_string_uops.cpasm"), [],
     [(r"\bCONCAT(_r\d)?\b", ">", 0), (r"\bTOSTR(_r\d)?\b", ">", 0)]),
    ("DIV_FLOAT and TO_FLOAT_INT uops", os.path.join(CASES_DIR, "t2_float_div_tofloat.cpasm"), [],
     [(r"\bDIV_FLOAT\b", ">", 0), (r"\bTO_FLOAT_INT\b", ">", 0)]),
    ("int uops on 64 bits where Tier 1 saw boxed ints", os.path.join(CASES_DIR, "t2_int64_edges.cpasm"), [],
     [(r"\b%s(_r\d)?\b" % u, ">", 0) for u in ("ADD_INT64", "SUB_INT64", "MUL_INT64", "MOD_INT64", "BAND", "BOR", "BXOR", "SHR")]
     + [(r"\bGENERIC_2_1(_r\d)?\b", "==", 0)]),
    ("SQRT_NUM of an int and of a float", os.path.join(HERE, "..", "golden", "traces", "sqrt_loop.cpasm"), [],
     [(r"\bSQRT_NUM(_r\d)?\b", ">", 0)]),
] + [
    ("--local-regs=%d: locals l0..l%d in registers, no other" % (n, n - 1) if n else
     "--local-regs=0: no local in a register",
     os.path.join(CASES_DIR, "t2_local_regs.cpasm"), ["--local-regs=%d" % n],
     [(LOAD_LREG, "max<", n)] + ([(LOAD_LREG, ">", 0)] if n else [(LOAD_LREG, "==", 0)]))
    for n in (0, 1, 2, 4)
] + [
    # Float locals in FP registers: a local the loop's entry guard proves a
    # float gets one (choose_local_regs); ints never do.
    ("mandelbrot's float locals in FP registers", os.path.join(HERE, "..", "..", "examples", "mandelbrot.cpasm"), [],
     [(LOAD_FREG, ">", 0), (r"\bSTORE_LOCAL_F\d", ">", 0), (r"\bLOCAL_REG_F\d", ">", 0)]),
    ("... none with --float-local-regs=0", os.path.join(HERE, "..", "..", "examples", "mandelbrot.cpasm"),
     ["--float-local-regs=0"], [(LOAD_FREG, "==", 0), (LOAD_LREG, ">", 0)]),
    ("--float-local-regs=1: only fl0", os.path.join(HERE, "..", "..", "examples", "mandelbrot.cpasm"),
     ["--float-local-regs=1"], [(LOAD_FREG, "max<", 1), (LOAD_FREG, ">", 0)]),
    ("float locals whose type changes in the loop", os.path.join(CASES_DIR, "t2_float_local_regs.cpasm"), [],
     [(LOAD_FREG, ">", 0)]),
    ("int locals stay in general registers", os.path.join(CASES_DIR, "t2_local_regs.cpasm"), [],
     [(LOAD_FREG, "==", 0), (LOAD_LREG, ">", 0)]),
]

OPS = {
    "==": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def llvm_listings(jit):
    """`cpjit trace --jit=llvm-*`: each trace's LLVM machine code, with the
    copy-and-patch figures of the same trace beside it."""
    return [("trace --jit=%s lists LLVM's machine code and copy-and-patch's figures" % jit,
             "hot_loop.cpasm", ["--jit=" + jit],
             [(r"(?i)machine code \(llvm[^)]*\): trace function [1-9]\d* bytes, [1-9]\d* instructions", ">", 0),
              (r"copy-and-patch, same trace: hot code [1-9]\d* bytes", ">", 0),
              (r"machine code: none", "==", 0),
              (r"(?m)^ +[0-9a-f]{4}  \w+", ">=", 3)])]


def missing_t2_programs():
    """t2_* conformance programs that no case runs."""
    covered = {os.path.basename(c[1]) for c in CASES}
    return sorted(n for n in os.listdir(CASES_DIR) if n.startswith("t2_") and n.endswith(".cpasm")
                  and n not in covered)


def check_listing(tool, prog, flags, patterns, timeout):
    path = prog if os.path.isabs(prog) else os.path.join(HERE, prog)
    r = tool.run("trace", *flags, path, timeout=timeout, text=True)
    if r.code not in (0, 1):  # 1: the program's own runtime error, after which the traces are listed
        return ["cpjit trace: %s: %s" % (r.status(), cpjit_test.show(r.stderr))]
    problems = []
    for pattern, op, want in patterns:
        found = re.findall(pattern, r.stdout)
        if op == "max<":  # every captured number below want
            bad = [f for f in found if int(f) >= want]
            if bad:
                problems.append("%s: %s found, only below %d allowed" % (pattern, sorted(set(bad)), want))
        elif not OPS[op](len(found), want):
            problems.append("%s: %d found, want %s %d" % (pattern, len(found), op, want))
    return problems


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--jit", default="on", choices=["on", "llvm-O0", "llvm-O2"])
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("CPJIT_TEST_TIMEOUT", "300")))
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    checks = cpjit_test.Checks()
    for n in missing_t2_programs():
        checks.fail("no case runs %s (every t2_* program needs the counters that show its behaviour)" % n)
    tmp = tempfile.mkdtemp(prefix="cpjit-jitstats-")
    write_many_loops(MANY_LOOPS)
    cases = [c for c in CASES if args.jit == "on" or c[1] != MANY_LOOPS]
    for n, (name, prog, flags, counters) in enumerate(cases):
        path = prog if os.path.isabs(prog) else os.path.join(HERE, prog)
        stats_file = os.path.join(tmp, "%d.json" % n)
        ref = tool.run("run", "--jit=off", *flags_without_jit(flags), path, timeout=args.timeout)
        budget = min(args.timeout, tool.budget(ref.seconds, constant=(10 if args.jit == "on" else 60)
                                               * (3 if tool.emulated else 1)))
        got = tool.run("run", "--jit=" + args.jit, *flags, "--stats=" + stats_file, path, timeout=budget)
        problems = []
        if got.timed_out:
            problems.append(cpjit_test.hang_message("--jit=" + args.jit, budget, ref))
        else:
            problems += cpjit_test.outcome_differences(got.outcome(), ref.outcome(), "--jit=off")
        try:
            with open(stats_file) as f:
                stats = json.load(f)
        except (OSError, ValueError) as e:
            stats = None
            problems.append("no stats: %s" % e)
        if stats is not None:
            for stat, op, want in ALWAYS + counters:
                if args.jit != "on" and stat.startswith(("exits_cached_", "exits_floats")):
                    continue  # copy-and-patch's top-of-stack caching; LLVM keeps no such count

                have = stats.get(stat)
                if isinstance(want, tuple):  # ("counter", NAME): another counter of the same run
                    want = stats.get(want[1])
                if have is None or want is None or not OPS[op](have, want):
                    problems.append("%s = %r, want %s %r" % (stat, have, op, want))
        label = "%s (%s %s)" % (name, os.path.basename(path), " ".join(flags))
        if problems:
            checks.fail("%s:\n    %s" % (label, "\n    ".join(problems)))
        else:
            checks.passed(label)
    listings = LISTINGS if args.jit == "on" else llvm_listings(args.jit)
    for name, prog, flags, patterns in listings:
        problems = check_listing(tool, prog, flags, patterns, args.timeout)
        label = "%s (trace %s %s)" % (name, os.path.basename(prog), " ".join(flags))
        if problems:
            checks.fail("%s:\n    %s" % (label, "\n    ".join(problems)))
        else:
            checks.passed(label)
    checks.report()


def flags_without_jit(flags):
    # --jit=off ignores Tier-2 options, but keep the reference run minimal.
    return [f for f in flags if not f.startswith(("--jit-threshold=", "--max-jit-code="))]


if __name__ == "__main__":
    main()
