// Tier 2's owner (tier2.h): running traces, their exits, and the traces
// that grow from hot exits and returns.
#include "jit/tier2/tier2.h"

#include <iterator>

#include "jit/backend.h"

namespace cpjit {

Tier2::Tier2(VM& vm, const Tier2Options& opts, jit::BackendFactory make_backend)
    : vm_(vm), cache_(vm.program(), vm.globals(), opts) {
    if (opts.machine_code && make_backend) backend_ = make_backend(opts, cache_.stats);  // else the uop interpreter
    cache_.set_backend(backend_.get());
    vm_.attach_tier2(this);
}

Tier2::~Tier2() {
    vm_.attach_tier2(nullptr);
    cache_.set_backend(nullptr);
}

Trace* Tier2::build_trace(Function* fn, uint32_t start, bool from_entry) {
    return cache_.build(fn, start, from_entry, nullptr, -1);
}

// Runs traces from `t` until one leaves to Tier 1: machine code where a
// trace has it, the uop interpreter otherwise. Counts
// each entry (once per trace the VM starts, not per uop: a jump between
// traces through a linked exit stays in machine code and is not counted).
Tier2Hook::Resume Tier2::run_traces(Trace* t, Value* sp) {
    Tier2Stats& stats = cache_.stats;
    for (;;) {
        ++(t->machine ? stats.trace_entries_machine_code : stats.trace_entries_uops);
        Step s = t->machine ? run_machine_code(t, sp) : run_uops(t, sp);
        if (!s.next) return {s.resume, s.sp};
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
Trace* Tier2::take_exit(Trace* t, uint16_t index, Value* sp) {
    Exit& e = t->exits[index];
    ++cache_.stats.side_exits_taken;
    ++e.times_taken;
    // Every failed attempt to build a trace here doubles the count needed
    // before the next one (projection is not free).
    auto hot = [&] {
        if (++e.taken < cache_.options().threshold << e.failures) return false;
        e.taken = 0;
        vm_.sync_sp(sp);
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
        if (hot() && !cache_.rebuild(*t, e.entry_guard)) backoff();
        return nullptr;
    }
    if (!e.side && hot()) {
        e.side = grow_side_trace(t, index);
        if (!e.side) backoff();
    }
    return e.side;
}

// An exit got hot: link it to the trace already starting where it resumes
// (a side trace too: exits that keep resuming at one place, e.g. a loop
// whose branch the projection predicted wrong, then share one trace instead
// of growing a new one each time), or project a side trace from there.
Trace* Tier2::grow_side_trace(Trace* t, uint16_t exit_index) {
    Exit& e = t->exits[exit_index];
    Function* fn = vm_.frames_[vm_.depth_ - 1].fn;
    uint32_t at = uint32_t(e.resume - fn->code.data());
    if (Trace* existing = cache_.at(fn, at)) return existing;
    if (Trace* side = cache_.side_at(e.resume)) return side;
    return cache_.build(fn, at, false, t, exit_index);
}

// Tier 1 is about to return from the current frame: build a trace at the
// caller's return point, so the next RETURN to it stays in Tier 2.
bool Tier2::grow_return_trace() {
    if (vm_.depth_ < 2) return false;
    const Frame& caller = vm_.frames_[vm_.depth_ - 2];
    uint32_t at = uint32_t(vm_.frames_[vm_.depth_ - 1].ret_ip - caller.fn->code.data());
    if (cache_.at(caller.fn, at)) return true;
    return cache_.build(caller.fn, at, false, nullptr, -1, true) != nullptr;
}

Tier2::Step Tier2::run_machine_code(Trace* t, Value* sp) {
    jit::Backend* jit = backend_.get();
    jit::JitReturn r = jit->enter(&vm_, sp, vm_.frames_[vm_.depth_ - 1].base, *t);
    auto* rec = static_cast<jit::JitExitRecord*>(const_cast<void*>(r.exit));
    if (rec->link_to) {  // a LINK_TRACE to a trace that had no machine code when this one was compiled
        if (rec->link_to->machine) jit->link_exit(*rec, *rec->link_to);  // now it has: jump there directly
        return {rec->link_to, nullptr, r.sp};
    }
    Trace* next = take_exit(rec->trace, uint16_t(rec->exit_index), r.sp);
    uint64_t* by_cached[] = {nullptr, &cache_.stats.exits_cached_1, &cache_.stats.exits_cached_2,
                             &cache_.stats.exits_cached_3};
    static_assert(std::size(by_cached) == jit::kMaxCached + 1);
    if (rec->cached) ++*by_cached[rec->cached];
    if (rec->floats) ++cache_.stats.exits_floats;
    if (!next) return {nullptr, rec->trace->exits[rec->exit_index].resume, r.sp};
    if (next->machine) jit->link_exit(*rec, *next);  // from now on the stub jumps there itself
    return {next, nullptr, r.sp};
}

}  // namespace cpjit
