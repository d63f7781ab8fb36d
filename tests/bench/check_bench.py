#!/usr/bin/env python3
"""Tests of `cpjit bench` and `cpjit run --stats`.

  check_bench.py --cpjit build/cpjit bench    # bench on tests/bench/*.cpasm: table, --json, --chart, mismatches
  check_bench.py --cpjit build/cpjit stats    # --stats summary on stderr is the --stats=FILE data
  check_bench.py --cpjit build/cpjit startup  # tools/startup_bench.py: its table is the runs it made
  (--emulator "qemu-aarch64 -L ..." goes before every cpjit command; the
  bench test is not run under an emulator: bench spawns /proc/self/exe)
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

PROGRAMS = ["calls", "loop_sum"]  # loop_sum has a Python twin, calls has none
checks = cpjit_test.Checks()
expect = checks.expect


def run(tool, *args, **kw):
    """Past 300 s the exit code is None: every check on it fails."""
    return tool.run(*args, timeout=300, text=True, **kw)


def test_bench(cpjit, tmp):
    python = shutil.which("python3") is not None
    jpath, spath = os.path.join(tmp, "b.json"), os.path.join(tmp, "b.svg")
    files = [os.path.join(HERE, p + ".cpasm") for p in PROGRAMS]
    p = run(cpjit, "bench", *files, "--repeat", "2", "--json", jpath, "--chart=" + spath, *(["--python"] if python else []))
    expect(p.code == 0, "bench exits 0, not %s; stderr:\n%s" % (p.code, p.stderr))
    for word in ["median s", "vs T1", "RSS MiB", "geometric mean", "off+threaded", "uops+threaded", "on+threaded",
                 "mapped KiB", "map/code"] + PROGRAMS:
        expect(word in p.stdout, "table has %r:\n%s" % (word, p.stdout))
    expect("bench [1/" in p.stderr and "warm-up" in p.stderr, "progress on stderr:\n" + p.stderr)
    expect("FAILED" not in p.stdout and "MISMATCH" not in p.stderr, "no failures reported")

    with open(jpath) as f:
        data = json.load(f)
    for k in ["cpu_model", "nproc", "kernel", "cpjit_version", "python_version", "date", "command_line"]:
        expect(k in data["machine"], "machine has %s" % k)
    expect(data["machine"]["command_line"][1:2] == ["bench"], "command line recorded")
    expect(data["repeat"] == 2 and data["baseline"] == "off+threaded" and data["ok"] is True, "repeat, baseline, ok")
    configs = ["off+threaded", "uops+threaded", "on+threaded"] + (["python3"] if python else [])
    expect(data["configs"] == configs, "configs %r" % data["configs"])
    expect([b["name"] for b in data["benchmarks"]] == PROGRAMS, "benchmark names")
    for b in data["benchmarks"]:
        labels = [r["config"] for r in b["runs"]]
        want = configs if b["python_twin"] else configs[:3]
        expect(labels == want, "%s runs %r" % (b["name"], labels))
        for r in b["runs"]:
            where = "%s %s" % (b["name"], r["config"])
            expect(len(r["samples"]) == 2 and all(s["ok"] and s["wall_s"] > 0 and s["rss_kib"] > 0 for s in r["samples"]),
                   where + ": two good samples")
            expect(r["warmup"]["ok"], where + ": warm-up ok")
            expect(min(s["wall_s"] for s in r["samples"]) == r["min_s"], where + ": min_s")
            if r["config"] == "off+threaded":
                expect(r["speedup_vs_tier1"] == 1, where + ": baseline speedup 1")
            if r["config"] != "python3":
                expect(isinstance(r["stats"], dict) and r["stats"].get("exit_code") == 0, where + ": stats of the warm-up run")
            if r["config"] == "uops+threaded":
                expect(r["stats"].get("traces", 0) >= 1, where + ": traces in stats")
    for c in configs:
        expect(data["geomean"][c]["speedup_vs_tier1"] > 0, "geomean of %s" % c)

    root = ET.parse(spath).getroot()
    expect(root.tag == "{http://www.w3.org/2000/svg}svg", "svg root, not %s" % root.tag)
    bars = [e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "bar"]
    # per program: uops and on (not the baseline), python for loop_sum; then the geometric means
    want = 2 * 2 + (1 if python else 0) + 2 + (1 if python else 0)
    expect(len(bars) == want, "%d bars, expected %d" % (len(bars), want))
    expect(all(float(b.get("height")) > 0 for b in bars), "bars have height")
    text = open(spath).read()
    expect("<svg" in text and "speedup over Tier 1" in text and "geometric mean" in text, "svg labels")

    # A wrong expected stdout is reported loudly, and the exit code says so.
    for ext in (".cpasm",):
        shutil.copy(os.path.join(HERE, "calls" + ext), os.path.join(tmp, "wrong" + ext))
    with open(os.path.join(tmp, "wrong.stdout"), "w") as f:
        f.write("not the output\n")
    p = run(cpjit, "bench", os.path.join(tmp, "wrong.cpasm"), "--repeat=1", "--tiers=off")
    expect(p.code == 1, "mismatch: exit 1, not %s" % p.code)
    expect("MISMATCH" in p.stderr and "stdout differs" in p.stderr, "mismatch on stderr:\n" + p.stderr)
    expect("FAILED" in p.stdout, "mismatch in the table:\n" + p.stdout)

    # --compile: traces recorded in process and compiled again; every figure
    # is there (no timing assertions), and the JIT table has the mapped memory.
    p = run(cpjit, "bench", "--compile", *files, "--repeat", "5")
    expect(p.code == 0, "bench --compile exits 0, not %s; stderr:\n%s" % (p.code, p.stderr))
    for word in ["ns/uop", "ns/trace", "min ns", "MB/s", "mapped/code", "geometric mean"] + PROGRAMS:
        expect(word in p.stdout, "compile table has %r:\n%s" % (word, p.stdout))
    for line in p.stdout.splitlines():
        cols = line.split()
        if cols and cols[0] in PROGRAMS:
            expect(len(cols) >= 12 and int(cols[1]) > 0 and int(cols[2]) > 0 and cols[11].endswith("x"),
                   "compile row: traces, uops, ..., mapped/code: %r" % line)
            expect(float(cols[11][:-1]) >= 1.0, "mapped memory covers the code: %r" % line)
    with open(jpath) as f:
        runs = [r for b in json.load(f)["benchmarks"] for r in b["runs"] if r["config"] == "on+threaded"]
    expect(runs and all(r["stats"]["code_mapped_bytes"] >= r["stats"]["code_bytes"] > 0 for r in runs),
           "--stats code_mapped_bytes >= code_bytes > 0 with the JIT")

    test_bench_default_list(cpjit, tmp)
    test_interp_matrix(cpjit, files, tmp)

    for bad in (["--tiers", "bogus"], ["--interp=goto"], ["--repeat", "0"], ["--frobnicate"], [os.path.join(tmp, "missing.cpasm")]):
        p = run(cpjit, "bench", *bad)
        expect(p.code == 2 and "error:" in p.stderr, "bench %s: usage error, got %s %s" % (bad, p.code, p.stderr))


def test_bench_default_list(cpjit, tmp):
    """`cpjit bench` without files runs examples/BENCHMARKS found next to the
    binary: a copy of the binary beside a folder listing the two tiny
    programs (the real list takes minutes)."""
    top = os.path.join(tmp, "default-list")
    os.makedirs(os.path.join(top, "bin"))
    os.makedirs(os.path.join(top, "examples"))
    exe = os.path.join(top, "bin", "cpjit")
    shutil.copy2(cpjit.binary, exe)
    for name in PROGRAMS:
        for ext in (".cpasm", ".stdout"):
            shutil.copy(os.path.join(HERE, name + ext), os.path.join(top, "examples", name + ext))
    with open(os.path.join(top, "examples", "BENCHMARKS"), "w") as f:
        f.write("# the programs `cpjit bench` runs without files\n" + "\n".join(reversed(PROGRAMS)) + "\n")
    copy = cpjit_test.Cpjit(exe, cpjit.emulator)
    jpath = os.path.join(tmp, "default.json")
    p = run(copy, "bench", "--repeat=1", "--tiers=off,on", "--json", jpath, cwd=top)
    expect(p.code == 0, "bench without files: exit 0, not %s; stderr:\n%s" % (p.code, p.stderr))
    if p.code == 0:
        with open(jpath) as f:
            data = json.load(f)
        names = [b["name"] for b in data["benchmarks"]]
        expect(names == list(reversed(PROGRAMS)), "bench without files runs BENCHMARKS in order: %r" % names)
    # No examples/BENCHMARKS next to the binary nor around the current folder.
    with open(os.path.join(top, "examples", "BENCHMARKS"), "w") as f:
        f.write("# nothing\n")
    p = run(copy, "bench", "--repeat=1", cwd=top)
    expect(p.code == 2 and "lists no programs" in p.stderr,
           "empty BENCHMARKS: exit 2 and why, got %s %s" % (p.code, p.stderr))
    os.remove(os.path.join(top, "examples", "BENCHMARKS"))
    empty = os.path.join(top, "bin", "empty")
    os.makedirs(empty)
    p = run(copy, "bench", "--repeat=1", cwd=empty)
    expect(p.code == 2 and "cannot find examples/BENCHMARKS" in p.stderr,
           "no BENCHMARKS: exit 2 and why, got %s %s" % (p.code, p.stderr))


def test_interp_matrix(cpjit, files, tmp):
    """--interp threaded,switch times every tier under both dispatch loops."""
    jpath = os.path.join(tmp, "matrix.json")
    p = run(cpjit, "bench", *files, "--repeat=1", "--tiers=off,uops,on", "--interp", "threaded,switch",
            "--json", jpath)
    expect(p.code == 0, "bench --interp threaded,switch: exit 0, not %s; stderr:\n%s" % (p.code, p.stderr))
    if p.code != 0:
        return
    with open(jpath) as f:
        data = json.load(f)
    want = {"%s+%s" % (t, d) for t in ("off", "uops", "on") for d in ("threaded", "switch")}
    expect(set(data["configs"]) == want, "configs of the matrix: %r" % data["configs"])
    for b in data["benchmarks"]:
        for r in b["runs"]:
            where = "%s %s" % (b["name"], r["config"])
            expect(r["config"].endswith("+" + r["interp"]), where + ": interp %r" % r.get("interp"))
            expect(len(r["samples"]) == 1 and r["samples"][0]["ok"], where + ": one good sample")
            expect(isinstance(r["stats"], dict) and r["stats"].get("interp") == r["interp"],
                   where + ": the run's stats name its interpreter: %r" % (r["stats"] or {}).get("interp"))
    for word in ("off+switch", "uops+switch", "on+switch"):
        expect(word in p.stdout, "table has %r:\n%s" % (word, p.stdout))


def test_stats(cpjit, tmp):
    prog = os.path.join(HERE, "loop_sum.cpasm")
    want = open(os.path.join(HERE, "loop_sum.stdout")).read()
    jpath = os.path.join(tmp, "s.json")
    p = run(cpjit, "run", "--jit=uops", "--stats", "--stats=" + jpath, prog)
    expect(p.code == 0 and p.stdout == want, "program output unchanged by --stats")
    lines = p.stderr.splitlines()
    expect(lines and "statistics" in lines[0], "summary header:\n" + p.stderr)
    names = [l.split()[0] for l in lines[1:]]
    with open(jpath) as f:
        data = json.load(f)
    expect(names == list(data), "summary names are the JSON keys in order:\n%s\n%s" % (names, list(data)))
    expect("traces" in names and "instructions_executed" in names, "summary has Tier-2 and Tier-1 figures")
    row = dict((l.split()[0], l.split(None, 1)[1]) for l in lines[1:])
    expect(row["tier"] == "uops", "strings without quotes: %r" % row["tier"])
    n = data["instructions_executed"]
    expect(row["instructions_executed"] == "{:,}".format(n), "thousands separators: %r" % row["instructions_executed"])
    expect(row["run_ns"].startswith("{:,}".format(data["run_ns"])) and (" s)" in row["run_ns"] or " ms)" in row["run_ns"]),
           "run_ns with a readable time: %r" % row["run_ns"])
    # without --stats: nothing on stderr
    p = run(cpjit, "run", prog)
    expect(p.code == 0 and p.stderr == "", "no statistics unless asked")
    p = run(cpjit, "run", "--stats=", prog)
    expect(p.code == 2, "--stats= with no file is a usage error")


def test_startup(cpjit, tmp):
    script = os.path.join(HERE, "..", "..", "tools", "startup_bench.py")
    jpath = os.path.join(tmp, "startup.json")
    p = cpjit_test.run([sys.executable, script, "--cpjit", cpjit.binary, "--runs", "3", "--json", jpath], text=True)
    expect(p.code == 0, "startup_bench.py exits 0, not %s; stderr:\n%s" % (p.code, p.stderr))
    with open(jpath) as f:
        data = json.load(f)
    names = [r["command"] for r in data["rows"]]
    expect(names == ["/bin/true", "cpjit --version", "cpjit run --jit=off", "cpjit run --jit=on"], "rows %r" % names)
    by = {r["command"]: r for r in data["rows"]}
    for r in data["rows"]:
        walls = [x["wall_s"] * 1e3 for x in r["samples"]]
        faults = [x["page_faults"] for x in r["samples"]]
        expect(len(r["samples"]) == 3 and all(w > 0 for w in walls) and all(f > 0 for f in faults),
               "%s: three samples with a wall time and page faults" % r["command"])
        expect(abs(r["min_wall_ms"] - min(walls)) < 1e-9 and r["min_page_faults"] == min(faults),
               "%s: the figures are the samples' least" % r["command"])
        line = [l for l in p.stdout.splitlines() if l.startswith(r["command"] + " ")]
        expect(len(line) == 1 and "%.2f" % r["min_wall_ms"] in line[0], "%s: its table row:\n%s" % (r["command"], p.stdout))
    # cpjit is a real run: it loads, assembles and runs the program, which /bin/true does not.
    expect(by["cpjit run --jit=off"]["min_page_faults"] > by["/bin/true"]["min_page_faults"],
           "a cpjit run takes more page faults than /bin/true")
    expect(abs(data["off_minus_true_ms"] - (by["cpjit run --jit=off"]["min_wall_ms"] - by["/bin/true"]["min_wall_ms"])) < 1e-9,
           "the difference is of the rows' figures")
    # a program that fails is reported, not timed
    bad = os.path.join(tmp, "bad.cpasm")
    with open(bad, "w") as f:
        f.write(".func main\n    const 1\n    const 0\n    idiv\n    ret\n.end\n")
    p = cpjit_test.run([sys.executable, script, "--cpjit", cpjit.binary, "--runs", "1", "--program", bad], text=True)
    expect(p.code == 1 and "exits" in p.stderr, "a failing program makes it exit 1: %s %s" % (p.code, p.stderr))


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("test", choices=["bench", "stats", "startup"])
    args = ap.parse_args()
    tests = {"bench": test_bench, "stats": test_stats, "startup": test_startup}
    with tempfile.TemporaryDirectory() as tmp:
        tests[args.test](cpjit_test.Cpjit.from_args(args), tmp)
    checks.report()


if __name__ == "__main__":
    main()
