// What patching a copy of a stencil needs, and nothing else: its patch list
// (one PatchOp per hole, the trailing jump's last) and a summary of the
// values and helpers its holes use.
//
// Why constexpr: the plans are worked out from the generated tables when
// cpjit itself is compiled (stencil_set.cpp), so a run's start-up does no
// work and touches no memory for them; a compile reads only the plans of
// the stencils it copies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "jit/copy_patch/reloc.h"

namespace cpjit::jit {

constexpr uint32_t hole_bit(HoleValue v) { return uint32_t(1) << unsigned(v); }
// Jump holes a uop may lack a target for; the other values always exist.
inline constexpr uint32_t kOptionalJumps = hole_bit(HoleValue::JumpTarget) | hole_bit(HoleValue::SideExit);

inline constexpr size_t kNumHoleValues = sizeof(kHoleValueInfo) / sizeof(kHoleValueInfo[0]);
// Helpers a target may have: a trace's GOT is a 64-bit mask of them.
inline constexpr size_t kMaxHelpers = 64;
// Where a patch reads S and G (the trace compiler's tables of them): S is
// symbols[symbol], the value of a HoleValue or (from kHelperSymbols on) a
// helper's address; G is got_slots[got], the trace's slot of a helper or 0
// (kNoGotSlot: a hole that is not a helper's).
inline constexpr uint8_t kHelperSymbols = uint8_t(kNumHoleValues);
inline constexpr size_t kNumSymbols = kNumHoleValues + kMaxHelpers;
inline constexpr uint8_t kNoGotSlot = uint8_t(kMaxHelpers);
static_assert(kNumSymbols <= 256);

// One hole, ready to patch: S = symbols[symbol], G = got_slots[got] in the
// trace compiler's tables (so patching a hole is two loads and a call to
// kPatchFns[kind]). Eight bytes: a first compile reads these tables cold,
// and on a virtual machine each new 32 KiB it touches costs about 12 us
// (docs/compile_time.md), so they are kept small.
struct PatchOp {
    uint16_t offset;
    RelocKind kind;
    uint8_t symbol, got;
    int16_t addend;
    // What S is: a HoleValue, or a helper's address (HoleValue::Helper).
    constexpr HoleValue value() const { return symbol < kHelperSymbols ? HoleValue(symbol) : HoleValue::Helper; }
    constexpr uint16_t helper() const { return symbol < kHelperSymbols ? 0 : uint16_t(symbol - kHelperSymbols); }
};
static_assert(sizeof(PatchOp) == 8);

// A stencil as the compiler uses it. Its ops are ops[first_op ..
// first_op + num_ops); a trailing jump's hole is the last of them, so
// dropping the jump patches num_ops - 1.
struct StencilPlan {
    const uint8_t* code = nullptr;
    const uint8_t* data = nullptr;
    uint16_t code_size = 0, kept_size = 0;  // kept: without the trailing jump
    uint16_t data_size = 0, data_align = 1;
    uint16_t first_op = 0;
    uint8_t num_ops = 0;
    bool drops_jump = false;
    bool usable = true;    // false: a hole the JIT cannot fill (the trace stays uops)
    uint16_t needs = 0;    // kOptionalJumps bits its holes use
    uint64_t helpers = 0;  // bit h: a hole calls helper h (the trace's GOT gets a slot for it)
};
static_assert(sizeof(StencilPlan) <= 40);

template <size_t NumStencils, size_t NumOps>
struct StencilPlans {
    std::array<StencilPlan, NumStencils> plans{};
    std::array<PatchOp, NumOps> ops{};
};

constexpr size_t count_holes(const Stencil* stencils, size_t n) {
    size_t holes = 0;
    for (size_t i = 0; i < n; ++i) holes += stencils[i].num_holes;
    return holes;
}

// Fits x in T, or stops the build (a constant expression cannot throw).
template <typename T>
constexpr T narrow(int64_t x) {
    if (x < int64_t(std::numeric_limits<T>::min()) || x > int64_t(std::numeric_limits<T>::max()))
        throw "a stencil table value does not fit its StencilPlan/PatchOp field: widen the field";
    return T(x);
}

template <size_t NumStencils, size_t NumOps>
constexpr StencilPlans<NumStencils, NumOps> plan_stencils(const Stencil* stencils) {
    static_assert(kOptionalJumps <= 0xffff, "StencilPlan::needs is 16 bits");
    StencilPlans<NumStencils, NumOps> out;
    uint32_t next = 0;
    for (size_t i = 0; i < NumStencils; ++i) {
        const Stencil& s = stencils[i];
        StencilPlan& p = out.plans[i];
        p.code = s.code;
        p.data = s.data;
        p.code_size = narrow<uint16_t>(s.code_size);
        p.drops_jump = s.trailing_jump_size != 0;
        p.kept_size = narrow<uint16_t>(s.code_size - s.trailing_jump_size);
        p.data_size = narrow<uint16_t>(s.data_size);
        p.data_align = narrow<uint16_t>(s.data_align ? s.data_align : 1);
        p.first_op = narrow<uint16_t>(next);
        p.usable = s.num_data_holes == 0;  // no stencil has addresses in its data yet
        auto add = [&](const Hole& h) {
            const bool helper = h.value == HoleValue::Helper;
            if (helper && h.helper >= kMaxHelpers) p.usable = false;  // (and Jit::init refuses the set)
            const uint8_t symbol = helper && p.usable ? uint8_t(kHelperSymbols + h.helper) : uint8_t(h.value);
            const uint8_t got = helper && p.usable ? uint8_t(h.helper) : kNoGotSlot;
            out.ops[next++] = {narrow<uint16_t>(h.offset), h.kind, symbol, got, narrow<int16_t>(h.addend)};
            p.needs |= uint16_t(hole_bit(h.value) & kOptionalJumps);
            if (helper && p.usable) p.helpers |= uint64_t(1) << h.helper;
        };
        for (uint32_t h = 0; h < s.num_holes; ++h)
            if (int32_t(h) != s.trailing_jump_hole || !p.drops_jump) add(s.holes[h]);
        if (p.drops_jump) add(s.holes[s.trailing_jump_hole]);  // last: left out with the jump
        p.num_ops = narrow<uint8_t>(next - p.first_op);
    }
    return out;
}

}  // namespace cpjit::jit
