// The machine code section of `cpjit trace --jit=llvm-O0|llvm-O2`: each
// trace's LLVM function (size, instruction count, disassembly) beside what
// copy-and-patch makes of the same trace (compiled again here, then freed).
#pragma once

#include <string>

#include "jit/tier2/trace_cache.h"

namespace cpjit::tools {

// `t` was compiled by the LLVM backend of `cache` (else: "none"). Empty in
// a build without the LLVM backend.
std::string print_llvm_machine_code(const TraceCache& cache, Trace& t);

}  // namespace cpjit::tools
