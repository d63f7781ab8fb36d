#!/usr/bin/env python3
"""Golden tests of the stencil extractor on the fixtures of this folder.

The objects are compiled by CMake (tests/stencil_fixtures/CMakeLists.txt) into
OBJDIR/<flagset>/<fixture>.o; this script runs the extractor on them.

  --dumps FLAGSET    the --dump of every good fixture (*.c but bad_*.c) equals
                     golden/FLAGSET.dump byte for byte
  --errors FLAGSET   every bad_*.c makes the extractor exit 1, each error names
                     the stencil and where (offset + relocation type, section
                     or symbol), and stderr equals golden/FLAGSET.errors
  --kinds            every relocation kind of jit/copy_patch/reloc_kinds.def appears in a
                     committed golden dump (no objects needed)
  --update           rewrite every golden file from the objects, e.g.
                     python3 tests/stencil_fixtures/check_golden.py --update --build build-sx
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import cpjit_test  # noqa: E402

checks = cpjit_test.Checks()
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(HERE, "golden")
FLAGSETS = ["x86_64", "x86_64_pic", "aarch64", "aarch64_pic"]

# Kinds no golden dump needs to contain, with the reason. Empty: kinds.c forces
# with inline assembly every kind the compiler does not emit by itself.
KINDS_NOT_PRODUCIBLE = {}

# What each bad fixture's errors must say, per target (besides naming the
# stencil): substrings that must all occur in its stderr.
BAD_EXPECT = {
    "bad_extern": {
        "x86_64": ["unexpected external symbol 'not_a_helper'", "(R_X86_64_GOTPCRELX)"],
        "aarch64": ["unexpected external symbol 'not_a_helper'", "(R_AARCH64_ADR_GOT_PAGE)",
                    "(R_AARCH64_LD64_GOT_LO12_NC)"],
    },
    "bad_reloc": {
        "x86_64": ["value hole _JIT_OPERAND64 is addressed PC-relatively at .text+0x3 (R_X86_64_PC32)",
                   "64-bit value hole _JIT_OPERAND64 in a 32-bit field at .text+0x8 (R_X86_64_32)",
                   "unknown relocation type R_X86_64_PC64 (24) at .text+0xc"],
        "aarch64": ["value hole _JIT_OPERAND64 is addressed PC-relatively at .text+0x0 (R_AARCH64_ADR_PREL_PG_HI21)",
                    "64-bit value hole _JIT_OPERAND64 in a 12-bit field at .text+0x4 (R_AARCH64_ADD_ABS_LO12_NC)",
                    "unknown relocation type R_AARCH64_PREL64 (260) at .text+0x8"],
    },
    "bad_writable": {
        "x86_64": ["writable data section .bss (8 bytes)"],
        "aarch64": ["writable data section .bss (8 bytes)"],
    },
}

# An error names where: a section offset with the relocation type, or a section.
WHERE = re.compile(r"(at \.[\w.]+\+0x[0-9a-f]+( \(R_[A-Z0-9_]+\))?|section \.[\w.]+)")


def fixtures():
    good, bad = [], []
    for f in sorted(os.listdir(HERE)):
        if f.endswith(".c"):
            (bad if f.startswith("bad_") else good).append(f[:-2])
    return good, bad


def target_of(flagset):
    return flagset[:-4] if flagset.endswith("_pic") else flagset


def extract(args, flagset, names, out_path):
    """Runs the extractor in OBJDIR on FLAGSET/NAME.o (relative paths, so the
    messages do not depend on the build folder). Returns (exit code, stderr)."""
    digest_inputs = []
    for f in sorted(os.listdir(HERE)):
        if f.endswith(".c") or f in ("stencil.h", "helpers.txt"):
            digest_inputs += ["--digest-input", os.path.join(HERE, f)]
    cmd = [args.extractor, "--target", target_of(flagset) + "-unknown-linux-gnu",
           "--helpers-file", os.path.join(HERE, "helpers.txt"), *digest_inputs,
           "--dump", out_path] + [f"{flagset}/{n}.o" for n in names]
    for n in names:
        if not os.path.exists(os.path.join(args.objdir, flagset, n + ".o")):
            sys.exit(f"missing {args.objdir}/{flagset}/{n}.o: build the fixture objects first "
                     "(ninja stencil_fixture_objects in a -DCPJIT_REGENERATE_STENCILS=ON build)")
    p = cpjit_test.run(cmd, cwd=args.objdir, text=True)
    return p.code, p.stderr


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def compare(golden_path, actual, update):
    rel = os.path.relpath(golden_path, ROOT)
    if update:
        if read(golden_path) != actual:
            with open(golden_path, "w", encoding="utf-8") as f:
                f.write(actual)
            print(f"updated {rel}")
        return True
    expected = read(golden_path)
    if expected == actual:
        checks.passed(rel)
        return True
    if expected is None:
        checks.fail(f"{rel} does not exist")
    else:
        checks.fail(f"{rel} differs:\n" + cpjit_test.diff(expected, actual, rel, "extractor output", limit=200))
    print("  if the change is intended: python3 tests/stencil_fixtures/check_golden.py --update --build BUILD")
    return False


def check_dumps(args, flagset, update=False):
    good, _ = fixtures()
    tmp = os.path.join(args.objdir, f"{flagset}.dump")
    rc, err = extract(args, flagset, good, tmp)
    if rc != 0:
        checks.fail(f"the extractor exited {rc} on the good fixtures ({flagset}):\n{err}")
        return False
    return compare(os.path.join(GOLDEN, f"{flagset}.dump"), read(tmp), update)


def check_errors(args, flagset, update=False):
    _, bad = fixtures()
    target = target_of(flagset)
    ok = True
    text = ""
    for name in bad:
        tmp = os.path.join(args.objdir, f"{flagset}.{name}.dump")
        rc, err = extract(args, flagset, [name], tmp)
        text += f"## {name}: exit {rc}\n{err}"
        if rc != 1:
            checks.fail(f"{name} ({flagset}): exit {rc}, want 1")
            ok = False
        if os.path.exists(tmp):
            checks.fail(f"{name} ({flagset}): wrote a dump despite the errors")
            ok = False
        lines = [l for l in err.splitlines() if l]
        if not lines:
            checks.fail(f"{name} ({flagset}): no error message")
            ok = False
        for line in lines:
            prefix = f"cpjit-stencil-extract: error: stencil '{name}': "
            if not line.startswith(prefix):
                checks.fail(f"{name} ({flagset}): error does not name the stencil: {line}")
                ok = False
            elif not WHERE.search(line):
                checks.fail(f"{name} ({flagset}): error names no offset/relocation type or section: {line}")
                ok = False
        for want in BAD_EXPECT.get(name, {}).get(target, []):
            if want not in err:
                checks.fail(f"{name} ({flagset}): stderr lacks {want!r}:\n{err}")
                ok = False
    if not ok and not update:
        return False
    return compare(os.path.join(GOLDEN, f"{flagset}.errors"), text, update) and ok


def reloc_kinds():
    kinds = []
    with open(os.path.join(ROOT, "jit", "copy_patch", "reloc_kinds.def"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"CPJIT_RELOC\((\w+),", line)
            if m:
                kinds.append(m.group(1))
    return kinds


def check_kinds():
    hole = re.compile(r"^    (?:code|data)\+0x[0-9a-f]+ +(\w+) ")
    where = {}  # kind -> ["flagset:stencil", ...]
    for flagset in FLAGSETS:
        text = read(os.path.join(GOLDEN, f"{flagset}.dump")) or ""
        stencil = None
        for line in text.splitlines():
            if line.startswith("stencil "):
                stencil = line.split()[1]
            m = hole.match(line)
            if m:
                entry = f"{flagset}:{stencil}"
                lst = where.setdefault(m.group(1), [])
                if entry not in lst:
                    lst.append(entry)
    ok = True
    for kind in reloc_kinds():
        found = where.get(kind, [])
        if kind in KINDS_NOT_PRODUCIBLE:
            print(f"{kind:26} not required: {KINDS_NOT_PRODUCIBLE[kind]}")
        elif not found:
            print(f"{kind:26} MISSING from every golden dump")
            ok = False
        else:
            # "kinds" forces its relocations with inline assembly.
            note = "" if any(not e.endswith(":kinds") for e in found) else "   (inline assembly only)"
            print(f"{kind:26} {' '.join(found)}{note}")
    unknown = sorted(set(where) - set(reloc_kinds()))
    if unknown:
        print("kinds in the dumps that reloc_kinds.def lacks: " + " ".join(unknown))
        ok = False
    checks.expect(ok, "add fixture code that produces the missing kinds")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extractor", help="cpjit-stencil-extract (default BUILD/tools/stencil_extract/...)")
    ap.add_argument("--objdir", help="folder of FLAGSET/NAME.o (default BUILD/tests/stencil_fixtures)")
    ap.add_argument("--build", default="build-sx", help="build folder for the defaults (default build-sx)")
    ap.add_argument("--dumps", metavar="FLAGSET", choices=FLAGSETS)
    ap.add_argument("--errors", metavar="FLAGSET", choices=FLAGSETS)
    ap.add_argument("--kinds", action="store_true")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    args.extractor = args.extractor or os.path.join(build, "tools", "stencil_extract", "cpjit-stencil-extract")
    args.objdir = os.path.abspath(args.objdir or os.path.join(build, "tests", "stencil_fixtures"))
    if args.update:
        for fs in FLAGSETS:
            check_dumps(args, fs, True) and check_errors(args, fs, True)
        check_kinds()
        checks.report()
    if not (args.dumps or args.errors or args.kinds):
        ap.error("give --dumps FLAGSET, --errors FLAGSET, --kinds or --update")
    if args.dumps:
        check_dumps(args, args.dumps)
    if args.errors:
        check_errors(args, args.errors)
    if args.kinds:
        check_kinds()
    checks.report()


if __name__ == "__main__":
    main()
