// The trace compiler of the copy-and-patch JIT (layout in jit/copy_patch/trace_compiler.h).
#include "jit/copy_patch/trace_compiler.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "jit/code_memory.h"
#include "jit/count_bits.h"
#include "jit/copy_patch/step_choices.h"
#include "jit/copy_patch/stencil_variants.h"
#include "jit/copy_patch/profiling/listeners.h"
#include "jit/tier2/uop_helper_table.h"

namespace cpjit::jit {

namespace {

uint32_t align_up(uint32_t x, uint32_t a) { return a <= 1 ? x : (x + a - 1) / a * a; }

constexpr size_t kFirstCommitBytes = 16 << 10;

// Copies a stencil's bytes. Most stencils are 16 to 64 bytes: two moves of
// a fixed size (overlapping in the middle) inline, not a call into the C
// library that picks a strategy by size each time.
inline void copy_stencil_bytes(uint8_t* to, const uint8_t* from, uint32_t n) {
    if (n >= 16 && n <= 32) {
        std::memcpy(to, from, 16);
        std::memcpy(to + n - 16, from + n - 16, 16);
    } else if (n > 32 && n <= 64) {
        std::memcpy(to, from, 32);
        std::memcpy(to + n - 32, from + n - 32, 32);
    } else {
        std::memcpy(to, from, n);
    }
}


}  // namespace

// Where the parts of one trace go (offsets in its block), from the sizing pass.
struct Jit::Layout {
    uint32_t hot_size = 0;
    uint32_t stubs_at = 0;
    uint32_t tail_at = 0;      // the exit tail, after the stubs (tail_at == data_at: no stubs, no tail)
    uint32_t data_at = 0, got_at = 0, total = 0;
    uint64_t got_helpers = 0;  // helpers the trace calls: one GOT slot each, in helper order
};

std::unique_ptr<Jit> Jit::create(const Tier2Options& opts, Tier2Stats& stats) {
    const StencilSet* set = host_stencils();
    if (!set) return nullptr;
    std::unique_ptr<Jit> jit(new Jit(*set, opts, stats));
    if (!jit->init()) return nullptr;
    return jit;
}

std::unique_ptr<Jit> Jit::create_for_listing(const StencilSet& set, const Tier2Options& opts, Tier2Stats& stats) {
    std::unique_ptr<Jit> jit(new Jit(set, opts, stats, /*executable=*/false));
    if (!jit->init()) return nullptr;
    return jit;
}

Jit::Jit(const StencilSet& set, const Tier2Options& opts, Tier2Stats& stats, bool executable)
    : Backend(opts, stats), set_(set), executable_(executable), plans_(set.plans), ops_(set.ops) {}

Jit::~Jit() = default;

uint64_t Jit::mapped_bytes() const { return memory_->mapped_bytes(); }
uint64_t Jit::used_bytes() const { return memory_->used_bytes(); }

bool Jit::init() {
    if (set_.num_helpers > kMaxHelpers) return false;  // a trace's GOT is a 64-bit mask of helpers
    for (uint32_t i = 0; i < set_.num_helpers; ++i) {
        const void* address = uop_helper_address(set_.helpers[i]);
        if (!address) return false;  // stencils name a helper this build lacks
        values_.symbols[kHelperSymbols + i] = uint64_t(address);
    }
    summarize_stubs();
    CodeMemoryOptions mo;
    // One chunk holds everything up to the cap (reserved address space
    // costs nothing until committed), unless a test asks for small chunks.
    mo.chunk_bytes = opts_.arena_chunk_bytes ? opts_.arena_chunk_bytes
                                             : size_t(std::min<uint64_t>(opts_.max_code_bytes + (1 << 16), 1 << 30));
    mo.executable = executable_;
    // The first commit (at start-up, with the entry shim) holds the code of
    // most small programs, so their first traces commit nothing; later
    // commits grow with use (code_memory.h).
    mo.commit_step = kFirstCommitBytes;
    // Profilers and debuggers only for code that runs (not for a listing's).
    mo.perf_visible = executable_ && profiling::CodeListeners::wants_perf_visible_memory(opts_);
    mo.single_view = executable_ && opts_.gdb_jit;  // gdb writes its breakpoints into private memory only
    memory_ = CodeMemory::create(mo);
    if (!memory_) return false;
    // The entry shim: copied once; it has no holes.
    const Stencil& shim = set_.stencils[entry_stencil()];
    if (shim.num_holes || shim.data_size) return false;
    CodeBlock b = memory_->alloc(shim.code_size);
    if (!b.rx || !memory_->begin_write(b.rw, shim.code_size)) return false;
    std::memcpy(b.rw, shim.code, shim.code_size);
    memory_->end_write(b.rw, shim.code_size);
    CodeMemory::flush(b.rx, shim.code_size);
    entry_ = reinterpret_cast<JitEntryFn*>(b.rx);
    stats_.code_mapped_bytes = memory_->mapped_bytes();
    if (executable_) listeners_ = profiling::CodeListeners::create(opts_, set_.arch);
    if (listeners_) listeners_->shim_placed(b.rx, shim.code_size);
    return true;
}

// What the exit stub variants and the exit tail need: no data, and which
// helpers (for the GOT).
void Jit::summarize_stubs() {
    auto add = [&](const StencilPlan& p) {
        if (p.data_size) stub_usable_ = false;
        stub_helpers_ |= p.helpers;
    };
    for (int k = 0; k <= kMaxCached; ++k)
        for (int m = 0; m < 1 << k; ++m) add(plans_[size_t(exit_stencil(k, m))]);
    add(plans_[size_t(exit_tail_stencil())]);
}

// Patches the first `num_ops` holes of plan `p`, already copied to rw
// (executing at rx).
inline bool Jit::patch(const StencilPlan& p, uint32_t num_ops, uint8_t* rw, uint64_t rx, const Values& v,
                       RelaxCounter& relax) {
    if (listing_) [[unlikely]]
        return patch_listed(p, num_ops, rw, rx, v, relax);
    const PatchOp* op = ops_ + p.first_op;
    for (const PatchOp* end = op + num_ops; op != end; ++op)
        if (kPatchFns[size_t(op->kind)](rw + op->offset, rx + op->offset, v.symbols[op->symbol], op->addend,
                                        v.got_slots[op->got], &relax) != PatchStatus::Ok)
            return false;
    return true;
}

// patch(), keeping what each hole became (`cpjit trace`).
bool Jit::patch_listed(const StencilPlan& p, uint32_t num_ops, uint8_t* rw, uint64_t rx, const Values& v,
                       RelaxCounter& relax) {
    const PatchOp* op = ops_ + p.first_op;
    for (const PatchOp* end = op + num_ops; op != end; ++op) {
        const uint64_t at = rx + op->offset, symbol = v.symbols[op->symbol], got = v.got_slots[op->got];
        const uint64_t relaxed_before = relax.relaxed;
        if (kPatchFns[size_t(op->kind)](rw + op->offset, at, symbol, op->addend, got, &relax) != PatchStatus::Ok)
            return false;
        listing_->holes.push_back({uint32_t(at - uint64_t(listing_->rx)), op->kind, op->value(), op->helper(), symbol,
                                   op->addend, got,
                                   reloc_info(op->kind).uses_got && relax.relaxed == relaxed_before});
    }
    return true;
}

// The stencils of a trace in order (top-of-stack caching, stencil_variants.h):
// each uop's variant for the number of values cached before it, and a SPILL
// before a uop that needs the whole stack in memory. Every trace starts and
// ends (its END uop) with nothing cached.
//
// A trace first runs its entry guards (uops before Trace::loop_head, on
// the locals in memory), then loads its most used locals into the local
// registers (choose_local_regs); their LOAD_LOCAL and STORE_LOCAL in the
// trace's own frame (not in an inlined callee's) become the _Lk variants,
// and JUMP_TO_TOP goes back to the step after those loads. A CALLS uop's
// stencil drops the local registers: they are loaded again (the frame is
// current) before the trace next needs them in its own frame.
//
// Floats in FP registers (jit/jit_abi.h): a float result stays in an FP
// register (floats_after) while the uops after it have variants that take
// it there; before any other uop a BOX moves the cached floats into general
// registers. A SPILL or an exit stub stores them from where they are.
//
// A comparison followed by the bool guard that consumes it is one step, the
// pair's Fused stencil: it takes the guard's exit and leaves what the two
// stencils in sequence would.
namespace {
// How deep in inlined frames the uop after `op` runs (0: the trace's own).
int depth_after(UopOp op, int depth) {
    return depth + (op == UopOp::PUSH_FRAME ? 1 : op == UopOp::POP_FRAME ? -1 : 0);
}
}  // namespace

// Appends a step and adds its stencil to the sizes: its code without the
// trailing jump (the next step follows; size_trace adds the last one's).
// Inlined: a Step built in the caller's frame and read back whole by a call
// stalls on store forwarding.
inline void Jit::add_step(const Step& step) {
    steps_.push_back(step);
    const StencilPlan& p = plans_[step.stencil];
    sized_.hot += p.kept_size;
    sized_.usable &= p.usable;
    sized_.has_data |= p.data_size != 0;
    sized_.helpers |= p.helpers;
}

// Sizing runs in the same pass: each step adds its bytes as it is chosen
// (add_step). Returns false when a uop names an exit the trace lacks.
bool Jit::choose_variants(const Trace& t) {
    steps_.clear();
    const uint32_t num_exits = uint32_t(t.exits.size());
    stubs_.assign(num_exits, StubSlot{});
    sized_ = {};
    choose_local_regs(t);
    int cached = 0, floats = 0, depth = 0;
    bool dropped = false;  // by a CALLS uop since they were loaded
    for (uint32_t i = 0; i < uint32_t(t.uops.size()); ++i) {
        const Uop& u = t.uops[i];
        const UopOp op = u.op;
        if (i == t.loop_head) {
            load_local_regs(i);
            loop_step_ = uint32_t(steps_.size());
        }
        if (kStepChoices.uop[size_t(op)][cache_state(cached, floats)].stencil == kSpillFirst) {
            add_step({uint16_t(spill_stencil(cached, floats)), i, 0, true});
            cached = floats = 0;
        }
        const bool in_reg = depth == 0 && (op == UopOp::LOAD_LOCAL || op == UopOp::STORE_LOCAL) &&
                            size_t(u.arg) < local_reg_.size() && local_reg_[size_t(u.arg)] >= 0;
        if (dropped && (in_reg || op == UopOp::JUMP_TO_TOP)) {
            load_local_regs(i);
            dropped = false;
        }
        // (a Fused pair: the guard's exit, and what it leaves after the comparison)
        const int pair = i + 1 < t.uops.size() ? fused_pair_index(op, t.uops[i + 1].op) : -1;
        const StepChoices& choices = pair >= 0 ? kStepChoices.fused[pair]
                                     : in_reg  ? kStepChoices.local[local_reg_[size_t(u.arg)]][op == UopOp::STORE_LOCAL]
                                               : kStepChoices.uop[size_t(op)];
        const StepChoice* c = &choices[cache_state(cached, floats)];
        if (c->stencil == kBoxFirst) {
            add_step({uint16_t(box_stencil(cached, floats)), i, 0, true, -1, 0, true});
            floats = 0;
            c = &choices[cache_state(cached, 0)];
        }
        const bool fused = pair >= 0;
        add_step({uint16_t(c->stencil), i, c->cached_at_exit, false, -1, c->floats_at_exit, false,
                  uint8_t(fused ? 2 : 1)});
        floats = c->floats_after;
        cached = c->cached_after;
        // The step's exit gets a stub; a LINK_TRACE's jump one after the exits'.
        const Uop& last = t.uops[i + fused];
        if (has_exit(last)) {
            if (last.exit >= num_exits) return false;
            stubs_[last.exit] = {0, c->cached_at_exit, c->floats_at_exit};
        } else if (last.op == UopOp::LINK_TRACE) {
            stubs_.push_back({0, 0, 0});  // its record follows the exits' (Backend::take_records)
        }
        i += fused;  // neither uop of a pair moves frames or calls
        depth = depth_after(op, depth);
        dropped |= !local_reg_.empty() && (uop_info(op).flags & uop_flag::CALLS);
    }
    return true;
}

// LOCAL_REG steps (before uop `uop`) that load every chosen local into its
// register; they keep the cached stack values as they are.
void Jit::load_local_regs(uint32_t uop) {
    for (size_t local = 0; local < local_reg_.size(); ++local)
        if (local_reg_[local] >= 0)
            add_step({uint16_t(local_reg_stencil(local_reg_[local])), uop, 0, true, int32_t(local)});
}

// Which locals of the trace's own frame go into the local registers: the
// most loaded ones (a load from a register saves waiting for the store
// that wrote the local, often the previous iteration's), if loaded more
// often than the registers are loaded: once per reload after CALLS uops,
// and, in a trace that does not loop, once at its start. (RETURN, which
// leaves the frame, is always a trace's last uop.) A float local takes a
// float local register, as a double that float uops use where it is: one
// the loop's entry guard proves a float (GUARD_FLOAT_LOCAL before
// Trace::loop_head: every store in the loop keeps it one), or one the
// trace stores only float uops' results into (a temporary, e.g.
// mandelbrot's `tr`). The others take general ones.
void Jit::choose_local_regs(const Trace& t) {
    local_reg_.clear();
    if (opts_.local_regs == 0 && opts_.float_local_regs == 0) return;
    std::vector<uint32_t>& loads = local_loads_;  // a member: no allocation per trace
    loads.assign(t.fn->num_locals(), 0);
    float_stored_.assign(loads.size(), StoredKind::None);
    uint32_t reloads = t.uops.back().op == UopOp::JUMP_TO_TOP ? 0 : 1;
    int depth = 0;
    bool dropped = false;
    for (const Uop& u : t.uops) {
        const bool local = depth == 0 && (u.op == UopOp::LOAD_LOCAL || u.op == UopOp::STORE_LOCAL);
        if (dropped && (local || u.op == UopOp::JUMP_TO_TOP)) {
            ++reloads;
            dropped = false;
        }
        if (local && u.op == UopOp::LOAD_LOCAL && size_t(u.arg) < loads.size()) ++loads[size_t(u.arg)];
        if (local && u.op == UopOp::STORE_LOCAL && size_t(u.arg) < loads.size()) {
            // a float uop's result, maybe DUP'd: a float
            const size_t at = size_t(&u - t.uops.data());
            const size_t from = at >= 2 && t.uops[at - 1].op == UopOp::DUP ? at - 2 : at - 1;
            const bool is_float = at >= 1 && pushes_float(int(t.uops[from].op));
            StoredKind& k = float_stored_[size_t(u.arg)];
            k = is_float && k != StoredKind::Others ? StoredKind::Floats : StoredKind::Others;
        }
        depth = depth_after(u.op, depth);
        dropped |= (uop_info(u.op).flags & uop_flag::CALLS) != 0;
    }
    local_reg_.assign(loads.size(), -1);
    // The entry-guarded floats first (the loop's recurrences), then the
    // temporaries; each group most loaded first.
    std::vector<uint32_t>& guarded = local_float_loads_;
    std::vector<uint32_t>& temporaries = local_temp_loads_;
    guarded.assign(loads.size(), 0);
    temporaries.assign(loads.size(), 0);
    for (uint32_t i = 0; i < t.loop_head; ++i)
        if (t.uops[i].op == UopOp::GUARD_FLOAT_LOCAL && size_t(t.uops[i].arg) < loads.size())
            std::swap(guarded[size_t(t.uops[i].arg)], loads[size_t(t.uops[i].arg)]);
    for (size_t l = 0; l < loads.size(); ++l)
        if (float_stored_[l] == StoredKind::Floats) std::swap(temporaries[l], loads[l]);
    bool any = false;
    // Registers from `k` on, up to `end`, to the most loaded locals of `counts`.
    int k = kMaxLocalRegs;
    auto give = [&](std::vector<uint32_t>& counts, int end) {
        for (; k < end; ++k) {
            const auto most = std::max_element(counts.begin(), counts.end());
            if (most == counts.end() || *most <= reloads) break;
            local_reg_[size_t(most - counts.begin())] = int8_t(k);
            *most = 0;
            any = true;
        }
    };
    const int fp_end = kMaxLocalRegs + int(std::min<uint32_t>(opts_.float_local_regs, uint32_t(kMaxFloatLocalRegs)));
    give(guarded, fp_end);
    give(temporaries, fp_end);
    // (a float the FP registers had no room for competes for a general one)
    for (size_t l = 0; l < loads.size(); ++l)
        if (local_reg_[l] < 0) loads[l] += guarded[l] + temporaries[l];
    k = 0;
    give(loads, int(std::min<uint32_t>(opts_.local_regs, uint32_t(kMaxLocalRegs))));
    if (!any) local_reg_.clear();
}

// Pass 1: sizes and offsets. Hot code: each step's stencil; its trailing
// jump to the next one is dropped (the next one follows). The last uop ends
// the trace (JUMP_TO_TOP, LINK_TRACE, EXIT_TRACE) and never continues. Then
// cold: one stub per exit a uop takes and one per LINK_TRACE, each its own
// variant's size (an exit whose guard the optimizer removed gets none), and
// the exit tail the stubs jump to (when there are stubs); read-only data;
// the GOT.
bool Jit::size_trace(const Trace& t, Layout& l) {
    if (!choose_variants(t) || !sized_.usable) return false;
    const uint32_t n = uint32_t(steps_.size());
    const StencilPlan& final_step = plans_[steps_[n - 1].stencil];
    uint32_t pos = sized_.hot + (final_step.code_size - final_step.kept_size);
    l.got_helpers = sized_.helpers;
    const uint32_t stub_align = set_.arch == Arch::A64 ? 4 : 1;
    l.hot_size = pos;
    l.stubs_at = align_up(pos, stub_align);
    pos = l.stubs_at;
    for (StubSlot& s : stubs_) {
        if (s.offset == JitExitRecord::kNoStub) continue;
        s.offset = pos;
        pos += align_up(plans_[size_t(exit_stencil(s.cached, s.floats))].code_size, stub_align);
    }
    l.tail_at = pos;
    if (pos != l.stubs_at) {
        l.got_helpers |= stub_helpers_;
        pos += align_up(plans_[size_t(exit_tail_stencil())].code_size, stub_align);
    }
    l.data_at = pos;  // each stencil's data at the next multiple of its alignment
    for (uint32_t i = 0; sized_.has_data && i < n; ++i) {
        const StencilPlan& p = plans_[steps_[i].stencil];
        if (p.data_size) pos = align_up(pos, p.data_align) + p.data_size;
    }
    l.got_at = l.got_helpers ? align_up(pos, 8) : pos;  // no GOT, no padding for it
    l.total = l.got_at + 8 * count_bits(l.got_helpers);
    return true;
}

// Pass 2: copies and patches the steps' stencils (and their data), and fills
// the exit records the stubs will name.
bool Jit::emit_trace(Trace& t, CompiledTrace& c, const Layout& l, RelaxCounter& relax) {
    const uint32_t n = uint32_t(steps_.size()), num_exits = uint32_t(t.exits.size());
    const uint64_t rx = uint64_t(c.rx);
    if (c.records.size() != stubs_.size()) return false;  // records and uops disagree on the LINK_TRACEs
    for (size_t k = 0; k < stubs_.size(); ++k) {
        JitExitRecord& r = c.records[k];
        r.stub_offset = stubs_[k].offset;
        r.cached = stubs_[k].cached;
        r.floats = stubs_[k].floats;
    }
    Values& v = values_;
    uint32_t code = 0, data = l.data_at, link = num_exits, loop_code = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const Step& step = steps_[i];
        const Uop& u = step.holes_uop(t);
        const StencilPlan& p = plans_[step.stencil];
        const bool dropped = p.drops_jump && i + 1 < n;
        const uint32_t size = dropped ? p.kept_size : p.code_size;
        copy_stencil_bytes(c.rw + code, p.code, size);
        if (p.data_size) {
            data = align_up(data, p.data_align);
            std::memcpy(c.rw + data, p.data, p.data_size);
            v.set(HoleValue::Data, rx + data);
            data += p.data_size;
        }
        if (i == loop_step_) loop_code = code;
        v.set(HoleValue::Code, rx + code);
        v.set(HoleValue::Continue, rx + code + size);  // the next step (or, for the last, never taken)
        v.set(HoleValue::Operand32, uint32_t(step.local >= 0 ? step.local : u.arg));
        v.set(HoleValue::LocalOffset, uint32_t(step.local >= 0 ? step.local : u.arg) * uint32_t(sizeof(Value)));
        v.set(HoleValue::Operand64, u.operand);
        v.set(HoleValue::Origin, uint64_t(u.origin));
        v.has = 0;
        if (step.spill) {
            // a SPILL has no operands and no exit
        } else if (has_exit(u)) {
            v.has |= hole_bit(HoleValue::SideExit);
            v.set(HoleValue::SideExit, rx + stubs_[u.exit].offset);
        } else if (u.op == UopOp::JUMP_TO_TOP) {
            v.has |= hole_bit(HoleValue::JumpTarget);
            v.set(HoleValue::JumpTarget, rx + loop_code);  // past the LOCAL_REGs
        } else if (u.op == UopOp::LINK_TRACE) {
            v.has |= hole_bit(HoleValue::JumpTarget);  // its record's trace and link_to are set (Backend::take_records)
            v.set(HoleValue::JumpTarget, rx + stubs_[link++].offset);
        }
        if (p.needs & ~v.has) return false;
        if (listing_) [[unlikely]]
            c.placed.push_back(
                {int32_t(step.uop), &set_.stencils[step.stencil], code, size, step.spill, step.local, step.box,
                 step.num_uops});
        if (!patch(p, p.num_ops - (dropped ? 1 : 0), c.rw + code, rx + code, v, relax)) return false;
        code += size;
    }
    return true;
}

