// Straight-line code: the tail call to the continuation is the last
// instruction on both targets, so the JIT can drop it when the next stencil
// is copied right after this one.
#include "stencil.h"

JIT_STENCIL(_JIT_ENTRY) {
    sp[0] = sp[-1] + JIT_OPERAND32;
    sp += 1;
    JIT_GOTO(_JIT_CONTINUE);
}
