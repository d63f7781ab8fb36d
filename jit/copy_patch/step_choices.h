// The trace compiler's choice of variant, as tables: for each uop (and each
// Fused pair, and each local register access) and each state a step can be
// entered in (how many values cached, which of them in FP registers), the
// stencil it becomes and the state it leaves. Worked out from
// stencil_variants.h when cpjit is compiled, so choosing a uop's variant is
// one load, not a chain of lookups and arithmetic per uop.
#pragma once

#include <cstdint>

#include "jit/copy_patch/stencil_variants.h"

namespace cpjit::jit {

// States a step is entered in: `cached` values (0..kMaxCached), those of
// mask `floats` (below 1 << cached) in FP registers; one index each.
inline constexpr int kNumCacheStates = (1 << (kMaxCached + 1)) - 1;
constexpr int cache_state(int cached, int floats) { return (1 << cached) - 1 + floats; }

// One step, entered in one state.
struct StepChoice {
    // The stencil; or kBoxFirst: there is no such variant, a BOX (floats into
    // general registers) must come first; or kSpillFirst: the uop has no
    // variants at all and the cached values must be spilled first.
    int16_t stencil;
    uint8_t cached_after, floats_after;      // the state the next step is entered in
    uint8_t cached_at_exit, floats_at_exit;  // what the step's exit leaves in registers
};
inline constexpr int16_t kBoxFirst = -1, kSpillFirst = -2;
using StepChoices = StepChoice[kNumCacheStates];

// The choice for stencil `stencil` of uops `first`..`last` (a Fused pair's
// two, or one uop twice), entered in (cached, floats).
constexpr StepChoice make_step_choice(int stencil, UopOp first, UopOp last, bool fused, int cached, int floats) {
    if (stencil < 0) return {kBoxFirst, 0, 0, 0, 0};
    const int between = fused ? cached_after(first, cached) : cached;
    const int floats_between = fused ? floats_after(int(first), cached, floats) : floats;
    return {int16_t(stencil), uint8_t(cached_after(last, between)),
            uint8_t(kStencilVariants[size_t(stencil)].floats_out), uint8_t(cached_at_exit(last, between)),
            uint8_t(floats_at_exit(last, between, floats_between))};
}

// Calls f(cached, floats) for every state.
template <class F>
constexpr void for_each_cache_state(F&& f) {
    for (int n = 0; n <= kMaxCached; ++n)
        for (int m = 0; m < 1 << n; ++m) f(n, m);
}

struct StepChoiceTables {
    StepChoices uop[kNumUops];                      // a uop on its own
    StepChoices fused[kNumFusedPairs];              // a Fused pair (fused_pair_index)
    StepChoices local[kNumLocalRegs][2];            // [k][0: LOAD_LOCAL, 1: STORE_LOCAL] of local register k
};

inline constexpr StepChoiceTables kStepChoices = [] {
    StepChoiceTables t{};
    for (int u = 0; u < kNumUops; ++u)
        for_each_cache_state([&](int n, int m) {
            const UopOp op = UopOp(u);
            t.uop[u][cache_state(n, m)] = !has_variants(op) && n
                                              ? StepChoice{kSpillFirst, 0, 0, 0, 0}
                                              : make_step_choice(variant_stencil(op, n, m), op, op, false, n, m);
        });
    for (int p = 0; p < kNumFusedPairs; ++p)
        for_each_cache_state([&](int n, int m) {
            const FusedPair pair = fused_pair(p);
            t.fused[p][cache_state(n, m)] =
                make_step_choice(fused_stencil(pair.first, pair.second, n, m), pair.first, pair.second, true, n, m);
        });
    for (int k = 0; k < kNumLocalRegs; ++k)
        for (int store = 0; store < 2; ++store)
            for_each_cache_state([&](int n, int m) {
                const UopOp op = store ? UopOp::STORE_LOCAL : UopOp::LOAD_LOCAL;
                t.local[k][store][cache_state(n, m)] =
                    make_step_choice(local_access_stencil(op, k, n, m), op, op, false, n, m);
            });
    return t;
}();

}  // namespace cpjit::jit
