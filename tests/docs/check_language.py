#!/usr/bin/env python3
"""docs/language.md against the code and the tests.

1. Every instruction of the tables in its section 4 assembles: each one is
   put, with a concrete operand for its placeholder, into a small program
   that `cpjit asm` must accept (exit 0).
2. Every mnemonic of runtime/opcodes.def is listed there (the page is
   complete).
3. The first program of section 1 runs and prints what the text says.
4. Every error message quoted in the tables of sections 6 and 7 is one some
   test produces: it occurs in a test's expected output (*.stderr) or in a
   test's source (tests/, examples/, bench/). Capitalized words in a message
   stand for any text.

  check_language.py --cpjit build/cpjit [--emulator "qemu-aarch64 -L ..."]
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "language.md")

# A concrete operand for each placeholder of section 4.
OPERANDS = {"LIT": "1", "X": "x", "G": "g", "L": "next", "F": "callee"}


def sections(text):
    """{number: body} of the '## N. title' sections."""
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^## (\d+)\. ", line)
        if m:
            current = int(m.group(1))
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def table_first_cells(body):
    """The backquoted first cell of every table row (header rows excluded)."""
    cells = []
    for line in body.splitlines():
        m = re.match(r"^\| `([^`]+)` \|", line)
        if m:
            cells.append(m.group(1))
    return cells


def program_for(instruction):
    """A program whose main runs `instruction` with enough values below it."""
    words = instruction.split()
    line = " ".join([words[0]] + [OPERANDS.get(w, w) for w in words[1:]])
    return "\n".join([
        ".global g",
        ".func callee a", "    load a", "    ret", ".end",
        ".func main", ".locals x",
        "    const 1", "    const 2", "    const 3",
        "    " + line,
        "next:",
        "    const nil", "    ret", ".end", ""])


def check_instructions(tool, listed):
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for ins in listed:
            src, out = os.path.join(tmp, "t.cpasm"), os.path.join(tmp, "t.cpbc")
            with open(src, "w") as f:
                f.write(program_for(ins))
            p = tool.run("asm", src, "-o", out, timeout=60, text=True)
            if p.code != 0:
                problems.append("instruction `%s` does not assemble: %s" % (ins, p.stderr.strip()))
    return problems


def check_tutorial(tool, body):
    """Section 1's program prints the values the text names."""
    m = re.search(r"```\n(.*?)```", body, re.S)
    said = re.search(r"prints ((?:`[^`]+`(?:, | and )?)+)", body)
    if not m or not said:
        return ["section 1 has no program or does not say what it prints"]
    expected = "".join(v + "\n" for v in re.findall(r"`([^`]+)`", said.group(1)))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "count.cpasm")
        with open(src, "w") as f:
            f.write(m.group(1))
        p = tool.run("run", src, timeout=60, text=True)
    if p.code != 0 or p.stdout != expected:
        return ["section 1's program printed %r (%s), the text says %r" % (p.stdout, p.status(), expected)]
    return []


def check_complete(listed):
    known = re.findall(r'^OP\(\w+,\s*"(\w+)"', open(os.path.join(ROOT, "runtime", "opcodes.def")).read(), re.M)
    names = {i.split()[0] for i in listed}
    return ["instruction `%s` (runtime/opcodes.def) is not listed in docs/language.md section 4" % m
            for m in known if m not in names]


def test_corpus():
    """(path, text) of every test expectation and test source."""
    exts = (".stderr", ".py", ".cpp", ".sh", ".txt")
    files = []
    for top in ("tests", "examples", "bench"):
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            for n in names:
                path = os.path.join(folder, n)
                if n.endswith(exts) and os.path.abspath(path) != os.path.abspath(__file__):
                    files.append((path, open(path, encoding="utf-8", errors="replace").read()))
    return files


def placeholder_split(message):
    """Literal pieces of a message between its capitalized placeholders."""
    return [p for p in re.split(r"\b[A-Z][A-Z0-9]*\b", message) if p.strip()]


def check_messages(messages, corpus):
    problems = []
    for msg in messages:
        pieces = placeholder_split(msg)
        pattern = re.compile(r".+?".join(re.escape(p) for p in re.split(r"\b[A-Z][A-Z0-9]*\b", msg)))
        # Produced as one string (an expected stderr), or built from its
        # pieces in one test source (a unit test's CHECK).
        if any(pattern.search(text) for _, text in corpus):
            continue
        if any(all(p in text for p in pieces) for _, text in corpus):
            continue
        problems.append("error message `%s` is produced by no test" % msg)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpjit_test.add_cpjit_arguments(ap)
    tool = cpjit_test.Cpjit.from_args(ap.parse_args())
    checks = cpjit_test.Checks()
    sec = sections(open(DOC, encoding="utf-8").read())
    listed = table_first_cells(sec.get(4, ""))
    messages = table_first_cells(sec.get(6, "")) + table_first_cells(sec.get(7, ""))
    if not listed or not messages:
        checks.fail("no instruction tables in section 4 or no message tables in sections 6 and 7")
        checks.report()
    for problem in (check_instructions(tool, listed) + check_complete(listed) + check_tutorial(tool, sec.get(1, ""))
                    + check_messages(messages, test_corpus())):
        checks.fail(problem)
    checks.report("%d instructions, %d error messages checked" % (len(listed), len(messages)))


if __name__ == "__main__":
    main()
