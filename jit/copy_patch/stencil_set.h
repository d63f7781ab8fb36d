// The stencils of one target, as the generated headers
// (jit/copy_patch/generated/stencils_<target>.h) describe them: the stencils
// that jit/copy_patch/stencil_variants.h lists, in its order.
#pragma once

#include <cstdint>
#include <string_view>

#include "jit/copy_patch/reloc.h"
#include "jit/copy_patch/stencil_plan.h"

namespace cpjit::jit {

struct StencilSet {
    const char* target;  // "x86_64-unknown-linux-gnu"
    const char* short_name;  // "x86_64" / "aarch64"
    Arch arch;
    const char* digest;  // sha256 over the template sources, uop table and flags
    const char* flags;   // the clang flags the stencils were compiled with
    const char* const* helpers;  // helper names, indexed by Hole::helper
    uint32_t num_helpers;
    const Stencil* stencils;
    uint32_t num_stencils;
    const StencilPlan* plans;  // one per stencil (stencil_plan.h)
    const PatchOp* ops;        // what the plans' first_op index

    const Stencil* find(std::string_view name) const {
        for (uint32_t i = 0; i < num_stencils; ++i)
            if (name == stencils[i].name) return &stencils[i];
        return nullptr;
    }
};

// Both targets' stencils are compiled into every build (so `cpjit stencils
// --target=...` can show either); the JIT uses the host's.
const StencilSet& stencils_x86_64();
const StencilSet& stencils_aarch64();
// nullptr when the host is neither target.
const StencilSet* host_stencils();
const StencilSet* stencils_for(std::string_view short_name);

}  // namespace cpjit::jit
