#!/usr/bin/env python3
"""The layers' include rules (README: layout), checked on the source tree.

Each rule: files under a folder may not include headers under some others.
A violation prints the file, line and include; any makes the test fail.
"""
import argparse
import pathlib
import re
import sys

# (folder whose files are checked, folders they may not include from, why)
RULES = [
    ("runtime/", ["jit/", "tools/", "stencils/"], "the runtime knows nothing above it (runtime/tier2_hook.h)"),
    ("jit/tier2/", ["jit/copy_patch/", "jit/llvm/", "jit/engine", "tools/"],
     "Tier 2 knows backends only through jit/backend.h"),
    ("jit/backend.", ["jit/copy_patch/", "jit/llvm/", "jit/engine", "tools/"], "the frame names no backend"),
    ("jit/copy_patch/", ["jit/llvm/", "jit/engine", "tools/"], "a backend knows no other backend"),
    ("jit/llvm/", ["jit/copy_patch/", "jit/engine", "tools/"], "a backend knows no other backend"),
    ("stencils/", ["runtime/vm.h", "jit/tier2/trace", "jit/copy_patch/", "tools/"],
     "stencils are freestanding (jit_abi.h, uop_helpers.h, call_stack.h)"),
]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SOURCES = (".h", ".cpp", ".inc", ".def", ".c")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", required=True, help="the source tree")
    root = pathlib.Path(ap.parse_args().root)
    problems, checked = [], 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or not rel.endswith(SOURCES) or rel.startswith(("build", ".")):
            continue
        for folder, banned, why in RULES:
            if not rel.startswith(folder):
                continue
            checked += 1
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and any(m.group(1).startswith(b) for b in banned):
                    problems.append(f"{rel}:{n}: includes {m.group(1)} ({why})")
    for p in problems:
        print("FAIL:", p)
    if checked == 0:
        print("FAIL: no file checked (wrong --root?)")
        return 1
    print(f"{'FAILED' if problems else 'ok'}: {checked} file checks, {len(problems)} includes across layers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
