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
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
# Traces over several pages, compiled over time (the arena grows under perf)
PROGRAM = os.path.join(ROOT, "examples", "spectral_norm.cpasm")


def uop_names():
    """The uops of uops.def, the spills between them (SPILL_r1, ...) and the
    loads of local registers (LOCAL_REG_L0, ...)."""
    with open(os.path.join(ROOT, "jit", "tier2", "uops.def")) as f:
        names = set(re.findall(r"^UOP\((\w+),", f.read(), re.M))
    return names | {f"SPILL_r{k}" for k in range(1, 9)} | {f"LOCAL_REG_L{k}" for k in range(8)}


def skip(why, failures=()):
    cpjit_test.skip(why, failures)


def perf_usable(tmp, failures=()):
    """perf's path, or a skip (a failure after `failures`) when it cannot record."""
    perf = shutil.which("perf")
    if not perf:
        skip("perf is not installed (Debian: apt-get install linux-perf)", failures)
    out = os.path.join(tmp, "probe.data")
    r = subprocess.run([perf, "record", "-q", "-o", out, "--", "true"], capture_output=True, text=True)
    if r.returncode != 0:
        try:
            paranoid = open("/proc/sys/kernel/perf_event_paranoid").read().strip()
        except OSError:
            paranoid = "?"
        first = (r.stderr.strip().splitlines() or ["?"])[0]
        skip(f"perf may not record here (kernel.perf_event_paranoid={paranoid}): {first}", failures)
    return perf


