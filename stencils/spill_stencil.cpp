// SPILL_rN: writes the N values cached in registers back to the memory
// stack (jit/jit_abi.h), before a uop that needs the whole stack in memory
// (a helper call, a frame push, the end of the trace). Compiled once per N
// with -DCPJIT_STENCIL_CACHED=N.
#include "stencils/stencil.h"

#define STENCIL_NAME_(n) cpjit_stencil_SPILL_r##n
#define STENCIL_NAME(n) STENCIL_NAME_(n)

JIT_STENCIL(STENCIL_NAME(CPJIT_STENCIL_CACHED)) {
    constexpr int kIn = CPJIT_STENCIL_CACHED;
    static_assert(kIn >= 1 && kIn <= cpjit::jit::kMaxCached);
    const cpjit::Value in_[3] = {c0, c1, c2};
    for (int i = 0; i < kIn; ++i) sp[i] = in_[i];
    JIT_GOTO_WITH(_JIT_CONTINUE, sp + kIn, JIT_DEAD, JIT_DEAD, JIT_DEAD);
}
