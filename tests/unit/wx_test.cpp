// W^X: no page of the process is ever writable and executable at once while
// the JIT runs. Programs run in process with --jit=on --jit-threshold=1; the
// Tier2Options::on_code_written hook scans /proc/self/maps each time the JIT
// has written machine code (every trace compiled, every exit linked) and
// checks that
//   * no mapping is both writable and executable,
//   * the trace's executable view lies in r-x pages and its writable view in
//     rw- pages, at another address (the dual mapping of jit/code_memory.cpp),
//   * or, with --gdb-jit's one private view, that view is back to r-x.
// The first case shows the scanner does see an rwx mapping when there is one.
// Native only: under qemu-user (CPJIT_EMULATOR) /proc/self/maps does not show
// the guest's execute permissions, so there is nothing to check.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "jit/backend.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/unit/test_support.h"

using namespace cpjit;

namespace {

struct Mapping {
    uint64_t start = 0, end = 0;
    std::string perms;  // "r-xp", "rw-s", ...
    std::string line;
    bool writable() const { return perms.size() >= 2 && perms[1] == 'w'; }
    bool executable() const { return perms.size() >= 3 && perms[2] == 'x'; }
};

std::vector<Mapping> read_maps() {
    std::vector<Mapping> maps;
    std::ifstream in("/proc/self/maps");
    std::string line;
    while (std::getline(in, line)) {
        Mapping m;
        unsigned long long a = 0, b = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%llx-%llx %7s", &a, &b, perms) != 3) continue;
        m.start = a;
        m.end = b;
        m.perms = perms;
        m.line = line;
        maps.push_back(m);
    }
    return maps;
}

// The mappings covering [addr, addr + size): empty when a byte is unmapped.
std::vector<const Mapping*> covering(const std::vector<Mapping>& maps, uint64_t addr, uint64_t size) {
    std::vector<const Mapping*> out;
    uint64_t at = addr;
    while (at < addr + size) {
        const Mapping* found = nullptr;
        for (const Mapping& m : maps)
            if (m.start <= at && at < m.end) found = &m;
        if (!found) return {};
        out.push_back(found);
        at = found->end;
    }
    return out;
}

std::vector<std::string> rwx_lines(const std::vector<Mapping>& maps) {
    std::vector<std::string> out;
    for (const Mapping& m : maps)
        if (m.writable() && m.executable()) out.push_back(m.line);
    return out;
}

struct WxScan {
    int scans = 0;
    int rx_views_checked = 0;
    std::vector<std::string> problems;
};

void scan_after_write(void* ctx, const jit::MachineCode& c) {
    auto& s = *static_cast<WxScan*>(ctx);
    ++s.scans;
    std::vector<Mapping> maps = read_maps();
    for (const std::string& l : rwx_lines(maps)) s.problems.push_back("writable and executable: " + l);
    if (c.rx == c.rw) {  // --gdb-jit: one view, flipped back to read-execute after each write
        auto one = covering(maps, uint64_t(c.rx), c.size);
        if (one.empty()) s.problems.push_back("single view not mapped");
        for (const Mapping* m : one)
            if (m->writable() || !m->executable()) s.problems.push_back("single view after a write: " + m->line);
        if (!one.empty()) ++s.rx_views_checked;
        return;
    }
    auto rx = covering(maps, uint64_t(c.rx), c.size);
    auto rw = covering(maps, uint64_t(c.rw), c.size);
    if (rx.empty()) s.problems.push_back("executable view not mapped");
    if (rw.empty()) s.problems.push_back("writable view not mapped");
    for (const Mapping* m : rx)
        if (m->writable() || !m->executable()) s.problems.push_back("executable view in: " + m->line);
    for (const Mapping* m : rw)
        if (!m->writable() || m->executable()) s.problems.push_back("writable view in: " + m->line);
    for (const Mapping* a : rx)
        for (const Mapping* b : rw)
            if (a == b) s.problems.push_back("both views in one mapping: " + a->line);
    if (!rx.empty()) ++s.rx_views_checked;
}

bool under_emulator() {
    if (std::string(CPJIT_EMULATOR).empty()) return false;
    MESSAGE("skipped under an emulator: its /proc/self/maps has no guest execute permissions");
    return true;
}

// Runs `text` with the JIT at threshold 1, scanning after every write
// (chunk_bytes: the code arena's chunk size, 0 for the default).
// The arena of a plain run, of --perf-map (shared anonymous views), of
// --gdb-jit (one private view flipped with mprotect).
enum class Arena { Dual, Perf, Gdb };
void run_scanned(const std::string& name, const std::string& text, WxScan& scan, uint64_t chunk_bytes,
                 Arena arena = Arena::Dual) {
    Program prog;
    test::load_text(name, text, prog);
    RunOptions opts;
    opts.tier = Tier::Jit;
    opts.tier2.threshold = 1;
    opts.max_heap = size_t(64) << 20;
    opts.tier2.on_code_written = scan_after_write;
    opts.tier2.on_code_written_ctx = &scan;
    opts.tier2.arena_chunk_bytes = chunk_bytes;
    opts.tier2.perf_map = arena == Arena::Perf;
    opts.tier2.gdb_jit = arena == Arena::Gdb;
    cpjit_fuzz::Outcome r = cpjit_fuzz::run_captured(prog, opts);
    INFO(name, " stderr: ", r.err);
    CHECK((r.code == 0 || r.code == 1));
}

}  // namespace

