#!/usr/bin/env python3
"""The walkthrough's prose check can fail: docs/walkthrough.template.md passes
`tools/gen_walkthrough.py --check-prose` against the blocks docs/walkthrough.md
embeds, and a copy of it with stale names added (the back edge as `jmp 0`,
an operand as a `mov` immediate, a register the ABI does not have, a uop the
trace lacks, a register in plain backticks) fails, naming each of them and
nothing else."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "tools", "gen_walkthrough.py")
TEMPLATE = os.path.join(ROOT, "docs", "walkthrough.template.md")

STALE = {  # a line of prose -> what the check must say about it
    "The back edge is {{x86_64:jmp 0}}.": "names `jmp 0`, which the x86_64 listing lacks",
    "The operand is an immediate: {{x86_64:mov eax, 0}}.": "names `mov eax, 0`, which the x86_64 listing lacks",
    "The back edge is {{aarch64:b #0x0}}.": "names `b #0x0`, which the aarch64 listing lacks",
    "The locals are in {{jit/jit_abi.h:r15, r14, r13}}.": "names `r15, r14, r13`, which the jit/jit_abi.h listing lacks",
    "The trace has {{uops:LOAD_LOCAL_FAST}}.": "names `LOAD_LOCAL_FAST`, which the uops listing lacks",
    "The stack pointer is `r13`.": "`r13` names a machine detail without saying which listing has it",
}


def check_prose(template_path):
    p = cpjit_test.run([sys.executable, GEN, "--check-prose", "--template", template_path], text=True)
    return p.code, p.stdout + p.stderr


def main():
    checks = cpjit_test.Checks()
    rc, out = check_prose(TEMPLATE)
    checks.expect(rc == 0, "the template's prose does not match docs/walkthrough.md:\n" + out)
    original = open(TEMPLATE).read()
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
        f.write(original + "\n" + "\n\n".join(STALE) + "\n")
        stale_path = f.name
    try:
        rc, out = check_prose(stale_path)
    finally:
        os.unlink(stale_path)
    checks.expect(rc == 1, "a template with stale names: exit %s, expected 1\n%s" % (rc, out))
    first_stale_line = len(original.splitlines()) + 2
    for line, message in STALE.items():
        checks.expect(message in out, "not reported: %r (expected %r)\n%s" % (line, message, out))
    reported = [l for l in out.splitlines() if ": line " in l]
    for l in reported:
        n = int(l.split(": line ")[1].split(":")[0])
        checks.expect(n >= first_stale_line, "reported a line of the real template: " + l)
    checks.expect(len(reported) == len(STALE), "%d problems reported, expected %d:\n%s" % (len(reported), len(STALE), out))
    checks.report("the template and a copy with %d stale names checked" % len(STALE))


if __name__ == "__main__":
    main()
