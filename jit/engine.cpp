// Runs a program in the tiers it asked for (engine.h).
#include "jit/engine.h"

#include <iterator>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/tier2/tier2.h"
#ifdef CPJIT_LLVM_BACKEND
#include "jit/llvm/llvm_backend.h"
#endif

namespace cpjit {

namespace {
const TierChoice kTiers[] = {
#define TIER(name, tier, backend, what) {name, Tier::tier, JitBackend::backend, what},
#include "jit/tiers.def"
#undef TIER
};

std::unique_ptr<jit::Backend> make_copy_patch(const Tier2Options& opts, Tier2Stats& stats) {
    return jit::Jit::create(opts, stats);
}
#ifdef CPJIT_LLVM_BACKEND
std::unique_ptr<jit::Backend> make_llvm(const Tier2Options& opts, Tier2Stats& stats) {
    return jit::LlvmBackend::create(opts, stats);
}
#endif
}  // namespace

std::span<const TierChoice> tier_choices() { return kTiers; }

const TierChoice* tier_named(std::string_view name) {
    for (const TierChoice& c : kTiers)
        if (name == c.name) return &c;
    return nullptr;
}

std::string tier_names(const char* last_separator) {
    std::string s;
    for (size_t i = 0; i < std::size(kTiers); ++i)
        s += (i == 0 ? "" : i + 1 == std::size(kTiers) ? last_separator : ", ") + std::string(kTiers[i].name);
    return s;
}

jit::BackendFactory jit::backend_factory(const Tier2Options& opts) {
    switch (opts.backend) {
    case JitBackend::CopyPatch: return make_copy_patch;
    case JitBackend::LlvmO0:
    case JitBackend::LlvmO2:
#ifdef CPJIT_LLVM_BACKEND
        return make_llvm;
#else
        return nullptr;  // the CLI refuses these before a run
#endif
    }
    return nullptr;
}

bool jit::llvm_backend_built() {
#ifdef CPJIT_LLVM_BACKEND
    return true;
#else
    return false;
#endif
}

Engine::Engine(Program& prog, const RunOptions& opts) : vm_(prog, opts) {
    if (opts.tier == Tier::Interp) return;
    Tier2Options t2 = opts.tier2;
    t2.machine_code = opts.tier == Tier::Jit;
    tier2_ = std::make_unique<Tier2>(vm_, t2, jit::backend_factory(t2));
}

Engine::~Engine() = default;

const TraceCache* Engine::traces() const { return tier2_ ? &tier2_->traces() : nullptr; }

}  // namespace cpjit
