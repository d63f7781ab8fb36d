#!/usr/bin/env python3
"""The command line says the same thing everywhere and parses one way:

  - `cpjit --help` exits 0 and lists every subcommand; `cpjit NAME --help`
    (and -h) exits 0 and prints NAME's usage with the synopsis the main help
    gives it;
  - README.md's command table (the first code block under "## Command line")
    and docs/language.md's (section 10) are the main help's command list,
    line for line;
  - every option that takes a value takes it as --opt=VALUE and --opt VALUE,
    with the same result;
  - a bad option, an option missing its value or an unknown command is a
    usage error: exit 2, "error:" on stderr, nothing on stdout.

  check_command_line.py --cpjit build/cpjit [--emulator CMD]
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
README = os.path.join(ROOT, "README.md")
LANGUAGE = os.path.join(ROOT, "docs", "language.md")
HOT_LOOP = os.path.join(HERE, "..", "jit", "hot_loop.cpasm")
# The subcommands the project documents; the help must list at least these.
EXPECTED = {"run", "asm", "dis", "trace", "explore", "bench", "profile", "stencils"}


def commands_section(help_text):
    """The lines between "commands:" and the next blank line, de-indented."""
    lines = help_text.splitlines()
    start = lines.index("commands:") + 1
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        out.append(line[2:] if line.startswith("  ") else line)
    return out


def doc_table(path, heading):
    """The first code block after `heading` in the doc at `path`."""
    text = open(path, encoding="utf-8").read()
    section = text[text.index(heading):]
    block = re.search(r"```\n(.*?)```", section, re.S)
    return block.group(1).rstrip("\n").splitlines()


def main():
    ap = argparse.ArgumentParser()
    cpjit_test.add_cpjit_arguments(ap)
    tool = cpjit_test.Cpjit.from_args(ap.parse_args())
    checks = cpjit_test.Checks()
    check = checks.expect

    def cpjit(*argv):
        return tool.run(*argv, timeout=600, text=True)

    top = cpjit("--help")
    check(top.code == 0 and top.stdout.startswith("usage:"), f"--help: {top.status()}")
    table = commands_section(top.stdout)
    synopsis = {}
    for line in table:
        m = re.match(r"cpjit (\w+) (.*?)(?:\s{2,}|$)", line)
        if m:
            synopsis[m.group(1)] = m.group(2).strip()
    check(EXPECTED <= set(synopsis), f"--help lists {sorted(synopsis)}, missing {sorted(EXPECTED - set(synopsis))}")
    for path, heading in ((README, "## Command line"), (LANGUAGE, "## 10. The command line")):
        doc = doc_table(path, heading)
        check(doc == table, f"{os.path.relpath(path, ROOT)}'s command table differs from `cpjit --help`:\n  doc:    " +
              "\n          ".join(doc) + "\n  --help: " + "\n          ".join(table))

    for name, syn in sorted(synopsis.items()):
        for flag in ("--help", "-h"):
            r = cpjit(name, flag)
            check(r.code == 0, f"{name} {flag}: {r.status()}: {r.stderr}")
            check(r.stdout.startswith(f"usage: cpjit {name} {syn}\n"),
                  f"{name} {flag}: does not start with its synopsis: {r.stdout[:120]!r}")
            check(r.stderr == "", f"{name} {flag}: wrote to stderr")
        # A bad option is a usage error that names the command's help.
        r = cpjit(name, "--no-such-option", HOT_LOOP, "-o", os.devnull)
        check(r.code == 2, f"{name} --no-such-option: exit {r.code}, want 2")
        check(r.stderr.strip() != "" and r.stdout == "", f"{name} --no-such-option: {r.stderr!r} / {r.stdout!r}")

    # --opt=VALUE and --opt VALUE: the same run.
    with tempfile.TemporaryDirectory(prefix="cpjit-cli-") as tmp:
        pairs = [
            (["run", "--jit=off", "--interp=switch", HOT_LOOP], ["run", "--jit", "off", "--interp", "switch", HOT_LOOP]),
            (["run", "--jit-threshold=5", "--max-depth=50", HOT_LOOP],
             ["run", "--jit-threshold", "5", "--max-depth", "50", HOT_LOOP]),
            (["trace", "--target=aarch64", HOT_LOOP], ["trace", "--target", "aarch64", HOT_LOOP]),
            (["stencils", "--target=aarch64", "CONST"], ["stencils", "--target", "aarch64", "CONST"]),
        ]
        for eq, spaced in pairs:
            a, b = cpjit(*eq), cpjit(*spaced)
            check(a.code == 0 and (a.code, a.stdout) == (b.code, b.stdout),
                  f"{' '.join(eq)} (exit {a.code}) and {' '.join(spaced)} (exit {b.code}) differ: "
                  f"{a.stderr} / {b.stderr}")
        page = os.path.join(tmp, "p.html")
        r = cpjit("explore", "--jit-threshold", "8", HOT_LOOP, "-o", page)
        check(r.code == 0 and os.path.getsize(page) > 0, f"explore --jit-threshold 8: exit {r.code}")
        out = os.path.join(tmp, "h.cpbc")
        r = cpjit("asm", HOT_LOOP, "-o", out)
        check(r.code == 0, f"asm: exit {r.code}")
        r = cpjit("dis", out)
        check(r.code == 0 and ".func main" in r.stdout, f"dis: exit {r.code}")

    # Usage errors.
    for argv, message in [
        (["run", "--jit"], "--jit needs a value"),
        (["run", HOT_LOOP, "--jit"], "--jit needs a value"),
        (["run", "--jit", "fast", HOT_LOOP], "--jit takes"),
        (["stencils", "--target"], "--target needs a value"),
        (["bench", "--repeat"], "--repeat needs a value"),
        (["frobnicate"], "unknown command"),
        (["run", "--bogus", HOT_LOOP], "unknown option '--bogus'"),
    ]:
        r = cpjit(*argv)
        check(r.code == 2 and r.stdout == "" and r.stderr.startswith("error: ") and message in r.stderr,
              f"{' '.join(argv)}: exit {r.code}, stderr {r.stderr!r}; want exit 2 and {message!r}")

    checks.report()


if __name__ == "__main__":
    main()
