// The stencil preamble the fixtures share: a prototype of what the real
// template (stencils/) will include. Every hole is an extern symbol; the
// extractor turns each reference into a hole and the JIT patches it.
#pragma once

#include <stdint.h>

#define JIT_PRESERVE_NONE __attribute__((preserve_none))
#define JIT_HIDDEN __attribute__((visibility("hidden")))

typedef struct JitFrame JitFrame;
// Every stencil has this signature. preserve_none passes the arguments in
// r12, r13, r14 (x86-64) / x20, x21, x22 (AArch64) and saves no registers, so
// a stencil's tail call to the next one is a plain jump.
typedef JIT_PRESERVE_NONE void JitStencilFn(JitFrame* frame, uint64_t* sp, void* state);

#define JIT_STENCIL(name) JIT_PRESERVE_NONE void name(JitFrame* frame, uint64_t* sp, void* state)
// Leave the stencil: a guaranteed tail call (jmp / b) to a jump hole.
#define JIT_GOTO(target)                                  \
    do {                                                  \
        [[clang::musttail]] return target(frame, sp, state); \
    } while (0)

// Jump holes: hidden, so the tail call is a direct jmp rel32 / b imm26
// (R_X86_64_PLT32 / R_AARCH64_JUMP26), not a load from the GOT.
extern JIT_HIDDEN JitStencilFn _JIT_CONTINUE;
extern JIT_HIDDEN JitStencilFn _JIT_JUMP_TARGET;
extern JIT_HIDDEN JitStencilFn _JIT_SIDE_EXIT;

// Value holes: the symbol's address is the value. Weak, so the compiler may
// not assume the address is non-zero (it folds `(uintptr_t)&x == 0` to false
// for a non-weak declaration, even with -fno-delete-null-pointer-checks).
// Sized [1] makes a 32-bit operand "small data" under the x86-64 medium
// code model (a 32-bit immediate); unsized [] makes a 64-bit one "large"
// (movabs). Never hidden: that would make them PC-relative.
extern char _JIT_OPERAND32[1] __attribute__((weak));
extern char _JIT_OPERAND64[] __attribute__((weak));
#define JIT_OPERAND32 ((uint32_t)(uintptr_t)_JIT_OPERAND32)
#define JIT_OPERAND64 ((uint64_t)(uintptr_t)_JIT_OPERAND64)
