// The VM's call frames as machine code sees them. Traces push and pop frames
// and return through them without calling into the VM, so this part of the
// VM has a fixed layout; everything else of the VM is opaque to stencils.
// Freestanding on purpose (no library headers): the stencils include it.
#pragma once

#include "runtime/value.h"

namespace cpjit {

struct Function;
struct Instr;
struct CellRuns;

struct Frame {
    Function* fn;
    Instr* ret_ip;  // where the caller resumes (just after its call)
    Value* base;    // locals, then the operand stack
    // Where machine code returning from this frame goes on: a slot holding
    // the machine code of the trace at ret_ip once there is one (nullptr:
    // no slot, a frame Tier 1 pushed; a slot holding nullptr: no trace yet).
    void* const* ret_code;
};

// The VM derives from it; machine code gets a pointer to it (VMP).
struct CallStack {
    Frame* frames_ = nullptr;          // frames_[0, depth_)
    uint32_t depth_ = 0;
    uint32_t trace_depth_limit_ = 0;   // min(frames allocated, max_depth): past it Tier 1 calls
    Value* stack_end_ = nullptr;       // end of the value stack
    CellRuns* cells_ = nullptr;        // the heap's allocation fast path (runtime/cell_runs.h)
};

// One call a trace makes (PUSH_FRAME's operand): the callee's frame shape,
// so the push needs no lookup. One per call instruction, owned by the
// TraceCache.
struct CallSite {
    Function* fn;
    Instr* ret_ip;
    void* const* ret_code;  // the slot Frame::ret_code gets
    uint32_t num_params;
    uint32_t num_locals;    // params included
    uint32_t max_stack;
};

}  // namespace cpjit
