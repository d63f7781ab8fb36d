// Fused stencils (jit/copy_patch/stencil_variants.h): a comparison and the
// bool guard that consumes it, placed as one stencil compiled from both
// bodies. The tables of both targets hold every pair at every cached depth
// and, for a float comparison, every mask of floats in FP registers, each
// smaller than the two stencils it replaces and with only the guard's exit;
// a run places them for every such pair of a trace (with its floats in FP
// registers where a float result feeds the comparison), takes their exits
// as the guard would, and leaves what the uop interpreter leaves. Works on
// both targets (the AArch64 build runs this under qemu).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "jit/copy_patch/stencil_set.h"
#include "jit/copy_patch/stencil_variants.h"
#include "tests/unit/test_support.h"
#include "tools/trace_listing.h"

using namespace cpjit;

namespace {

// Float compares whose branch goes each way (GUARD_TRUE_BOOL and
// GUARD_FALSE_BOOL; `ge` of x*x, a float in an FP register, leaves the
// trace at x = 20.0), and an int compare closing the loop.
constexpr const char* kProgram = R"(.global above below
.func main
.locals i x
    const 0
    gstore above
    const 0
    gstore below
    const 0
    store i
    const 0.0
    store x
loop:
    load x
    const 2.5
    gt
    jf small
    gload above
    const 1
    add
    gstore above
small:
    load x
    load x
    mul
    const 400.0
    ge
    jt big
next:
    load x
    const 0.25
    add
    store x
    load i
    const 1
    add
    dup
    store i
    const 100
    lt
    jt loop
    const nil
    ret
big:
    gload below
    const 1
    add
    gstore below
    jmp next
.end
)";

bool is_bool_guard(UopOp op) { return op == UopOp::GUARD_TRUE_BOOL || op == UopOp::GUARD_FALSE_BOOL; }

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

uint32_t side_exits(const jit::Stencil& s) {
    uint32_t n = 0;
    for (uint32_t h = 0; h < s.num_holes; ++h) n += s.holes[h].value == jit::HoleValue::SideExit;
    return n;
}

}  // namespace

TEST_CASE("fused stencils: every compare-and-branch pair, smaller than its two stencils, with one exit") {
    for (const jit::StencilSet* set : {&jit::stencils_x86_64(), &jit::stencils_aarch64()}) {
        for (int p = 0; p < jit::kNumFusedPairs; ++p) {
            const jit::FusedPair pair = jit::fused_pair(p);
            for (int n = 0; n <= jit::kMaxCached; ++n)
                for (int m = 0; m < 1 << n; ++m) {
                    // A fused form for each mask the comparison alone has (else BOX first).
                    const int c = jit::variant_stencil(pair.first, n, m), f = jit::fused_stencil(pair.first, pair.second, n, m);
                    REQUIRE((c >= 0) == (f >= 0));
                    if (f < 0) continue;
                    const jit::Stencil& fused = set->stencils[f];
                    const jit::Stencil& compare = set->stencils[c];
                    const int between = jit::cached_after(pair.first, n);
                    const jit::Stencil& guard = set->stencils[jit::variant_stencil(
                        pair.second, between, jit::floats_after(int(pair.first), n, m))];
                    INFO(set->short_name, " ", fused.name);
                    CHECK(std::string(fused.name).rfind(std::string(uop_info(pair.first).name) + "_" +
                                                            uop_info(pair.second).name, 0) == 0);
                    CHECK(fused.code_size < compare.code_size + guard.code_size);
                    CHECK(side_exits(fused) == side_exits(guard));
                    CHECK(fused.data_size == 0);
                    CHECK(jit::kStencilVariants[size_t(f)].floats_out ==
                          jit::floats_after(int(pair.second), between, jit::floats_after(int(pair.first), n, m)));
                    // Both operands in FP registers: no move from general registers, so
                    // smaller than the same depth with none there.
                    if (n >= 2 && (m >> (n - 2)) == 3)
                        CHECK(fused.code_size < set->stencils[jit::fused_stencil(pair.first, pair.second, n, 0)].code_size);
                }
        }
    }
    CHECK(!jit::is_fused_pair(UopOp::EQ, UopOp::GUARD_TRUE_BOOL));
    CHECK(!jit::is_fused_pair(UopOp::LT_INT, UopOp::GUARD_TRUE));
    CHECK(jit::fused_stencil(UopOp::LT_INT, UopOp::GUARD_TRUE_BOOL, 2, 1) < 0);  // ints: BOX first
    CHECK(jit::fused_stencil(UopOp::LT_FLOAT, UopOp::GUARD_TRUE_BOOL, 2, 3) >= 0);
}

