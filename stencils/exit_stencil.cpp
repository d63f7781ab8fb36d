// The exit stub: one copy per side exit of a trace, placed after the hot
// code. Unlinked (_JIT_LINK_TARGET = 0) it returns to the VM with its exit
// record and the stack pointer; once the exit is linked to another trace,
// the JIT patches _JIT_LINK_TARGET in place and the stub jumps there.
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
    uintptr_t target = uintptr_t(_JIT_LINK_TARGET);
    // An empty asm hides that `target` is a symbol's address: otherwise
    // clang-19 tries a direct tail call to _JIT_LINK_TARGET, which the
    // AArch64 large code model cannot encode ("failed to perform tail call
    // elimination on a call site marked musttail").
    __asm__("" : "+r"(target));
    if (__builtin_expect(target != 0, 1)) {
        auto* next = reinterpret_cast<cpjit::jit::JitTraceFn*>(target);
        // nothing cached; the trace loads its own local registers
        [[clang::musttail]] return next(vm, sp, base, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD,
                                        JIT_DEAD, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F);
    }
    return cpjit::jit::JitReturn{_JIT_EXIT_RECORD, sp};
}
