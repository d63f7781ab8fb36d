// The virtual machine: value stack, call frames, globals, heap, and the
// Tier-1 interpreter. Calls never recurse on the C++ stack: a bytecode call
// pushes a Frame and the interpreter loop carries on in the callee.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/call_stack.h"
#include "runtime/errors.h"
#include "runtime/heap.h"
#include "runtime/program.h"
#include "jit/tier2/trace.h"
#include "jit/tier2/uop_helpers.h"

namespace cpjit {

enum class Dispatch : uint8_t { Threaded, Switch };
enum class Tier : uint8_t { Interp, Uops, Jit };

struct RunOptions {
    Dispatch dispatch = Dispatch::Threaded;
    uint32_t max_depth = 10000;
    size_t max_heap = Heap::kDefaultMaxBytes;
    bool count_instructions = false;  // only --stats pays for counting
    bool specialize = true;           // Tier-1 quickening (specialized.def)
    Tier tier = Tier::Interp;
    Tier2Options tier2;
};

struct RunStats {
    uint64_t instructions_executed = 0;
};

class VM final : public CallStack, public RootSet {
public:
    VM(Program& prog, const RunOptions& opts);
    ~VM();
    VM(const VM&) = delete;
    VM& operator=(const VM&) = delete;

    // Runs main. Returns the exit code (0, or 1 after a runtime error that
    // has been reported on stderr). stdout is flushed either way.
    int run();

    const RunStats& stats() const { return stats_; }
    const Heap& heap() const { return heap_; }
    Heap& heap() { return heap_; }
    // Tier 2's traces and statistics (nullptr when Tier 2 is off).
    const TraceCache* traces() const { return traces_.get(); }
    void trace(Heap& heap) override;

    // Tier 2's helpers (jit/tier2/uop_interp.cpp; called from uop bodies through
    // the C functions of jit/tier2/uop_helpers.h).
    cpjit_return_to trace_return(Value* sp, Value*& base, bool machine);
    bool trace_generic(Op op, Value*& sp);

private:
    bool interpret();
    template <unsigned kFlags> bool interpret_threaded();
    template <unsigned kFlags> bool interpret_switch();

    // Tier 2 (jit/tier2/uop_interp.cpp): runs traces from `t` until one leaves to
    // Tier 1; returns the instruction to resume at, with sp_ and the frames
    // describing the state there.
    Instr* run_trace(Trace* t, Value* sp);
    // One stretch of trace execution: it ends in Tier 1 (next == nullptr,
    // resume) or hands over to trace `next`.
    struct TraceStep {
        Trace* next;
        Instr* resume;
        Value* sp;
    };
    TraceStep run_uops(Trace* t, Value* sp);
    TraceStep run_machine_code(Trace* t, Value* sp);
    Trace* take_exit(Trace* t, uint16_t index, Value* sp);
    Trace* grow_side_trace(Trace* t, uint16_t exit_index);
    bool grow_return_trace();
    static constexpr uint8_t kMaxExitBackoff = 10;

    bool grow_stack(size_t need);
    bool grow_frames();
    void report_error(const Instr* at);

    Program& prog_;
    RunOptions opts_;
    Heap heap_;
    std::vector<Value> globals_;
    Value* stack_ = nullptr;
    size_t stack_cap_ = 0;
    Value* sp_ = nullptr;  // synced from the interpreter before anything that may collect
    std::vector<Frame> frame_store_;  // CallStack::frames_ points into it
    RtError err_;
    std::string scratch_;  // text of print/tostr
    RunStats stats_;
    std::unique_ptr<TraceCache> traces_;
};

}  // namespace cpjit
