// Tier 2: traces of micro-ops (uops) projected from specialized Tier-1
// bytecode, with guards and side exits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/call_stack.h"
#include "runtime/program.h"

namespace cpjit {

enum class UopOp : uint16_t {
#define UOP(name, pops, pushes, reads, flags) name,
#include "jit/tier2/uops.def"
#undef UOP
};

namespace uop_flag {
inline constexpr uint8_t EXIT = 1, PURE = 2, GUARD = 4, END = 8, POP_EXIT = 16, CALLS = 32;
}

struct UopInfo {
    const char* name;
    int8_t pops, pushes;
    int8_t reads;  // -1: runs with no stack value cached in registers
    uint8_t flags;
};

inline constexpr UopInfo kUopInfo[] = {
#define UOP(name, pops, pushes, reads, flags) \
    {#name, pops, pushes, reads, [] { using namespace uop_flag; return uint8_t(flags); }()},
#include "jit/tier2/uops.def"
#undef UOP
};
inline constexpr int kNumUops = sizeof(kUopInfo) / sizeof(kUopInfo[0]);
inline const UopInfo& uop_info(UopOp op) { return kUopInfo[int(op)]; }
// GENERIC and its shaped forms: arg is the Op run through the shared semantics.
inline bool is_generic(UopOp op) {
    return op == UopOp::GENERIC || op == UopOp::GENERIC_1_0 || op == UopOp::GENERIC_1_1 ||
           op == UopOp::GENERIC_2_1 || op == UopOp::GENERIC_3_0;
}

struct Trace;
namespace jit {
struct CompiledTrace;
class Backend;
class Jit;
}  // namespace jit

struct Uop {
    UopOp op;
    uint16_t exit = 0;      // index into Trace::exits (EXIT uops)
    int32_t arg = 0;
    uint64_t operand = 0;
    Instr* origin = nullptr;  // the bytecode instruction this uop came from
};

// Where a side exit resumes Tier 1 and what became of it.
struct Exit {
    Instr* resume;           // the instruction Tier 1 runs next
    uint32_t taken = 0;      // hotness: reset each time it reaches the threshold
    // Times this exit reached the VM (take_exit), never reset. A linked exit
    // jumps from machine code straight to its trace without coming here, so
    // for it this is the count before it was linked.
    uint64_t times_taken = 0;
    Trace* side = nullptr;   // a side trace grown from this exit, once hot
    bool at_return = false;  // a RETURN's: once hot, a trace grows at the caller's return point instead
    uint8_t failures = 0;    // traces that could not be built from here: each doubles the count needed
    // Whether leaving here has moved the program on from where the trace
    // started (mark_exit_progress). An exit without progress resumes Tier 1
    // at the trace's own start: it never links to a trace (that could be
    // this one, failing the same guard forever), Tier 1 runs the instruction.
    bool progress = true;
};

// What the optimizer did with a projected uop (Trace::sources).
enum class UopFate : uint8_t { Kept, Rewritten };

// Where an optimized uop came from: the projected uop it derives from.
// Projected uops no optimized uop derives from were removed.
struct UopSource {
    uint32_t projected;
    UopFate fate;
};

// What a trace (or an attempt at one) starting here is.
inline const char* trace_kind(bool side, bool from_entry, bool at_return) {
    return side ? "side trace" : from_entry ? "function entry" : at_return ? "return point" : "loop";
}

// Whether a uop leaves through an exit of its own (u.exit).
inline bool has_exit(const Uop& u) {
    return (uop_info(u.op).flags & uop_flag::EXIT) || u.op == UopOp::EXIT_TRACE;
}

struct Trace {
    uint32_t id = 0;
    Function* fn = nullptr;   // where the trace starts
    uint32_t start = 0;       // instruction index in fn
    bool from_entry = false;  // started at a hot function entry
    bool at_return = false;   // started at a return point (reached by RETURN)
    Trace* parent = nullptr;  // for side traces
    int parent_exit = -1;
    // Rebuilt from the same start because it kept leaving without progress
    // (its types went stale): `replaced_by` is the trace Tier 1 enters
    // instead; `rebuilds` counts generations, bounded by kMaxRebuilds.
    Trace* replaced_by = nullptr;
    uint8_t rebuilds = 0;
    std::string stop_reason;  // why projection ended
    std::vector<Uop> projected;  // before the optimizer (for the printer)
    std::vector<Uop> uops;       // what runs
    std::vector<UopSource> sources;  // one per uop: what it derives from (the printer, the explorer)
    std::vector<Exit> exits;
    jit::CompiledTrace* machine = nullptr;  // its machine code (--jit=on), owned by the Jit
};

// Which compiler turns traces into machine code (--jit=on|llvm-O0|llvm-O2).
enum class JitBackend : uint8_t { CopyPatch, LlvmO0, LlvmO2 };

struct Tier2Options {
    uint32_t threshold = 64;     // backward jumps / calls / exits before a trace
    int opt_level = 1;           // 0: run the projected uops as they are
    uint32_t max_trace_uops = 400;
    uint32_t max_inline_depth = 8;
    // Locals a trace keeps in registers (--local-regs, 0..4; jit/jit_abi.h)
    uint32_t local_regs = 4;
    bool machine_code = false;   // --jit=on (or llvm-*): compile traces to machine code
    JitBackend backend = JitBackend::CopyPatch;  // ... with this compiler
    // The one Tier-2 size limit (--max-jit-code); past it hot code stays in
    // Tier 1 and each refusal counts in jit_cap_refusals. It bounds the
    // machine code placed (--jit=on) and, through max_uops_in_traces(), the
    // uops kept in traces in either tier: no fixed count of traces.
    uint64_t max_code_bytes = uint64_t(64) << 20;
    // A uop compiles to 20-100 bytes of machine code: a budget of one uop per
    // 32 bytes lets the code cap bind first for --jit=on, and bounds the
    // uop interpreter's traces (about 50 bytes of Uop per uop kept) alike.
    uint64_t max_uops_in_traces() const { return max_code_bytes / 32; }
    // Machine code made visible to profilers and debugger (jit/profiling/):
    bool perf_map = false;       // write /tmp/perf-PID.map for `perf report`
    bool perf_jitdump = false;   // write DIR/jit-PID.dump for `perf inject --jit`
    std::string perf_jitdump_dir;  // empty: /tmp
    bool gdb_jit = false;        // register each trace with GDB's JIT interface
    // Test hook (tests/unit/wx_test.cpp): called each time the JIT has written
    // machine code (a trace compiled, an exit linked), to inspect the mappings.
    void (*on_code_written)(void* ctx, const jit::CompiledTrace& c) = nullptr;
    void* on_code_written_ctx = nullptr;
    bool keep_listing = false;   // keep what each hole was patched with (`cpjit trace`)
    // Address space per code-arena chunk; 0: one chunk up to the cap. Tests
    // make it tiny (`run --jit-arena-chunk=SIZE`) so traces spread over chunks.
    uint64_t arena_chunk_bytes = 0;
    // compile_ns: two clock reads per compile (20-80 ns here). `cpjit bench
    // --compile` turns it off and times whole rounds instead.
    bool time_compiles = true;
};

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

// Owns every trace of a run.
class TraceCache {
public:
    TraceCache(Program& prog, Value* globals, const Tier2Options& opts);
    ~TraceCache();

    Value* global_slot(int32_t index) const { return globals_ + index; }

    // The trace starting at fn's instruction `start`, if any.
    Trace* at(Function* fn, uint32_t start) const {
        return start < fn->trace_at.size() ? static_cast<Trace*>(fn->trace_at[start]) : nullptr;
    }
    // The first side trace built starting at `start` (side traces are not
    // entered from Tier 1, but another exit resuming there can link to one).
    Trace* side_at(const Instr* start) const {
        auto it = side_at_.find(start);
        return it == side_at_.end() ? nullptr : it->second;
    }
    // Projects, optimizes and installs a trace starting at fn[start].
    // nullptr when nothing worth running came out.
    Trace* build(Function* fn, uint32_t start, bool from_entry, Trace* parent, int parent_exit,
                 bool at_return = false);
    // Projects `old` again from its start (Tier 1 has re-specialized what
    // made it exit) and makes the new trace the one Tier 1 enters. `old`
    // stays valid for whatever still links to it. nullptr when no better
    // trace came out or `old` was rebuilt kMaxRebuilds times already.
    Trace* rebuild(Trace& old);
    static constexpr uint8_t kMaxRebuilds = 8;

    // The CallSite of the call at caller's instruction call_index (PUSH_FRAME's
    // operand): made once per call instruction.
    const CallSite* call_site(Function* caller, uint32_t call_index, Function* callee) const;

    const std::vector<std::unique_ptr<Trace>>& traces() const { return traces_; }
    const Tier2Options& options() const { return opts_; }
    // The machine-code backend (nullptr unless opts.machine_code and it can
    // run here), and the same when it is copy-and-patch's.
    jit::Backend* jit() const { return jit_.get(); }
    jit::Jit* copy_patch() const;
    Tier2Stats stats;
    TraceAborts aborts;

private:
    Program& prog_;
    Value* globals_;
    Tier2Options opts_;
    std::vector<std::unique_ptr<Trace>> traces_;
    std::unique_ptr<jit::Backend> jit_;
    // Node-based: CallSites never move (machine code holds their addresses).
    mutable std::unordered_map<const Instr*, CallSite> call_sites_;
    std::unordered_map<const Instr*, Trace*> side_at_;
    static void size_slots(Function& fn);
};

// Passes (projector.cpp, optimizer.cpp).
// Sets Exit::progress from the projected uops: an exit that resumes at the
// trace's start before any uop of another instruction ran has done nothing
// Tier 1 would see.
void mark_exit_progress(Trace& t);
// False, and `why` set, when nothing worth running came out.
bool project_trace(Program& prog, const TraceCache& cache, Trace& t, const Tier2Options& opts, TraceAbort& why);
void optimize_trace(Trace& t, Tier2Stats& stats);

// The trace printer (trace_printer.cpp).
std::string print_uop(const Program& prog, const Trace& t, const Uop& u);
// "main@7 (line 9)" for an instruction of prog; a value as `dis` shows a literal.
std::string print_place(const Program& prog, const Instr* ins);
std::string value_literal_text(Value v);
std::string print_trace(const Program& prog, const Trace& t);

}  // namespace cpjit