def report(perf, data):
    r = subprocess.run([perf, "report", "-i", data, "--stdio", "--sort", "dso,sym"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: perf report: {r.stderr.strip()}")
    rows = []  # (percent, dso, symbol)
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(.+?)\s+\[\.\]\s+(.*\S)", line)
        if m:
            rows.append((float(m.group(1)), m.group(2), m.group(3)))
    return rows


def check(rows, uops, dso_pattern):
    failures = []
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
    if not named:
        failures.append("no sample on a uop symbol")
    if bad_uops:
        failures.append(f"symbols naming no uop: {bad_uops[:5]}")
    if sum(p for p, _, _ in unnamed) >= 1:
        failures.append(f"{sum(p for p, _, _ in unnamed):.1f}% of samples on unnamed JIT memory: {unnamed[:3]}")
    if share < 20:
        failures.append(f"only {share:.1f}% of samples on uop symbols (the benchmark runs mostly in machine code)")
    return failures


def parts(text):
    """{part name: percent} from the first section of `cpjit profile`."""
    return {m.group(2): float(m.group(1)) for m in re.finditer(r"^\s+([\d.]+)%\s+(\D.*)$", text, re.M)}


def check_profile(cpjit, uops):
    failures = []
    # Without perf: one clear message, exit 2 (checked before perf is needed).
    r = subprocess.run([cpjit, "profile", PROGRAM], capture_output=True, text=True, env={"PATH": "/nonexistent"})
    if r.returncode != 2 or "apt-get install linux-perf" not in r.stderr:
        failures.append(f"without perf: exit {r.returncode}, stderr {r.stderr!r}")
    # A perf that may not record (a stand-in printing perf's refusal): exit 2,
    # and the message names the setting.
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        fake = os.path.join(tmp, "perf")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho 'Error: Access to performance monitoring and observability operations "
                    "is limited.' >&2\nexit 255\n")
        os.chmod(fake, 0o755)
        r = subprocess.run([cpjit, "profile", PROGRAM], capture_output=True, text=True,
                           env={"PATH": tmp + ":/usr/bin:/bin"})
        if r.returncode != 2 or "perf_event_paranoid" not in r.stderr or "Access to performance" not in r.stderr:
            failures.append(f"perf refusing: exit {r.returncode}, stderr {r.stderr!r}")
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        perf_usable(tmp, failures)
    # --keep=DIR: perf.data and the program's stdout stay in DIR, and the
    # summary says where.
    small = os.path.join(ROOT, "tests", "bench", "loop_sum")
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-keep-") as tmp:
        kept = os.path.join(tmp, "kept")
        r = subprocess.run([cpjit, "profile", "--keep=" + kept, small + ".cpasm"], capture_output=True, text=True)
        data = os.path.join(kept, "perf.data")
        with open(small + ".stdout") as f:
            want = f.read()
        if r.returncode != 0 or f"perf.data kept: perf report -i {data}" not in r.stdout:
            failures.append(f"profile --keep: exit {r.returncode}, stdout {r.stdout[-300:]!r}, stderr {r.stderr[-300:]!r}")
        elif not os.path.exists(data) or os.path.getsize(data) == 0:
            failures.append(f"profile --keep: no perf.data in {kept}: {os.listdir(kept) if os.path.isdir(kept) else []}")
        elif open(os.path.join(kept, "stdout")).read() != want:
            failures.append("profile --keep: the kept stdout is not the program's output")
    # A program that cannot load: its error and exit code 2, no summary.
    r = subprocess.run([cpjit, "profile", os.path.join(ROOT, "no-such-file.cpasm")], capture_output=True, text=True)
    if r.returncode != 2 or "cannot read" not in r.stderr or "time per part" in r.stdout:
        failures.append(f"missing program: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    on = subprocess.run([cpjit, "profile", "--top=5", PROGRAM], capture_output=True, text=True)
    off = subprocess.run([cpjit, "profile", "--jit=off", PROGRAM], capture_output=True, text=True)
    for name, r in (("--jit=on", on), ("--jit=off", off)):
        if r.returncode != 0:
            sys.exit(f"FAIL: cpjit profile {name}: exit {r.returncode}\n{r.stderr}")
    print(on.stdout)
    p_on, p_off = parts(on.stdout), parts(off.stdout)
    if p_on.get("machine code (JIT traces)", 0) < 20:
        failures.append(f"--jit=on: machine code under 20%: {p_on}")
    if p_off.get("Tier 1 interpreter", 0) < 50 or p_off.get("machine code (JIT traces)", 0) > 0:
        failures.append(f"--jit=off: Tier 1 under 50% or machine code seen: {p_off}")
    hot = re.search(r"hottest uops, summed over all traces:\n((?:\s+[\d.]+%.*\n)+)", on.stdout)
    kinds = re.findall(r"%\s+(\w+)", hot.group(1)) if hot else []
    if not kinds or len(kinds) > 5 or any(k not in uops for k in kinds):
        failures.append(f"hottest uop kinds: {kinds}")
    if not re.search(r"^\s+[\d.]+%\s+cpjit:t\d+:\w+@\d+:\w+$", on.stdout, re.M):
        failures.append("no uop symbol listed one by one")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("mode", choices=["map", "jitdump", "profile"])
    args = ap.parse_args()
    if os.environ.get("CPJIT_REDUCED_BENCHMARKS") == "1":
        skip("CPJIT_REDUCED_BENCHMARKS=1 (this records a benchmark; sanitizer builds skip it)")
    cpjit = os.path.abspath(args.cpjit)
    uops = uop_names()
    if args.mode == "profile":
        return check_profile(cpjit, uops)
    with tempfile.TemporaryDirectory(prefix="cpjit-perf-") as tmp:
        perf = perf_usable(tmp)
        data = os.path.join(tmp, "perf.data")
        if args.mode == "map":
            cmd = [perf, "record", "-q", "-o", data, "--", cpjit, "run", "--perf-map", PROGRAM]
        else:
            cmd = [perf, "record", "-k", "1", "-q", "-o", data, "--",
                   cpjit, "run", f"--perf-jitdump={tmp}", PROGRAM]
        r = subprocess.run(cmd, capture_output=True, text=True)
        pids = re.findall(r"jit-(\d+)\.dump", " ".join(os.listdir(tmp)))
        if r.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
        if args.mode == "map":
            rows = report(perf, data)
            dso = r"\[JIT\] tid \d+"
            for tid in {m.group(1) for _, d, _ in rows for m in [re.match(r"\[JIT\] tid (\d+)", d)] if m}:
                try:
                    os.remove(f"/tmp/perf-{tid}.map")  # that run's map (one thread: tid = pid)
                except OSError:
                    pass
        else:
            if len(pids) != 1:
                sys.exit(f"FAIL: expected one jit-PID.dump in {tmp}, found {os.listdir(tmp)}")
            injected = os.path.join(tmp, "perf.jit.data")
            i = subprocess.run([perf, "inject", "--jit", "-i", data, "-o", injected], capture_output=True, text=True)
            if i.returncode != 0:
                sys.exit(f"FAIL: perf inject --jit: {i.stderr.strip()}")
            rows = report(perf, injected)
            dso = rf"jitted-{pids[0]}-\d+\.so"
        failures = check(rows, uops, dso)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
