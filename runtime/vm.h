// The virtual machine: value stack, call frames, globals, heap, and the
// Tier-1 interpreter. Calls never recurse on the C++ stack: a bytecode call
// pushes a Frame and the interpreter loop carries on in the callee. Hot
// code goes to the tier above through runtime/tier2_hook.h, when one is
// attached.
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
#include "runtime/tier2_hook.h"

namespace cpjit {

enum class Dispatch : uint8_t { Threaded, Switch };

struct VmOptions {
    Dispatch dispatch = Dispatch::Threaded;
    uint32_t max_depth = 10000;
    size_t max_heap = Heap::kDefaultMaxBytes;
    bool count_instructions = false;  // only --stats pays for counting
    bool specialize = true;           // Tier-1 quickening (specialized.def)
};

struct RunStats {
    uint64_t instructions_executed = 0;
};

class VM final : public CallStack, public RootSet {
public:
    VM(Program& prog, const VmOptions& opts);
    ~VM();
    VM(const VM&) = delete;
    VM& operator=(const VM&) = delete;

    // Hot code goes to `hook` from now on (before run(); nullptr: Tier 1 only).
    void attach_tier2(Tier2Hook* hook);

    // Runs main. Returns the exit code (0, or 1 after a runtime error that
    // has been reported on stderr). stdout is flushed either way.
    int run();

    const RunStats& stats() const { return stats_; }
    const Heap& heap() const { return heap_; }
    Heap& heap() { return heap_; }
    Program& program() { return prog_; }
    Value* globals() { return globals_.data(); }
    void trace(Heap& heap) override;

    // For the tier above (machine code passes the VM as its CallStack):
    static VM& of(CallStack* stack) { return *static_cast<VM*>(stack); }
    // The value stack ends at `sp` (what a collection must keep): set before
    // anything that may allocate while traces run.
    void sync_sp(Value* sp) { sp_ = sp; }
    // Runs stack instruction `op` on the operands below sp through the
    // shared semantics, as Tier 1 would; false (nothing changed) when it
    // would fail, and Tier 1 then runs it again to report the error.
    bool run_generic(Op op, Value*& sp);

private:
    bool interpret();
    template <unsigned kFlags> bool interpret_threaded();
    template <unsigned kFlags> bool interpret_switch();

    bool grow_stack(size_t need);
    bool grow_frames();
    void report_error(const Instr* at);

    Program& prog_;
    VmOptions opts_;
    Heap heap_;
    std::vector<Value> globals_;
    Value* stack_ = nullptr;
    size_t stack_cap_ = 0;
    Value* sp_ = nullptr;  // synced from the interpreter before anything that may collect
    std::vector<Frame> frame_store_;  // CallStack::frames_ points into it
    RtError err_;
    std::string scratch_;  // text of print/tostr
    RunStats stats_;
    Tier2Hook* tier2_ = nullptr;
    uint32_t tier2_threshold_ = 0;  // tier2_->threshold(), read once
};

}  // namespace cpjit
