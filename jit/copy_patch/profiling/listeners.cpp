// Which listeners the options ask for (see listeners.h).
#include "jit/copy_patch/profiling/listeners.h"

#include "jit/copy_patch/profiling/gdb_jit.h"
#include "jit/copy_patch/profiling/jitdump.h"
#include "jit/copy_patch/profiling/perf_map.h"

namespace cpjit::jit::profiling {

std::unique_ptr<CodeListeners> CodeListeners::create(const Tier2Options& opts, Arch arch) {
    if (!opts.perf_map && !opts.perf_jitdump && !opts.gdb_jit) return nullptr;
    std::unique_ptr<CodeListeners> ls(new CodeListeners);
    if (opts.perf_map)
        if (auto l = PerfMap::open()) ls->all_.push_back(std::move(l));
    if (opts.perf_jitdump)
        if (auto l = JitDump::open(opts.perf_jitdump_dir, arch)) ls->all_.push_back(std::move(l));
    if (opts.gdb_jit) ls->all_.push_back(std::make_unique<GdbJit>(arch));
    if (ls->all_.empty()) return nullptr;
    return ls;
}

}  // namespace cpjit::jit::profiling
