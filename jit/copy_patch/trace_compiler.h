// The copy-and-patch JIT: a trace's uops become machine code by copying each
// uop's stencil (jit/copy_patch/generated/) into executable memory and patching its holes.
//
// Layout of one compiled trace, in one allocation:
//   hot code   the uops' stencils back to back; a stencil's final jump to
//              the next one is dropped (the next one follows)
//   stubs      one exit stub per side exit a uop takes (and per LINK_TRACE),
//              cold, each the size of its own variant: the cached values
//              written back, then a jump to the exit tail (or, once linked,
//              to the other trace) with the exit's record in a register
//   tail       the exit tail (one per trace with stubs): returns the record
//              to the VM
//   data       the stencils' read-only data (e.g. float constants)
//   GOT        one slot per helper function the trace calls, for calls
//              that cannot be relaxed into direct ones
// Traces are placed one after another in a code arena (jit/code_memory.h):
// large W^X dual mappings, written only through their read-write view,
// executed only through their read-execute view, committed ahead of need.
//
// Patching is data: at start-up every stencil gets a patch list (offset,
// patch function of its relocation kind, where the value comes from), so
// emitting a uop is one memcpy and a short loop over that list. A compile is
// one sizing pass over the uops and one emit pass; the exit records and the
// CompiledTrace come from pools (jit/span_pool.h), not from malloc.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "jit/backend.h"
#include "jit/jit_abi.h"
#include "jit/span_pool.h"
#include "jit/copy_patch/stencil_set.h"
#include "jit/tier2/trace.h"

namespace cpjit::jit {

class CodeMemory;
namespace profiling {
class CodeListeners;
}

// One placed piece of machine code (for printers and the profilers).
struct PlacedStencil {
    int32_t uop = -1;           // index into Trace::uops, -1 for a stub
    const Stencil* stencil = nullptr;
    uint32_t offset = 0;        // in the allocation
    uint32_t size = 0;          // bytes copied (without a dropped jump)
    bool spill = false;         // a SPILL_rN placed before uop `uop`
    int32_t local = -1;         // a LOCAL_REG_Lk (also `spill`): the local it loads
    bool box = false;           // a BOX_rN_fM (also `spill`): cached floats into general registers
    int32_t num_uops = 1;       // uops `uop`.. it runs (2: a Fused stencil, stencil_variants.h)
    int32_t record = -1;        // a stub: index of its exit record in CompiledTrace::records (-1: the exit tail)
};

// One hole as patched, kept only with Tier2Options::keep_listing (for the
// machine code listing of `cpjit trace`). Which uop or stub it belongs to
// follows from `offset` and CompiledTrace::placed; what `symbol` means,
// from `value` and that uop.
struct PatchedHole {
    uint32_t offset = 0;      // of the patched field, in the allocation
    RelocKind kind{};
    HoleValue value{};        // the hole's symbol (_JIT_CONTINUE, a helper, ...)
    uint16_t helper = 0;      // HoleValue::Helper: index of the helper and its GOT slot
    uint64_t symbol = 0;      // S as written (a link_exit updates it)
    int64_t addend = 0;
    uint64_t got_slot = 0;    // address of the GOT slot offered (0: none)
    bool via_got = false;     // a GOT form left as a load from that slot
};

// A trace's machine code as copy-and-patch placed it (Trace::machine, when
// made_by is CopyPatch: copy_patch_code() gives it).
struct CompiledTrace : MachineCode {
    uint64_t got_helpers = 0;   // bit h: helper h has a GOT slot; the slots end the allocation, in helper order
    // Both empty unless Tier2Options::keep_listing (for `cpjit trace`;
    // profilers read `placed` while the trace is announced to them):
    std::vector<PlacedStencil> placed;  // steps in order (uops, spills), then stubs in record order (exits without one left out), then the exit tail
    std::vector<PatchedHole> holes;
};

// t's machine code when copy-and-patch made it, else nullptr.
inline const CompiledTrace* copy_patch_code(const Trace& t) {
    return t.machine && t.machine->made_by == JitBackend::CopyPatch ? static_cast<const CompiledTrace*>(t.machine)
                                                                     : nullptr;
}

class Jit final : public Backend {
public:
    // nullptr when the host has no stencils or executable memory cannot be
    // mapped: the VM then runs traces in the uop interpreter.
    static std::unique_ptr<Jit> create(const Tier2Options& opts, Tier2Stats& stats);
    // A Jit for any target's stencils whose code is only looked at (`cpjit
    // trace --target`, the explorer): placed in memory that is never
    // executable. enter() must not be called on it.
    static std::unique_ptr<Jit> create_for_listing(const StencilSet& set, const Tier2Options& opts, Tier2Stats& stats);
    ~Jit() override;
    const char* name() const override { return "copy-and-patch"; }
    // Executable memory mapped now (both views of the dual mapping once),
    // and bytes placed in it (traces, the entry shim, alignment).
    uint64_t mapped_bytes() const override;
    uint64_t used_bytes() const override;
    const CodeMemory& memory() const { return *memory_; }

    const StencilSet& stencils() const { return set_; }
    const char* helper_name(uint16_t index) const { return set_.helpers[index]; }
    uint64_t helper_address(uint16_t index) const { return values_.symbols[kHelperSymbols + index]; }

private:
    MachineCode* emit(Trace& t, std::span<JitExitRecord> records, uint64_t& bytes, Emitted& why) override;
    void free_code(Trace& t) override;
    bool write_link(JitExitRecord& rec, const Trace& target) override;

