// Error fixtures: a relocation type the JIT does not know, a value hole
// addressed PC-relatively, and a 64-bit value hole in a narrower field.
#include "stencil.h"

JIT_STENCIL(_JIT_ENTRY) {
#if defined(__x86_64__)
    __asm__ volatile(
        "leaq _JIT_OPERAND64(%%rip), %%rax\n"           // PC-relative value hole
        "movl $_JIT_OPERAND64, %%eax\n"                 // 64-bit hole, 32-bit field
        ".reloc ., R_X86_64_PC64, _JIT_OPERAND32\n"     // unknown kind
        ".quad 0\n"
        ::: "rax", "memory");
#elif defined(__aarch64__)
    __asm__ volatile(
        "adrp x0, _JIT_OPERAND64\n"                     // PC-relative value hole
        "add x0, x0, :lo12:_JIT_OPERAND64\n"            // 64-bit hole, 12-bit field
        ".reloc ., R_AARCH64_PREL64, _JIT_OPERAND32\n"  // unknown kind
        ".quad 0\n"
        ::: "x0", "memory");
#endif
    JIT_GOTO(_JIT_CONTINUE);
}
