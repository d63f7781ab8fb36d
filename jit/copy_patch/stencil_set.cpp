// The two targets' stencil tables, from the committed generated headers.
#include "jit/copy_patch/stencil_set.h"

#include "jit/copy_patch/generated/stencils_aarch64.h"
#include "jit/copy_patch/generated/stencils_x86_64.h"
#include "jit/copy_patch/stencil_variants.h"

namespace cpjit::jit {

namespace {

// The generated tables hold the stencils in the order of stencil_variants.h;
// a header generated from another uop table cannot compile.
static_assert(generated_x86_64::kNumStencils == kNumStencilsWithVariants,
              "jit/copy_patch/generated/stencils_x86_64.h is stale: regenerate it (docs/stencils.md)");
static_assert(generated_aarch64::kNumStencils == kNumStencilsWithVariants,
              "jit/copy_patch/generated/stencils_aarch64.h is stale: regenerate it (docs/stencils.md)");

constexpr bool same_name(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}
// `name` == prefix + "_r" + n
constexpr bool is_variant_name(const char* name, const char* prefix, int n) {
    while (*prefix && *name == *prefix) ++name, ++prefix;
    return !*prefix && name[0] == '_' && name[1] == 'r' && name[2] == '0' + n && !name[3];
}

// `name` == prefix + "_L" + k, then "_r" + n unless n is 0
constexpr bool is_local_name(const char* name, const char* prefix, int k, int n) {
    while (*prefix && *name == *prefix) ++name, ++prefix;
    if (*prefix || name[0] != '_' || name[1] != 'L' || name[2] != '0' + k) return false;
    return n ? name[3] == '_' && name[4] == 'r' && name[5] == '0' + n && !name[6] : !name[3];
}

template <const Stencil* kTable>
constexpr bool names_match() {
    for (int i = 0; i < kNumUops; ++i)
        if (!same_name(kTable[i].name, kUopInfo[i].name)) return false;
    int i = kNumUops;
#define X(id) if (!same_name(kTable[i++].name, #id)) return false;
    CPJIT_EXTRA_STENCILS(X)
#undef X
    for (const char* kind : {"SPILL", "EXIT"})
        for (int n = 1; n <= kMaxCached; ++n)
            if (!is_variant_name(kTable[i++].name, kind, n)) return false;
    for (int u = 0; u < kNumUops; ++u)
        for (int n = 1; kUopInfo[u].reads >= 0 && n <= kMaxCached; ++n)
            if (!is_variant_name(kTable[i++].name, kUopInfo[u].name, n)) return false;
    for (int k = 0; k < kMaxLocalRegs; ++k)
        if (!is_local_name(kTable[i++].name, "LOCAL_REG", k, 0)) return false;
    for (int k = 0; k < kMaxLocalRegs; ++k)
        for (const char* uop : {"LOAD_LOCAL", "STORE_LOCAL"})
            for (int n = 0; n <= kMaxCached; ++n)
                if (!is_local_name(kTable[i++].name, uop, k, n)) return false;
    return true;
}
static_assert(names_match<generated_x86_64::kStencils>(), "x86_64 stencils are not in table order: regenerate");
static_assert(names_match<generated_aarch64::kStencils>(), "aarch64 stencils are not in table order: regenerate");

#define CPJIT_STENCIL_SET(ns, short_name_)                                                                 \
    StencilSet{ns::kTarget,  short_name_,        ns::kArch,      ns::kDigest, ns::kFlags, ns::kHelpers, \
               ns::kNumHelpers, ns::kStencils, ns::kNumStencils}

const StencilSet kX64 = CPJIT_STENCIL_SET(generated_x86_64, "x86_64");
const StencilSet kA64 = CPJIT_STENCIL_SET(generated_aarch64, "aarch64");

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