    struct Layout;
    // S and G of each hole of the stencil being placed (PatchOp::symbol, ::got).
    struct Values {
        // The HoleValues' values where the stencil is placed (Code, Continue,
        // ...), then each helper's address (set once, at init).
        uint64_t symbols[kNumSymbols] = {};
        // Helper h's slot in the GOT of the trace being compiled (only the
        // trace's helpers are current); the last, kNoGotSlot, is 0.
        uint64_t got_slots[kMaxHelpers + 1] = {};
        uint32_t has = 0;  // kOptionalJumps bits that have a target
        void set(HoleValue k, uint64_t x) { symbols[size_t(k)] = x; }
        void clear_hole_values() { std::fill_n(symbols, kNumHoleValues, uint64_t(0)); }
    };
    // One stencil placed in a trace's hot code: a uop's variant, or a SPILL
    // before uop `uop`, or (also marked spill) a LOCAL_REG_Lk that loads
    // local `local` into a register before the first uop.
    struct Step {
        uint16_t stencil;         // index into set_
        uint32_t uop;             // index into Trace::uops
        uint8_t cached_at_exit;   // the uop's exit leaves this many values in registers
        bool spill;               // (also a BOX: a step with no uop of its own)
        int32_t local = -1;       // LOCAL_REG_Lk: the local it loads
        uint8_t floats_at_exit = 0;  // which of those are in FP registers
        bool box = false;            // a BOX_rN_fM (also `spill`)
        uint8_t num_uops = 1;        // uops `uop`.. it runs (2: a Fused stencil); the last one's exit
        // The uop whose operands and exit the step's holes take (a Fused
        // pair's guard): sizing and emitting must read the same one.
        const Uop& holes_uop(const Trace& t) const { return t.uops[uop + num_uops - 1]; }
    };

    Jit(const StencilSet& set, const Tier2Options& opts, Tier2Stats& stats, bool executable = true);
    bool init();
    bool choose_variants(const Trace& t);
    [[gnu::always_inline]] void add_step(const Step& step);
    void choose_local_regs(const Trace& t);
    void load_local_regs(uint32_t uop);
    bool size_trace(const Trace& t, Layout& l);
    bool emit_trace(Trace& t, CompiledTrace& c, const Layout& l, RelaxCounter& relax);
    bool emit_stub(const Trace& t, CompiledTrace& c, JitExitRecord& r, uint64_t tail, Values& v, RelaxCounter& relax);
    bool emit_exit_tail(CompiledTrace& c, const Layout& l, Values& v, RelaxCounter& relax);
    void summarize_stubs();
    [[gnu::always_inline]] bool patch(const StencilPlan& p, uint32_t num_ops, uint8_t* rw, uint64_t rx, const Values& v,
               RelaxCounter& relax);
    bool patch_listed(const StencilPlan& p, uint32_t num_ops, uint8_t* rw, uint64_t rx, const Values& v,
                      RelaxCounter& relax);
    void announce(const Trace& t, CompiledTrace& c);

    const StencilSet& set_;
    bool executable_;  // false: a listing-only Jit (create_for_listing)
    std::unique_ptr<CodeMemory> memory_;
    const StencilPlan* plans_;  // set_'s, one per stencil (stencil_plan.h)
    const PatchOp* ops_;
    Values values_;
    std::vector<Step> steps_;        // of the trace being compiled (choose_variants)
    // What the steps add up to, summed as they are chosen (add_step).
    struct StepSizes {
        uint32_t hot = 0;      // code bytes, every trailing jump dropped
        bool usable = true;    // every stencil can be filled
        bool has_data = false;
        uint64_t helpers = 0;  // the stencils' helpers (GOT slots)
    } sized_;
    std::vector<int8_t> local_reg_;  // per local of the trace's frame: its register (kMaxLocalRegs and up: FP), or -1
    std::vector<uint32_t> local_loads_;  // choose_local_regs: loads per local
    std::vector<uint32_t> local_float_loads_;  // ... of the locals entry-guarded as floats
    std::vector<uint32_t> local_temp_loads_;   // ... of those the trace stores only floats into
    enum class StoredKind : uint8_t { None, Floats, Others };  // what the trace stores into a local
    std::vector<StoredKind> float_stored_;
    uint32_t loop_step_ = 0;         // the step JUMP_TO_TOP goes to (after the LOCAL_REGs)
    // Per exit record of the trace being compiled (size_trace): where its
    // stub goes and which variant it is (EXIT_r<cached>_f<floats>).
    struct StubSlot {
        uint32_t offset = JitExitRecord::kNoStub;
        uint8_t cached = 0, floats = 0;
    };
    std::vector<StubSlot> stubs_;
    uint64_t stub_helpers_ = 0;      // helpers any exit stub variant calls (none today)
    bool stub_usable_ = true;
    SpanPool<CompiledTrace> trace_pool_{256};
    // Profilers and debuggers told about code (jit/copy_patch/profiling/); nullptr
    // unless an option asks for one.
    std::unique_ptr<profiling::CodeListeners> listeners_;
    CompiledTrace* listing_ = nullptr;  // the trace being compiled, when keeping its holes
};

}  // namespace cpjit::jit