// Copies and patches the stub of record r: it jumps to the trace's exit
// tail (at `tail`) with r's byte offset among the records. A LINK_TRACE to
// a compiled trace (or to this one: a recursive call) jumps there at once;
// through the tail and r.link_code when its jump cannot reach that far.
// `v` is shared by all stubs of a trace (only these values differ).
bool Jit::emit_stub(const Trace& t, CompiledTrace& c, JitExitRecord& r, uint64_t tail, Values& v,
                    RelaxCounter& relax) {
    const StencilPlan& p = plans_[size_t(exit_stencil(r.cached, r.floats))];
    const uint64_t at = uint64_t(c.rx) + r.stub_offset;
    copy_stencil_bytes(c.rw + r.stub_offset, p.code, p.code_size);
    v.set(HoleValue::Code, at);
    v.set(HoleValue::Operand32, uint64_t(&r - c.records.data()) * sizeof(JitExitRecord));
    const uint64_t link = !r.link_to             ? 0
                          : r.link_to == &t      ? uint64_t(c.rx)
                          : r.link_to->machine   ? uint64_t(r.link_to->machine->rx)
                                                 : 0;
    r.linked = link != 0;
    if (listing_) [[unlikely]]
        c.placed.push_back({-1, &set_.stencils[size_t(exit_stencil(r.cached, r.floats))], r.stub_offset, p.code_size,
                            false, -1, false, 1, int32_t(&r - c.records.data())});
    const size_t listed = c.holes.size();
    v.set(HoleValue::JumpTarget, link && !opts_.far_links ? link : tail);
    if (patch(p, p.num_ops, c.rw + r.stub_offset, at, v, relax)) {
        if (link && opts_.far_links) r.link_code = reinterpret_cast<void*>(link);
        return true;
    }
    if (!link) return false;
    c.holes.resize(listed);  // (kept holes: only the second patching's)
    r.link_code = reinterpret_cast<void*>(link);  // out of the jump's reach: the tail goes there
    v.set(HoleValue::JumpTarget, tail);
    return patch(p, p.num_ops, c.rw + r.stub_offset, at, v, relax);
}

