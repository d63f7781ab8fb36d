// The functions uop bodies call for their slow or stateful parts. They have
// C linkage and take only pointers and words, so stencils compiled
// separately by clang can call them through holes.
#pragma once

#include "runtime/object.h"

namespace cpjit {
class VM;
struct Function;
struct Instr;
}  // namespace cpjit

extern "C" {
// Runs a stack instruction (Op `op`) through the shared semantics; false
// (and nothing changed) when it would fail, so the trace exits to Tier 1.
bool cpjit_uop_generic(cpjit::VM* vm, int32_t op, cpjit::Value** sp);
// Pushes a frame for `callee` (called by the `call` at `call_ins`) whose
// arguments are on top of the stack and returns the callee's stack pointer (its base in *base); nullptr when
// Tier 1 must make the call (depth limit, stack growth).
cpjit::Value* cpjit_uop_push_frame(cpjit::VM* vm, cpjit::Function* callee, cpjit::Instr* call_ins, cpjit::Value* sp,
                          cpjit::Value** base);
// Returns from an inlined frame: the result moves to the caller's stack.
cpjit::Value* cpjit_uop_pop_frame(cpjit::VM* vm, cpjit::Value* sp, cpjit::Value** base);
bool cpjit_uop_values_equal(uint64_t a, uint64_t b);
// Where a RETURN goes on: `next` is the trace starting at the caller's return
// point (its machine code when `machine`), or nullptr, and then nothing
// changed and Tier 1 makes the return. Two words: returned in registers.
struct cpjit_return_to {
    void* next;
    cpjit::Value* sp;
};
cpjit_return_to cpjit_uop_return(cpjit::VM* vm, cpjit::Value* sp, cpjit::Value** base, bool machine);
}
