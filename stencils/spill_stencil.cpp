// SPILL_rN: writes the N values cached in registers back to the memory
// stack (jit/jit_abi.h), before a uop that needs the whole stack in memory
// (a helper call, a frame push, the end of the trace). Compiled once per N
// with -DCPJIT_STENCIL_CACHED=N; SPILL_rN_fM (-DCPJIT_STENCIL_FLOATS=M)
// takes slot i from FP register fi where bit i of M is set.
#include "stencils/stencil.h"

JIT_STENCIL(cpjit_stencil_SPILL) {
    constexpr int kIn = CPJIT_STENCIL_CACHED;
    static_assert(kIn >= 1 && kIn <= cpjit::jit::kMaxCached);
    const cpjit::Value in_[3] = {JIT_CACHED_IN(0), JIT_CACHED_IN(1), JIT_CACHED_IN(2)};
    for (int i = 0; i < kIn; ++i) sp[i] = in_[i];
    JIT_GOTO_WITH(_JIT_CONTINUE, sp + kIn, JIT_DEAD, JIT_DEAD, JIT_DEAD);
}