TEST_CASE("fused stencils: placed for each compare and its guard, exits as the guard's, same results") {
    test::RanProgram interp, jitted;
    test::load_text("fused.cpasm", kProgram, interp.prog);
    test::load_text("fused.cpasm", kProgram, jitted.prog);
    test::run_loaded(interp, RunOptions{});
    test::run_loaded(jitted, test::jit_listing_options(4));
    REQUIRE(interp.exit_code == 0);
    REQUIRE(jitted.exit_code == 0);
    for (int g = 0; g < 2; ++g)
        CHECK(jitted.engine->vm().globals()[g].bits == interp.engine->vm().globals()[g].bits);
    const TraceCache& tc = jitted.traces();
    if (!tc.backend()) {
        MESSAGE("no JIT on this host: nothing placed");
        return;
    }
    size_t fused = 0, exits_taken = 0;
    bool int_pair = false, float_pair = false, true_guard = false, false_guard = false, float_in_fp = false;
    for (const auto& t : tc.traces()) {
        if (!t->machine) continue;
        const jit::CompiledTrace& c = *jit::copy_patch_code(*t);
        const std::string text = tools::print_machine_code(jitted.prog, *t, tc.traces());
        INFO("trace ", t->id, ":\n", text);
        // Every compare followed by a bool guard is one placed piece of two
        // uops, that pair's stencil; no other piece runs two.
        for (size_t i = 0; i + 1 < t->uops.size(); ++i) {
            const UopOp first = t->uops[i].op, second = t->uops[i + 1].op;
            if (jit::fused_pair_index(first, second) < 0) continue;
            const jit::PlacedStencil* piece = nullptr;
            for (const jit::PlacedStencil& p : c.placed)
                if (p.uop == int32_t(i) && !p.spill) piece = &p;
            REQUIRE(piece);
            CHECK(piece->num_uops == 2);
            CHECK(std::string(piece->stencil->name).rfind(std::string(uop_info(first).name) + "_" +
                                                              uop_info(second).name, 0) == 0);
            int_pair |= first == UopOp::LT_INT;
            float_pair |= first == UopOp::GT_FLOAT || first == UopOp::GE_FLOAT;
            true_guard |= second == UopOp::GUARD_TRUE_BOOL;
            false_guard |= second == UopOp::GUARD_FALSE_BOOL;
            // (a variant entered with floats in FP registers: its name ends in _fM)
            const std::string name = piece->stencil->name;
            float_in_fp |= name.size() > 3 && name.compare(name.size() - 3, 2, "_f") == 0;
            ++fused;
            exits_taken += t->exits[t->uops[i + 1].exit].times_taken;
        }
        for (const jit::PlacedStencil& p : c.placed)
            if (p.num_uops == 2) {
                CHECK(jit::fused_pair_index(t->uops[size_t(p.uop)].op, t->uops[size_t(p.uop) + 1].op) >= 0);
                CHECK(is_bool_guard(t->uops[size_t(p.uop) + 1].op));
            }
        // The listing shows the guard as run by the stencil placed for the compare.
        CHECK(count(text, "[the same stencil]") ==
              size_t(std::count_if(c.placed.begin(), c.placed.end(), [](const jit::PlacedStencil& p) {
                  return p.num_uops == 2;
              })));
    }
    CHECK(fused >= 3);
    CHECK(int_pair);
    CHECK(float_pair);
    CHECK(true_guard);
    CHECK(false_guard);
    CHECK(float_in_fp);  // x*x compared in its FP register
    CHECK(exits_taken >= 1);  // a fused guard's exit was taken (the loop's end, x reaching 20.0)
}
