#!/usr/bin/env python3
"""Golden output tests: the exact output of a cpjit command must equal a
committed file byte for byte.

Traces (the default): for every NAME.cpasm in tests/golden/traces/, the stdout
of `cpjit trace --jit=uops NAME.cpasm` (run from that folder) must equal
NAME.trace: the program's own output, then every trace with its bytecode, its
uops before and after the optimizer, and its exits. For the programs in
MACHINE_CODE, `cpjit trace --jit=on NAME.cpasm` (the same plus each trace's
machine code) must equal NAME.<arch>.trace, where --arch (default: this
machine's) is the target cpjit was built for: x86_64 or aarch64. And
`cpjit trace --jit=on --target=OTHER NAME.cpasm`, the machine code for the
other target (compiled, never run), must equal NAME.<other>.trace, the
listing a run on that target makes, once its one line saying which target
ran is taken out (that line must name this one). --update leaves these
alone: the other target's build writes its own golden file.

Stencils (--stencils): every line `NAME: ARGS` of tests/golden/stencils/cases
names a `cpjit stencils ARGS` command whose output must equal NAME.txt there
(stdout; a command that fails gives "exit status N" and its stderr instead).
These come from the committed generated stencil headers
(jit/copy_patch/generated/stencils_*.h): after regenerating stencils, run --stencils
--update and review the changes with the headers.

  check_golden.py --cpjit build/cpjit              compare
  check_golden.py --cpjit build/cpjit --update     rewrite every golden file
  check_golden.py --cpjit build/cpjit --update count_loop   ... only this one
  check_golden.py --cpjit build/cpjit --stencils [--update] [NAME...]

A change to the projector, the optimizer, the printer or the stencils shows
up here as a diff; when the new output is the intended one, run with
--update and review the changes to the golden files like code.
--emulator (split like a shell would) goes before every cpjit command, for a
cross build run under qemu-user.
"""
import argparse
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402


# Programs whose machine code is checked too: `cpjit trace --jit=on` must
# equal NAME.<arch>.trace, one file per target (the host's: x86_64, or aarch64
# in the cross build's run under qemu).
# Not string_loop: its helper calls (CONCAT, TOSTR) are relaxed from GOT
# loads to direct calls when the helpers lie within reach of the JIT's memory,
# which depends on the address layout (under qemu they do, natively not), so
# its machine code is not the same from run to run; its uops are
# (string_loop.trace).
MACHINE_CODE = ["inline_call", "side_trace", "sqrt_loop"]


ARCHES = ["x86_64", "aarch64"]


def trace_cases(folder, arch):
    """(name, cpjit arguments, working folder, golden file) per program."""
    names = sorted(n[:-6] for n in os.listdir(folder) if n.endswith(".cpasm"))
    cases = [(n, ["trace", "--jit=uops", n + ".cpasm"], folder, os.path.join(folder, n + ".trace")) for n in names]
    cases += [("%s.%s" % (n, arch), ["trace", "--jit=on", n + ".cpasm"], folder,
               os.path.join(folder, "%s.%s.trace" % (n, arch))) for n in MACHINE_CODE if n in names]
    cases += [("%s.%s-from-%s" % (n, other, arch), ["trace", "--jit=on", "--target=" + other, n + ".cpasm"], folder,
               os.path.join(folder, "%s.%s.trace" % (n, other)))
              for n in MACHINE_CODE if n in names for other in ARCHES if other != arch]
    return cases


def without_target_note(out, host):
    """A --target listing without its note on what ran; None when the note is
    missing or does not name the host."""
    lines = out.split(b"\n")
    notes = [i for i, l in enumerate(lines) if l.startswith(b"(machine code for ")]
    if len(notes) != 1 or ("this run ran %s machine code)" % host).encode() not in lines[notes[0]]:
        return None
    del lines[notes[0]]
    return b"\n".join(lines)


def stencil_cases(folder):
    cases = []
    with open(os.path.join(folder, "cases")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, argv = line.partition(":")
            cases.append((name.strip(), ["stencils", *shlex.split(argv)], folder,
                          os.path.join(folder, name.strip() + ".txt")))
    return cases


def output_of(p, expect_failure):
    """What the golden file holds: stdout, or the exit status and stderr."""
    if expect_failure:
        return ("exit status %d\n" % p.code).encode() + p.stderr
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpjit_test.add_cpjit_arguments(ap, arch=True)
    ap.add_argument("--stencils", action="store_true", help="check the cpjit stencils cases instead of traces")
    ap.add_argument("--dir", help="folder of the cases (default: golden/traces or golden/stencils)")
    ap.add_argument("--update", action="store_true", help="rewrite the golden files from the current output")
    ap.add_argument("names", nargs="*", help="only these cases (program NAME without .cpasm, or stencil case NAME)")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    folder = args.dir or os.path.join(HERE, "stencils" if args.stencils else "traces")
    arch = args.arch
    cases = stencil_cases(folder) if args.stencils else trace_cases(folder, arch)
    if args.names:
        # A program's name selects its machine code case too.
        selected = lambda case: case[0] in args.names or case[0].partition(".")[0] in args.names
        unknown = set(args.names) - {c[0] for c in cases} - {c[0].partition(".")[0] for c in cases}
        if unknown:
            print("no such case: %s" % ", ".join(sorted(unknown)))
            sys.exit(2)
        cases = [c for c in cases if selected(c)]
    checks = cpjit_test.Checks()
    for name, argv, cwd, golden in cases:
        command = "cpjit " + " ".join(argv)
        p = tool.run(*argv, timeout=120, cwd=cwd)
        if p.timed_out:
            checks.fail("%s: %s %s" % (name, command, p.status()))
            continue
        # A stencil case may be an error case: its golden file says so.
        old = cpjit_test.read_bytes(golden)
        expect_failure = old.startswith(b"exit status ") if old is not None and not args.update else p.code != 0
        if (not args.stencils and p.code != 0) or ((p.code != 0) != expect_failure and not args.update):
            checks.fail("%s: %s: %s: %s" % (name, command, p.status(), cpjit_test.show(p.stderr)))
            continue
        got = output_of(p, expect_failure)
        cross = not args.stencils and any(a.startswith("--target=") for a in argv)
        if cross:
            if args.update:
                continue
            got = without_target_note(got, arch)
            if got is None:
                checks.fail("%s: the listing does not say once that %s machine code ran" % (name, arch))
                continue
        if args.update:
            if old != got:
                with open(golden, "wb") as f:
                    f.write(got)
                print("updated %s" % os.path.basename(golden))
            checks.passed()
            continue
        if old is None:
            checks.fail("%s: no %s (run with --update to create it)" % (name, os.path.basename(golden)))
        elif got != old:
            checks.fail("%s: output differs (check_golden.py%s --update %s accepts it)\n%s" % (
                name, " --stencils" if args.stencils else "", name,
                cpjit_test.diff(old, got, os.path.basename(golden) + " (expected)", command, limit=60)))
        else:
            checks.passed()
    checks.report(require_pass=True)


if __name__ == "__main__":
    main()