TEST_CASE("W^X: the maps scanner sees a writable and executable mapping") {
    if (under_emulator()) return;
    size_t page = 4096;
    void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        MESSAGE("the system refuses rwx mappings: nothing to show");
        return;
    }
    std::vector<Mapping> maps = read_maps();
    auto found = covering(maps, uint64_t(p), page);
    munmap(p, page);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->writable());
    CHECK(found[0]->executable());
    CHECK(!rwx_lines(maps).empty());
}

TEST_CASE("W^X: no mapping is writable and executable while the JIT compiles and links traces") {
    if (under_emulator()) return;
    WxScan scan;
    // A hot loop, a type change mid-loop (side exits grow side traces that
    // get linked), recursion (function-entry traces), an error in a trace.
    const char* programs[] = {
        "examples/hello.cpasm",
        "examples/functions.cpasm",
        "examples/arrays.cpasm",
        "tests/conformance/cases/t2_type_change_loop.cpasm",
        "tests/conformance/cases/t2_alternating_guard.cpasm",
        "tests/conformance/cases/t2_global_flip.cpasm",
        "tests/conformance/cases/t2_side_exit_inlined.cpasm",
        "tests/conformance/cases/t2_error_in_trace.cpasm",
        "tests/conformance/cases/t2_deep_recursion.cpasm",
    };
    for (const char* rel : programs) {
        std::string path = std::string(CPJIT_SOURCE_DIR) + "/" + rel;
        std::string text = test::read_file(path);
        REQUIRE_MESSAGE(!text.empty(), path);
        run_scanned(rel, text, scan, 0);
        run_scanned(rel, text, scan, 1);  // one-page chunks: traces spread over many mappings
        run_scanned(rel, text, scan, 1, Arena::Perf);
        run_scanned(rel, text, scan, 1, Arena::Gdb);
    }
    if (!scan.problems.empty()) {
        std::string all;
        for (size_t i = 0; i < scan.problems.size() && i < 12; ++i) all += scan.problems[i] + "\n";
        FAIL(all);
    }
    // The hook ran and found the JIT's executable pages: the checks above
    // looked at real machine code.
    CHECK(scan.scans > 10);
    CHECK(scan.rx_views_checked == scan.scans);
    // Outside the JIT's writes too (asmjit keeps its pages between runs).
    CHECK(rwx_lines(read_maps()).empty());
    std::remove(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str());
}
