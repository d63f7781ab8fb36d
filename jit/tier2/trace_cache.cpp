// The trace cache (trace_cache.h).
#include "jit/tier2/trace_cache.h"

#include "jit/backend.h"
#include "jit/tier2/passes.h"

namespace cpjit {

TraceCache::TraceCache(Program& prog, Value* globals, const Tier2Options& opts)
    : prog_(prog), globals_(globals), opts_(opts) {}

// The program outlives its traces: its slots must not point at them (a
// later run of the same Program starts without traces).
TraceCache::~TraceCache() {
    for (Function& fn : prog_.functions) {
        fn.trace_at.clear();
        fn.machine_at.clear();
    }
}

Trace* TraceCache::build(Function* fn, uint32_t start, bool from_entry, Trace* parent, int parent_exit,
                         bool at_return, bool guards_in_loop) {
    const char* kind = trace_kind(parent != nullptr, from_entry, at_return);
    auto give_up = [&](TraceAbort why, int32_t trace = -1) {
        aborts.add({why, &fn->code[start], kind, trace, parent ? int32_t(parent->id) : -1, parent_exit});
    };
    // Past the code-memory cap (machine code, or the uops it allows) hot
    // code stays in Tier 1.
    if ((backend_ && backend_->full()) || stats.uops_in_traces >= opts_.max_uops_in_traces()) {
        ++stats.jit_cap_refusals;
        give_up(TraceAbort::CODE_CAP);
        return nullptr;
    }
    auto t = std::make_unique<Trace>();
    t->id = uint32_t(traces_.size());
    t->fn = fn;
    t->start = start;
    t->from_entry = from_entry;
    t->at_return = at_return;
    t->parent = parent;
    t->parent_exit = parent_exit;
    t->guards_in_loop = guards_in_loop;
    TraceAbort why;
    if (!project_trace(prog_, *this, *t, opts_, why)) {
        ++stats.projections_failed;
        give_up(why);
        return nullptr;
    }
    // The optimizer's counts join the run's once the trace is kept.
    Tier2Stats optimized;
    if (opts_.opt_level > 0) {
        optimize_trace(*t, optimized);
    } else {
        t->uops = t->projected;
        for (uint32_t i = 0; i < t->uops.size(); ++i) t->sources.push_back({i, UopFate::Kept});
    }
    // A trace the JIT cannot compile runs in the uop interpreter, unless
    // code memory is full: then hot code stays in Tier 1.
    if (backend_ && !backend_->compile(*t)) {
        if (backend_->full()) {
            ++stats.jit_cap_refusals;
            give_up(TraceAbort::CAP_AT_COMPILE);
            return nullptr;
        }
        give_up(TraceAbort::NOT_COMPILED, int32_t(t->id));
    }
    stats.guards_removed += optimized.guards_removed;
    stats.uops_removed += optimized.uops_removed;
    ++stats.traces;
    if (parent) ++stats.side_traces;
    stats.uops_in_traces += t->uops.size();
    if (!parent) {  // side traces are reached through exits only
        size_slots(*fn);
        fn->trace_at[start] = t.get();
        fn->machine_at[start] = t->machine ? t->machine->rx : nullptr;
    } else {
        side_at_.emplace(&fn->code[start], t.get());
    }
    traces_.push_back(std::move(t));
    return traces_.back().get();
}

void TraceCache::size_slots(Function& fn) {
    if (fn.trace_at.size() == fn.code.size()) return;  // never resized again: frames point into machine_at
    fn.trace_at.resize(fn.code.size(), nullptr);
    fn.machine_at.resize(fn.code.size(), nullptr);
}

const CallSite* TraceCache::call_site(Function* caller, uint32_t call_index, Function* callee) const {
    Instr* call = &caller->code[call_index];
    auto it = call_sites_.find(call);
    if (it != call_sites_.end()) return &it->second;
    size_slots(*caller);
    CallSite c{callee, call + 1, &caller->machine_at[call_index + 1], callee->num_params, callee->num_locals(),
               callee->max_stack};
    return &call_sites_.emplace(call, c).first->second;
}

Trace* TraceCache::rebuild(Trace& old, bool entry_guard_failed) {
    // Side traces are entered through their parent's (maybe linked) exit
    // only; they keep sending Tier 1 the instruction instead.
    if (old.parent || old.replaced_by || at(old.fn, old.start) != &old) return nullptr;
    const char* kind = trace_kind(false, old.from_entry, old.at_return);
    if (old.rebuilds >= kMaxRebuilds) {
        aborts.add({TraceAbort::REBUILD_LIMIT, &old.fn->code[old.start], kind, int32_t(old.id)});
        return nullptr;
    }
    Trace* t = build(old.fn, old.start, old.from_entry, nullptr, -1, old.at_return,
                     old.guards_in_loop || entry_guard_failed);
    if (!t) return nullptr;
    t->rebuilds = uint8_t(old.rebuilds + 1);
    old.replaced_by = t;
    ++stats.traces_rebuilt;
    aborts.add({TraceAbort::REBUILT, &old.fn->code[old.start], kind, int32_t(old.id)});
    return t;
}

}  // namespace cpjit
