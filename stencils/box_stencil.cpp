// BOX_rN_fM: moves the cached slots of mask M (-DCPJIT_STENCIL_FLOATS=M) from
// their FP registers into their general ones (jit/jit_abi.h), before a uop
// that has no variant taking them in FP registers. A float Value's bits are
// the double's, so each is one register move.
#include "stencils/stencil.h"

JIT_STENCIL(cpjit_stencil_BOX) {
    constexpr int kIn = CPJIT_STENCIL_CACHED;
    static_assert(kIn >= 1 && kIn <= cpjit::jit::kMaxCached && CPJIT_STENCIL_FLOATS != 0);
    JIT_GOTO_WITH(_JIT_CONTINUE, sp, kIn > 0 ? JIT_CACHED_IN(0) : JIT_DEAD, kIn > 1 ? JIT_CACHED_IN(1) : JIT_DEAD,
                  kIn > 2 ? JIT_CACHED_IN(2) : JIT_DEAD);
}
