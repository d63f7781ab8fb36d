// The exit stub: one copy per side exit of a trace, placed after the hot
// code. It writes back what its uop left in registers and jumps on:
// unlinked, to its trace's exit tail (exit_tail_stencil.cpp) with its exit
// record's byte offset among the trace's records (_JIT_OPERAND32) in l0;
// once the exit is linked to another trace, the JIT re-patches the jump
// (_JIT_JUMP_TARGET) to go there directly. So a stub is the spill and two
// instructions, and it carries no 64-bit address.
// EXIT_rN (-DCPJIT_STENCIL_CACHED=N) first writes the N values its uop left
// in registers back to the stack: the VM and every trace start with nothing
// cached. EXIT_rN_fM (-DCPJIT_STENCIL_FLOATS=M) takes slot i from FP
// register fi where bit i of M is set.
#include "stencils/stencil.h"

#ifndef CPJIT_STENCIL_CACHED
#define CPJIT_STENCIL_CACHED 0
#endif

JIT_STENCIL(cpjit_stencil_EXIT) {
    constexpr int kIn = CPJIT_STENCIL_CACHED;
    static_assert(kIn >= 0 && kIn <= cpjit::jit::kMaxCached);
    const cpjit::Value in_[3] = {JIT_CACHED_IN(0), JIT_CACHED_IN(1), JIT_CACHED_IN(2)};
    for (int i = 0; i < kIn; ++i) sp[i] = in_[i];
    sp += kIn;
    // The offset goes in l0: the local registers carry nothing an exit needs
    // (stores write through to the frame; a linked trace loads its own), and
    // l0 is none of the cached registers being stored (on x86-64, rdx:
    // `mov edx, imm32` has no REX prefix). The operand's whole address, not
    // JIT_OPERAND32: truncated to 32 bits, clang moves it through another
    // register on both targets.
    const cpjit::Value offset = cpjit::Value::from_bits(uintptr_t(_JIT_OPERAND32));
    [[clang::musttail]] return _JIT_JUMP_TARGET(vm, sp, base, JIT_DEAD, JIT_DEAD, JIT_DEAD, offset, JIT_DEAD, JIT_DEAD,
                                                JIT_DEAD, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F,
                                                JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F);
}
