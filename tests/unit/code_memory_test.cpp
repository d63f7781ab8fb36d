// The code arena (jit/code_memory.cpp) and the JIT's use of it: placement,
// reuse after release, the code-memory cap, chunks, mapped vs used bytes,
// and the protection of every page of both views (native only: under
// qemu-user /proc/self/maps has no guest execute permissions).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "jit/code_memory.h"
#include "jit/copy_patch/trace_compiler.h"
#include "tests/unit/test_support.h"

using namespace cpjit;
using jit::CodeBlock;
using jit::CodeMemory;
using jit::CodeMemoryOptions;

namespace {

const size_t kPage = size_t(sysconf(_SC_PAGESIZE));

// The permissions ("r-xs") of the mapping holding each page of [p, p + n).
std::vector<std::string> page_perms(const uint8_t* p, size_t n) {
    struct Map {
        uint64_t a, b;
        std::string perms;
    };
    std::vector<Map> maps;
    std::ifstream in("/proc/self/maps");
    std::string line;
    while (std::getline(in, line)) {
        unsigned long long a = 0, b = 0;
        char pm[8] = {};
        if (std::sscanf(line.c_str(), "%llx-%llx %7s", &a, &b, pm) == 3) maps.push_back({a, b, pm});
    }
    std::vector<std::string> out;
    for (size_t off = 0; off < n; off += kPage) {
        const uint64_t at = uint64_t(p) + off;
        std::string perms = "unmapped";
        for (const Map& m : maps)
            if (m.a <= at && at < m.b) perms = m.perms;
        out.push_back(perms);
    }
    return out;
}

bool native() { return std::string(CPJIT_EMULATOR).empty(); }

// Every committed page of the chunk holding `rx`: r-x in its executable
// view, rw- in its writable one, at other addresses; the rest inaccessible.
void check_chunk_pages(const CodeMemory& m, const uint8_t* rx) {
    size_t reserved = 0;
    CodeBlock c = m.chunk_of(rx, &reserved);
    REQUIRE(c.rx);
    CHECK(c.rx != c.rw);
    // Every committed page and a few beyond (a chunk reserves up to 1 GiB).
    const size_t n = std::min(reserved, size_t(m.mapped_bytes()) + 4 * kPage);
    std::vector<std::string> x = page_perms(c.rx, n), w = page_perms(c.rw, n);
    size_t committed = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        INFO("page ", i);
        if (x[i].substr(0, 3) == "---") {
            CHECK(w[i].substr(0, 3) == "---");
            continue;
        }
        CHECK(x[i].substr(0, 3) == "r-x");
        CHECK(w[i].substr(0, 3) == "rw-");
        ++committed;
    }
    CHECK(committed >= 1);
}

// Runs tests/conformance/cases/t2_type_change_loop.cpasm with the JIT.
void run_jit(test::RanProgram& r, Tier2Options t2) {
    test::load_source_file("tests/conformance/cases/t2_type_change_loop.cpasm", "loop.cpasm", r.prog);
    RunOptions opts;
    opts.tier = Tier::Jit;
    opts.tier2 = t2;
    opts.tier2.threshold = 1;
    test::run_loaded(r, opts);
}

// The run's copy-and-patch backend (the test stops without one).
jit::Jit& copy_patch(const test::RanProgram& r) {
    auto* jit = dynamic_cast<jit::Jit*>(r.traces().backend());
    REQUIRE(jit);
    return *jit;
}

}  // namespace

TEST_CASE("code arena: blocks are placed one after another, aligned, in two views") {
    auto m = CodeMemory::create();
    REQUIRE(m);
    const uint32_t k = CodeMemory::kAlign;
    CodeBlock a = m->alloc(k + 1), b = m->alloc(1), c = m->alloc(k / 2);
    REQUIRE((a.rx && b.rx && c.rx));
    CHECK(b.rx == a.rx + 2 * k);  // k + 1 rounded up to CodeMemory::kAlign
    CHECK(c.rx == b.rx + k);
    CHECK(a.rw != a.rx);
    CHECK(uint64_t(a.rx) % CodeMemory::kAlign == 0);
    std::memcpy(c.rw, "cpjit", 6);  // written through one view, seen through the other
    CHECK(std::memcmp(c.rx, "cpjit", 6) == 0);
    CHECK(m->used_bytes() == 4 * k);
    CHECK(m->mapped_bytes() == kPage);  // committed one page at a time while small
    if (native()) check_chunk_pages(*m, a.rx);
}