// Copies and patches the trace's exit tail: it reads the records from the
// first one on.
bool Jit::emit_exit_tail(CompiledTrace& c, const Layout& l, Values& v, RelaxCounter& relax) {
    const StencilPlan& p = plans_[size_t(exit_tail_stencil())];
    const uint64_t at = uint64_t(c.rx) + l.tail_at;
    copy_stencil_bytes(c.rw + l.tail_at, p.code, p.code_size);
    v.set(HoleValue::Code, at);
    v.set(HoleValue::ExitRecord, uint64_t(c.records.data()));
    if (listing_) [[unlikely]]
        c.placed.push_back({-1, &set_.stencils[size_t(exit_tail_stencil())], l.tail_at, p.code_size});
    return patch(p, p.num_ops, c.rw + l.tail_at, at, v, relax);
}

MachineCode* Jit::emit(Trace& t, std::span<JitExitRecord> records, uint64_t& bytes, Emitted& why) {
    Layout l;
    if (!stub_usable_ || !size_trace(t, l)) return nullptr;
    if (memory_->used_bytes() + align_up(l.total, CodeMemory::kAlign) > opts_.max_code_bytes) {
        why = Emitted::CapReached;
        return nullptr;
    }
    CodeBlock block = memory_->alloc(l.total);
    if (!block.rx) {
        why = Emitted::CapReached;
        return nullptr;
    }
    if (!memory_->begin_write(block.rw, l.total)) {
        memory_->release(block, l.total);
        return nullptr;
    }
    CompiledTrace& c = trace_pool_.take(1)[0];
    c.rx = block.rx;
    c.rw = block.rw;
    c.size = l.total;
    c.hot_size = l.hot_size;
    c.records = records;
    listing_ = opts_.keep_listing || listeners_ ? &c : nullptr;
    c.got_helpers = l.got_helpers;
    // The GOT: each helper's address in its slot, and the slot's address (G).
    uint32_t at = l.got_at;
    for (uint64_t m = l.got_helpers; m; m &= m - 1, at += 8) {
        const int h = std::countr_zero(m);
        std::memcpy(block.rw + at, &values_.symbols[kHelperSymbols + h], 8);
        values_.got_slots[h] = uint64_t(c.rx) + at;
    }
    RelaxCounter relax;
    values_.clear_hole_values();
    bool ok = emit_trace(t, c, l, relax);
    values_.clear_hole_values();
    const uint64_t tail = uint64_t(c.rx) + l.tail_at;
    for (JitExitRecord& r : c.records)
        if (r.has_stub()) ok = ok && emit_stub(t, c, r, tail, values_, relax);
    if (l.tail_at != l.data_at) ok = ok && emit_exit_tail(c, l, values_, relax);
    listing_ = nullptr;
    memory_->end_write(block.rw, l.total);
    if (!ok) {
        memory_->release(block, l.total);
        trace_pool_.give({&c, 1});
        return nullptr;
    }
    CodeMemory::flush(block.rx, l.total);  // once per trace, over all it wrote
    stats_.got_loads_relaxed += relax.relaxed;
    bytes = l.total;
    if (listeners_) [[unlikely]]
        announce(t, c);
    return &c;
}

