// LOCAL_REG_Lk, compiled with -DCPJIT_STENCIL_LOCAL_REG=k: loads local ARG
// of the frame into local register lk (jit/jit_abi.h); LOCAL_REG_Fk
// (-DCPJIT_STENCIL_FLOAT_LOCAL_REG=k) into FP register flk, as a double.
// A trace that keeps locals in registers starts with one per local (a
// loop jumps back past them) and has them again after a uop that calls a
// helper.
#include "stencils/stencil.h"

JIT_STENCIL(cpjit_stencil_LOCAL_REG) {
#ifdef CPJIT_STENCIL_FLOAT_LOCAL_REG
    JIT_FLOAT_LOCAL_REG(CPJIT_STENCIL_FLOAT_LOCAL_REG) = JIT_LOCAL_SLOT(base).as_float();
#else
    JIT_LOCAL_REG(CPJIT_STENCIL_LOCAL_REG) = JIT_LOCAL_SLOT(base);
#endif
    JIT_GOTO_WITH_F(_JIT_CONTINUE, sp, c0, c1, c2, f0, f1, f2);  // cached values stay where they are
}
