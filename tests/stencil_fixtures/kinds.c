// Every relocation kind the JIT patches that the C stencils do not produce
// with the chosen flags, forced with inline assembly (the extractor test only
// reads the object; this code never runs).
#include "stencil.h"

__attribute__((used, aligned(16))) static const uint64_t kTable[4] = {1, 2, 3, 4};

// Read-only data holding addresses: 64-bit absolute relocations in the data.
__asm__(".pushsection .rodata.kinds,\"a\"\n"
        ".p2align 3\n"
        ".quad _JIT_OPERAND64\n"
        ".quad _JIT_CONTINUE + 8\n"
        ".popsection\n");

JIT_STENCIL(_JIT_ENTRY) {
#if defined(__x86_64__)
    __asm__ volatile(
        "movl $_JIT_OPERAND32, %%eax\n"                 // R_X86_64_32
        "movq $_JIT_OPERAND32, %%rax\n"                 // R_X86_64_32S
        "movabsq $_JIT_OPERAND64, %%rax\n"              // R_X86_64_64
        "leaq kTable(%%rip), %%rcx\n"                   // R_X86_64_PC32 (data)
        "call jit_helper_log@PLT\n"                     // R_X86_64_PLT32 (helper)
        "movzwl _JIT_OPERAND32@GOTPCREL(%%rip), %%eax\n"  // R_X86_64_GOTPCREL
        "movl _JIT_OPERAND32@GOTPCREL(%%rip), %%eax\n"  // R_X86_64_GOTPCRELX (mov)
        "movq _JIT_OPERAND64@GOTPCREL(%%rip), %%r8\n"   // R_X86_64_REX_GOTPCRELX (mov)
        "cmpq _JIT_OPERAND64@GOTPCREL(%%rip), %%rdi\n"  // R_X86_64_REX_GOTPCRELX (cmp)
        "call *jit_helper_log@GOTPCREL(%%rip)\n"        // R_X86_64_GOTPCRELX (call)
        "jne _JIT_SIDE_EXIT\n"                          // conditional tail call
        "jmp *jit_helper_log@GOTPCREL(%%rip)\n"         // R_X86_64_GOTPCRELX (jmp)
        ::: "rax", "rcx", "rdi", "r8", "memory", "cc");
#elif defined(__aarch64__)
    __asm__ volatile(
        "movz x0, #:abs_g0:_JIT_OPERAND32\n"            // MOVW_UABS_G0
        "movz x1, #:abs_g1:_JIT_OPERAND32\n"            // MOVW_UABS_G1
        "movz x2, #:abs_g2:_JIT_OPERAND64\n"            // MOVW_UABS_G2
        "adr x3, kTable\n"                              // ADR_PREL_LO21 (data)
        "adrp x4, kTable\n"                             // ADR_PREL_PG_HI21
        "add x4, x4, :lo12:kTable\n"                    // ADD_ABS_LO12_NC
        "adrp x5, :pg_hi21_nc:kTable\n"                 // ADR_PREL_PG_HI21_NC
        "ldrb w6, [x5, :lo12:kTable]\n"                 // LDST8_ABS_LO12_NC
        "ldrh w6, [x5, :lo12:kTable]\n"                 // LDST16_ABS_LO12_NC
        "ldr w6, [x5, :lo12:kTable]\n"                  // LDST32_ABS_LO12_NC
        "ldr x6, [x5, :lo12:kTable]\n"                  // LDST64_ABS_LO12_NC
        "ldr q0, [x5, :lo12:kTable]\n"                  // LDST128_ABS_LO12_NC
        "bl jit_helper_log\n"                           // CALL26 (helper)
        "cbz x0, _JIT_SIDE_EXIT\n"                      // CONDBR19
        "b.ne _JIT_JUMP_TARGET\n"                       // CONDBR19
        "tbz x0, #3, _JIT_JUMP_TARGET\n"                // TSTBR14
        "adrp x7, :got:_JIT_OPERAND64\n"                // ADR_GOT_PAGE  } fused:
        "ldr x7, [x7, :got_lo12:_JIT_OPERAND64]\n"      // LD64_GOT_LO12 } GOT_LOAD_PAIR
        "adrp x8, :got:jit_helper_log\n"                // ADR_GOT_PAGE, not fused:
        "nop\n"                                         //   the ldr does not follow
        "ldr x8, [x8, :got_lo12:jit_helper_log]\n"      // LD64_GOT_LO12_NC
        ::: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "v0", "x30", "memory", "cc");
#endif
    JIT_GOTO(_JIT_CONTINUE);
}
