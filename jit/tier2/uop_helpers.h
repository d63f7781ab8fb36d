// The functions uop bodies call for their slow or stateful parts
// (uop_helpers.cpp). They have C linkage and take only pointers and words,
// so stencils compiled separately by clang can call them through holes.
#pragma once

#include "runtime/call_stack.h"
#include "runtime/cell_runs.h"
#include "runtime/object.h"

extern "C" {
// `vm` is the VM's CallStack (the VM derives from it: VM::of).
// Runs a stack instruction (Op `op`) through the shared semantics; false
// (and nothing changed) when it would fail, so the trace exits to Tier 1.
bool cpjit_uop_generic(cpjit::CallStack* vm, int32_t op, cpjit::Value** sp);
bool cpjit_uop_values_equal(uint64_t a, uint64_t b);
// A new array of `len` nils when that is quick: a small length, a free cell
// and no collection due. Never collects (so the caller's stack need not be
// in memory); nullptr means "take GENERIC's way".
cpjit::ArrayObj* cpjit_uop_try_new_array(cpjit::CallStack* vm, int64_t len);
// a + b, or nullptr when that would need a collection (never collects)
cpjit::StringObj* cpjit_uop_try_concat(cpjit::CallStack* vm, const cpjit::StringObj* a, const cpjit::StringObj* b);
// tostr of a small int, or nullptr when that would need a collection
cpjit::StringObj* cpjit_uop_try_int_to_string(cpjit::CallStack* vm, int64_t i);
// Where a RETURN goes on when its frame has no machine code to return to:
// `next` is the trace starting at the caller's return point (its machine
// code when `machine`), or nullptr, and then nothing changed and Tier 1
// makes the return. Two words: returned in registers.
struct cpjit_return_to {
    void* next;
    cpjit::Value* sp;
};
cpjit_return_to cpjit_uop_return(cpjit::CallStack* vm, cpjit::Value* sp, cpjit::Value** base, bool machine);
}
