// Error fixture: a call to an external function that is not a declared helper.
#include "stencil.h"

extern uint64_t not_a_helper(uint64_t);

JIT_STENCIL(_JIT_ENTRY) {
    sp[-1] = not_a_helper(sp[-1]);
    JIT_GOTO(_JIT_CONTINUE);
}
