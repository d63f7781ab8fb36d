// The micro-op interpreter (--jit=uops): the debug tier that runs traces
// exactly as the copy-and-patch backend will compile them: the bodies come
// from the same file (uop_bodies.inc). A uop never raises an error itself:
// where Tier 1 would fail or take a slow path, the uop exits before any
// effect and Tier 1 runs that instruction again.
#include <charconv>
#include <cstring>

#include "jit/backend.h"
#include "jit/copy_patch/trace_compiler.h"
#include "jit/tier2/uop_helpers.h"
#include "runtime/semantics.h"
#include "runtime/vm.h"

using namespace cpjit;

namespace {
VM* vm_of(CallStack* cs) { return static_cast<VM*>(cs); }
}  // namespace

extern "C" {

bool cpjit_uop_generic(CallStack* vm, int32_t op, Value** sp) { return vm_of(vm)->trace_generic(Op(op), *sp); }

ArrayObj* cpjit_uop_try_new_array(CallStack* vm, int64_t len) { return vm_of(vm)->heap().try_new_small_array(len); }

StringObj* cpjit_uop_try_concat(CallStack* vm, const StringObj* a, const StringObj* b) {
    StringObj* r = vm_of(vm)->heap().try_new_string_uninit(size_t(a->len) + size_t(b->len));
    if (r) copy_concat(r, a, b);
    return r;
}

StringObj* cpjit_uop_try_int_to_string(CallStack* vm, int64_t i) {
    char buf[24];  // the digits as Tier 1's tostr writes them (append_int)
    const char* end = std::to_chars(buf, buf + sizeof buf, i).ptr;
    StringObj* r = vm_of(vm)->heap().try_new_string_uninit(size_t(end - buf));
    if (r) std::memcpy(r->data, buf, size_t(end - buf));
    return r;
}

bool cpjit_uop_values_equal(uint64_t a, uint64_t b) { return values_equal(Value::from_bits(a), Value::from_bits(b)); }

cpjit_return_to cpjit_uop_return(CallStack* vm, Value* sp, Value** base, bool machine) {
    return vm_of(vm)->trace_return(sp, *base, machine);
}

}  // extern "C"

