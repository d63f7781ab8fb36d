// The virtual machine: value stack, call frames, globals, heap, and the
// Tier-1 interpreter. Calls never recurse on the C++ stack: a bytecode call
// pushes a Frame and the interpreter loop carries on in the callee.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/errors.h"
#include "runtime/heap.h"
#include "runtime/program.h"

namespace cpjit {

enum class Dispatch : uint8_t { Threaded, Switch };

struct RunOptions {
    Dispatch dispatch = Dispatch::Threaded;
    uint32_t max_depth = 10000;
    size_t max_heap = Heap::kDefaultMaxBytes;
    bool count_instructions = false;  // only --stats pays for counting
    bool specialize = true;           // Tier-1 quickening (specialized.def)
};

struct RunStats {
    uint64_t instructions_executed = 0;
};

struct Frame {
    Function* fn;
    Instr* ret_ip;  // where the caller resumes (just after its call)
    Value* base;          // locals, then the operand stack
};

class VM final : public RootSet {
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
    void trace(Heap& heap) override;

private:
    bool interpret();
    template <bool kCount, bool kSpecialize> bool interpret_threaded();
    template <bool kCount, bool kSpecialize> bool interpret_switch();

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
    std::vector<Frame> frames_;
    uint32_t depth_ = 0;
    RtError err_;
    std::string scratch_;  // text of print/tostr
    RunStats stats_;
};

}  // namespace cpjit
