#!/usr/bin/env python3
"""`perf` names cpjit's machine code (docs/profiling.md).

  check_perf.py --cpjit build/cpjit map       # perf record + perf report with --perf-map
  check_perf.py --cpjit build/cpjit jitdump   # perf record -k 1 + perf inject --jit + perf report
  check_perf.py --cpjit build/cpjit profile   # cpjit profile: parts of cpjit, hottest uops

Records a benchmark (examples/spectral_norm.cpasm) and checks that `perf report` puts
samples on uop symbols (cpjit:tN:fn@I:UOP, UOP a uop of jit/tier2/uops.def)
and none on unnamed JIT memory. Exits 77 (ctest: skipped) with one line
saying why when perf is missing or may not record here, or when
CPJIT_REDUCED_BENCHMARKS=1 (sanitizer builds); under CPJIT_REQUIRE_TOOLS=1 (CI,
which installs perf) it fails instead, and failures found before the skip
are always reported as failures (tests/lib/cpjit_test.py).
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
# Traces over several pages, compiled over time (the arena grows under perf)
PROGRAM = os.path.join(ROOT, "examples", "spectral_norm.cpasm")
# A recorded run of the benchmark, and perf's own steps.
TIMEOUT = 600
checks = cpjit_test.Checks()


def uop_names():
    """The uops of uops.def and the steps the trace compiler puts between
    them, named by their stencil: spills (SPILL_r1, SPILL_r2_f1, ...), boxes
    of floats in FP registers (BOX_r1_f1, ...) and the loads of local
    registers (LOCAL_REG_L0, ...)."""
    with open(os.path.join(ROOT, "jit", "tier2", "uops.def")) as f:
        names = set(re.findall(r"^UOP\((\w+),", f.read(), re.M))
    spills = {f"SPILL_r{k}" for k in range(1, 9)}
    spills |= {f"{s}_r{k}_f{m}" for s in ("SPILL", "BOX") for k in range(1, 9) for m in range(1, 1 << k)}
    return names | spills | {f"LOCAL_REG_L{k}" for k in range(8)}


def perf_usable(tmp):
    """perf's path, or a skip (a failure after an earlier failure) when it cannot record."""
    perf = shutil.which("perf")
    if not perf:
        checks.skip("perf is not installed (Debian: apt-get install linux-perf)")
    out = os.path.join(tmp, "probe.data")
    r = cpjit_test.run([perf, "record", "-q", "-o", out, "--", "true"], text=True)
    if r.code != 0:
        try:
            paranoid = open("/proc/sys/kernel/perf_event_paranoid").read().strip()
        except OSError:
            paranoid = "?"
        first = (r.stderr.strip().splitlines() or ["?"])[0]
        checks.skip(f"perf may not record here (kernel.perf_event_paranoid={paranoid}): {first}")
    return perf


def perf_report(perf, data):
    r = cpjit_test.run([perf, "report", "-i", data, "--stdio", "--sort", "dso,sym"], timeout=TIMEOUT, text=True)
    if r.code != 0:
        checks.fail(f"perf report: {r.status()}: {r.stderr.strip()}")
        checks.report()
    rows = []  # (percent, dso, symbol)
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(.+?)\s+\[\.\]\s+(.*\S)", line)
        if m:
            rows.append((float(m.group(1)), m.group(2), m.group(3)))
    return rows


def check(rows, uops, dso_pattern):
    sym = re.compile(r"cpjit:t\d+:\w+@\d+:(\w+)$")
    named = [(p, d, s) for p, d, s in rows if sym.match(s) and re.match(dso_pattern, d)]
    bad_uops = [s for p, d, s in named if sym.match(s).group(1) not in uops]
    # JIT memory perf could not name: a memfd or anonymous mapping, or a
    # perf map that lacks the address ([JIT] with a raw address).
    unnamed = [(p, d, s) for p, d, s in rows
               if "memfd" in d or "/dev/zero" in d or "//anon" in d or (d.startswith("[JIT]") and s.startswith("0x"))]
    share = sum(p for p, _, _ in named)
    print(f"{len(named)} uop symbols with samples, {share:.1f}% of all samples; top: "
          + ", ".join(f"{s} {p:.1f}%" for p, _, s in named[:3]))
    checks.expect(named, "no sample on a uop symbol")
    checks.expect(not bad_uops, f"symbols naming no uop: {bad_uops[:5]}")
    checks.expect(sum(p for p, _, _ in unnamed) < 1,
                  f"{sum(p for p, _, _ in unnamed):.1f}% of samples on unnamed JIT memory: {unnamed[:3]}")
    checks.expect(share >= 20, f"only {share:.1f}% of samples on uop symbols (the benchmark runs mostly in machine code)")


def parts(text):
    """{part name: percent} from the first section of `cpjit profile`."""
    return {m.group(2): float(m.group(1)) for m in re.finditer(r"^\s+([\d.]+)%\s+(\D.*)$", text, re.M)}


