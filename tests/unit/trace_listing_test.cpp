// The machine code listing of `cpjit trace` (tools/trace_listing.cpp), run
// in process so the test knows the real addresses the JIT patched in: none
// of them may appear in the text (goldens must not depend on where code was
// mapped), and every patched hole is explained exactly once. Works on both
// targets (the AArch64 build runs this under qemu).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "jit/copy_patch/trace_compiler.h"
#include "tests/unit/test_support.h"
#include "tools/trace_listing.h"

using namespace cpjit;

namespace {

// A loop with a global, a string constant, an inlined call (helpers through
// the GOT), a branch that becomes a side trace (a linked exit) and a generic
// instruction. It prints nothing.
constexpr const char* kProgram = R"(.global total
.func add1 x
    load x
    const 1
    add
    ret
.end
.func main
.locals i s
    const 0
    gstore total
    const 0
    store i
    const ""
    store s
loop:
    gload total
    load i
    call add1
    add
    gstore total
    load i
    const 3
    mod
    jt skip
    load s
    const "ab"
    concat
    len
    pop
skip:
    load i
    const 1
    add
    dup
    store i
    const 500
    lt
    jt loop
    const nil
    ret
.end
)";

void run(test::RanProgram& r, bool keep_listing) {
    test::load_text("listing.cpasm", kProgram, r.prog);
    RunOptions opts = test::jit_listing_options(8);
    opts.tier2.keep_listing = keep_listing;
    test::run_loaded(r, opts);
    REQUIRE(r.exit_code == 0);
}

// The uop whose code holds `offset` (EXIT_TRACE for a stub).
UopOp owner(const jit::CompiledTrace& c, const Trace& t, uint32_t offset) {
    for (const jit::PlacedStencil& p : c.placed)
        if (offset >= p.offset && offset < p.offset + p.size && p.uop >= 0) return t.uops[size_t(p.uop)].op;
    return UopOp::EXIT_TRACE;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("trace listing: no address the JIT patched in is printed, every hole explained once") {
    test::RanProgram r;
    run(r, true);
    const TraceCache& tc = r.traces();
    if (!tc.backend()) {
        MESSAGE("no JIT on this host: nothing to list");
        return;
    }
    size_t compiled = 0, linked = 0;
    for (const auto& t : tc.traces()) {
        if (!t->machine) continue;
        ++compiled;
        const jit::CompiledTrace& c = *jit::copy_patch_code(*t);
        std::string text = tools::print_machine_code(r.prog, *t, tc.traces());
        INFO("trace ", t->id, ":\n", text);
        REQUIRE(!c.holes.empty());
        // Addresses: the trace's own code, every value patched into a hole
        // that is a real address (above the first 64 KiB, so small operands
        // and NaN-boxed constants are not taken for one), the exit records.
        std::vector<uint64_t> addresses = {uint64_t(c.rx), uint64_t(c.rw)};
        for (const jit::PatchedHole& h : c.holes) {
            if (h.value == jit::HoleValue::Operand32) continue;  // indexes, never addresses
            if (h.value == jit::HoleValue::Operand64 && owner(c, *t, h.offset) == UopOp::CONST &&
                !Value::from_bits(h.symbol).is_heap())
                continue;  // an int, float, bool or nil constant: printed as it is
            addresses.push_back(h.symbol);
            if (h.got_slot) addresses.push_back(h.got_slot);
        }
        for (const jit::JitExitRecord& rec : c.records) addresses.push_back(uint64_t(&rec));
        for (uint64_t a : addresses) {
            if (a < 0x10000) continue;
            CHECK_MESSAGE(text.find(fmt::format("{:x}", a)) == std::string::npos, fmt::format("{:#x} printed", a));
        }
        // One explanation per hole: "; _JIT_..." or "; helper ...".
        CHECK(count(text, "; _JIT_") + count(text, "; helper ") == c.holes.size());
        CHECK(count(text, "(holes not kept") == 0);
        linked += count(text, "linked: jumps to trace ");
    }
    CHECK(compiled >= 2);  // the loop and the side trace at `skip`
    CHECK(linked >= 1);
}

TEST_CASE("trace listing: without keep_listing the JIT keeps no holes") {
    test::RanProgram r;
    run(r, false);
    const TraceCache& tc = r.traces();
    if (!tc.backend()) return;
    size_t compiled = 0;
    for (const auto& t : tc.traces()) {
        if (!t->machine) continue;
        ++compiled;
        CHECK(jit::copy_patch_code(*t)->holes.empty());
        CHECK(tools::print_machine_code(r.prog, *t, tc.traces()).find("(holes not kept") != std::string::npos);
    }
    CHECK(compiled >= 1);
}
