// --perf-jitdump: DIR/jit-PID.dump in the jitdump format (jitdump_format.h).
// Per compiled trace: one code-load record for the whole trace (its
// machine code, stubs, data and GOT, named like `cpjit:t3:fib@4`), then one
// per piece (each uop's stencil, each exit stub), so that after `perf
// inject --jit` samples land on uop symbols and `perf annotate` shows their
// machine code. The file is also mapped executable (read-only) once: that
// mapping is the marker `perf record` logs and `perf inject` looks for.
#pragma once

#include <cstdio>
#include <string>

#include "jit/copy_patch/profiling/listeners.h"

namespace cpjit::jit::profiling {

class JitDump final : public CodeListener {
public:
    // nullptr (and a message on stderr) when the file cannot be written.
    static std::unique_ptr<JitDump> open(const std::string& dir, Arch arch);
    ~JitDump() override;
    void shim_placed(const uint8_t* rx, uint32_t size) override;
    void trace_compiled(const Trace& t, const CompiledTrace& c) override;
    void trace_released(const Trace&, const CompiledTrace&) override {}

private:
    JitDump(std::FILE* f, void* marker, size_t marker_size) : f_(f), marker_(marker), marker_size_(marker_size) {}
    void code_load(const std::string& name, const uint8_t* rx, uint32_t size);

    std::FILE* f_;
    void* marker_;
    size_t marker_size_;
    uint64_t next_index_ = 0;
};

}  // namespace cpjit::jit::profiling