namespace cpjit {

cpjit_return_to VM::trace_return(Value* sp, Value*& base, bool machine) {
    const uint32_t depth = depth_;
    if (depth < 2) [[unlikely]]
        return {nullptr, sp};  // main returns: Tier 1 ends the run
    const Frame& callee = frames_[depth - 1];
    const Frame& caller = frames_[depth - 2];
    Trace* t = traces_->at(caller.fn, uint32_t(callee.ret_ip - caller.fn->code.data()));
    if (!t || (machine && !t->machine)) return {nullptr, sp};
    void* next = machine ? static_cast<void*>(t->machine->rx) : static_cast<void*>(t);
    Value r = sp[-1];
    sp = callee.base;
    *sp++ = r;
    depth_ = depth - 1;
    base = caller.base;
    return {next, sp};
}

bool VM::trace_generic(Op op, Value*& sp) {
    sp_ = sp;  // the operands stay rooted while the operation allocates
    Value r;
    bool b;
    switch (op) {
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::IDiv: case Op::Mod:
    case Op::BAnd: case Op::BOr: case Op::BXor: case Op::Shl: case Op::Shr:
        if (!binary_op(op, sp[-2], sp[-1], &r, heap_, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
        if (!compare_op(op, sp[-2], sp[-1], &b, err_)) return false;
        sp[-2] = Value::boolean(b);
        --sp;
        return true;
    case Op::Neg: case Op::BNot: case Op::ToInt: case Op::ToFloat: case Op::Sqrt:
        return unary_op(op, sp[-1], &sp[-1], heap_, err_);
    case Op::NewArray: return array_new(sp[-1], &sp[-1], heap_, err_);
    case Op::AGet:
        if (!array_get(sp[-2], sp[-1], &r, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::ASet:
        if (!array_set(sp[-3], sp[-2], sp[-1], err_)) return false;
        sp -= 3;
        return true;
    case Op::APush:
        if (!array_push(sp[-2], sp[-1], heap_, err_)) return false;
        sp -= 2;
        return true;
    case Op::Len: return length_of(sp[-1], &sp[-1], err_);
    case Op::Concat:
        if (!string_concat(sp[-2], sp[-1], &r, heap_, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::ToStr: return to_string(sp[-1], &sp[-1], heap_, err_, scratch_);
    case Op::Print:
        if (!print_value(sp[-1], err_, scratch_, heap_.max_bytes())) return false;
        --sp;
        return true;
    default: return false;  // not a stack instruction: the projector never emits it
    }
}

// An exit got hot: link it to the trace already starting where it resumes
// (a side trace too: exits that keep resuming at one place, e.g. a loop
// whose branch the projection predicted wrong, then share one trace instead
// of growing a new one each time), or project a side trace from there.
Trace* VM::grow_side_trace(Trace* t, uint16_t exit_index) {
    Exit& e = t->exits[exit_index];
    Function* fn = frames_[depth_ - 1].fn;
    uint32_t at = uint32_t(e.resume - fn->code.data());
    if (Trace* existing = traces_->at(fn, at)) return existing;
    if (Trace* side = traces_->side_at(e.resume)) return side;
    return traces_->build(fn, at, false, t, exit_index);
}

// Runs traces from `t` until one leaves to Tier 1: machine code where a
// trace has it, the uop interpreter otherwise. Returns the instruction to
// resume at, with sp_ and the frames describing the state there. Counts
// each entry (once per trace the VM starts, not per uop: a jump between
// traces through a linked exit stays in machine code and is not counted).
Instr* VM::run_trace(Trace* t, Value* sp) {
    Tier2Stats& stats = traces_->stats;
    for (;;) {
        ++(t->machine ? stats.trace_entries_machine_code : stats.trace_entries_uops);
        TraceStep s = t->machine ? run_machine_code(t, sp) : run_uops(t, sp);
        if (!s.next) {
            sp_ = s.sp;
            return s.resume;
        }
        t = s.next;
        sp = s.sp;
    }
}

// A trace left through exit `index` of `t`: count it, grow a side trace once
// it is hot, and say which trace to go on with (nullptr: Tier 1).
//
// No program loops between tiers: an exit that made no progress (see
// mark_exit_progress) always resumes Tier 1, which runs the instruction the
// trace could not; every other exit has run at least one instruction, so a
// chain of exits and traces moves the program on as Tier 1 would.
Trace* VM::take_exit(Trace* t, uint16_t index, Value* sp) {
    Exit& e = t->exits[index];
    ++traces_->stats.side_exits_taken;
    ++e.times_taken;
    // Every failed attempt to build a trace here doubles the count needed
    // before the next one (projection is not free).
    auto hot = [&] {
        if (++e.taken < opts_.tier2.threshold << e.failures) return false;
        e.taken = 0;
        sp_ = sp;
        return true;
    };
    auto backoff = [&] {
        if (e.failures < kMaxExitBackoff) ++e.failures;
    };
    if (e.at_return) {  // RETURN found no trace at the caller's return point
        if (hot() && !grow_return_trace()) backoff();
        return nullptr;  // Tier 1 makes this return
    }
    if (!e.progress) {
        // A rebuilt trace hands its start to its replacement (same place,
        // same state; replacements are newer, so this never cycles).
        if (t->replaced_by) return t->replaced_by;
        // Hot: the trace's first instruction no longer has the types it was
        // built for. Tier 1 has re-specialized it by now; project again.
        if (hot() && !traces_->rebuild(*t)) backoff();
        return nullptr;
    }
    if (!e.side && hot()) {
        e.side = grow_side_trace(t, index);
        if (!e.side) backoff();
    }
    return e.side;
}

// Tier 1 is about to return from the current frame: build a trace at the
// caller's return point, so the next RETURN to it stays in Tier 2.
bool VM::grow_return_trace() {
    if (depth_ < 2) return false;
    const Frame& caller = frames_[depth_ - 2];
    uint32_t at = uint32_t(frames_[depth_ - 1].ret_ip - caller.fn->code.data());
    if (traces_->at(caller.fn, at)) return true;
    return traces_->build(caller.fn, at, false, nullptr, -1, true) != nullptr;
}

VM::TraceStep VM::run_machine_code(Trace* t, Value* sp) {
    jit::Backend* jit = traces_->jit();
    jit::JitReturn r = jit->enter(static_cast<CallStack*>(this), sp, frames_[depth_ - 1].base, *t);
    auto* rec = static_cast<jit::JitExitRecord*>(const_cast<void*>(r.exit));
    if (rec->link_to) {  // a LINK_TRACE to a trace that had no machine code when this one was compiled
        if (rec->link_to->machine) jit->link_exit(*rec, *rec->link_to);  // now it has: jump there directly
        return {rec->link_to, nullptr, r.sp};
    }
    Trace* next = take_exit(rec->trace, uint16_t(rec->exit_index), r.sp);
    uint64_t* by_cached[] = {nullptr, &traces_->stats.exits_cached_1, &traces_->stats.exits_cached_2,
                             &traces_->stats.exits_cached_3};
    static_assert(std::size(by_cached) == jit::kMaxCached + 1);
    if (rec->cached) ++*by_cached[rec->cached];
    if (!next) return {nullptr, rec->trace->exits[rec->exit_index].resume, r.sp};
    if (next->machine) {
        jit->link_exit(*rec, *next);  // from now on the stub jumps there itself
        const Tier2Options& o = traces_->options();
        if (o.on_code_written) o.on_code_written(o.on_code_written_ctx, *rec->trace->machine);
    }
    return {next, nullptr, r.sp};
}

VM::TraceStep VM::run_uops(Trace* t, Value* sp) {
    Value* base = frames_[depth_ - 1].base;
    const Uop* u = t->uops.data();
    Tier2Stats& stats = traces_->stats;
    uint64_t executed = 0;
    for (;;) {
        ++executed;
        switch (u->op) {
#define UOP(name) case UopOp::name:
#define END_UOP break;
#define SP sp
#define BASE base
#define VMP static_cast<CallStack*>(this)
#define ARG (u->arg)
#define OPERAND (u->operand)
#define ORIGIN (u->origin)
#define EXIT() goto side_exit
// (plain blocks, not do-while: `continue` must reach the loop over uops)
#define GOTO_TOP()          \
    {                       \
        u = t->uops.data(); \
        continue;           \
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
