// The LLVM backend (-DCPJIT_LLVM_BACKEND=ON): the same traces copy-and-patch
// compiles, compiled by LLVM 19 through ORC's LLJIT at -O0 or -O2
// (--jit=llvm-O0|llvm-O2; docs/backends.md). A trace becomes one LLVM
// function (trace_ir.h) calling the uop functions compiled from the uop
// bodies at build time (uop_functions.cpp); it enters and leaves exactly as
// copy-and-patch code does (jit/jit_abi.h, jit/backend.h). Executable
// memory is ORC's: JITLink's in-process memory manager writes a trace's
// code read-write, then maps it read-execute (never both; jit.wx_sampler
// checks the running process).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "jit/backend.h"
#include "jit/span_pool.h"

namespace llvm {
class Module;
}

namespace cpjit::jit {

class LlvmBackend final : public Backend {
public:
    // nullptr (with a line on stderr saying why) when LLVM cannot JIT here.
    static std::unique_ptr<LlvmBackend> create(const Tier2Options& opts, Tier2Stats& stats);
    ~LlvmBackend() override;

    const char* name() const override;
    uint64_t mapped_bytes() const override { return mapped_; }
    uint64_t used_bytes() const override { return used_; }

    // Bytes of t's object file LLVM placed (code, then read-only data);
    // 0 when t has no LLVM machine code.
    uint64_t code_bytes(const Trace& t) const;
    uint64_t rodata_bytes(const Trace& t) const;

private:
    struct State;  // the LLVM objects (kept out of this header)
    LlvmBackend(const Tier2Options& opts, Tier2Stats& stats);
    bool init(std::string& error);
    MachineCode* emit(Trace& t, std::span<JitExitRecord> records, uint64_t& bytes, Emitted& why) override;
    void free_code(Trace& t) override;
    bool write_link(JitExitRecord& rec, const Trace& target) override;
    std::unique_ptr<llvm::Module> build_module(const Trace& t, std::span<JitExitRecord> records,
                                               const std::string& name);

    std::unique_ptr<State> s_;
    SpanPool<MachineCode> code_pool_{256};
    uint64_t used_ = 0, mapped_ = 0, serial_ = 0;
};

}  // namespace cpjit::jit
