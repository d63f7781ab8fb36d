// The entry shim: the one stencil with the C calling convention. The VM
// (built by g++, which ignores preserve_none) calls it; it calls the trace's
// first stencil with preserve_none and returns what the trace's exit stub
// returned. Calling a preserve_none function makes clang save every
// callee-saved register here, so the trace may use them all.
#include "stencils/stencil.h"

extern "C" cpjit::jit::JitReturn cpjit_stencil_ENTRY(cpjit::CallStack* vm, cpjit::Value* sp, cpjit::Value* base,
                                                     cpjit::jit::JitTraceFn* code) {
    // nothing cached; the trace loads its own local registers
    return code(vm, sp, base, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD,
                JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F);
}
