// How a uop function of the LLVM backend (uop_functions.cpp) says where
// control goes after it; the trace function (trace_ir.cpp) branches on it.
// After inlining, each return becomes a constant and the branch folds away.
#pragma once

namespace cpjit::jit::llvm_uop {

enum Status : int {
    kNext = 0,     // fall through to the next uop
    kExit = 1,     // leave through this uop's exit
    kTop = 2,      // GOTO_TOP: the trace's first uop
    kTrace = 3,    // GOTO_TRACE: the trace OPERAND names
    kDynamic = 4,  // GOTO_DYNAMIC: the machine code stored in *next
};

// The name of uop NAME's function in the bitcode: "cpjit_llvm_uop_" NAME.
inline constexpr const char* kFunctionPrefix = "cpjit_llvm_uop_";

}  // namespace cpjit::jit::llvm_uop
