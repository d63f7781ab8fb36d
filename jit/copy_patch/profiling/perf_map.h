// /tmp/perf-PID.map (--perf-map): one line "START SIZE NAME" per piece of
// machine code, read by `perf report` for samples in anonymous executable
// memory. Pieces never overlap: the entry shim, each uop's stencil and
// each exit stub (names in code_symbols.h).
#pragma once

#include <cstdio>

#include "jit/copy_patch/profiling/listeners.h"

namespace cpjit::jit::profiling {

class PerfMap final : public CodeListener {
public:
    explicit PerfMap(std::FILE* f) : f_(f) {}
    // nullptr (and a message on stderr) when the file cannot be written.
    static std::unique_ptr<PerfMap> open();
    ~PerfMap() override;
    void shim_placed(const uint8_t* rx, uint32_t size) override;
    void trace_compiled(const Trace& t, const CompiledTrace& c) override;
    void trace_released(const Trace&, const CompiledTrace&) override {}

private:
    std::FILE* f_;
};

}  // namespace cpjit::jit::profiling
