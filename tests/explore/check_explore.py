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
  * what the page says happened is what happened, against the run's
    --stats (the page's own, which must agree with `cpjit run --stats` of
    the same program) and the listing: the struck-out (removed) uops are
    uops_removed, and per trace the projected count minus the optimized
    count of the listing; each rewritten uop names the optimized uop of the
    listing it became; the exit counts add up to at least side_exits_taken;
    the graph draws at least exits_linked edges and every link the listing
    names (exits "linked to trace N", JUMP_TO_TOP, LINK_TRACE); the list of
    what the JIT gave up on has the listing's records;
  * --expect=rewrite|side|linked-loop|abort on a program: that it shows a
    rewritten uop, a side trace, a loop that closes through an exit linked
    to its own trace, something given up on (so each case stays covered);
and writes a screenshot, OUT/NAME.png.

A program may carry its own options after commas:
  check_explore.py --cpjit build/cpjit --chromium chromium --out build/explorer \
      examples/sum_loop.cpasm,--expect=rewrite examples/sieve.cpasm,--expect=side \
      --benchmark examples/nbody.cpasm
"""
import json
import argparse
import html.parser
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


class Elements(html.parser.HTMLParser):
    """Every element's tag, attributes and direct text."""

    def __init__(self):
        super().__init__()
        self.elements, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "attrs": dict(attrs), "text": "", "parent": self.stack[-1] if self.stack else None}
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


def listing_sections(text):
    """{trace id: {"projected": [...], "optimized": [...], "exits": [...]}} from `cpjit trace`."""
    traces, current, part = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^trace (\d+): ", line)
        if m:
            current, part = int(m.group(1)), None
            traces[current] = {"projected": [], "optimized": [], "exits": []}
            continue
        if line.startswith("==="):
            current = None
            continue
        m = re.match(r"^  (uops projected|uops optimized|exits)", line)
        if m:
            part = m.group(1).replace("uops ", "")
            continue
        if line.startswith("  ") and not line.startswith("    "):
            part = None
        if part and current is not None:
            m = re.match(r"^\s+\d+  (.*)$", line)
            if m:
                traces[current][part].append(m.group(1))
    return traces


def listing_traces(text):
    """{trace id: [optimized uop texts]} from `cpjit trace` output."""
    return {k: v["optimized"] for k, v in listing_sections(text).items()}


def listing_aborts(text):
    """The records of the listing's "Tier 2 gave up" section."""
    m = re.search(r"^=== Tier 2 gave up .*?$(.*)", text, re.M | re.S)
    if not m:
        return []
    return [l.split(None, 1) for l in m.group(1).splitlines() if l.startswith("    ")]


def stats_of(tool, flags, program, tmp):
    """`cpjit run --stats=FILE` of the program: its JSON."""
    path = os.path.join(tmp, "stats.json")
    tool.run("run", *flags, "--stats=" + path, program, timeout=300)
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def check_truth(name, page, dom, listing, run_stats, expect, fail):
    """The page's account of the run against --stats and the listing."""
    m = re.search(r'<script id="data" type="application/json">(.*?)</script>', open(page, encoding="utf-8").read(), re.S)
    data = json.loads(m.group(1))
    stats = data["stats"]
    for k in ("traces", "uops_removed", "side_exits_taken", "exits_linked", "side_traces", "projections_failed"):
        if run_stats is None or stats.get(k) != run_stats.get(k):
            fail("the page's --stats %s=%s, `cpjit run --stats` says %s" % (k, stats.get(k), run_stats and run_stats.get(k)))
    sections = listing_sections(listing)
    rows = [e for e in dom.elements if "uop" in e["classes"] and "proj" in e["classes"]]
    removed = [e for e in rows if "removed" in e["classes"]]
    if len(removed) != stats["uops_removed"]:
        fail("%d uops struck out as removed, --stats says uops_removed %d" % (len(removed), stats["uops_removed"]))
    for tid, sec in sections.items():
        here = [e for e in removed if e["attrs"].get("data-trace") == str(tid)]
        if len(here) != len(sec["projected"]) - len(sec["optimized"]):
            fail("trace %d: %d removed on the page, the listing goes from %d to %d uops" %
                 (tid, len(here), len(sec["projected"]), len(sec["optimized"])))
    rewritten = [e for e in rows if "rewritten" in e["classes"]]
    for e in rewritten:
        tid = int(e["attrs"]["data-trace"])
        m = re.search(r"became (.*) \(uop (\d+)\)$", e["text"])
        opt = sections.get(tid, {}).get("optimized", [])
        if not m or int(m.group(2)) >= len(opt) or opt[int(m.group(2))] != m.group(1):
            fail("trace %d: a rewritten uop does not name what it became in the listing: %r" % (tid, e["text"]))
    taken = sum(int(e["text"]) for e in dom.elements if e["tag"] == "td" and "taken" in e["classes"])
    if taken < stats["side_exits_taken"]:
        fail("exit counts add up to %d, --stats says side_exits_taken %d" % (taken, stats["side_exits_taken"]))
    edges = [e for e in dom.elements if e["tag"] == "path" and "edge" in e["classes"]]
    links = sum(len([x for x in s["exits"] if "linked to trace" in x]) +
                len([u for u in s["optimized"] if u.startswith(("JUMP_TO_TOP", "LINK_TRACE"))]) for s in sections.values())
    if len(edges) < stats["exits_linked"] or len(edges) < links:
        fail("%d edges drawn, --stats says exits_linked %d and the listing names %d links" % (len(edges), stats["exits_linked"], links))
    aborts = [e for e in dom.elements if e["tag"] == "tr" and "abort" in e["classes"]]
    want = listing_aborts(listing)
    if [a["text"] for a in aborts] != ["".join(w) for w in want]:
        fail("gave up on: the page lists %d records, the listing %d" % (len(aborts), len(want)))
    if stats.get("projections_failed") and not aborts:
        fail("projections_failed %d but nothing listed as given up" % stats["projections_failed"])
    loops_via_exit = [tid for tid, s in sections.items() if any("linked to trace %d" % tid in x for x in s["exits"])]
    cases = {"rewrite": bool(rewritten), "side": stats["side_traces"] > 0, "linked-loop": bool(loops_via_exit),
             "abort": bool(aborts)}
    for e in expect:
        if not cases.get(e):
            fail("expected a case of %s on this program, there is none" % e)
    return "removed %d, rewritten %d, exit counts %d >= %d, edges %d >= %d, gave up %d" % (
        len(removed), len(rewritten), taken, stats["side_exits_taken"], len(edges), stats["exits_linked"], len(aborts))


