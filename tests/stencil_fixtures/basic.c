// The canonical stencil shape: every hole kind the template needs. A guard on
// the 64-bit operand (jump target), a side exit on the tag (against the
// 32-bit operand), arithmetic with the 32-bit operand, a double constant
// (read-only data), a helper call, a side exit on its result and the tail
// call to the continuation.
#include "stencil.h"

extern uint64_t jit_helper_box_float(double d, uint64_t bits);

JIT_STENCIL(_JIT_ENTRY) {
    uint64_t tos = sp[-1];
    if (tos == JIT_OPERAND64) JIT_GOTO(_JIT_JUMP_TARGET);
    if (__builtin_expect((tos >> 48) != JIT_OPERAND32, 0)) JIT_GOTO(_JIT_SIDE_EXIT);
    double d = (double)(int64_t)(tos + JIT_OPERAND32) * 2.718281828459045;
    uint64_t r = jit_helper_box_float(d, tos);
    if (__builtin_expect(r == 0, 0)) JIT_GOTO(_JIT_SIDE_EXIT);
    sp[-1] = r;
    JIT_GOTO(_JIT_CONTINUE);
}
