#!/usr/bin/env python3
"""Generate docs/walkthrough.md ("How a loop becomes machine code") from
docs/walkthrough.template.md: the prose is the template's, every block is the
real output of cpjit on examples/sum_loop.cpasm.

  gen_walkthrough.py --x86-64 build/cpjit --aarch64 build-aarch64/cpjit \\
      --emulator qemu-aarch64                                     write the doc
  gen_walkthrough.py --x86-64 build/cpjit --check                  compare

A template line `@@KIND ARGS@@` becomes one generated block:
  @@source@@               the example program
  @@dis@@                  cpjit dis
  @@uops@@                 cpjit trace --jit=uops (bytecode, uops before/after)
  @@machine ARCH@@         the machine code section of cpjit trace (--jit=on),
                           from the binary built for ARCH (x86_64, aarch64)
  @@stencil ARCH NAME@@    cpjit stencils --disasm --target=ARCH NAME
In the doc each block sits between `<!-- generated: KIND ARGS -->` and
`<!-- end generated -->`.

The prose is checked against the blocks it describes. In the template, a
name the prose takes from a listing is written `{{SCOPE:TEXT}}` (it becomes
`TEXT` in backticks in the doc), and TEXT must appear in that listing as
embedded in the doc, as a whole token sequence (spacing aside):
  {{x86_64:jmp 0xe}}       the x86_64 machine code and stencil blocks
  {{aarch64:b #0x28}}      the aarch64 ones
  {{uops:DUP}}             the `cpjit trace --jit=uops` block (also dis, source)
  {{jit/jit_abi.h:r12, r13, r14}}   a source file of the repository
A register, hex number or instruction with operands written in plain
backticks, unmarked, is an error too (it would not be checked). So when a
listing changes, the prose that names what is gone fails the check
(`--check`, and `--check-prose`, which needs no binary: it checks the
template against the blocks docs/walkthrough.md holds now). Blocks of an ARCH whose binary is not given are
kept as the doc has them, so a native run checks (or rewrites) the x86-64
blocks and everything else, and the AArch64 run under qemu checks the
AArch64 blocks and everything else (blocks that do not depend on the target
come from whichever binary is given). Run from anywhere; commands run in the
repository root so file names in the output are relative.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import cpjit_test  # noqa: E402
EXAMPLE = "examples/sum_loop.cpasm"
TEMPLATE = os.path.join(ROOT, "docs", "walkthrough.template.md")
DOC = os.path.join(ROOT, "docs", "walkthrough.md")
PLACEHOLDER = re.compile(r"^@@(.+)@@$")
MARK = re.compile(r"\{\{([^:{}]+):(.+?)\}\}")
# Plain `code` that names a machine detail and so must be marked.
REGISTER = re.compile(r"^(r\d{1,2}|r[a-d]x|e[a-d]x|r[sd]i|r[sb]p|[xw]\d{1,2}|[xyz]mm\d+)$")
HEX = re.compile(r"^#?0x[0-9a-f]+$")
MNEMONIC = re.compile(r"^\s+[0-9a-f]{4}  ([a-z][a-z0-9.]*) ", re.M)
BLOCK = re.compile(r"<!-- generated: (.+?) -->\n(.*?)<!-- end generated -->\n", re.S)


class Binaries:
    def __init__(self, args):
        self.by_arch = {}
        if args.x86_64:
            self.by_arch["x86_64"] = cpjit_test.Cpjit(args.x86_64)
        if args.aarch64:
            self.by_arch["aarch64"] = cpjit_test.Cpjit(args.aarch64, args.emulator)

    def run(self, arch, *argv):
        """stdout of cpjit ARGV with the binary of `arch` (None: any)."""
        tool = self.by_arch[arch] if arch else next(iter(self.by_arch.values()))
        p = tool.run(*argv, cwd=ROOT, timeout=300, text=True)
        if p.code != 0:
            raise SystemExit("cpjit %s failed (%s): %s" % (" ".join(argv), p.status(), p.stderr))
        return p.stdout


def machine_section(trace_text):
    """The machine code sections of `cpjit trace`; of the exit stubs, the
    first one's code in full and the others' title lines (they are alike),
    then the exit tail in full."""
    out, inside, stubs_seen, in_stubs, in_tail = [], False, 0, False, False
    for line in trace_text.splitlines():
        if line.startswith("  machine code"):
            inside, stubs_seen, in_stubs = True, 0, False
        elif not line.startswith("   "):
            inside = False
        if not inside:
            continue
        if line == "    exit stubs:":
            in_stubs = True
        elif in_stubs and line.startswith("      ") and not line.startswith("       "):
            stubs_seen += 1  # a stub's title line (or the exit tail's)
            in_tail = line.startswith("      exit tail")
        elif in_stubs and not line.startswith("      "):
            in_stubs = False
        elif in_stubs and stubs_seen > 1 and not in_tail:
            continue  # code of the second and later stubs
        out.append(line)
    return "\n".join(out) + "\n"


def render_marks(line):
    return MARK.sub(lambda m: "`%s`" % m.group(2), line)


def tokens_in(needle, text):
    """Whether `needle` occurs in `text` on token boundaries, spacing aside."""
    words = needle.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    before = r"(?<![\w])" if re.match(r"\w", needle) else ""
    after = r"(?![\w])" if re.search(r"\w$", needle) else ""
    return re.search(before + pattern + after, text) is not None


def scope_text(scope, blocks):
    """The text a mark of `scope` is checked against, or None (unknown scope)."""
    if "/" in scope:
        path = os.path.join(ROOT, scope)
        # a comment's text runs on across its lines
        return re.sub(r"\n\s*(//|#)", " ", open(path).read()) if os.path.isfile(path) else None
    if scope in ("x86_64", "aarch64"):
        parts = [body for key, body in blocks.items()
                 if key.split()[0] in ("machine", "stencil") and key.split()[1:2] == [scope]]
        return "\n".join(parts) if parts else None
    return blocks.get(scope)


def check_prose(template, blocks):
    """Problems with the template's prose: marked names missing from their
    listing, and machine names left unmarked. `blocks`: key -> text."""
    problems = []
    mnemonics = set()
    for key, body in blocks.items():
        if key.startswith("machine "):
            mnemonics.update(MNEMONIC.findall(body))
    for n, line in enumerate(template.splitlines(), 1):
        if PLACEHOLDER.match(line.strip()):
            continue
        for m in MARK.finditer(line):
            scope, text = m.group(1), m.group(2)
            where = scope_text(scope, blocks)
            if where is None:
                problems.append("line %d: {{%s:%s}}: no listing or file '%s'" % (n, scope, text, scope))
            elif not tokens_in(text, where):
                problems.append("line %d: the prose names `%s`, which the %s listing lacks" % (n, text, scope))
        for span in re.findall(r"`([^`]+)`", MARK.sub("", line)):
            first = span.split()[0] if span.split() else ""
            if REGISTER.match(span) or HEX.match(span) or (" " in span and first in mnemonics):
                problems.append("line %d: `%s` names a machine detail without saying which listing has it: "
                                "write {{x86_64:%s}}, {{aarch64:%s}} or {{FILE:%s}}" % (n, span, span, span, span))
    return problems


def block(binaries, kind, args):
    """(text, arch it needs or None) of one placeholder."""
    if kind == "source":
        return open(os.path.join(ROOT, EXAMPLE)).read(), None
    if kind == "dis":
        return binaries.run(None, "dis", EXAMPLE), None
    if kind == "uops":
        return binaries.run(None, "trace", "--jit=uops", EXAMPLE), None
    if kind == "machine":
        (arch,) = args
        return machine_section(binaries.run(arch, "trace", "--jit=on", EXAMPLE)), arch
    if kind == "stencil":
        arch, name = args
        return binaries.run(None, "stencils", "--disasm", "--target=" + arch, name), None
    raise SystemExit("unknown placeholder @@%s@@ in %s" % (" ".join([kind, *args]), TEMPLATE))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x86-64", dest="x86_64", help="cpjit built for x86-64 (run natively)")
    ap.add_argument("--aarch64", help="cpjit built for AArch64 (run through --emulator)")
    ap.add_argument("--emulator", default="", help="command before the AArch64 binary, e.g. qemu-aarch64 -L ...")
    ap.add_argument("--check", action="store_true", help="fail if docs/walkthrough.md differs, write nothing")
    ap.add_argument("--check-prose", action="store_true",
                    help="only check the template's marked names against the doc's blocks (no binary needed)")
    ap.add_argument("--template", default=TEMPLATE, help="the template (default: docs/walkthrough.template.md)")
    args = ap.parse_args()
    template = open(args.template).read()
    if args.check_prose:
        old = open(DOC).read() if os.path.exists(DOC) else ""
        problems = check_prose(template, {m.group(1): m.group(2) for m in BLOCK.finditer(old)})
        for p in problems:
            print("%s: %s" % (os.path.relpath(args.template, ROOT), p))
        if problems:
            print("the walkthrough's prose names %d thing(s) its listings lack (see above)" % len(problems))
            return 1
        print("the walkthrough's prose matches its listings")
        return 0
    binaries = Binaries(args)
    if not binaries.by_arch:
        ap.error("give --x86-64 and/or --aarch64")
    old = open(DOC).read() if os.path.exists(DOC) else ""
    kept = {m.group(1): m.group(2) for m in BLOCK.finditer(old)}

    out, blocks = [], {}
    for line in template.splitlines(keepends=True):
        m = PLACEHOLDER.match(line.strip())
        if not m:
            out.append(render_marks(line))
            continue
        key = m.group(1).strip()
        kind, *rest = key.split()
        needs = rest[0] if kind == "machine" and rest else None
        if needs and needs not in binaries.by_arch:
            if key not in kept:
                raise SystemExit("no %s binary given and %s has no block '%s' to keep" % (needs, DOC, key))
            body = kept[key]
        else:
            text, _ = block(binaries, kind, rest)
            body = "```text\n" + text + ("" if text.endswith("\n") else "\n") + "```\n"
        blocks[key] = body
        out.append("<!-- generated: %s -->\n%s<!-- end generated -->\n" % (key, body))
    new = "".join(out)

    problems = check_prose(template, blocks)
    if problems:
        for p in problems:
            print("%s: %s" % (os.path.relpath(args.template, ROOT), p))
        print("the walkthrough's prose names %d thing(s) its listings lack: fix the template%s" % (
            len(problems), "" if args.check else " (docs/walkthrough.md not written)"))
        return 1

    if args.check:
        if new == old:
            print("docs/walkthrough.md is up to date (%s)" % ", ".join(sorted(binaries.by_arch)))
            return 0
        print("docs/walkthrough.md differs from what tools/gen_walkthrough.py generates; regenerate it:")
        print(cpjit_test.diff(old, new, "docs/walkthrough.md", "generated", limit=80))
        return 1
    if new != old:
        with open(DOC, "w") as f:
            f.write(new)
        print("wrote docs/walkthrough.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
