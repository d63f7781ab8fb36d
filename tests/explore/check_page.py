#!/usr/bin/env python3
"""The explorer page without a browser (runs in every build, under qemu too).

`cpjit explore FILE -o PAGE` must write one self-contained page: no network
reference (no http:, https: or protocol-relative URL, no src= or href= to a
file), its data one JSON object holding the traces of `cpjit trace` with both
targets' machine code (exactly one of them the one that ran, when the run
made machine code), and holes with stencil and patched bytes of equal size;
its account of the run agrees with the run's --stats (uops the optimizer
removed, exit counts, links), and every stencil a trace uses is there as
compiled, with each uop's C body. With --gives-up FILE (a program on
which Tier 2 gives up on something, e.g. rebuilds a trace): the page's
list of what the JIT gave up on is the one `cpjit trace` ends with, and it
counts what --stats counts (projections_failed, traces_rebuilt).
The command's errors: a missing -o is a usage error (exit 2), an unwritable
page exit 2, and a program's runtime error still writes the page (exit 1).

  check_page.py --cpjit build/cpjit [--emulator "qemu-aarch64 -L ..."] --examples examples
"""
import argparse
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cpjit_test  # noqa: E402


def explore(tool, args, cwd):
    return tool.run("explore", *args, timeout=300, cwd=cwd, text=True)


def trace(tool, args):
    return tool.run("trace", *args, timeout=300, text=True)


