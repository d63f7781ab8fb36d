#!/usr/bin/env python3
"""--stats says which tier ran and how much work each did (not which tier was
enabled): runs programs with --stats=FILE and --stats (the summary on
stderr) and checks

  - a program that never gets hot, under --jit=on: tier_used "interpreter",
    no trace entered, all its instructions in Tier 1;
  - a hot loop under --jit=off: "interpreter", all in Tier 1;
  - the hot loop under --jit=on: "machine code", trace entries into machine
    code > 0, none into the uop interpreter, no uop interpreted, and fewer
    Tier-1 instructions than --jit=off ran;
  - the hot loop under --jit=uops: "uops", entries into the uop interpreter
    > 0, uops executed > 0, no machine code entered;
  - the summary on stderr shows the same tier_used and counters as the JSON.

  check_tier_used.py --cpjit build/cpjit [--emulator CMD]
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HOT_LOOP = os.path.join(HERE, "..", "jit", "hot_loop.cpasm")
# Straight-line code: no back edge, no call, nothing gets hot.
COLD = ".func main\n    const 1\n    const 2\n    add\n    print\n    const nil\n    ret\n.end\n"

checks = cpjit_test.Checks()
check = checks.expect


def run_stats(tool, flags, program, tmp):
    stats_file = os.path.join(tmp, "stats.json")
    if os.path.exists(stats_file):
        os.remove(stats_file)
    r = tool.run("run", *flags, "--stats=" + stats_file, program, timeout=600, text=True)
    check(r.code == 0, f"{flags} {program}: {r.status()}: {r.stderr}")
    with open(stats_file) as f:
        stats = json.load(f)
    s = tool.run("run", *flags, "--stats", program, timeout=600, text=True)
    summary = {}
    for line in s.stderr.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and line.startswith("  "):
            summary[parts[0]] = parts[1]
    check(summary.get("tier_used") == stats.get("tier_used"),
          f"{flags}: summary tier_used {summary.get('tier_used')!r} != JSON {stats.get('tier_used')!r}")
    for name in ("instructions_executed", "trace_entries_machine_code", "trace_entries_uops", "uops_executed"):
        if name in stats:
            shown = summary.get(name, "").split()[0].replace(",", "") if name in summary else None
            check(shown == str(stats[name]), f"{flags}: summary {name} {shown!r} != JSON {stats[name]}")
    return stats


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    tool = cpjit_test.Cpjit.from_args(ap.parse_args())
    with tempfile.TemporaryDirectory(prefix="cpjit-tier-used-") as tmp:
        cold = os.path.join(tmp, "cold.cpasm")
        with open(cold, "w") as f:
            f.write(COLD)

        s = run_stats(tool, ["--jit=on"], cold, tmp)
        check(s["tier_used"] == "interpreter", f"cold --jit=on: tier_used {s['tier_used']!r}, want 'interpreter'")
        check(s["traces"] == 0, "cold --jit=on: a trace was built")
        check(s["trace_entries_machine_code"] == 0 and s["trace_entries_uops"] == 0, "cold --jit=on: a trace ran")
        check(s["instructions_executed"] == 6, f"cold: {s['instructions_executed']} Tier-1 instructions, want 6")

        off = run_stats(tool, ["--jit=off"], HOT_LOOP, tmp)
        check(off["tier_used"] == "interpreter", f"--jit=off: tier_used {off['tier_used']!r}")
        check("trace_entries_machine_code" not in off, "--jit=off: Tier-2 counters present")
        check(off["instructions_executed"] > 20000 * 10, f"--jit=off: {off['instructions_executed']} instructions")

        on = run_stats(tool, ["--jit=on"], HOT_LOOP, tmp)
        if on.get("machine_code"):
            check(on["tier_used"] == "machine code", f"--jit=on: tier_used {on['tier_used']!r}")
            check(on["trace_entries_machine_code"] > 0, "--jit=on: no machine code entered")
            check(on["trace_entries_uops"] == 0 and on["uops_executed"] == 0, "--jit=on: the uop interpreter ran")
            check(0 < on["instructions_executed"] < off["instructions_executed"] // 10,
                  f"--jit=on: {on['instructions_executed']} Tier-1 instructions (off: {off['instructions_executed']})")
        else:
            print("no JIT on this host: --jit=on runs the uop interpreter")

        uops = run_stats(tool, ["--jit=uops"], HOT_LOOP, tmp)
        check(uops["tier_used"] == "uops", f"--jit=uops: tier_used {uops['tier_used']!r}")
        check(uops["trace_entries_uops"] > 0, "--jit=uops: no trace entered")
        check(uops["trace_entries_machine_code"] == 0, "--jit=uops: machine code entered")
        check(uops["uops_executed"] > 20000, f"--jit=uops: {uops['uops_executed']} uops executed")
        check(uops["instructions_executed"] < off["instructions_executed"] // 10,
              f"--jit=uops: {uops['instructions_executed']} Tier-1 instructions")

    checks.report()


if __name__ == "__main__":
    main()
