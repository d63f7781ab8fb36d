// Tier 2's unit of code: a trace of uops projected from specialized Tier-1
// bytecode, with guards and side exits, and what became of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/tier2/uops.h"
#include "runtime/call_stack.h"
#include "runtime/program.h"

namespace cpjit {

namespace jit {
struct MachineCode;
}

// Where a side exit resumes Tier 1 and what became of it.
struct Exit {
    Instr* resume;           // the instruction Tier 1 runs next
    uint32_t taken = 0;      // hotness: reset each time it reaches the threshold
    // Times this exit reached the VM (take_exit), never reset. A linked exit
    // jumps from machine code straight to its trace without coming here, so
    // for it this is the count before it was linked.
    uint64_t times_taken = 0;
    Trace* side = nullptr;   // a side trace grown from this exit, once hot
    bool at_return = false;  // a RETURN's: once hot, a trace grows at the caller's return point instead
    uint8_t failures = 0;    // traces that could not be built from here: each doubles the count needed
    // Whether leaving here has moved the program on from where the trace
    // started (mark_exit_progress). An exit without progress resumes Tier 1
    // at the trace's own start: it never links to a trace (that could be
    // this one, failing the same guard forever), Tier 1 runs the instruction.
    bool progress = true;
    bool entry_guard = false;  // an entry guard's (Trace::loop_head); it makes no progress
};

// What the optimizer did with a projected uop (Trace::sources).
// Hoisted: a guard of a loop-carried local moved before the loop (an entry
// guard, Trace::loop_head).
enum class UopFate : uint8_t { Kept, Rewritten, Hoisted };

// Where an optimized uop came from: the projected uop it derives from.
// Projected uops no optimized uop derives from were removed.
struct UopSource {
    uint32_t projected;
    UopFate fate;
};

// What a trace (or an attempt at one) starting here is.
inline const char* trace_kind(bool side, bool from_entry, bool at_return) {
    return side ? "side trace" : from_entry ? "function entry" : at_return ? "return point" : "loop";
}

struct Trace {
    uint32_t id = 0;
    Function* fn = nullptr;   // where the trace starts
    uint32_t start = 0;       // instruction index in fn
    bool from_entry = false;  // started at a hot function entry
    bool at_return = false;   // started at a return point (reached by RETURN)
    Trace* parent = nullptr;  // for side traces
    int parent_exit = -1;
    // Rebuilt from the same start because it kept leaving without progress
    // (its types went stale): `replaced_by` is the trace Tier 1 enters
    // instead; `rebuilds` counts generations, bounded by kMaxRebuilds.
    Trace* replaced_by = nullptr;
    uint8_t rebuilds = 0;
    std::string stop_reason;  // why projection ended
    std::vector<Uop> projected;  // before the optimizer (for the printer)
    std::vector<Uop> uops;       // what runs
    // uops[0, loop_head) run once when the trace is entered (its entry
    // guards); JUMP_TO_TOP goes back to uops[loop_head].
    uint32_t loop_head = 0;
    // The entry guards kept failing (rebuild): this trace keeps every guard
    // in the loop.
    bool guards_in_loop = false;
    std::vector<UopSource> sources;  // one per uop: what it derives from (the printer, the explorer)
    std::vector<Exit> exits;
    jit::MachineCode* machine = nullptr;  // its machine code (--jit=on), owned by the backend
};

}  // namespace cpjit