// --perf-map / --perf-jitdump: the same two views, from shared anonymous
// memory, which perf names "/dev/zero (deleted)" (anonymous: it then reads
// /tmp/perf-PID.map), where the memfd views show as a file.
TEST_CASE("code arena: perf_visible chunks are two views of anonymous memory") {
    CodeMemoryOptions o;
    o.perf_visible = true;
    o.chunk_bytes = 4 * kPage;
    auto m = CodeMemory::create(o);
    REQUIRE(m);
    CodeBlock a = m->alloc(100), b = m->alloc(uint32_t(5 * kPage));  // b: a chunk of its own
    REQUIRE((a.rx && b.rx));
    CHECK(a.rw != a.rx);
    std::memcpy(b.rw + 4 * kPage, "cpjit", 6);
    CHECK(std::memcmp(b.rx + 4 * kPage, "cpjit", 6) == 0);
    CHECK(m->num_chunks() == 2);
    if (!native()) return;
    check_chunk_pages(*m, a.rx);
    check_chunk_pages(*m, b.rx);
    std::ifstream in("/proc/self/maps");
    std::string line;
    int views = 0;
    while (std::getline(in, line)) {
        unsigned long long lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx", &lo, &hi) != 2) continue;
        for (const uint8_t* p : {a.rx, a.rw})
            if (lo <= uint64_t(p) && uint64_t(p) < hi) {
                INFO(line);
                CHECK(line.find("/dev/zero") != std::string::npos);
                CHECK(line.find("memfd") == std::string::npos);
                ++views;
            }
    }
    CHECK(views == 2);
}

// --gdb-jit: one private view (gdb can write breakpoints only there),
// read-execute except between begin_write and end_write.
TEST_CASE("code arena: single_view chunks flip one private view between RW and RX") {
    CodeMemoryOptions o;
    o.single_view = true;
    auto m = CodeMemory::create(o);
    REQUIRE(m);
    CodeBlock a = m->alloc(100);
    REQUIRE(a.rx);
    CHECK(a.rw == a.rx);
    if (native()) CHECK(page_perms(a.rx, 1)[0] == "r-xp");
    REQUIRE(m->begin_write(a.rw, 100));
    if (native()) CHECK(page_perms(a.rx, 1)[0] == "rw-p");
    std::memcpy(a.rw, "cpjit", 6);
    m->end_write(a.rw, 100);
    if (native()) CHECK(page_perms(a.rx, 1)[0] == "r-xp");
    CHECK(std::memcmp(a.rx, "cpjit", 6) == 0);
}

TEST_CASE("code arena: released space is placed again") {
    auto m = CodeMemory::create();
    REQUIRE(m);
    const uint32_t k = CodeMemory::kAlign;
    CodeBlock a = m->alloc(k), b = m->alloc(4 * k), c = m->alloc(k);
    m->release(b, 4 * k);
    CHECK(m->used_bytes() == 2 * k);
    CodeBlock d = m->alloc(3 * k - 5);  // fits where b was
    CHECK(d.rx == b.rx);
    CodeBlock e = m->alloc(k);          // the rest of b's space
    CHECK(e.rx == b.rx + 3 * k);
    for (auto [blk, size] : {std::pair{a, k}, {c, k}, {d, 3 * k - 5}, {e, k}}) m->release(blk, size);
    CHECK(m->used_bytes() == 0);
    CHECK(m->alloc(1000).rx == a.rx);  // all free again: placed from the start
}

