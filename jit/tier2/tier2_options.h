// What a run asks of Tier 2 (the --jit, --threshold, ... flags of `cpjit run`).
#pragma once

#include <cstdint>
#include <string>

namespace cpjit {

namespace jit {
struct MachineCode;
}

// Which compiler turns traces into machine code (--jit=on|llvm-O0|llvm-O2).
enum class JitBackend : uint8_t { CopyPatch, LlvmO0, LlvmO2 };

struct Tier2Options {
    uint32_t threshold = 64;     // backward jumps / calls / exits before a trace
    int opt_level = 1;           // 0: run the projected uops as they are
    uint32_t max_trace_uops = 400;
    uint32_t max_inline_depth = 8;
    // Locals a trace keeps in registers (--local-regs, 0..4; jit/jit_abi.h)
    uint32_t local_regs = 4;
    // Float locals it keeps in FP registers (--float-local-regs, 0..4)
    uint32_t float_local_regs = 4;
    bool machine_code = false;   // --jit=on (or llvm-*): compile traces to machine code
    JitBackend backend = JitBackend::CopyPatch;  // ... with this compiler
    // The one Tier-2 size limit (--max-jit-code); past it hot code stays in
    // Tier 1 and each refusal counts in jit_cap_refusals. It bounds the
    // machine code placed (--jit=on) and, through max_uops_in_traces(), the
    // uops kept in traces in either tier: no fixed count of traces.
    uint64_t max_code_bytes = uint64_t(64) << 20;
    // A uop compiles to 20-100 bytes of machine code: a budget of one uop per
    // 32 bytes lets the code cap bind first for --jit=on, and bounds the
    // uop interpreter's traces (about 50 bytes of Uop per uop kept) alike.
    uint64_t max_uops_in_traces() const { return max_code_bytes / 32; }
    // Machine code made visible to profilers and debugger (jit/copy_patch/profiling/):
    bool perf_map = false;       // write /tmp/perf-PID.map for `perf report`
    bool perf_jitdump = false;   // write DIR/jit-PID.dump for `perf inject --jit`
    std::string perf_jitdump_dir;  // empty: /tmp
    bool gdb_jit = false;        // register each trace with GDB's JIT interface
    // Test hook (tests/unit/wx_test.cpp): called each time the JIT has written
    // machine code (a trace compiled, an exit linked), to inspect the mappings.
    void (*on_code_written)(void* ctx, const jit::MachineCode& c) = nullptr;
    void* on_code_written_ctx = nullptr;
    bool keep_listing = false;   // keep what each hole was patched with (`cpjit trace`)
    // Address space per code-arena chunk; 0: one chunk up to the cap. Tests
    // make it tiny (`run --jit-arena-chunk=SIZE`) so traces spread over chunks.
    uint64_t arena_chunk_bytes = 0;
    // Test option (`run --jit-far-links`): copy-and-patch links every exit
    // through its record's link code and the exit tail, as it does a link
    // its stub's jump cannot reach.
    bool far_links = false;
    // compile_ns: two clock reads per compile (20-80 ns here). `cpjit bench
    // --compile` turns it off and times whole rounds instead.
    bool time_compiles = true;
};

}  // namespace cpjit
