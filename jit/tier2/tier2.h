// Tier 2, one owner: the trace cache, the backend that compiles traces (if
// any), running traces (machine code, or the uop interpreter), taking their
// exits and growing side traces and return traces from hot ones. The VM
// reaches it only through its hook (runtime/tier2_hook.h); backends only
// through jit/backend.h.
#pragma once

#include <cstdint>
#include <memory>

#include "jit/backend.h"
#include "jit/tier2/tier2_options.h"
#include "jit/tier2/trace_cache.h"
#include "runtime/tier2_hook.h"
#include "runtime/vm.h"

namespace cpjit {

class Tier2 final : public Tier2Hook {
public:
    // Tier 2 for `vm` (attached to it until destroyed): traces compiled by
    // the backend `make_backend` makes when opts.machine_code (none, or
    // none that can run here: the uop interpreter runs them).
    Tier2(VM& vm, const Tier2Options& opts, jit::BackendFactory make_backend);
    ~Tier2() override;
    Tier2(const Tier2&) = delete;
    Tier2& operator=(const Tier2&) = delete;

    const TraceCache& traces() const { return cache_; }
    TraceCache& traces() { return cache_; }
    jit::Backend* backend() const { return backend_.get(); }

    // Tier2Hook
    uint32_t threshold() const override { return cache_.options().threshold; }
    Trace* build_trace(Function* fn, uint32_t start, bool from_entry) override;
    Resume run_traces(Trace* t, Value* sp) override;

private:
    // One stretch of trace execution: it ends in Tier 1 (next == nullptr,
    // resume) or hands over to trace `next`.
    struct Step {
        Trace* next;
        Instr* resume;
        Value* sp;
    };
    Step run_uops(Trace* t, Value* sp);           // uop_interp.cpp
    Step run_machine_code(Trace* t, Value* sp);
    Trace* take_exit(Trace* t, uint16_t index, Value* sp);
    Trace* grow_side_trace(Trace* t, uint16_t exit_index);
    bool grow_return_trace();
    static constexpr uint8_t kMaxExitBackoff = 10;

    VM& vm_;
    TraceCache cache_;
    std::unique_ptr<jit::Backend> backend_;
};

}  // namespace cpjit
