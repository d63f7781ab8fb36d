// Relocations the compiler makes by itself (no inline assembly): a bit test
// and a zero test guarding jump holes, indexed lookups in read-only tables of
// each element size, a double constant, a sign-extended 32-bit operand, a
// helper call and the tail call to the continuation.
#include "stencil.h"

extern uint64_t jit_helper_log(uint64_t);

static const uint8_t kBytes[8] = {3, 1, 4, 1, 5, 9, 2, 6};
static const uint16_t kHalves[8] = {2, 7, 1, 8, 2, 8, 1, 8};
static const uint32_t kWords[8] = {1, 4, 1, 4, 2, 1, 3, 5};
static const uint64_t kQuads[8] = {1, 1, 2, 3, 5, 8, 13, 21};

JIT_STENCIL(_JIT_ENTRY) {
    uint64_t x = sp[-1];
    if (x & 8) JIT_GOTO(_JIT_JUMP_TARGET);
    if (x == 0) JIT_GOTO(_JIT_SIDE_EXIT);
    uint64_t r = kBytes[x & 7] + kHalves[(x >> 4) & 7] + kWords[(x >> 8) & 7] + kQuads[(x >> 12) & 7];
    r += (uint64_t)(int64_t)(int32_t)JIT_OPERAND32;
    double d = (double)(int64_t)r * 0.5;
    sp[-1] = (uint64_t)(int64_t)d + jit_helper_log(x);
    JIT_GOTO(_JIT_CONTINUE);
}
