// What Tier 2 and its backend counted in a run (--stats), and what they
// gave up on (trace_aborts.def), with where and why.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/program.h"

namespace cpjit {

// Tier-2 and JIT statistics, one list (the stats JSON and summary print
// every field in this order).
#define CPJIT_TIER2_STATS(X)                                                       \
    X(traces)             /* traces built (incl. side traces) */                  \
    X(uops_in_traces)     /* uops after the optimizer, summed over traces */      \
    X(uops_executed)      /* by the uop interpreter (machine code not counted) */ \
    X(trace_entries_machine_code) /* the VM entered a trace's machine code */     \
    X(trace_entries_uops) /* the VM entered a trace in the uop interpreter */    \
    X(side_exits_taken)   /* exits that reached the VM */                         \
    X(exits_cached_1)     /* ... from machine code with 1, 2, 3 stack values */   \
    X(exits_cached_2)     /*     in registers (written back by the exit stub) */  \
    X(exits_cached_3)                                                             \
    X(exits_floats)       /* ... of them with floats in FP registers */           \
    X(side_traces)                                                                \
    X(invalidations)                                                              \
    X(traces_rebuilt)     /* re-projected after exiting at their start */         \
    X(guards_removed)     /* by the optimizer, in traces kept */                  \
    X(uops_removed)       /* ... (the explorer strikes them out) */               \
    X(projections_failed)                                                         \
    X(traces_compiled)    /* traces turned into machine code */                   \
    X(code_bytes)         /* machine code + stubs + data of compiled traces */    \
    X(compile_ns)         /* time spent copying and patching */                   \
    X(exits_linked)       /* exit stubs patched to jump to another trace */       \
    X(got_loads_relaxed)  /* helper GOT loads turned into direct forms */         \
    X(jit_failures)       /* traces left to the uop interpreter / Tier 1 */     \
    X(jit_cap_refusals)   /* hot spots left to Tier 1: --max-jit-code reached (code or uops) */ \
    X(code_mapped_bytes)  /* executable memory mapped (both views once) */

struct Tier2Stats {
#define X(name) uint64_t name = 0;
    CPJIT_TIER2_STATS(X)
#undef X
};

// What Tier 2 gave up on, and why (trace_aborts.def).
enum class TraceAbort : uint8_t {
#define TRACE_ABORT(name, text) name,
#include "jit/tier2/trace_aborts.def"
#undef TRACE_ABORT
};
inline constexpr const char* kTraceAbortNames[] = {
#define TRACE_ABORT(name, text) #name,
#include "jit/tier2/trace_aborts.def"
#undef TRACE_ABORT
};
inline constexpr const char* kTraceAbortTexts[] = {
#define TRACE_ABORT(name, text) text,
#include "jit/tier2/trace_aborts.def"
#undef TRACE_ABORT
};
inline constexpr int kNumTraceAborts = sizeof(kTraceAbortNames) / sizeof(kTraceAbortNames[0]);

struct TraceAbortRecord {
    TraceAbort reason;
    const Instr* at;        // where the trace would start (or starts)
    const char* kind;       // "loop", "side trace", "return point", "function entry"
    int32_t trace = -1;     // the trace concerned (REBUILT, REBUILD_LIMIT, NOT_COMPILED), -1: none was kept
    int32_t parent = -1;    // for a side trace: the trace and exit it grows from
    int32_t parent_exit = -1;
};

// Every give-up counted per reason; the first kKept recorded in full (a hot
// spot that keeps failing retries, so the list must stay bounded).
struct TraceAborts {
    static constexpr size_t kKept = 64;
    uint64_t count[kNumTraceAborts] = {};
    uint64_t total = 0;
    std::vector<TraceAbortRecord> first;
    void add(const TraceAbortRecord& r) {
        ++count[int(r.reason)];
        ++total;
        if (first.size() < kKept) first.push_back(r);
    }
};

}  // namespace cpjit
