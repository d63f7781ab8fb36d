// Where each stencil variant sits in a target's stencil table, and how the
// cached depth moves along a trace (top-of-stack caching, jit/jit_abi.h).
//
// Table order (stencils/CMakeLists.txt writes it, stencil_set.cpp checks it):
//   [0, kNumUops)        each uop entered with nothing cached (its name)
//   ENTRY, EXIT          the extra stencils (CPJIT_EXTRA_STENCILS)
//   SPILL_r1..rK         write K cached values back to memory
//   EXIT_r1..rK          exit stubs that first write K values back
//   NAME_r1..rK          for each uop whose `reads` is not -1, in table order
//   LOCAL_REG_L0..Lm     load a local into local register k (m = kMaxLocalRegs - 1)
//   per register k: LOAD_LOCAL_Lk, LOAD_LOCAL_Lk_r1..rK, STORE_LOCAL_Lk,
//   STORE_LOCAL_Lk_r1..rK (the local in register k, 0..K values cached)
#pragma once

#include <array>

#include "jit/copy_patch/stencil_set.h"
#include "jit/jit_abi.h"
#include "jit/tier2/trace.h"

namespace cpjit::jit {

inline constexpr int kNumExtraStencils = 0
#define X(id) +1
    CPJIT_EXTRA_STENCILS(X)
#undef X
    ;

// For each uop, its rank among the uops with variants (-1: none).
inline constexpr std::array<int16_t, kNumUops> kCachedRank = [] {
    std::array<int16_t, kNumUops> r{};
    int16_t next = 0;
    for (int i = 0; i < kNumUops; ++i) r[size_t(i)] = kUopInfo[i].reads >= 0 ? next++ : int16_t(-1);
    return r;
}();
inline constexpr int kNumCachedUops = [] {
    int n = 0;
    for (int i = 0; i < kNumUops; ++i) n += kUopInfo[i].reads >= 0;
    return n;
}();
inline constexpr int kFirstSpill = kNumUops + kNumExtraStencils;
inline constexpr int kFirstExitVariant = kFirstSpill + kMaxCached;
inline constexpr int kFirstVariant = kFirstExitVariant + kMaxCached;
inline constexpr int kFirstLocalReg = kFirstVariant + kNumCachedUops * kMaxCached;
inline constexpr int kFirstLocalAccess = kFirstLocalReg + kMaxLocalRegs;
inline constexpr int kNumStencilsWithVariants = kFirstLocalAccess + kMaxLocalRegs * 2 * (kMaxCached + 1);

inline bool has_variants(UopOp op) { return kCachedRank[size_t(op)] >= 0; }

// The stencil of `op` entered with `cached` values in registers (0 for a
// uop without variants).
inline int variant_stencil(UopOp op, int cached) {
    return cached == 0 ? int(op) : kFirstVariant + kCachedRank[size_t(op)] * kMaxCached + cached - 1;
}
inline int spill_stencil(int cached) { return kFirstSpill + cached - 1; }
// Loads the local into local register k (a trace's first steps, and after
// a CALLS uop).
inline int local_reg_stencil(int k) { return kFirstLocalReg + k; }
// LOAD_LOCAL or STORE_LOCAL of the local in register k, entered with `cached`.
inline int local_access_stencil(UopOp op, int k, int cached) {
    return kFirstLocalAccess + (k * 2 + (op == UopOp::STORE_LOCAL)) * (kMaxCached + 1) + cached;
}
// The exit stub for an exit that leaves `cached` values in registers
// (EXIT, the extra stencil, for none).
inline int exit_stencil(int cached) {
    return cached == 0 ? kNumUops + kNumExtraStencils - 1 : kFirstExitVariant + cached - 1;
}

// How many values are cached after `op` ran entered with `cached` (the
// stencil template computes the same: uop_stencil.cpp).
inline int cached_after(UopOp op, int cached) {
    const UopInfo& u = uop_info(op);
    if (u.reads < 0) return 0;
    const int load = u.reads > cached ? u.reads - cached : 0;
    const int after = load + cached - u.pops + u.pushes;
    return after < kMaxCached ? after : kMaxCached;
}

// How many values an exit of `op` entered with `cached` leaves in registers:
// the window (uop_stencil.cpp) less what a branch guard popped.
inline int cached_at_exit(UopOp op, int cached) {
    const UopInfo& u = uop_info(op);
    if (u.reads < 0) return 0;
    const int window = u.reads > cached ? u.reads : cached;
    return window - ((u.flags & uop_flag::POP_EXIT) ? u.pops : 0);
}

}  // namespace cpjit::jit