def check(spec, args, out_dir, problems):
    program, *own = spec.split(",")
    expect = [o.split("=", 1)[1] for o in own if o.startswith("--expect=")]
    flags = args.flags + [o for o in own if not o.startswith("--expect=")]
    name = os.path.splitext(os.path.basename(program))[0]
    page = os.path.abspath(os.path.join(out_dir, name + ".html"))
    shot = os.path.abspath(os.path.join(out_dir, name + ".png"))
    fail = lambda msg: problems.append("%s: %s" % (name, msg))

    p = args.tool.run("explore", *flags, program, "-o", page, timeout=300, text=True)
    if p.code != 0:
        return fail("cpjit explore: %s: %s" % (p.status(), p.stderr))
    t = args.tool.run("trace", *flags, program, timeout=300, text=True)
    if t.code != 0:
        return fail("cpjit trace: %s" % t.status())
    run_stats = stats_of(args.tool, flags, program, out_dir)
    expected = listing_traces(t.stdout)
    if not expected:
        return fail("the program made no traces: nothing to look at")

    url = "file://" + page + "#selftest"
    b = cpjit_test.run([args.chromium, *BROWSER_FLAGS, "--dump-dom", url], timeout=300, text=True)
    if b.code != 0 or "<html" not in b.stdout:
        return fail("chromium --dump-dom failed (%s): %s" % (b.status(), b.stderr[-2000:]))
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
    notes = {id(e["parent"]): e["text"] for e in dom.elements if "fate" in e["classes"] and e["parent"]}
    uops = {}
    for e in dom.elements:
        if "uop" in e["classes"] and "opt" in e["classes"]:
            tid = int(e["attrs"]["data-tu"].split(":")[0])
            text = e["text"][:len(e["text"]) - len(notes.get(id(e), ""))]  # without "from ..." of a rewritten uop
            uops.setdefault(tid, []).append(re.sub(r"^\d+", "", text).strip())
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

    truth = check_truth(name, page, dom, t.stdout, run_stats, expect, fail)

    s = cpjit_test.run([args.chromium, *BROWSER_FLAGS, "--window-size=1400,1000", "--screenshot=" + shot, url],
                       timeout=300, text=True)
    if s.code != 0 or not os.path.exists(shot) or open(shot, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
        fail("no screenshot written (%s): %s" % (s.status(), s.stderr[-1000:]))
    print("%s: %d traces, %d uops, %d instructions, %d holes, %d highlighted; %s; %s" %
          (name, len(sections), sum(len(v) for v in uops.values()), len(insns), len(holes), len(hl), truth, shot))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpjit_test.add_cpjit_arguments(ap, emulator=False)  # the browser is the host's
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--out", required=True, help="folder for the pages and screenshots")
    ap.add_argument("--flags", default="", help="options for cpjit explore and trace, e.g. --jit-threshold=1")
    ap.add_argument("--benchmark", action="append", default=[],
                    help="a benchmark program to check too (skipped when CPJIT_REDUCED_BENCHMARKS=1)")
    ap.add_argument("programs", nargs="+", help="FILE[,OPTION...]: options for this program only (--expect=CASE too)")
    args = ap.parse_args()
    if os.environ.get("CPJIT_REDUCED_BENCHMARKS") != "1":
        args.programs += args.benchmark
    args.flags = args.flags.split()
    args.tool = cpjit_test.Cpjit.from_args(args)
    os.makedirs(args.out, exist_ok=True)
    checks = cpjit_test.Checks()
    for program in args.programs:
        problems = []
        check(program, args, args.out, problems)
        for p in problems:
            checks.fail(p)
        if not problems:
            checks.passed()
    checks.report(require_pass=True)


if __name__ == "__main__":
    main()
