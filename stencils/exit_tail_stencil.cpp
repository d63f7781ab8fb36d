// A trace's exit tail: one copy per trace, after its exit stubs. An
// unlinked stub jumps here with its record's byte offset among the trace's
// records in l0 (exit_stencil.cpp); the tail returns that record and the
// stack pointer to the VM, or, when the record holds link code (a link the
// stub's own jump could not reach), goes on there. _JIT_EXIT_RECORD is the
// trace's first record.
#include "stencils/stencil.h"

JIT_STENCIL(cpjit_stencil_EXIT_TAIL) {
    char* record = _JIT_EXIT_RECORD;
    // (hidden from clang, which would otherwise load each of the two
    // addresses below with its own 64-bit immediate)
    __asm__("" : "+r"(record));
    record += l0.bits;
    auto* next = *reinterpret_cast<cpjit::jit::JitTraceFn* const*>(record + cpjit::jit::kExitRecordLinkCodeOffset);
    if (__builtin_expect(next != nullptr, 0)) {
        // nothing cached; the trace loads its own local registers
        [[clang::musttail]] return next(vm, sp, base, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD, JIT_DEAD,
                                        JIT_DEAD, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F,
                                        JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F, JIT_DEAD_F);
    }
    return cpjit::jit::JitReturn{record, sp};
}
