// The uop functions' bitcode (uop_functions.cpp compiled by clang-19 at
// build time), embedded in the binary: the LLVM backend parses it once per
// run. CPJIT_UOP_BITCODE is its path in the build folder.
#include "jit/llvm/uop_bitcode.h"

__asm__(".section .rodata\n"
        ".balign 16\n"
        ".globl cpjit_uop_bitcode_start\n"
        "cpjit_uop_bitcode_start:\n"
        ".incbin \"" CPJIT_UOP_BITCODE "\"\n"
        ".globl cpjit_uop_bitcode_end\n"
        "cpjit_uop_bitcode_end:\n"
        ".previous\n");

extern "C" const char cpjit_uop_bitcode_start[];
extern "C" const char cpjit_uop_bitcode_end[];

namespace cpjit::jit {

std::string_view uop_bitcode() {
    return {cpjit_uop_bitcode_start, size_t(cpjit_uop_bitcode_end - cpjit_uop_bitcode_start)};
}

}  // namespace cpjit::jit
