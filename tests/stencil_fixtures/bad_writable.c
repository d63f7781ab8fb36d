// Error fixture: a stencil with writable data (a static counter in .bss).
#include "stencil.h"

static uint64_t counter;

JIT_STENCIL(_JIT_ENTRY) {
    counter += 1;
    sp[-1] = counter;
    JIT_GOTO(_JIT_CONTINUE);
}
