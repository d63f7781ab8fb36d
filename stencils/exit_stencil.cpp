// The exit stub: one copy per side exit of a trace, placed after the hot
// code. Unlinked (_JIT_LINK_TARGET = 0) it returns to the VM with its exit
// record and the stack pointer; once the exit is linked to another trace,
// the JIT patches _JIT_LINK_TARGET in place and the stub jumps there.
#include "stencils/stencil.h"

JIT_STENCIL(cpjit_stencil_EXIT) {
    uintptr_t target = uintptr_t(_JIT_LINK_TARGET);
    // An empty asm hides that `target` is a symbol's address: otherwise
    // clang-19 tries a direct tail call to _JIT_LINK_TARGET, which the
    // AArch64 large code model cannot encode ("failed to perform tail call
    // elimination on a call site marked musttail").
    __asm__("" : "+r"(target));
    if (__builtin_expect(target != 0, 1)) {
        auto* next = reinterpret_cast<cpjit::jit::JitTraceFn*>(target);
        [[clang::musttail]] return next(vm, sp, base);
    }
    return cpjit::jit::JitReturn{_JIT_EXIT_RECORD, sp};
}
