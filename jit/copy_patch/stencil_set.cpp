// The two targets' stencil tables, from the committed generated headers.
#include "jit/copy_patch/stencil_set.h"

#include "jit/copy_patch/generated/stencils_aarch64.h"
#include "jit/copy_patch/generated/stencils_x86_64.h"
#include "jit/copy_patch/stencil_variants.h"

namespace cpjit::jit {

namespace {

// The generated tables hold the stencils of stencil_variants.h, in its order
// and under its names: a header generated from another list cannot compile.
static_assert(generated_x86_64::kNumStencils == kNumStencilVariants,
              "jit/copy_patch/generated/stencils_x86_64.h is stale: regenerate it (docs/stencils.md)");
static_assert(generated_aarch64::kNumStencils == kNumStencilVariants,
              "jit/copy_patch/generated/stencils_aarch64.h is stale: regenerate it (docs/stencils.md)");

constexpr bool same_name(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

template <const Stencil* kTable>
constexpr bool names_match() {
    for (int i = 0; i < kNumStencilVariants; ++i)
        if (!same_name(kTable[i].name, kStencilVariants[size_t(i)].name)) return false;
    return true;
}
static_assert(names_match<generated_x86_64::kStencils>(), "x86_64 stencils are not in table order: regenerate");
static_assert(names_match<generated_aarch64::kStencils>(), "aarch64 stencils are not in table order: regenerate");

// Each set's patch plans, worked out here at compile time (stencil_plan.h).
#define CPJIT_PLANS(ns) \
    plan_stencils<ns::kNumStencils, count_holes(ns::kStencils, ns::kNumStencils)>(ns::kStencils)
constexpr auto kX64Plans = CPJIT_PLANS(generated_x86_64);
constexpr auto kA64Plans = CPJIT_PLANS(generated_aarch64);
#undef CPJIT_PLANS

#define CPJIT_STENCIL_SET(ns, short_name_, planned)                                                          \
    StencilSet{ns::kTarget,     short_name_,    ns::kArch,          ns::kDigest,          ns::kFlags, ns::kHelpers, \
               ns::kNumHelpers, ns::kStencils, ns::kNumStencils, planned.plans.data(), planned.ops.data()}

const StencilSet kX64 = CPJIT_STENCIL_SET(generated_x86_64, "x86_64", kX64Plans);
const StencilSet kA64 = CPJIT_STENCIL_SET(generated_aarch64, "aarch64", kA64Plans);

}  // namespace

const StencilSet& stencils_x86_64() { return kX64; }
const StencilSet& stencils_aarch64() { return kA64; }

const StencilSet* host_stencils() {
#if defined(__x86_64__)
    return &kX64;
#elif defined(__aarch64__)
    return &kA64;
#else
    return nullptr;
#endif
}

const StencilSet* stencils_for(std::string_view short_name) {
    if (short_name == "x86_64") return &kX64;
    if (short_name == "aarch64") return &kA64;
    return nullptr;
}

}  // namespace cpjit::jit