def check_profile(tool, uops):
    def profile(*args, env=None):
        return tool.run("profile", *args, timeout=TIMEOUT, env=env, text=True)

    # Without perf: one clear message, exit 2 (checked before perf is needed).
    r = profile(PROGRAM, env={"PATH": "/nonexistent"})
    checks.expect(r.code == 2 and "apt-get install linux-perf" in r.stderr,
                  f"without perf: {r.status()}, stderr {r.stderr!r}")
    # A perf that may not record (a stand-in printing perf's refusal): exit 2,
    # and the message names the setting.
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        fake = os.path.join(tmp, "perf")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho 'Error: Access to performance monitoring and observability operations "
                    "is limited.' >&2\nexit 255\n")
        os.chmod(fake, 0o755)
        r = profile(PROGRAM, env={"PATH": tmp + ":/usr/bin:/bin"})
        checks.expect(r.code == 2 and "perf_event_paranoid" in r.stderr and "Access to performance" in r.stderr,
                      f"perf refusing: {r.status()}, stderr {r.stderr!r}")
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        perf_usable(tmp)
    # --keep=DIR: perf.data and the program's stdout stay in DIR, and the
    # summary says where.
    small = os.path.join(ROOT, "tests", "bench", "loop_sum")
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-keep-") as tmp:
        kept = os.path.join(tmp, "kept")
        r = profile("--keep=" + kept, small + ".cpasm")
        data = os.path.join(kept, "perf.data")
        with open(small + ".stdout") as f:
            want = f.read()
        if r.code != 0 or f"perf.data kept: perf report -i {data}" not in r.stdout:
            checks.fail(f"profile --keep: {r.status()}, stdout {r.stdout[-300:]!r}, stderr {r.stderr[-300:]!r}")
        elif not os.path.exists(data) or os.path.getsize(data) == 0:
            checks.fail(f"profile --keep: no perf.data in {kept}: {os.listdir(kept) if os.path.isdir(kept) else []}")
        elif open(os.path.join(kept, "stdout")).read() != want:
            checks.fail("profile --keep: the kept stdout is not the program's output")
    # A program that cannot load: its error and exit code 2, no summary.
    r = profile(os.path.join(ROOT, "no-such-file.cpasm"))
    checks.expect(r.code == 2 and "cannot read" in r.stderr and "time per part" not in r.stdout,
                  f"missing program: {r.status()}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    on = profile("--top=5", PROGRAM)
    off = profile("--jit=off", PROGRAM)
    for name, r in (("--jit=on", on), ("--jit=off", off)):
        if r.code != 0:
            checks.fail(f"cpjit profile {name}: {r.status()}\n{r.stderr}")
    if checks.failures:
        checks.report()
    print(on.stdout)
    p_on, p_off = parts(on.stdout), parts(off.stdout)
    checks.expect(p_on.get("machine code (JIT traces)", 0) >= 20, f"--jit=on: machine code under 20%: {p_on}")
    checks.expect(p_off.get("Tier 1 interpreter", 0) >= 50 and p_off.get("machine code (JIT traces)", 0) <= 0,
                  f"--jit=off: Tier 1 under 50% or machine code seen: {p_off}")
    hot = re.search(r"hottest uops, summed over all traces:\n((?:\s+[\d.]+%.*\n)+)", on.stdout)
    kinds = re.findall(r"%\s+(\w+)", hot.group(1)) if hot else []
    checks.expect(kinds and len(kinds) <= 5 and all(k in uops for k in kinds), f"hottest uop kinds: {kinds}")
    checks.expect(re.search(r"^\s+[\d.]+%\s+cpjit:t\d+:\w+@\d+:\w+$", on.stdout, re.M),
                  "no uop symbol listed one by one")
    checks.report()


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap, emulator=False)
    ap.add_argument("mode", choices=["map", "jitdump", "profile"])
    args = ap.parse_args()
    if os.environ.get("CPJIT_REDUCED_BENCHMARKS") == "1":
        checks.skip("CPJIT_REDUCED_BENCHMARKS=1 (this records a benchmark; sanitizer builds skip it)")
    tool = cpjit_test.Cpjit.from_args(args)
    uops = uop_names()
    if args.mode == "profile":
        return check_profile(tool, uops)
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        perf = perf_usable(tmp)
        data = os.path.join(tmp, "perf.data")
        if args.mode == "map":
            cmd = [perf, "record", "-q", "-o", data, "--", *tool.cmd("run", "--perf-map", PROGRAM)]
        else:
            cmd = [perf, "record", "-k", "1", "-q", "-o", data, "--", *tool.cmd("run", f"--perf-jitdump={tmp}", PROGRAM)]
        r = cpjit_test.run(cmd, timeout=TIMEOUT, text=True)
        pids = re.findall(r"jit-(\d+)\.dump", " ".join(os.listdir(tmp)))
        if r.code != 0:
            checks.fail(f"{' '.join(cmd)}: {r.status()}\n{r.stderr}")
            checks.report()
        if args.mode == "map":
            rows = perf_report(perf, data)
            dso = r"\[JIT\] tid \d+"
            for tid in {m.group(1) for _, d, _ in rows for m in [re.match(r"\[JIT\] tid (\d+)", d)] if m}:
                try:
                    os.remove(f"/tmp/perf-{tid}.map")  # that run's map (one thread: tid = pid)
                except OSError:
                    pass
        else:
            if len(pids) != 1:
                checks.fail(f"expected one jit-PID.dump in {tmp}, found {os.listdir(tmp)}")
                checks.report()
            injected = os.path.join(tmp, "perf.jit.data")
            i = cpjit_test.run([perf, "inject", "--jit", "-i", data, "-o", injected], timeout=TIMEOUT, text=True)
            if i.code != 0:
                checks.fail(f"perf inject --jit: {i.status()}: {i.stderr.strip()}")
                checks.report()
            rows = perf_report(perf, injected)
            dso = rf"jitted-{pids[0]}-\d+\.so"
        check(rows, uops, dso)
    checks.report()


if __name__ == "__main__":
    main()
