// Every trace of a run: where each starts, building them (projection, the
// optimizer, the backend), rebuilding them, and the call sites they push.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "jit/tier2/tier2_options.h"
#include "jit/tier2/tier2_stats.h"
#include "jit/tier2/trace.h"
#include "runtime/call_stack.h"
#include "runtime/program.h"

namespace cpjit {

namespace jit {
class Backend;
}

// Owns every trace of a run (Tier2 owns it).
class TraceCache {
public:
    TraceCache(Program& prog, Value* globals, const Tier2Options& opts);
    ~TraceCache();
    // Traces are compiled by `backend` from now on (nullptr: none, they run
    // in the uop interpreter). The backend outlives the cache's use of it.
    void set_backend(jit::Backend* backend) { backend_ = backend; }

    Value* global_slot(int32_t index) const { return globals_ + index; }

    // The trace starting at fn's instruction `start`, if any.
    Trace* at(Function* fn, uint32_t start) const {
        return fn->trace_starting_at(start);
    }
    // The first side trace built starting at `start` (side traces are not
    // entered from Tier 1, but another exit resuming there can link to one).
    Trace* side_at(const Instr* start) const {
        auto it = side_at_.find(start);
        return it == side_at_.end() ? nullptr : it->second;
    }
    // Projects, optimizes and installs a trace starting at fn[start].
    // nullptr when nothing worth running came out.
    // guards_in_loop: no entry guards (Trace::guards_in_loop).
    Trace* build(Function* fn, uint32_t start, bool from_entry, Trace* parent, int parent_exit,
                 bool at_return = false, bool guards_in_loop = false);
    // Projects `old` again from its start (Tier 1 has re-specialized what
    // made it exit) and makes the new trace the one Tier 1 enters. `old`
    // stays valid for whatever still links to it. nullptr when no better
    // trace came out or `old` was rebuilt kMaxRebuilds times already.
    // `entry_guard_failed`: what kept exiting was an entry guard (a loop
    // entered with other types than it carries): the new trace, and its
    // own rebuilds, keep the guards in the loop.
    Trace* rebuild(Trace& old, bool entry_guard_failed);
    static constexpr uint8_t kMaxRebuilds = 8;

    // The CallSite of the call at caller's instruction call_index (PUSH_FRAME's
    // operand): made once per call instruction.
    const CallSite* call_site(Function* caller, uint32_t call_index, Function* callee) const;

    const std::vector<std::unique_ptr<Trace>>& traces() const { return traces_; }
    const Tier2Options& options() const { return opts_; }
    // The machine-code backend (nullptr unless opts.machine_code and it can
    // run here).
    jit::Backend* backend() const { return backend_; }
    Tier2Stats stats;
    TraceAborts aborts;

private:
    Program& prog_;
    Value* globals_;
    Tier2Options opts_;
    std::vector<std::unique_ptr<Trace>> traces_;
    jit::Backend* backend_ = nullptr;
    // Node-based: CallSites never move (machine code holds their addresses).
    mutable std::unordered_map<const Instr*, CallSite> call_sites_;
    std::unordered_map<const Instr*, Trace*> side_at_;
    static void size_slots(Function& fn);
};

}  // namespace cpjit
