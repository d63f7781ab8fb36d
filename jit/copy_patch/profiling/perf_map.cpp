// The perf map writer (see perf_map.h).
#include "jit/copy_patch/profiling/perf_map.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/copy_patch/profiling/code_symbols.h"

namespace cpjit::jit::profiling {

std::unique_ptr<PerfMap> PerfMap::open() {
    const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "cpjit: --perf-map: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        return nullptr;
    }
    return std::make_unique<PerfMap>(f);
}

PerfMap::~PerfMap() { std::fclose(f_); }

void PerfMap::shim_placed(const uint8_t* rx, uint32_t size) {
    std::fprintf(f_, "%llx %x %s\n", (unsigned long long)uintptr_t(rx), size, kEntryShimName);
    std::fflush(f_);
}

// Flushed per trace: perf reads the file after the run, but a run that
// crashes should leave its symbols behind.
void PerfMap::trace_compiled(const Trace& t, const CompiledTrace& c) {
    for (const CodeSymbol& s : piece_symbols(t, c))
        std::fprintf(f_, "%llx %x %s\n", (unsigned long long)(uintptr_t(c.rx) + s.offset), s.size, s.name.c_str());
    std::fflush(f_);
}

}  // namespace cpjit::jit::profiling
