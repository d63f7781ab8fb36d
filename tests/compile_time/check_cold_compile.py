#!/usr/bin/env python3
"""What a real run pays for the JIT, as `cpjit bench --compile` and `--stats`
report it (structure and consistency only, no timing assertions):
- the cold columns of `bench --compile` agree with a fresh
  `cpjit run --stats` of the same program (traces_compiled, uops_in_traces),
  and a cold time is there (compile_ns > 0 when traces were compiled);
  under an emulator (which cannot start /proc/self/exe again) they are "-";
- `--jit=on` on a program that never gets hot compiles nothing:
  traces 0, traces_compiled 0, compile_ns 0.

  check_cold_compile.py --cpjit build/cpjit [--emulator CMD]
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

HOT_LOOP = os.path.join(HERE, "..", "jit", "hot_loop.cpasm")
NEVER_HOT = ".func main\n    const 1\n    print\n    const nil\n    ret\n.end\n"


def stats_of(tool, path, tmp):
    out = os.path.join(tmp, "stats.json")
    p = tool.run("run", "--jit=on", "--stats=" + out, path, text=True)
    if p.code != 0:
        return None, "run %s: %s: %s" % (path, p.status(), p.stderr)
    with open(out) as f:
        return json.load(f), None


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    checks = cpjit_test.Checks()
    expect = checks.expect

    with tempfile.TemporaryDirectory(prefix="cpjit-cold-compile-") as tmp:
        never_hot = os.path.join(tmp, "never_hot.cpasm")
        with open(never_hot, "w") as f:
            f.write(NEVER_HOT)
        s, err = stats_of(tool, never_hot, tmp)
        expect(err is None, err or "")
        if s:
            for key in ("traces", "traces_compiled", "compile_ns", "code_bytes"):
                expect(s.get(key) == 0, "never-hot program with --jit=on: %s is %r, not 0" % (key, s.get(key)))

        hot, err = stats_of(tool, HOT_LOOP, tmp)
        expect(err is None, err or "")
        if hot:
            expect(hot["traces_compiled"] > 0 and hot["compile_ns"] > 0,
                   "hot loop: traces compiled and time spent: %r" % hot)

        p = tool.run("bench", "--compile", "--repeat", "3", HOT_LOOP, never_hot, timeout=600, text=True)
        expect(p.code == 0, "bench --compile: %s, want exit 0: %s" % (p.status(), p.stderr))
        lines = p.stdout.splitlines()
        header = next((l.split() for l in lines if l.startswith("program")), None)
        expect(header is not None and "cold" in header, "a header with cold columns:\n" + p.stdout)
        row = next((l.split() for l in lines if l.split()[:1] == ["hot_loop"]), None)
        expect(row is not None and len(row) == 16, "hot_loop row has the 12 steady and 4 cold columns: %r" % row)
        if tool.emulated:
            # bench cannot start /proc/self/exe again under a user-mode
            # emulator: the cold columns say so, the steady ones are there.
            expect(row is None or row[12:] == ["-"] * 4, "cold columns are '-' under an emulator: %r" % row)
        elif row and hot and len(row) == 16:
            cold_traces, cold_uops, cold_us = int(row[12]), int(row[13]), float(row[14])
            expect(cold_traces == hot["traces_compiled"],
                   "cold traces %d == the run's traces_compiled %d" % (cold_traces, hot["traces_compiled"]))
            expect(cold_uops == hot["uops_in_traces"],
                   "cold uops %d == the run's uops_in_traces %d" % (cold_uops, hot["uops_in_traces"]))
            expect(cold_us > 0, "a cold time: %r" % row)
        nh = next((l for l in lines if l.split()[:1] == ["never_hot"]), "")
        expect("made no trace" in nh and ("cold: not measured" if tool.emulated else "cold: 0 traces") in nh,
               "never_hot row says it made no trace: %r" % nh)
        expect(any(l.startswith("geometric mean, cold (a real run):") for l in lines),
               "a cold summary line:\n" + p.stdout)

    checks.report()


if __name__ == "__main__":
    main()
