// --perf-map (jit/copy_patch/profiling/perf_map.cpp), read back line by line: a program
// runs in process with the JIT at threshold 1 (keep_listing keeps what each
// trace placed, to compare with), then /tmp/perf-PID.map must hold "START
// SIZE NAME" in hex for the entry shim and for every uop stencil and exit
// stub of every trace, at its address and size, named after its trace,
// bytecode instruction and uop, and nothing else. perf itself is not needed
// (tests/profiling/check_perf.py is the end-to-end check, where perf runs).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/tier2/trace.h"
#include "runtime/loader.h"
#include "runtime/vm.h"
#include "test_support.h"

using namespace cpjit;

namespace {

struct MapLine {
    uint64_t start = 0, size = 0;
    std::string name;
    bool operator<(const MapLine& o) const { return std::tie(start, size, name) < std::tie(o.start, o.size, o.name); }
};

// Every line must be three fields: lowercase hex start, hex size, a name
// without spaces; a malformed line makes the whole file fail.
bool parse_map(const std::string& text, std::vector<MapLine>& out) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string start, size, name, extra;
        if (!(fields >> start >> size >> name) || (fields >> extra)) return false;
        if (start.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
        if (size.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
        out.push_back({std::stoull(start, nullptr, 16), std::stoull(size, nullptr, 16), name});
    }
    return true;
}

}  // namespace

TEST_CASE("perf map: the entry shim, then every uop stencil and exit stub of every trace") {
    Program prog;
    test::load_source_file("tests/conformance/cases/t2_side_exit_inlined.cpasm", "inlined.cpasm", prog);
    RunOptions opts = test::jit_listing_options(1);
    opts.tier2.perf_map = true;
    const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    std::filesystem::remove(path);
    std::multiset<MapLine> expected;
    size_t traces = 0;
    const bool ran = test::run_and_visit_machine_traces(prog, opts, [&](const Trace& t, const jit::CompiledTrace& c) {
        ++traces;
        for (const jit::PlacedStencil& p : c.placed)
            expected.insert({uint64_t(uintptr_t(c.rx)) + p.offset, p.size, test::piece_symbol(prog, t, p)});
    });
    if (!ran) return;
    // The VM and its Jit are gone: the map is closed.
    REQUIRE(traces >= 3);  // main's loop and side traces through f and g

    const std::string text = test::read_file(path);
    std::filesystem::remove(path);
    std::vector<MapLine> lines;
    REQUIRE_MESSAGE(parse_map(text, lines), text.substr(0, 400));
    REQUIRE(!lines.empty());
    CHECK(lines[0].name == "cpjit:entry_shim");
    CHECK(lines[0].size > 0);

    // Every placed piece of every live trace, at its address and size. A
    // trace released during the run leaves its lines behind (perf reads the
    // file after the run), so the file may hold more pieces, all named so.
    std::multiset<MapLine> got(lines.begin() + 1, lines.end());
    for (const MapLine& e : expected) {
        INFO(e.name);
        CHECK(got.count(e) >= expected.count(e));
    }
    for (const MapLine& l : got) {
        INFO(l.name);
        CHECK(l.name.rfind("cpjit:t", 0) == 0);
        CHECK(l.size > 0);
    }
    size_t uops = 0;
    for (const MapLine& e : expected) uops += e.name.find(":exit") == std::string::npos;
    CHECK(uops > 10);

    // No trace-wide symbol over its pieces: the live pieces never overlap
    // (each address has one name in a perf report).
    std::vector<MapLine> sorted(expected.begin(), expected.end());
    sorted.push_back(lines[0]);
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 1; i < sorted.size(); ++i) {
        INFO(sorted[i - 1].name << " and " << sorted[i].name);
        CHECK(sorted[i - 1].start + sorted[i - 1].size <= sorted[i].start);
    }
}
