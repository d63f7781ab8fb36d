// A trace as one LLVM function (the LLVM backend's code generator):
//
//   preserve_none {ptr, ptr} NAME(CallStack* vm, Value* sp, Value* base, c0, c1, c2, l0..l3)
//
// the JitTraceFn signature of jit/jit_abi.h (c0..c2, copy-and-patch's cached
// stack values, carry nothing in LLVM traces), so the VM enters it, and
// traces jump to each other, as with copy-and-patch. The body calls the
// uops' functions (uop_functions.cpp) in order with their operands as
// constants; JUMP_TO_TOP branches back to the first uop. Each exit record
// gets a block that tail-calls the machine code its `link_code` holds once
// linked, else returns {record, sp} to the VM: the exit stub of
// copy-and-patch, with the link target in data instead of patched code.
#pragma once

#include <span>
#include <string>

#include "jit/backend.h"
#include "jit/tier2/trace.h"

namespace llvm {
class Function;
class Module;
}  // namespace llvm

namespace cpjit::jit {

// `m` holds the uop functions (cloned from the UopLibrary). `records` are
// the trace's exits in order, then one per LINK_TRACE, already filled.
llvm::Function* build_trace_function(llvm::Module& m, const Trace& t, std::span<JitExitRecord> records,
                                     const std::string& name);

// The C-calling-convention function the VM calls (g++ cannot call
// preserve_none): JitEntryFn, calling `code` with preserve_none.
llvm::Function* build_entry_function(llvm::Module& m, const std::string& name);

}  // namespace cpjit::jit
