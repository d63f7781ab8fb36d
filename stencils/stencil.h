// The preamble of every stencil source (compiled by clang-19 only, with
// -ffreestanding -nostdlibinc: nothing from the C or C++ library).
//
// A hole is an extern symbol the stencil refers to. The extractor
// (tools/stencil_extract) records each reference as a hole; the JIT patches it
// when it copies the stencil. The symbols are listed in jit/copy_patch/reloc_holes.def.
#pragma once

#include "jit/jit_abi.h"
#include "jit/tier2/uop_helpers.h"

// Jump holes: hidden, so a tail call is a direct `jmp rel32` / `b imm26`
// (R_X86_64_PLT32 / R_AARCH64_JUMP26) and not a load from the GOT; the JIT
// drops the final jump to _JIT_CONTINUE when the next stencil follows.
extern "C" {
extern __attribute__((visibility("hidden"))) cpjit::jit::JitTraceFn _JIT_CONTINUE;
extern __attribute__((visibility("hidden"))) cpjit::jit::JitTraceFn _JIT_JUMP_TARGET;
extern __attribute__((visibility("hidden"))) cpjit::jit::JitTraceFn _JIT_SIDE_EXIT;

// Value holes: the symbol's *address* is the value. Weak, so the compiler
// cannot assume the address is non-null; [1] makes a 32-bit operand small
// data (a 32-bit immediate under the x86-64 medium code model), [] makes a
// 64-bit one large (movabs). Never hidden: that would make them PC-relative.
extern char _JIT_OPERAND32[1] __attribute__((weak));
extern char _JIT_OPERAND64[] __attribute__((weak));
extern char _JIT_ORIGIN[] __attribute__((weak));
extern char _JIT_EXIT_RECORD[] __attribute__((weak));
extern char _JIT_LOCAL_OFFSET[1] __attribute__((weak));
}

#define JIT_OPERAND32 ((uint32_t)(uintptr_t)_JIT_OPERAND32)
#define JIT_OPERAND64 ((uint64_t)(uintptr_t)_JIT_OPERAND64)

// Local ARG of the frame at `base`. On x86-64 the hole is the byte offset
// itself, added unsigned so clang folds it into the load or store as a
// 32-bit displacement (R_X86_64_32S): `mov r15, [r14 + 0x48]` instead of
// `mov eax, 9; cdqe; mov r15, [r14 + rax*8]`. AArch64 has no such form
// for a patched offset (a movz/movk pair either way): base[ARG].
#if defined(__x86_64__)
#define JIT_LOCAL_SLOT(base) \
    (*reinterpret_cast<cpjit::Value*>(reinterpret_cast<char*>(base) + reinterpret_cast<uintptr_t>(_JIT_LOCAL_OFFSET)))
#else
#define JIT_LOCAL_SLOT(base) ((base)[int32_t(JIT_OPERAND32)])
#endif

// A register argument that carries nothing: an uninitialized value is
// undef to clang, so passing it costs no instruction (a frozen or zero
// value would cost a move or an xor on every path).
static inline cpjit::Value jit_dead_value() {
    cpjit::Value v;
    return v;
}
#define JIT_DEAD jit_dead_value()
// (a double is not a class: clang warns where a Value does not)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wuninitialized"
static inline double jit_dead_double() {
    double d;
    return d;
}
#pragma clang diagnostic pop
#define JIT_DEAD_F jit_dead_double()

// Leave the stencil with a guaranteed tail call: a jump, never a call.
// JIT_GOTO passes nothing in the cached-value registers; JIT_GOTO_WITH says
// what each carries (top-of-stack caching, jit/jit_abi.h), JIT_GOTO_WITH_F
// also what each FP register carries.
#define JIT_GOTO(target) JIT_GOTO_WITH(target, sp, JIT_DEAD, JIT_DEAD, JIT_DEAD)
#define JIT_GOTO_WITH(target, sp_, r0_, r1_, r2_) \
    JIT_GOTO_WITH_F(target, sp_, r0_, r1_, r2_, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F)
// The local registers l0..l3 and fl0..fl3 go on as they are (or as the
// stencil set them).
#define JIT_GOTO_WITH_F(target, sp_, r0_, r1_, r2_, f0_, f1_, f2_)                                    \
    do {                                                                                             \
        [[clang::musttail]] return target(vm, sp_, base, r0_, r1_, r2_, l0, l1, l2, l3, f0_, f1_, f2_, \
                                          fl0, fl1, fl2, fl3);                                       \
    } while (0)

// Floats in FP registers (jit/jit_abi.h): bit i of CPJIT_STENCIL_FLOATS
// (the variant's `_fM`) says cached slot i arrives in fi, not ci.
#ifndef CPJIT_STENCIL_FLOATS
#define CPJIT_STENCIL_FLOATS 0
#endif
#define JIT_FLOAT_SLOT(mask, i) ((((mask) >> (i)) & 1) != 0)
#define JIT_CACHED_IN(i) (JIT_FLOAT_SLOT(CPJIT_STENCIL_FLOATS, i) ? cpjit::Value::number(f##i) : c##i)
// Leaves with out_[i] in ci, or as a double in fi where bit i of `mask` is set.
#define JIT_GOTO_CACHED(target, sp_, out_, mask)                                                                  \
    JIT_GOTO_WITH_F(target, sp_, JIT_FLOAT_SLOT(mask, 0) ? JIT_DEAD : out_[0],                                   \
                    JIT_FLOAT_SLOT(mask, 1) ? JIT_DEAD : out_[1], JIT_FLOAT_SLOT(mask, 2) ? JIT_DEAD : out_[2], \
                    JIT_FLOAT_SLOT(mask, 0) ? out_[0].as_float() : JIT_DEAD_F,                                  \
                    JIT_FLOAT_SLOT(mask, 1) ? out_[1].as_float() : JIT_DEAD_F,                                  \
                    JIT_FLOAT_SLOT(mask, 2) ? out_[2].as_float() : JIT_DEAD_F)

#define JIT_STENCIL(name)                                                                                    \
    extern "C" CPJIT_PRESERVE_NONE cpjit::jit::JitReturn name(                                              \
        cpjit::CallStack* vm, cpjit::Value* sp, cpjit::Value* base, cpjit::Value c0, cpjit::Value c1,      \
        cpjit::Value c2, [[maybe_unused]] cpjit::Value l0, [[maybe_unused]] cpjit::Value l1,               \
        [[maybe_unused]] cpjit::Value l2, [[maybe_unused]] cpjit::Value l3, [[maybe_unused]] double f0,    \
        [[maybe_unused]] double f1, [[maybe_unused]] double f2, [[maybe_unused]] double fl0,             \
        [[maybe_unused]] double fl1, [[maybe_unused]] double fl2, [[maybe_unused]] double fl3)

// The local register a LOCAL_REG_Lk / LOAD_LOCAL_Lk / STORE_LOCAL_Lk stencil uses.
#define JIT_LOCAL_REG_(k) l##k
#define JIT_LOCAL_REG(k) JIT_LOCAL_REG_(k)
// The float local register a LOCAL_REG_Fk / LOAD_LOCAL_Fk / STORE_LOCAL_Fk stencil uses.
#define JIT_FLOAT_LOCAL_REG_(k) fl##k
#define JIT_FLOAT_LOCAL_REG(k) JIT_FLOAT_LOCAL_REG_(k)
