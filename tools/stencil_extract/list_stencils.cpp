// Prints the list of stencils (jit/copy_patch/stencil_variants.h) for
// stencils/CMakeLists.txt, which compiles and runs it when it configures a
// stencils build: one line per stencil, in table order,
//   NAME SOURCE [DEFINE...]
// e.g. "LOAD_LOCAL_L1_r2 uop_stencil.cpp CPJIT_STENCIL_UOP=LOAD_LOCAL
// CPJIT_STENCIL_LOCAL_REG=1 CPJIT_STENCIL_CACHED=2" or "LT_INT_GUARD_TRUE_BOOL_r2
// uop_stencil.cpp CPJIT_STENCIL_UOP=LT_INT CPJIT_STENCIL_UOP2=GUARD_TRUE_BOOL
// CPJIT_STENCIL_CACHED=2" (SOURCE under stencils/).
#include <cstdio>

#include "jit/copy_patch/stencil_variants.h"

int main() {
    using namespace cpjit::jit;
    for (const StencilVariant& v : kStencilVariants) {
        std::fputs(v.name, stdout);
        std::printf(" %s", stencil_source(v.source).file);
        if (v.uop >= 0) std::printf(" CPJIT_STENCIL_UOP=%s", cpjit::kUopInfo[v.uop].name);
        if (v.uop2 >= 0) std::printf(" CPJIT_STENCIL_UOP2=%s", cpjit::kUopInfo[v.uop2].name);
        if (v.local_reg >= 0 && !is_float_local_reg(v.local_reg)) std::printf(" CPJIT_STENCIL_LOCAL_REG=%d", v.local_reg);
        if (v.local_reg >= 0 && is_float_local_reg(v.local_reg))
            std::printf(" CPJIT_STENCIL_FLOAT_LOCAL_REG=%d", v.local_reg - kMaxLocalRegs);
        if (v.cached > 0) std::printf(" CPJIT_STENCIL_CACHED=%d", v.cached);
        if (v.floats > 0) std::printf(" CPJIT_STENCIL_FLOATS=%d", v.floats);
        if (v.floats_out > 0) std::printf(" CPJIT_STENCIL_FLOATS_OUT=%d", v.floats_out);
        std::printf("\n");
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
}
