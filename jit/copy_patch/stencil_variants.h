// The list of stencils, written once: every stencil of a target's table, in
// table order, with the template it is compiled from and what selects its
// variant. The stencils build reads it (tools/stencil_extract/list_stencils.cpp
// prints it for stencils/CMakeLists.txt), stencil_set.cpp checks both
// generated tables against it, and the trace compiler picks stencils from it
// by index. Also: how the cached depth moves along a trace (top-of-stack
// caching, jit/jit_abi.h).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>

#include "jit/jit_abi.h"
#include "jit/tier2/uops.h"

namespace cpjit::jit {

// The stencil templates (stencils/*.cpp).
enum class StencilSource : uint8_t { Uop, Entry, Exit, Spill, LocalReg, Fused };
struct StencilSourceInfo {
    const char* file;    // under stencils/
    const char* family;  // the name before the variant suffixes (a Uop stencil: its uop's)
};
inline constexpr StencilSourceInfo kStencilSources[] = {
    {"uop_stencil.cpp", nullptr},             // one body per uop of uops.def
    {"entry_stencil.cpp", "ENTRY"},           // C calling convention in, the trace called
    {"exit_stencil.cpp", "EXIT"},             // a side exit: back to the VM or a linked trace
    {"spill_stencil.cpp", "SPILL"},           // cached values back to the stack
    {"local_reg_stencil.cpp", "LOCAL_REG"},  // a local into its local register
    {"uop_stencil.cpp", nullptr},             // two uops' bodies in sequence (kFusedPairs)
};
inline constexpr const StencilSourceInfo& stencil_source(StencilSource s) { return kStencilSources[size_t(s)]; }

// Fused stencils: a comparison and the branch guard that consumes its bool
// run as one stencil, compiled from the two bodies in sequence, so the bool
// is never boxed: one compare and a conditional jump to the guard's exit.
// Every comparison with every bool guard, each pair once.
inline constexpr UopOp kFusedFirsts[] = {UopOp::LT_INT,   UopOp::LE_INT,   UopOp::GT_INT,   UopOp::GE_INT,
                                         UopOp::LT_FLOAT, UopOp::LE_FLOAT, UopOp::GT_FLOAT, UopOp::GE_FLOAT};
inline constexpr UopOp kFusedSeconds[] = {UopOp::GUARD_TRUE_BOOL, UopOp::GUARD_FALSE_BOOL};
inline constexpr int kNumFusedPairs = int(std::size(kFusedFirsts) * std::size(kFusedSeconds));
struct FusedPair {
    UopOp first, second;
};
constexpr FusedPair fused_pair(int pair) {
    return {kFusedFirsts[size_t(pair) / std::size(kFusedSeconds)], kFusedSeconds[size_t(pair) % std::size(kFusedSeconds)]};
}
// Where each uop stands in kFusedFirsts and kFusedSeconds (-1: not there).
struct FusedRanks {
    int8_t first[kNumUops], second[kNumUops];
};
inline constexpr FusedRanks kFusedRanks = [] {
    FusedRanks r{};
    for (int u = 0; u < kNumUops; ++u) r.first[u] = r.second[u] = -1;
    for (size_t i = 0; i < std::size(kFusedFirsts); ++i) r.first[int(kFusedFirsts[i])] = int8_t(i);
    for (size_t i = 0; i < std::size(kFusedSeconds); ++i) r.second[int(kFusedSeconds[i])] = int8_t(i);
    return r;
}();
// The pair of `first` then `second`, or -1.
constexpr int fused_pair_index(UopOp first, UopOp second) {
    const int a = kFusedRanks.first[int(first)], b = kFusedRanks.second[int(second)];
    return a < 0 || b < 0 ? -1 : a * int(std::size(kFusedSeconds)) + b;
}

// One stencil. Its name is the family (a Fused stencil: both uops' names),
// then `_Lk` when it keeps a local in local register k, then `_rN` when it is
// entered with N values cached; the build compiles it with
// -DCPJIT_STENCIL_UOP=<uop>, -DCPJIT_STENCIL_UOP2=<second uop>,
// -DCPJIT_STENCIL_LOCAL_REG=k and -DCPJIT_STENCIL_CACHED=N for the parts it has.
struct StencilVariant {
    StencilSource source;
    int16_t uop;        // a Uop or Fused stencil's (first) UopOp, else -1
    int16_t uop2;       // a Fused stencil's second UopOp, else -1
    int8_t local_reg;   // k, or -1
    int8_t cached;      // N, 0 for none
    char name[32];
};

// The table, family by family: the one place that says which stencils exist
// and in which order. The first kNumUops are the uops in uops.def order, so
// a uop entered with nothing cached is its own UopOp. (For a Fused stencil,
// `uop` is its pair: fused_pair.)
template <class Emit>
constexpr void for_each_stencil(Emit&& emit) {
    for (int u = 0; u < kNumUops; ++u) emit(StencilSource::Uop, u, -1, 0);
    emit(StencilSource::Entry, -1, -1, 0);
    emit(StencilSource::Exit, -1, -1, 0);
    for (int n = 1; n <= kMaxCached; ++n) emit(StencilSource::Spill, -1, -1, n);
    for (int n = 1; n <= kMaxCached; ++n) emit(StencilSource::Exit, -1, -1, n);
    // Uops whose `reads` is not -1 run with 1..kMaxCached values in registers.
    for (int u = 0; u < kNumUops; ++u)
        for (int n = 1; kUopInfo[u].reads >= 0 && n <= kMaxCached; ++n) emit(StencilSource::Uop, u, -1, n);
    for (int k = 0; k < kMaxLocalRegs; ++k) emit(StencilSource::LocalReg, -1, k, 0);
    for (int k = 0; k < kMaxLocalRegs; ++k)
        for (UopOp op : {UopOp::LOAD_LOCAL, UopOp::STORE_LOCAL})
            for (int n = 0; n <= kMaxCached; ++n) emit(StencilSource::Uop, int(op), k, n);
    for (int p = 0; p < kNumFusedPairs; ++p)
        for (int n = 0; n <= kMaxCached; ++n) emit(StencilSource::Fused, p, -1, n);
}

static_assert(kMaxCached < 10 && kMaxLocalRegs <= 10, "variant names hold one digit");

constexpr StencilVariant make_stencil_variant(StencilSource source, int uop, int local_reg, int cached) {
    const bool fused = source == StencilSource::Fused;
    const int uop2 = fused ? int(fused_pair(uop).second) : -1;
    if (fused) uop = int(fused_pair(uop).first);
    StencilVariant v{source, int16_t(uop), int16_t(uop2), int8_t(local_reg), int8_t(cached), {}};
    int at = 0;
    auto put = [&](char c) {
        if (at + 1 >= int(sizeof v.name)) throw "stencil name too long";  // not a constant: no build
        v.name[at++] = c;
    };
    for (const char* p = uop >= 0 ? kUopInfo[uop].name : stencil_source(source).family; *p; ++p) put(*p);
    if (uop2 >= 0) put('_');
    for (const char* p = uop2 >= 0 ? kUopInfo[uop2].name : ""; *p; ++p) put(*p);
    if (local_reg >= 0) put('_'), put('L'), put(char('0' + local_reg));
    if (cached > 0) put('_'), put('r'), put(char('0' + cached));
    return v;
}

inline constexpr int kNumStencilVariants = [] {
    int n = 0;
    for_each_stencil([&](StencilSource, int, int, int) { ++n; });
    return n;
}();

inline constexpr std::array<StencilVariant, kNumStencilVariants> kStencilVariants = [] {
    std::array<StencilVariant, kNumStencilVariants> table{};
    size_t i = 0;
    for_each_stencil([&](StencilSource s, int uop, int k, int n) { table[i++] = make_stencil_variant(s, uop, k, n); });
    return table;
}();

// Where each variant sits in the table (-1: no such stencil), by its parts.
struct StencilIndex {
    int16_t uop[kNumUops][kMaxLocalRegs + 1][kMaxCached + 1];  // [op][1 + local register, 0: none][cached]
    int16_t entry;
    int16_t exit[kMaxCached + 1];
    int16_t spill[kMaxCached + 1];
    int16_t local_reg[kMaxLocalRegs];
    int16_t fused[kNumFusedPairs][kMaxCached + 1];
};

inline constexpr StencilIndex kStencilIndex = [] {
    StencilIndex x{};
    auto slot = [&](const StencilVariant& v) -> int16_t& {
        switch (v.source) {
        case StencilSource::Uop: return x.uop[v.uop][v.local_reg + 1][v.cached];
        case StencilSource::Entry: return x.entry;
        case StencilSource::Exit: return x.exit[v.cached];
        case StencilSource::Spill: return x.spill[v.cached];
        case StencilSource::LocalReg: return x.local_reg[v.local_reg];
        case StencilSource::Fused: return x.fused[fused_pair_index(UopOp(v.uop), UopOp(v.uop2))][v.cached];
        }
        throw "unknown stencil source";
    };
    for (auto& a : x.uop)
        for (auto& b : a)
            for (int16_t& i : b) i = -1;
    x.entry = -1;
    for (int16_t& i : x.exit) i = -1;
    for (int16_t& i : x.spill) i = -1;
    for (int16_t& i : x.local_reg) i = -1;
    for (auto& a : x.fused)
        for (int16_t& i : a) i = -1;
    for (int i = 0; i < kNumStencilVariants; ++i) {
        int16_t& s = slot(kStencilVariants[size_t(i)]);
        if (s >= 0) throw "a stencil listed twice";  // not a constant: no build
        s = int16_t(i);
    }
    return x;
}();

inline bool has_variants(UopOp op) { return kStencilIndex.uop[size_t(op)][0][1] >= 0; }

// The stencil of `op` entered with `cached` values in registers (0 for a
// uop without variants).
inline int variant_stencil(UopOp op, int cached) { return kStencilIndex.uop[size_t(op)][0][cached]; }
inline int spill_stencil(int cached) { return kStencilIndex.spill[cached]; }
// Loads the local into local register k (a trace's first steps, and after
// a CALLS uop).
inline int local_reg_stencil(int k) { return kStencilIndex.local_reg[k]; }
// LOAD_LOCAL or STORE_LOCAL of the local in register k, entered with `cached`.
inline int local_access_stencil(UopOp op, int k, int cached) { return kStencilIndex.uop[size_t(op)][k + 1][cached]; }
// The exit stub for an exit that leaves `cached` values in registers.
inline int exit_stencil(int cached) { return kStencilIndex.exit[cached]; }
// The entry shim.
inline int entry_stencil() { return kStencilIndex.entry; }
// The Fused stencil of `first` then `second` entered with `cached`, or -1.
inline int fused_stencil(UopOp first, UopOp second, int cached) {
    const int p = fused_pair_index(first, second);
    return p < 0 ? -1 : kStencilIndex.fused[p][cached];
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
