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
enum class StencilSource : uint8_t { Uop, Entry, Exit, ExitTail, Spill, LocalReg, Box, Fused };
struct StencilSourceInfo {
    const char* file;    // under stencils/
    const char* family;  // the name before the variant suffixes (a Uop stencil: its uop's)
};
inline constexpr StencilSourceInfo kStencilSources[] = {
    {"uop_stencil.cpp", nullptr},             // one body per uop of uops.def
    {"entry_stencil.cpp", "ENTRY"},           // C calling convention in, the trace called
    {"exit_stencil.cpp", "EXIT"},             // a side exit: cached values back, on to the tail or a linked trace
    {"exit_tail_stencil.cpp", "EXIT_TAIL"},   // one per trace: the exit record back to the VM
    {"spill_stencil.cpp", "SPILL"},           // cached values back to the stack
    {"local_reg_stencil.cpp", "LOCAL_REG"},  // a local into its local register
    {"box_stencil.cpp", "BOX"},              // cached floats from FP registers into the others
    {"uop_stencil.cpp", nullptr},             // two uops' bodies in sequence (kFusedFirsts x kFusedSeconds)
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
// then `_Lk` when it keeps a local in local register k (`_Fk` in float
// local register k: local register kMaxLocalRegs + k), then `_rN` when it is
// entered with N values cached, then `_fM` when the cached slots of mask M
// arrive in FP registers (jit/jit_abi.h); the build compiles it with
// -DCPJIT_STENCIL_UOP=<uop>, -DCPJIT_STENCIL_UOP2=<second uop>,
// -DCPJIT_STENCIL_LOCAL_REG=k (-DCPJIT_STENCIL_FLOAT_LOCAL_REG=k),
// -DCPJIT_STENCIL_CACHED=N,
// -DCPJIT_STENCIL_FLOATS=M and -DCPJIT_STENCIL_FLOATS_OUT=<floats_after> for
// the parts it has.
struct StencilVariant {
    StencilSource source;
    int16_t uop;        // a Uop or Fused stencil's (first) UopOp, else -1
    int16_t uop2;       // a Fused stencil's second UopOp, else -1
    int8_t local_reg;   // k (kMaxLocalRegs and up: a float local register), or -1
    int8_t cached;      // N, 0 for none
    int8_t floats;      // M, 0 for none
    int8_t floats_out;  // a Uop or Fused stencil: which cached slots it leaves in FP registers
    char name[32];
};

// Floats in FP registers. The uops whose result is a float leave it in an
// FP register (a float Value's bits are the double's: the move is the
// boxing). A value stays where it is until a uop pops it, DUP's copies go
// where the value was, any other push goes to a general register.
inline constexpr UopOp kFloatResultUops[] = {UopOp::ADD_FLOAT, UopOp::SUB_FLOAT, UopOp::MUL_FLOAT, UopOp::DIV_FLOAT,
                                             UopOp::DIV_NUM,   UopOp::TO_FLOAT_INT, UopOp::SQRT_NUM};
// The uops that also have variants entered with cached slots in FP registers
// (any mask): those a float expression is made of. Before any other uop the
// trace compiler moves the cached floats into general registers (BOX).
inline constexpr UopOp kFloatSlotUops[] = {
    UopOp::ADD_FLOAT, UopOp::SUB_FLOAT, UopOp::MUL_FLOAT,  UopOp::DIV_FLOAT,       UopOp::DIV_NUM,
    UopOp::TO_FLOAT_INT, UopOp::SQRT_NUM, UopOp::LT_FLOAT,  UopOp::LE_FLOAT,       UopOp::GT_FLOAT,
    UopOp::GE_FLOAT,  UopOp::CONST,     UopOp::LOAD_LOCAL, UopOp::STORE_LOCAL,     UopOp::DUP, UopOp::GUARD_TRUE_BOOL,
    UopOp::GUARD_FALSE_BOOL, UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS, UopOp::AGET_ARRAY};

constexpr bool pushes_float(int uop) {
    for (UopOp op : kFloatResultUops)
        if (int(op) == uop) return true;
    return false;
}

// How many values are cached after `op` ran entered with `cached` (the
// stencil template computes the same: uop_stencil.cpp).
constexpr int cached_after(UopOp op, int cached) {
    const UopInfo& u = kUopInfo[int(op)];
    if (u.reads < 0) return 0;
    const int load = u.reads > cached ? u.reads - cached : 0;
    const int after = load + cached - u.pops + u.pushes;
    return after < kMaxCached ? after : kMaxCached;
}

constexpr bool is_float_local_reg(int k) { return k >= kMaxLocalRegs; }

// Which cached slots are in FP registers after `op` ran entered with
// `cached` values, those of mask `floats` in FP registers (the stencil
// template is compiled with it: CPJIT_STENCIL_FLOATS_OUT). LOAD_LOCAL of a
// float local register (`local_reg`) pushes from an FP register.
constexpr int floats_after(int uop, int cached, int floats, int local_reg = -1) {
    const UopInfo& u = kUopInfo[uop];
    if (u.reads < 0) return 0;
    const int load = u.reads > cached ? u.reads - cached : 0;
    const int window = load + cached, kept = window - u.pops, after = kept + u.pushes;
    const int in = floats << load;
    int kinds = in & ((1 << kept) - 1);  // what the uop did not pop stays
    // DUP pushes two copies of what it popped: where that was
    const bool copies_top = uop == int(UopOp::DUP) && ((in >> (window - 1)) & 1);
    const bool from_fp_local = uop == int(UopOp::LOAD_LOCAL) && local_reg >= 0 && is_float_local_reg(local_reg);
    if (pushes_float(uop) || copies_top || from_fp_local) kinds |= ((1 << after) - 1) & ~((1 << kept) - 1);
    const int out = after < kMaxCached ? after : kMaxCached;
    return (kinds >> (after - out)) & ((1 << out) - 1);
}

constexpr bool has_float_slot_variants(UopOp op) {
    for (UopOp f : kFloatSlotUops)
        if (f == op) return true;
    return false;
}

// The table, family by family: the one place that says which stencils exist
// and in which order. The first kNumUops are the uops in uops.def order, so
// a uop entered with nothing cached is its own UopOp. (For a Fused stencil,
// `uop` is its pair: fused_pair.)
template <class Emit>
constexpr void for_each_stencil(Emit&& emit) {
    for (int u = 0; u < kNumUops; ++u) emit(StencilSource::Uop, u, -1, 0, 0);
    emit(StencilSource::Entry, -1, -1, 0, 0);
    emit(StencilSource::Exit, -1, -1, 0, 0);
    emit(StencilSource::ExitTail, -1, -1, 0, 0);
    for (int n = 1; n <= kMaxCached; ++n) emit(StencilSource::Spill, -1, -1, n, 0);
    for (int n = 1; n <= kMaxCached; ++n) emit(StencilSource::Exit, -1, -1, n, 0);
    // Uops whose `reads` is not -1 run with 1..kMaxCached values in registers.
    for (int u = 0; u < kNumUops; ++u)
        for (int n = 1; kUopInfo[u].reads >= 0 && n <= kMaxCached; ++n) emit(StencilSource::Uop, u, -1, n, 0);
    for (int k = 0; k < kMaxLocalRegs; ++k) emit(StencilSource::LocalReg, -1, k, 0, 0);
    for (int k = 0; k < kMaxLocalRegs; ++k)
        for (UopOp op : {UopOp::LOAD_LOCAL, UopOp::STORE_LOCAL})
            for (int n = 0; n <= kMaxCached; ++n) emit(StencilSource::Uop, int(op), k, n, 0);
    // Floats in FP registers: every mask M != 0 of N cached slots.
    for (int n = 1; n <= kMaxCached; ++n)
        for (int m = 1; m < 1 << n; ++m) {
            emit(StencilSource::Spill, -1, -1, n, m);
            emit(StencilSource::Exit, -1, -1, n, m);
            emit(StencilSource::Box, -1, -1, n, m);
        }
    for (UopOp op : kFloatSlotUops)
        for (int n = 1; n <= kMaxCached; ++n)
            for (int m = 1; m < 1 << n; ++m) emit(StencilSource::Uop, int(op), -1, n, m);
    for (int k = 0; k < kMaxLocalRegs; ++k)
        for (UopOp op : {UopOp::LOAD_LOCAL, UopOp::STORE_LOCAL})
            for (int n = 1; n <= kMaxCached; ++n)
                for (int m = 1; m < 1 << n; ++m) emit(StencilSource::Uop, int(op), k, n, m);
    // Float locals in FP registers: the load into flk, and LOAD_LOCAL_Fk /
    // STORE_LOCAL_Fk in every cache state.
    for (int k = kMaxLocalRegs; k < kNumLocalRegs; ++k) emit(StencilSource::LocalReg, -1, k, 0, 0);
    for (int k = kMaxLocalRegs; k < kNumLocalRegs; ++k)
        for (UopOp op : {UopOp::LOAD_LOCAL, UopOp::STORE_LOCAL})
            for (int n = 0; n <= kMaxCached; ++n)
                for (int m = 0; m < 1 << n; ++m) emit(StencilSource::Uop, int(op), k, n, m);
    // Fused pairs: every cached depth; the masks of their first uop's float
    // variants (a comparison of floats: any mask, of ints: none, BOX first).
    for (int p = 0; p < kNumFusedPairs; ++p)
        for (int n = 0; n <= kMaxCached; ++n)
            for (int m = 0; m < (has_float_slot_variants(fused_pair(p).first) ? 1 << n : 1); ++m)
                emit(StencilSource::Fused, p, -1, n, m);
}

static_assert(kMaxCached <= 3 && kMaxLocalRegs <= 10 && kMaxFloatLocalRegs <= 10, "variant names hold one digit");

constexpr StencilVariant make_stencil_variant(StencilSource source, int uop, int local_reg, int cached, int floats) {
    const bool fused = source == StencilSource::Fused;
    const int uop2 = fused ? int(fused_pair(uop).second) : -1;
    if (fused) uop = int(fused_pair(uop).first);
    // (a Fused stencil: what the second uop leaves after the first)
    const int floats_out = uop < 0   ? 0
                           : !fused ? floats_after(uop, cached, floats, local_reg)
                                    : floats_after(uop2, cached_after(UopOp(uop), cached), floats_after(uop, cached, floats));
    StencilVariant v{source,         int16_t(uop),      int16_t(uop2), int8_t(local_reg), int8_t(cached),
                     int8_t(floats), int8_t(floats_out), {}};
    int at = 0;
    auto put = [&](char c) {
        if (at + 1 >= int(sizeof v.name)) throw "stencil name too long";  // not a constant: no build
        v.name[at++] = c;
    };
    for (const char* p = uop >= 0 ? kUopInfo[uop].name : stencil_source(source).family; *p; ++p) put(*p);
    if (uop2 >= 0) put('_');
    for (const char* p = uop2 >= 0 ? kUopInfo[uop2].name : ""; *p; ++p) put(*p);
    if (local_reg >= 0 && !is_float_local_reg(local_reg)) put('_'), put('L'), put(char('0' + local_reg));
    if (local_reg >= 0 && is_float_local_reg(local_reg)) put('_'), put('F'), put(char('0' + local_reg - kMaxLocalRegs));
    if (cached > 0) put('_'), put('r'), put(char('0' + cached));
    if (floats > 0) put('_'), put('f'), put(char('0' + floats));
    return v;
}

inline constexpr int kNumStencilVariants = [] {
    int n = 0;
    for_each_stencil([&](StencilSource, int, int, int, int) { ++n; });
    return n;
}();

inline constexpr std::array<StencilVariant, kNumStencilVariants> kStencilVariants = [] {
    std::array<StencilVariant, kNumStencilVariants> table{};
    size_t i = 0;
    for_each_stencil(
        [&](StencilSource s, int uop, int k, int n, int m) { table[i++] = make_stencil_variant(s, uop, k, n, m); });
    return table;
}();

// Where each variant sits in the table (-1: no such stencil), by its parts.
inline constexpr int kFloatMasks = 1 << kMaxCached;
struct StencilIndex {
    // [op][1 + local register, 0: none][cached][floats]
    int16_t uop[kNumUops][kNumLocalRegs + 1][kMaxCached + 1][kFloatMasks];
    int16_t entry;
    int16_t exit[kMaxCached + 1][kFloatMasks];
    int16_t exit_tail;
    int16_t spill[kMaxCached + 1][kFloatMasks];
    int16_t box[kMaxCached + 1][kFloatMasks];
    int16_t local_reg[kNumLocalRegs];
    int16_t fused[kNumFusedPairs][kMaxCached + 1][kFloatMasks];
};

inline constexpr StencilIndex kStencilIndex = [] {
    StencilIndex x{};
    auto slot = [&](const StencilVariant& v) -> int16_t& {
        switch (v.source) {
        case StencilSource::Uop: return x.uop[v.uop][v.local_reg + 1][v.cached][v.floats];
        case StencilSource::Entry: return x.entry;
        case StencilSource::Exit: return x.exit[v.cached][v.floats];
        case StencilSource::ExitTail: return x.exit_tail;
        case StencilSource::Spill: return x.spill[v.cached][v.floats];
        case StencilSource::Box: return x.box[v.cached][v.floats];
        case StencilSource::LocalReg: return x.local_reg[v.local_reg];
        case StencilSource::Fused: return x.fused[fused_pair_index(UopOp(v.uop), UopOp(v.uop2))][v.cached][v.floats];
        }
        throw "unknown stencil source";
    };
    for (auto& a : x.uop)
        for (auto& b : a)
            for (auto& c : b)
                for (int16_t& i : c) i = -1;
    x.entry = x.exit_tail = -1;
    for (auto* t : {&x.exit, &x.spill, &x.box})
        for (auto& a : *t)
            for (int16_t& i : a) i = -1;
    for (int16_t& i : x.local_reg) i = -1;
    for (auto& a : x.fused)
        for (auto& b : a)
            for (int16_t& i : b) i = -1;
    for (int i = 0; i < kNumStencilVariants; ++i) {
        int16_t& s = slot(kStencilVariants[size_t(i)]);
        if (s >= 0) throw "a stencil listed twice";  // not a constant: no build
        s = int16_t(i);
    }
    return x;
}();

constexpr bool has_variants(UopOp op) { return kStencilIndex.uop[size_t(op)][0][1][0] >= 0; }

// The stencil of `op` entered with `cached` values in registers (0 for a
// uop without variants), those of mask `floats` in FP registers; -1 when
// `op` has no such variant (BOX first).
constexpr int variant_stencil(UopOp op, int cached, int floats) { return kStencilIndex.uop[size_t(op)][0][cached][floats]; }
constexpr int spill_stencil(int cached, int floats) { return kStencilIndex.spill[cached][floats]; }
// Moves the cached slots of mask `floats` from FP registers into general ones.
constexpr int box_stencil(int cached, int floats) { return kStencilIndex.box[cached][floats]; }
// Loads the local into local register k (a trace's first steps, and after
// a CALLS uop).
constexpr int local_reg_stencil(int k) { return kStencilIndex.local_reg[k]; }
// LOAD_LOCAL or STORE_LOCAL of the local in register k, entered with `cached`.
constexpr int local_access_stencil(UopOp op, int k, int cached, int floats) {
    return kStencilIndex.uop[size_t(op)][k + 1][cached][floats];
}
// The exit stub for an exit that leaves `cached` values in registers, those
// of mask `floats` in FP registers.
constexpr int exit_stencil(int cached, int floats) { return kStencilIndex.exit[cached][floats]; }
// The exit tail every unlinked exit stub of a trace jumps to (one per trace).
constexpr int exit_tail_stencil() { return kStencilIndex.exit_tail; }
// The entry shim.
inline int entry_stencil() { return kStencilIndex.entry; }
// Whether `first` then `second` run as one Fused stencil.
constexpr bool is_fused_pair(UopOp first, UopOp second) { return fused_pair_index(first, second) >= 0; }
// The Fused stencil of `first` then `second` entered with `cached`, those of
// mask `floats` in FP registers; -1 when the two are no pair or the pair has
// no such variant (BOX first).
constexpr int fused_stencil(UopOp first, UopOp second, int cached, int floats) {
    const int p = fused_pair_index(first, second);
    return p < 0 ? -1 : kStencilIndex.fused[p][cached][floats];
}

// How many values an exit of `op` entered with `cached` leaves in registers:
// the window (uop_stencil.cpp) less what a branch guard popped.
constexpr int cached_at_exit(UopOp op, int cached) {
    const UopInfo& u = kUopInfo[int(op)];
    if (u.reads < 0) return 0;
    const int window = u.reads > cached ? u.reads : cached;
    return window - ((u.flags & uop_flag::POP_EXIT) ? u.pops : 0);
}

// Which of those an exit leaves in FP registers: the window's slots as they
// arrived (the values loaded from memory are in general registers).
constexpr int floats_at_exit(UopOp op, int cached, int floats) {
    const UopInfo& u = kUopInfo[int(op)];
    if (u.reads < 0) return 0;
    const int load = u.reads > cached ? u.reads - cached : 0;
    return (floats << load) & ((1 << cached_at_exit(op, cached)) - 1);
}

}  // namespace cpjit::jit