void Jit::free_code(Trace& t) {
    auto& c = static_cast<CompiledTrace&>(*t.machine);
    if (listeners_) [[unlikely]]
        listeners_->trace_released(t, c);
    memory_->release({c.rx, c.rw}, c.size);
    trace_pool_.give({&c, 1});
}

// Re-patches the stub's jump (to the exit tail until now) to go to the
// target; when it cannot reach that far, the record's link code does it
// (the tail reads it) and no code is written.
bool Jit::write_link(JitExitRecord& rec, const Trace& target) {
    if (!rec.has_stub()) return false;  // no uop takes this exit
    CompiledTrace& c = static_cast<CompiledTrace&>(*rec.trace->machine);
    const StencilPlan& p = plans_[size_t(exit_stencil(rec.cached, rec.floats))];
    const uint64_t at = uint64_t(c.rx) + rec.stub_offset;
    const uint64_t symbol = uint64_t(target.machine->rx);
    if (!memory_->begin_write(c.rw + rec.stub_offset, p.code_size)) return false;
    bool ok = true, reached = !opts_.far_links;
    for (uint32_t k = 0; reached && k < p.num_ops; ++k) {
        const PatchOp& op = ops_[p.first_op + k];
        if (op.value() != HoleValue::JumpTarget) continue;
        const PatchStatus s = kPatchFns[size_t(op.kind)](c.rw + rec.stub_offset + op.offset, at + op.offset, symbol,
                                                         op.addend, 0, nullptr);
        reached = s == PatchStatus::Ok;
        ok = reached || s == PatchStatus::OutOfRange;
        for (PatchedHole& h : c.holes)  // empty unless keeping listings
            if (reached && h.offset == rec.stub_offset + op.offset) h.symbol = symbol;
    }
    memory_->end_write(c.rw + rec.stub_offset, p.code_size);
    if (!ok) return false;
    if (!reached) {
        rec.link_code = target.machine->rx;
        return true;
    }
    CodeMemory::flush(c.rx + rec.stub_offset, p.code_size);
    return true;
}

// Tells the listeners; the placed stencils were kept for them only, unless
// a listing wants them too.
void Jit::announce(const Trace& t, CompiledTrace& c) {
    listeners_->trace_compiled(t, c);
    if (!opts_.keep_listing) {
        c.placed = {};
        c.holes = {};
    }
}

}  // namespace cpjit::jit