TEST_CASE("code arena: committed memory follows use, chunks hold what does not fit") {
    CodeMemoryOptions o;
    o.chunk_bytes = 2 * kPage;
    auto m = CodeMemory::create(o);
    REQUIRE(m);
    std::vector<CodeBlock> blocks;
    for (int i = 0; i < 64; ++i) blocks.push_back(m->alloc(uint32_t(kPage / 3)));
    CHECK(m->num_chunks() > 10);
    // Every byte of every block is usable through both views.
    for (CodeBlock& b : blocks) {
        std::memset(b.rw, 0xc3, kPage / 3);
        CHECK(b.rx[kPage / 3 - 1] == 0xc3);
    }
    CodeBlock big = m->alloc(uint32_t(5 * kPage));  // larger than a chunk: a chunk of its own
    REQUIRE(big.rx);
    std::memset(big.rw, 0, 5 * kPage);
    CHECK(m->mapped_bytes() <= m->used_bytes() * 2 + kPage);
    if (native()) check_chunk_pages(*m, big.rx);

    auto grow = CodeMemory::create();
    REQUIRE(grow);
    for (int i = 0; i < 4096; ++i) REQUIRE(grow->alloc(1000).rx);
    // Committed ahead in steps of 1/8 of what is committed: within 1.125x
    // of what is used, plus a page.
    CHECK(double(grow->mapped_bytes()) <= double(grow->used_bytes()) * 1.125 + double(kPage));
    CHECK(grow->num_chunks() == 1);
}

TEST_CASE("JIT: a released trace returns its space, and compiling again reuses it") {
    test::RanProgram r;
    run_jit(r, Tier2Options{});
    jit::Jit* jit = &copy_patch(r);
    const uint64_t used = jit->used_bytes();
    std::vector<Trace*> compiled;
    std::vector<uint8_t*> at;
    for (const auto& t : r.traces().traces())
        if (t->machine) compiled.push_back(t.get()), at.push_back(t->machine->rx);
    REQUIRE(compiled.size() >= 2);
    for (Trace* t : compiled) jit->release(*t);
    CHECK(jit->used_bytes() < used);
    const uint64_t mapped = jit->mapped_bytes();
    for (Trace* t : compiled) REQUIRE(jit->compile(*t));
    CHECK(jit->used_bytes() == used);
    CHECK(jit->mapped_bytes() == mapped);  // no new memory
    CHECK(compiled[0]->machine->rx == at[0]);
    if (native())
        for (Trace* t : compiled) check_chunk_pages(jit->memory(), t->machine->rx);
    for (Trace* t : compiled) jit->release(*t);  // nothing runs them again
}

TEST_CASE("JIT: the code-memory cap bounds what is placed; tiny chunks still work") {
    Tier2Options capped;
    capped.max_code_bytes = 4096;
    test::RanProgram r;
    run_jit(r, capped);
    REQUIRE(r.traces().backend());
    CHECK(r.traces().backend()->used_bytes() <= 4096);
    CHECK(r.traces().stats.code_bytes <= 4096);

    Tier2Options chunked;
    chunked.arena_chunk_bytes = 1;  // one page per chunk
    test::RanProgram s;
    run_jit(s, chunked);
    jit::Jit* jit = &copy_patch(s);
    CHECK(s.traces().stats.traces_compiled >= 2);
    CHECK(jit->memory().num_chunks() >= 2);
    if (native())
        for (const auto& t : s.traces().traces())
            if (t->machine) check_chunk_pages(jit->memory(), t->machine->rx);
}

TEST_CASE("JIT for a listing: another target's code lands in memory that is never executable") {
    test::RanProgram r;
    run_jit(r, Tier2Options{});
    const jit::StencilSet* host = jit::host_stencils();
    REQUIRE(host);
    const jit::StencilSet& other = host == &jit::stencils_x86_64() ? jit::stencils_aarch64() : jit::stencils_x86_64();
    Tier2Stats stats;
    Tier2Options opts;
    opts.keep_listing = true;
    std::unique_ptr<jit::Jit> lister = jit::Jit::create_for_listing(other, opts, stats);
    REQUIRE(lister);
    CHECK(&lister->stencils() == &other);
    size_t compiled = 0;
    for (const auto& t : r.traces().traces()) {
        if (!t->machine) continue;
        jit::MachineCode* own = t->machine;
        t->machine = nullptr;
        REQUIRE(lister->compile(*t));
        const jit::CompiledTrace* copy = jit::copy_patch_code(*t);
        CHECK(copy->rx != own->rx);
        CHECK(!copy->holes.empty());
        if (native())
            for (const std::string& p : page_perms(copy->rx, copy->size)) CHECK(p.substr(0, 3) == "r--");
        lister->release(*t);
        t->machine = own;
        ++compiled;
    }
    CHECK(compiled >= 1);
    CHECK(stats.traces_compiled == compiled);
}
