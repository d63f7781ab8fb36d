// --perf-jitdump (jit/copy_patch/profiling/jitdump.cpp), read back record by record: a
// program runs in process with the JIT at threshold 1 (keep_listing keeps
// what each trace placed, to compare with), then the dump is parsed with
// the format's own layout and checked against the traces: the header, one
// code load for the entry shim, one per compiled trace at its address and
// size with its machine code, one per uop stencil and exit stub inside it
// named after its trace, bytecode instruction and uop, and the close record.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/copy_patch/profiling/jitdump_format.h"
#include "jit/tier2/trace.h"
#include "runtime/loader.h"
#include "runtime/vm.h"
#include "test_support.h"

using namespace cpjit;
namespace jd = cpjit::jit::profiling::jitdump;

namespace {

struct Load {
    jd::CodeLoad r;
    std::string name;
    std::vector<uint8_t> code;
};

struct Dump {
    jd::FileHeader header{};
    std::vector<Load> loads;
    std::vector<uint32_t> ids;  // every record's id, in order
    std::vector<uint64_t> stamps;
    bool well_formed = true;
};

Dump parse(const std::string& bytes) {
    Dump d;
    if (bytes.size() < sizeof d.header) return d.well_formed = false, d;
    std::memcpy(&d.header, bytes.data(), sizeof d.header);
    size_t at = d.header.total_size;
    while (at < bytes.size()) {
        jd::RecordHeader h;
        if (at + sizeof h > bytes.size()) return d.well_formed = false, d;
        std::memcpy(&h, bytes.data() + at, sizeof h);
        if (h.total_size < sizeof h || at + h.total_size > bytes.size()) return d.well_formed = false, d;
        d.ids.push_back(h.id);
        d.stamps.push_back(h.timestamp);
        if (h.id == jd::kCodeLoad) {
            Load l;
            if (h.total_size < sizeof l.r) return d.well_formed = false, d;
            std::memcpy(&l.r, bytes.data() + at, sizeof l.r);
            const char* name = bytes.data() + at + sizeof l.r;
            const size_t room = h.total_size - sizeof l.r;
            const size_t len = strnlen(name, room);
            if (len == room || sizeof l.r + len + 1 + l.r.code_size != h.total_size) return d.well_formed = false, d;
            l.name.assign(name, len);
            const auto* code = reinterpret_cast<const uint8_t*>(name + len + 1);
            l.code.assign(code, code + l.r.code_size);
            d.loads.push_back(std::move(l));
        }
        at += h.total_size;
    }
    return d;
}

// What a trace's records must say, taken from the trace before the VM goes.
struct Expected {
    uint64_t rx = 0, size = 0;
    std::vector<uint8_t> hot;  // the uops' code (stubs may be re-linked later)
    std::string trace_prefix;
    struct Piece {
        uint64_t at, size;
        std::string name;
    };
    std::vector<Piece> pieces;
};

}  // namespace

TEST_CASE("jitdump: header, code loads per trace and per uop, close record") {
    const std::string dir = std::filesystem::temp_directory_path() / ("cpjit-jitdump-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    Program prog;
    test::load_source_file("tests/conformance/cases/t2_side_exit_inlined.cpasm", "inlined.cpasm", prog);
    RunOptions opts = test::jit_listing_options(1);
    opts.tier2.perf_jitdump = true;
    opts.tier2.perf_jitdump_dir = dir;
    std::vector<Expected> expected;
    const bool ran = test::run_and_visit_machine_traces(prog, opts, [&](const Trace& t, const jit::CompiledTrace& c) {
        Expected e;
        e.rx = uint64_t(c.rx);
        e.size = c.size;
        e.hot.assign(c.rx, c.rx + c.hot_size);
        e.trace_prefix = "cpjit:t" + std::to_string(t.id) + ":";
        for (const jit::PlacedStencil& p : c.placed)
            e.pieces.push_back({e.rx + p.offset, p.size, test::piece_symbol(prog, t, p)});
        expected.push_back(std::move(e));
    });
    if (!ran) return;
    // The VM and its Jit are gone: the dump is closed.
    REQUIRE(expected.size() >= 3);  // main's loop and side traces through f and g

    const std::string path = dir + "/jit-" + std::to_string(getpid()) + ".dump";
    Dump d = parse(test::read_file(path));
    std::filesystem::remove_all(dir);
    REQUIRE(d.well_formed);
    CHECK(d.header.magic == jd::kMagic);
    CHECK(d.header.version == 1);
    CHECK(d.header.total_size == 40);
#if defined(__x86_64__)
    CHECK(d.header.elf_mach == jd::kElfMachX86_64);
#else
    CHECK(d.header.elf_mach == jd::kElfMachAArch64);
#endif
    CHECK(d.header.pid == uint32_t(getpid()));
    REQUIRE(d.ids.size() >= 2);
    CHECK(d.ids.back() == jd::kCodeClose);
    for (size_t i = 0; i + 1 < d.ids.size(); ++i) CHECK(d.ids[i] == jd::kCodeLoad);
    for (size_t i = 1; i < d.stamps.size(); ++i) CHECK(d.stamps[i] >= d.stamps[i - 1]);
    CHECK(d.stamps.front() >= d.header.timestamp);
    REQUIRE(!d.loads.empty());
    CHECK(d.loads[0].name == "cpjit:entry_shim");
    for (size_t i = 0; i < d.loads.size(); ++i) {
        INFO(d.loads[i].name);
        CHECK(d.loads[i].r.code_index == i);
        CHECK(d.loads[i].r.pid == uint32_t(getpid()));
        CHECK(d.loads[i].r.vma == d.loads[i].r.code_addr);
    }
    // By address: the last load there wins (a released trace's space is reused).
    std::map<std::pair<uint64_t, std::string>, const Load*> by_place;
    for (const Load& l : d.loads) by_place[{l.r.code_addr, l.name}] = &l;
    size_t pieces = 0, uop_pieces = 0;
    for (const Expected& e : expected) {
        const Load* whole = nullptr;
        for (const Load& l : d.loads)
            if (l.r.code_addr == e.rx && l.r.code_size == e.size && l.name.rfind(e.trace_prefix, 0) == 0) whole = &l;
        INFO(e.trace_prefix);
        REQUIRE(whole);
        CHECK(std::memcmp(whole->code.data(), e.hot.data(), e.hot.size()) == 0);
        for (const Expected::Piece& p : e.pieces) {
            INFO(p.name);
            auto it = by_place.find({p.at, p.name});
            REQUIRE(it != by_place.end());
            CHECK(it->second->r.code_size == p.size);
            CHECK(p.at + p.size <= e.rx + e.size);
            // The piece's bytes are the trace's bytes at that place.
            const uint64_t off = p.at - e.rx;
            if (off + p.size <= e.hot.size())
                CHECK(std::memcmp(it->second->code.data(), e.hot.data() + off, p.size) == 0);
            ++pieces;
            uop_pieces += p.name.find(":exit") == std::string::npos;
        }
    }
    CHECK(uop_pieces > 10);
    // One load per piece and per trace, plus the shim: nothing else.
    CHECK(pieces + expected.size() + 1 <= d.loads.size());
}
