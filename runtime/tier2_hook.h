// How Tier 1 hands hot code to the tier above it (Tier 2, jit/tier2/tier2.h).
// The runtime knows nothing else of that tier: the interpreter counts how
// often a backward jump reaches a place and how often a function is
// called, asks the hook for a trace once that passes threshold(), enters
// the traces it finds in Function::trace_at, and resumes where the hook
// says. The layer above sets the hook (VM::attach_tier2); without one the
// interpreter never counts.
#pragma once

#include <cstdint>

namespace cpjit {

struct Function;
struct Instr;
struct Trace;
struct Value;

class Tier2Hook {
public:
    virtual ~Tier2Hook() = default;

    // Counts (backward jumps to one place, calls of one function) after
    // which Tier 1 asks for a trace there.
    virtual uint32_t threshold() const = 0;
    // Builds the trace starting at fn's instruction `start` (0 and
    // from_entry: a hot function entry) and puts it in fn->trace_at;
    // nullptr when none came out (Tier 1 counts again).
    virtual Trace* build_trace(Function* fn, uint32_t start, bool from_entry) = 0;

    // Where Tier 1 goes on once traces have run: the instruction, and the
    // stack pointer (the VM's frames describe the rest).
    struct Resume {
        Instr* at;
        Value* sp;
    };
    // Runs traces from `t` (entered with the stack ending at `sp`) until
    // one leaves to Tier 1.
    virtual Resume run_traces(Trace* t, Value* sp) = 0;
};

}  // namespace cpjit
