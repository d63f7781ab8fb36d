// The micro-op interpreter (--jit=uops): the debug tier that runs traces
// exactly as the copy-and-patch backend will compile them: the bodies come
// from the same file (uop_bodies.inc). A uop never raises an error itself:
// where Tier 1 would fail or take a slow path, the uop exits before any
// effect and Tier 1 runs that instruction again.
#include "jit/tier2/tier2.h"
#include "jit/tier2/uop_helpers.h"
#include "runtime/semantics.h"

namespace cpjit {

Tier2::Step Tier2::run_uops(Trace* t, Value* sp) {
    Value* base = vm_.frames_[vm_.depth_ - 1].base;
    const Uop* u = t->uops.data();
    Tier2Stats& stats = cache_.stats;
    uint64_t executed = 0;
    for (;;) {
        ++executed;
        switch (u->op) {
#define UOP(name) case UopOp::name:
#define END_UOP break;
#define SP sp
#define BASE base
#define VMP static_cast<CallStack*>(&vm_)
#define ARG (u->arg)
#define OPERAND (u->operand)
#define ORIGIN (u->origin)
#define EXIT() goto side_exit
// (plain blocks, not do-while: `continue` must reach the loop over uops)
#define GOTO_TOP()                          \
    {                                       \
        u = t->uops.data() + t->loop_head; \
        continue;                           \
    }
#define IN_MACHINE_CODE false
#define SHORT_LOOP
#define GOTO_DYNAMIC(p)                                    \
    {                                                      \
        t = static_cast<Trace*>(p);                        \
        if (t->machine) {                                  \
            stats.uops_executed += executed;               \
            return {t, nullptr, sp};                       \
        }                                                  \
        u = t->uops.data();                                \
        continue;                                          \
    }
#define GOTO_TRACE() GOTO_DYNAMIC(reinterpret_cast<Trace*>(u->operand))
#include "jit/tier2/uop_bodies.inc"
#undef UOP
#undef END_UOP
#undef SP
#undef BASE
#undef VMP
#undef ARG
#undef OPERAND
#undef ORIGIN
#undef EXIT
#undef GOTO_TOP
#undef GOTO_TRACE
#undef GOTO_DYNAMIC
#undef IN_MACHINE_CODE
#undef SHORT_LOOP
        }
        ++u;
        continue;
    side_exit: {
        Trace* next = take_exit(t, u->exit, sp);
        if (next && !next->machine) {
            t = next;
            u = t->uops.data();
            continue;
        }
        stats.uops_executed += executed;
        if (next) return {next, nullptr, sp};
        return {nullptr, t->exits[u->exit].resume, sp};
    }
    }
}

}  // namespace cpjit
