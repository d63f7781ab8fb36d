// Names for the pieces of a compiled trace, shared by the profiler and
// debugger outputs (perf map, jitdump, GDB JIT interface): one symbol per
// placed uop stencil and per exit stub, named so a sample or a frame says
// which trace, which bytecode instruction and which uop it is in:
//   cpjit:t3:fib@12:ADD_INT    trace 3, uop ADD_INT from fib's instruction 12
//                              (any of its variants: ADD_INT_r2 is named so too)
//   cpjit:t3:fib@12:SPILL_r2   the spill placed before that uop
//   cpjit:t3:fib@9:LT_INT+GUARD_TRUE_BOOL  a Fused stencil: a compare and
//                              its branch guard as one piece of code
//   cpjit:t3:exit              an exit stub of trace 3
//   cpjit:t3:fib@4             trace 3 as a whole (starts at fib's instruction 4)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/tier2/trace.h"

namespace cpjit::jit {

struct CompiledTrace;

namespace profiling {

struct CodeSymbol {
    uint32_t offset = 0;  // in the trace's allocation
    uint32_t size = 0;
    std::string name;
};

inline constexpr const char* kEntryShimName = "cpjit:entry_shim";

std::string trace_symbol(const Trace& t);
// The uops' (and spills') stencils in address order, then the exit stubs (needs
// CompiledTrace::placed, which the Jit keeps while a profiler is attached).
std::vector<CodeSymbol> piece_symbols(const Trace& t, const CompiledTrace& c);

}  // namespace profiling
}  // namespace cpjit::jit
