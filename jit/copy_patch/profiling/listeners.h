// The hook between the trace compiler and the tools that make machine code
// visible to profilers and debuggers: the Jit tells its listeners when it
// places the entry shim, compiles a trace or releases one. Created only
// when an option asks for one (--perf-map, --perf-jitdump, --gdb-jit): with
// none, the Jit holds a null pointer and pays one test per compile and
// release.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "jit/copy_patch/stencil_set.h"
#include "jit/tier2/tier2_options.h"
#include "jit/tier2/trace.h"

namespace cpjit::jit {

struct CompiledTrace;

namespace profiling {

class CodeListener {
public:
    virtual ~CodeListener() = default;
    virtual void shim_placed(const uint8_t* rx, uint32_t size) = 0;
    // c.placed is filled (what each uop's stencil became).
    virtual void trace_compiled(const Trace& t, const CompiledTrace& c) = 0;
    virtual void trace_released(const Trace& t, const CompiledTrace& c) = 0;
};

class CodeListeners {
public:
    // nullptr when no option asks for a listener.
    static std::unique_ptr<CodeListeners> create(const Tier2Options& opts, Arch arch);
    // Whether the code arena must be memory perf takes for anonymous (see
    // CodeMemoryOptions::perf_visible).
    static bool wants_perf_visible_memory(const Tier2Options& opts) { return opts.perf_map || opts.perf_jitdump; }

    void shim_placed(const uint8_t* rx, uint32_t size) {
        for (auto& l : all_) l->shim_placed(rx, size);
    }
    void trace_compiled(const Trace& t, const CompiledTrace& c) {
        for (auto& l : all_) l->trace_compiled(t, c);
    }
    void trace_released(const Trace& t, const CompiledTrace& c) {
        for (auto& l : all_) l->trace_released(t, c);
    }

private:
    std::vector<std::unique_ptr<CodeListener>> all_;
};

}  // namespace profiling
}  // namespace cpjit::jit