def data_of(page):
    m = re.search(r'<script id="data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(m.group(1)) if m else None


def check_gives_up(tool, program, page_path, tmp, problems):
    p = explore(tool, [program, "-o", page_path], tmp)
    t = trace(tool, [program])
    d = data_of(open(page_path, encoding="utf-8").read()) if p.code == 0 else None
    if d is None or t.code != 0:
        problems.append("gives-up: explore %s, trace %s" % (p.status(), t.status()))
        return
    m = re.search(r"^=== Tier 2 gave up (\d+) times? ===$(.*)", t.stdout, re.M | re.S)
    listed = [l.split(None, 1) for l in m.group(2).splitlines() if l.startswith("    ")] if m else []
    a = d["aborts"]
    page = [[r["reason"], r["what"] + (" (%d times)" % r["times"] if r["times"] > 1 else "")] for r in a["records"]]
    if not m or a["total"] != int(m.group(1)) or page != listed:
        problems.append("gives-up: the page's records %s, the listing's %s" % (a["records"], listed))
    counts = {r["name"]: r["count"] for r in a["reasons"]}
    st = d["stats"]
    failed = sum(counts.get(k, 0) for k in ("INNER_LOOP", "DEEP_CALL", "LONE_RETURN", "TOO_LONG"))
    if failed != st["projections_failed"] or counts.get("REBUILT", 0) != st["traces_rebuilt"] or not a["total"]:
        problems.append("gives-up: reasons %s, --stats projections_failed %d traces_rebuilt %d" %
                        (counts, st["projections_failed"], st["traces_rebuilt"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpjit_test.add_cpjit_arguments(ap)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--gives-up", help="a program on which Tier 2 gives up on something")
    args = ap.parse_args()
    tool = cpjit_test.Cpjit.from_args(args)
    ex = os.path.abspath(args.examples)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        page_path = os.path.join(tmp, "p.html")
        for flags in (["--jit-threshold=1"], ["--jit=uops", "--jit-threshold=1"]):
            p = explore(tool, [*flags, os.path.join(ex, "sum_loop.cpasm"), "-o", page_path], tmp)
            t = trace(tool, [*flags, os.path.join(ex, "sum_loop.cpasm")])
            name = " ".join(flags)
            if p.code != 0 or t.code != 0:
                problems.append("%s: explore %s, trace %s: %s" % (name, p.status(), t.status(), p.stderr))
                continue
            page = open(page_path, encoding="utf-8").read()
            # The SVG namespace is a name, not something fetched.
            bare = page.replace('"http://www.w3.org/2000/svg"', "")
            for bad in (r"https?:", r"[\"'(]//", r"<[^>]*\s(src|href)\s*=", r"@import", r"url\((?!#)"):
                if re.search(bad, bare):
                    problems.append("%s: the page refers to something outside it (%s)" % (name, bad))
            d = data_of(page)
            if d is None:
                problems.append("%s: no data in the page" % name)
                continue
            ids = [int(x) for x in re.findall(r"^trace (\d+): ", t.stdout, re.M)]
            if [tr["id"] for tr in d["traces"]] != ids:
                problems.append("%s: traces %s, the listing has %s" % (name, [tr["id"] for tr in d["traces"]], ids))
            if sorted(tg["name"] for tg in d["targets"]) != ["aarch64", "x86_64"]:
                problems.append("%s: targets %s" % (name, [tg["name"] for tg in d["targets"]]))
            ran = [tg["name"] for tg in d["targets"] if tg["ran"]]
            if len(ran) != ("--jit=uops" not in flags):
                problems.append("%s: targets that ran: %s" % (name, ran))
            st = d["stats"]
            # Every --stats counter is explained on the page (STAT_MEANING).
            meaning = re.search(r"const STAT_MEANING = \{(.*?)\n\};", page, re.S)
            explained = set(re.findall(r"^\s*(\w+):", meaning.group(1), re.M)) if meaning else set()
            if set(st) - explained:
                problems.append("%s: --stats fields the page does not explain: %s" % (name, sorted(set(st) - explained)))
            removed = sum(1 for tr in d["traces"] for u in tr["projected"] if u["fate"] == "removed")
            if removed != st["uops_removed"]:
                problems.append("%s: %d uops marked removed, uops_removed %d" % (name, removed, st["uops_removed"]))
            if any(sorted(u["from"] for u in tr["uops"]) != sorted(i for i, p in enumerate(tr["projected"]) if p["fate"] != "removed")
                   for tr in d["traces"]):
                problems.append("%s: optimized uops and the projected ones they come from do not match" % name)
            taken = sum(e["taken"] for tr in d["traces"] for e in tr["exits"])
            if taken < st["side_exits_taken"]:
                problems.append("%s: exit counts %d < side_exits_taken %d" % (name, taken, st["side_exits_taken"]))
            if len(d["edges"]) < max(1, st["exits_linked"]):  # the loop closes (JUMP_TO_TOP or a linked exit)
                problems.append("%s: edges %s, exits_linked %d" % (name, d["edges"], st["exits_linked"]))
            if any(not d["uop_bodies"].get(u["uop"]) for tr in d["traces"] for u in tr["uops"]):
                problems.append("%s: uops without their C body" % name)
            for tg in d["targets"]:
                used = {p["stencil"] for m in tg["traces"].values() if m for p in m["pieces"]}
                if not used or used - set(tg["stencils"]):
                    problems.append("%s: %s: stencils not shown as compiled: %s" % (name, tg["name"], used - set(tg["stencils"])))
                for tid, m in tg["traces"].items():
                    holes = [h for pc in m["pieces"] for h in pc["holes"]] if m else []
                    if not holes or any(len(h["before"]) != len(h["after"]) or not h["before"] for h in holes):
                        problems.append("%s: %s trace %s: holes missing or without bytes" % (name, tg["name"], tid))
        if args.gives_up:
            check_gives_up(tool, os.path.abspath(args.gives_up), page_path, tmp, problems)
        p = explore(tool, [os.path.join(ex, "sum_loop.cpasm")], tmp)
        if p.code != 2:
            problems.append("explore without -o: %s, not exit 2" % p.status())
        p = explore(tool, [os.path.join(ex, "sum_loop.cpasm"), "-o", os.path.join(tmp, "no", "such", "p.html")], tmp)
        if p.code != 2 or "cannot write" not in p.stderr:
            problems.append("explore to an unwritable page: %s: %s" % (p.status(), p.stderr))
        if os.path.exists(page_path):
            os.unlink(page_path)
        p = explore(tool, [os.path.join(ex, "err_div_zero.cpasm"), "-o", page_path], tmp)
        if p.code != 1 or not os.path.exists(page_path):
            problems.append("explore of a failing program: %s (expected exit 1) or wrote no page" % p.status())
    checks = cpjit_test.Checks()
    for pr in problems:
        checks.fail(pr)
    checks.report()


if __name__ == "__main__":
    main()
