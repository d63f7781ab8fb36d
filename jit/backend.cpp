// Picks the machine-code backend a run asked for (jit/backend.h).
#include "jit/backend.h"

#include "jit/copy_patch/trace_compiler.h"
#ifdef CPJIT_LLVM_BACKEND
#include "jit/llvm/llvm_backend.h"
#endif

namespace cpjit::jit {

std::unique_ptr<Backend> create_backend(const Tier2Options& opts, Tier2Stats& stats) {
    switch (opts.backend) {
    case JitBackend::CopyPatch: return Jit::create(opts, stats);
    case JitBackend::LlvmO0:
    case JitBackend::LlvmO2:
#ifdef CPJIT_LLVM_BACKEND
        return LlvmBackend::create(opts, stats);
#else
        return nullptr;  // the CLI refuses these before a run
#endif
    }
    return nullptr;
}

bool llvm_backend_built() {
#ifdef CPJIT_LLVM_BACKEND
    return true;
#else
    return false;
#endif
}

}  // namespace cpjit::jit
