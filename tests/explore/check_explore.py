#!/usr/bin/env python3
"""The explorer page (`cpjit explore`) in a real headless browser.

For each program: `cpjit explore` writes the page; Chromium opens it from
file:// with the #selftest fragment, so the page checks itself (it renders
every trace, switches target and back, and clicks the source line of the
first trace's first uop) and writes the result into its DOM; `--dump-dom`
prints that DOM after the scripts ran. This script then checks, against the
text listing of `cpjit trace` with the same options:
  * the self-test passed and no script error or console error was recorded;
  * one trace section per trace of the listing, and every optimized uop of
    the listing is a uop row of its trace;
  * every compiled trace shows machine code instructions and holes (stencil
    bytes and patched bytes) for both targets' buttons;
  * after the scripted click, uop rows and machine code instructions are
    highlighted, and only elements of the clicked line;
and writes a screenshot, OUT/NAME.png.

  check_explore.py --cpjit build/cpjit --chromium chromium --out build/explorer \
      examples/sum_loop.cpasm --benchmark examples/nbody.cpasm
"""
import argparse
import html.parser
import os
import re
import subprocess
import sys

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


class Elements(html.parser.HTMLParser):
    """Every element's tag, attributes and direct text."""

    def __init__(self):
        super().__init__()
        self.elements, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": ""}
        e["classes"] = set((e["attrs"].get("class") or "").split())
        self.elements.append(e)
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append(e)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data


def listing_traces(text):
    """{trace id: [optimized uop texts]} from `cpjit trace` output."""
    traces, current, in_opt = {}, None, False
    for line in text.splitlines():
        m = re.match(r"^trace (\d+): ", line)
        if m:
            current, in_opt = int(m.group(1)), False
            traces[current] = []
            continue
        if line.startswith("  uops optimized"):
            in_opt = True
            continue
        if line.startswith("  ") and not line.startswith("    "):
            in_opt = False
        if in_opt and current is not None:
            m = re.match(r"^\s+\d+  (.*)$", line)
            if m:
                traces[current].append(m.group(1))
    return traces


def check(program, args, out_dir, problems):
    name = os.path.splitext(os.path.basename(program))[0]
    page = os.path.abspath(os.path.join(out_dir, name + ".html"))
    shot = os.path.abspath(os.path.join(out_dir, name + ".png"))
    fail = lambda msg: problems.append("%s: %s" % (name, msg))

    p = subprocess.run([args.cpjit, "explore", *args.flags, program, "-o", page], capture_output=True, timeout=300)
    if p.returncode != 0:
        return fail("cpjit explore exited with %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    t = subprocess.run([args.cpjit, "trace", *args.flags, program], capture_output=True, text=True, timeout=300)
    if t.returncode != 0:
        return fail("cpjit trace exited with %d" % t.returncode)
    expected = listing_traces(t.stdout)
    if not expected:
        return fail("the program made no traces: nothing to look at")

    url = "file://" + page + "#selftest"
    b = subprocess.run([args.chromium, *BROWSER_FLAGS, "--dump-dom", url], capture_output=True, text=True, timeout=300)
    if b.returncode != 0 or "<html" not in b.stdout:
        return fail("chromium --dump-dom failed (%d): %s" % (b.returncode, b.stderr[-2000:]))
    for line in b.stderr.splitlines():
        if "CONSOLE" in line and ("Uncaught" in line or "rror" in line):
            fail("console: " + line.strip())
    dom = Elements()
    dom.feed(b.stdout)
    by_id = {e["attrs"]["id"]: e for e in dom.elements if "id" in e["attrs"]}
    result = by_id.get("selftest-result", {}).get("text", "")
    if not result.startswith("SELFTEST PASS"):
        fail("the page's self-test did not pass:\n" + result)
    if by_id.get("errors", {}).get("text", "").strip():
        fail("script errors: " + by_id["errors"]["text"])

    sections = [e for e in dom.elements if e["tag"] == "section" and "trace" in e["classes"]]
    if sorted(int(s["attrs"]["data-trace"]) for s in sections) != sorted(expected):
        fail("trace sections %s, the listing has traces %s" %
             (sorted(int(s["attrs"]["data-trace"]) for s in sections), sorted(expected)))
    uops = {}
    for e in dom.elements:
        if "uop" in e["classes"] and "opt" in e["classes"]:
            tid = int(e["attrs"]["data-tu"].split(":")[0])
            uops.setdefault(tid, []).append(re.sub(r"^\d+", "", e["text"]).strip())
    for tid, texts in expected.items():
        if uops.get(tid) != texts:
            fail("trace %d: uops on the page %s differ from the listing's %s" % (tid, uops.get(tid), texts))
    compiled = t.stdout.count("  machine code (")
    insns = [e for e in dom.elements if "insn" in e["classes"]]
    holes = [e for e in dom.elements if e["tag"] == "tr" and "hole" in e["classes"]]
    if compiled and (not insns or len(holes) < compiled):
        fail("%d compiled traces but %d instructions and %d holes shown" % (compiled, len(insns), len(holes)))
    cells = [c for c in dom.elements if c["tag"] == "td" and ("before" in c["classes"] or "after" in c["classes"])]
    if len(cells) != 2 * len(holes) or not all(re.fullmatch(r"[0-9a-f]+", c["text"]) for c in cells):
        fail("holes without their stencil bytes and patched bytes")
    buttons = [e for e in dom.elements if e["tag"] == "button" and "data-target" in e["attrs"]]
    ran = any("(ran)" in e["text"] for e in buttons)
    if len(buttons) != 2 or ran != bool(compiled):
        fail("target switch: %s" % [e["text"] for e in buttons])

    m = re.search(r"clicked line (\d+)", result)
    hl = [e for e in dom.elements if "hl" in e["classes"]]
    if not m:
        fail("the self-test clicked no source line")
    else:
        line = m.group(1)
        if not any("uop" in e["classes"] for e in hl) or (compiled and not any("insn" in e["classes"] for e in hl)):
            fail("the click on line %s did not highlight uops and instructions" % line)
        if any(e["attrs"].get("data-line") != line for e in hl):
            fail("the click on line %s highlighted elements of other lines" % line)
        src = [e for e in hl if "src" in e["classes"]]
        if len(src) != 1:
            fail("the clicked source line is not the one highlighted source line")

    s = subprocess.run([args.chromium, *BROWSER_FLAGS, "--window-size=1400,1000", "--screenshot=" + shot, url],
                       capture_output=True, text=True, timeout=300)
    if s.returncode != 0 or not os.path.exists(shot) or open(shot, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
        fail("no screenshot written (%d): %s" % (s.returncode, s.stderr[-1000:]))
    print("%s: %d traces, %d uops, %d instructions, %d holes, %d highlighted; %s" %
          (name, len(sections), sum(len(v) for v in uops.values()), len(insns), len(holes), len(hl), shot))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpjit", required=True)
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--out", required=True, help="folder for the pages and screenshots")
    ap.add_argument("--flags", default="", help="options for cpjit explore and trace, e.g. --jit-threshold=1")
    ap.add_argument("--benchmark", action="append", default=[],
                    help="a benchmark program to check too (skipped when CPJIT_SKIP_BENCHMARKS=1)")
    ap.add_argument("programs", nargs="+")
    args = ap.parse_args()
    if os.environ.get("CPJIT_SKIP_BENCHMARKS") != "1":
        args.programs += args.benchmark
    args.flags = args.flags.split()
    args.cpjit = os.path.abspath(args.cpjit)
    os.makedirs(args.out, exist_ok=True)
    problems = []
    for program in args.programs:
        check(program, args, args.out, problems)
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
