// The trace compiler of the copy-and-patch JIT (layout in jit/jit.h).
#include "jit/jit.h"

#include <unistd.h>

#include <chrono>
#include <cstring>

#include "jit/code_memory.h"
#include "jit/uop_helpers.h"

namespace cpjit::jit {

namespace {

// The helper functions stencils may call, by the name the extractor gives.
struct HelperAddress {
    const char* name;
    uint64_t address;
};
const HelperAddress kHelperAddresses[] = {
    {"cpjit_uop_generic", uint64_t(&cpjit_uop_generic)},
    {"cpjit_uop_values_equal", uint64_t(&cpjit_uop_values_equal)},
    {"cpjit_uop_return", uint64_t(&cpjit_uop_return)},
};

uint32_t align_up(uint32_t x, uint32_t a) { return a <= 1 ? x : (x + a - 1) / a * a; }

const Stencil& uop_stencil(const StencilSet& set, UopOp op) { return set.stencils[int(op)]; }
const Stencil& extra_stencil(const StencilSet& set, int i) { return set.stencils[kNumUops + i]; }
enum Extra { kEntry, kExit };

// Whether a uop leaves through an exit of its own (u.exit).
bool has_exit(const Uop& u) { return (uop_info(u.op).flags & uop_flag::EXIT) || u.op == UopOp::EXIT_TRACE; }

}  // namespace

// What each kind of hole of one placed stencil is patched with.
struct HoleValues {
    uint64_t code = 0, data = 0;   // where this copy's code and data are (rx)
    uint64_t got = 0;              // the trace's first GOT slot (rx); slot i = got + 8 i
    uint64_t cont = 0, jump_target = 0, side_exit = 0;
    uint64_t operand32 = 0, operand64 = 0, origin = 0;
    uint64_t exit_record = 0, link_target = 0;
    bool has_cont = false, has_jump_target = false, has_side_exit = false;
};

std::unique_ptr<Jit> Jit::create(const Tier2Options& opts, Tier2Stats& stats) {
    const StencilSet* set = host_stencils();
    if (!set) return nullptr;
    std::unique_ptr<Jit> jit(new Jit(*set, opts, stats));
    if (!jit->init()) return nullptr;
    return jit;
}

Jit::Jit(const StencilSet& set, const Tier2Options& opts, Tier2Stats& stats) : set_(set), opts_(opts), stats_(stats) {}

Jit::~Jit() {
    for (auto& c : compiled_) memory_->release({c->rx, c->rw});
    if (perf_map_) std::fclose(perf_map_);
}

bool Jit::init() {
    for (uint32_t i = 0; i < set_.num_helpers; ++i) {
        uint64_t address = 0;
        for (const HelperAddress& h : kHelperAddresses)
            if (std::strcmp(h.name, set_.helpers[i]) == 0) address = h.address;
        if (!address) return false;  // stencils name a helper this build lacks
        helpers_.push_back(address);
    }
    memory_ = CodeMemory::create();
    if (!memory_) return false;
    // The entry shim: copied once; it has no holes.
    const Stencil& shim = extra_stencil(set_, kEntry);
    if (shim.num_holes || shim.data_size) return false;
    CodeBlock b = memory_->alloc(shim.code_size);
    if (!b.rx) return false;
    std::memcpy(b.rw, shim.code, shim.code_size);
    CodeMemory::flush(b.rx, shim.code_size);
    entry_ = reinterpret_cast<JitEntryFn*>(b.rx);
    mapped_bytes_ += shim.code_size;
    if (opts_.perf_map) {
        perf_map_ = std::fopen(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str(), "w");
        if (perf_map_) {
            std::fprintf(perf_map_, "%llx %x cpjit_entry_shim\n", (unsigned long long)uint64_t(b.rx), shim.code_size);
            std::fflush(perf_map_);
        }
    }
    return true;
}

// Copies nothing: patches the holes of stencil `s` already copied to rw
// (executing at rx), except hole `skip_hole` (a dropped trailing jump).
bool Jit::patch_stencil(const Stencil& s, uint8_t* rw, uint64_t rx, const HoleValues& v, int32_t skip_hole,
                        RelaxCounter* relax) {
    for (uint32_t h = 0; h < s.num_holes; ++h) {
        if (int32_t(h) == skip_hole) continue;
        const Hole& hole = s.holes[h];
        RelocArgs a;
        a.loc_addr = rx + hole.offset;
        a.addend = hole.addend;
        a.counter = relax;
        switch (hole.value) {
        case HoleValue::Code: a.symbol = v.code; break;
        case HoleValue::Data: a.symbol = v.data; break;
        case HoleValue::Helper:
            a.symbol = helpers_[hole.helper];
            a.got_slot = v.got + 8 * uint64_t(hole.helper);
            break;
        case HoleValue::Continue:
            if (!v.has_cont) return false;
            a.symbol = v.cont;
            break;
        case HoleValue::JumpTarget:
            if (!v.has_jump_target) return false;
            a.symbol = v.jump_target;
            break;
        case HoleValue::SideExit:
            if (!v.has_side_exit) return false;
            a.symbol = v.side_exit;
            break;
        case HoleValue::ErrorExit: return false;  // uops exit before errors: none uses it
        case HoleValue::Operand16: return false;  // no uop has a 16-bit operand
        case HoleValue::Operand32: a.symbol = v.operand32; break;
        case HoleValue::Operand64: a.symbol = v.operand64; break;
        case HoleValue::Origin: a.symbol = v.origin; break;
        case HoleValue::ExitRecord: a.symbol = v.exit_record; break;
        case HoleValue::LinkTarget: a.symbol = v.link_target; break;
        }
        const uint64_t relaxed_before = relax ? relax->relaxed : 0;
        if (apply_reloc(hole.kind, rw + hole.offset, a) != PatchStatus::Ok) return false;
        if (listing_) [[unlikely]]
            listing_->holes.push_back({uint32_t(a.loc_addr - uint64_t(listing_->rx)), hole.kind, hole.value,
                                       hole.helper, a.symbol, a.addend, a.got_slot,
                                       reloc_info(hole.kind).uses_got && !(relax && relax->relaxed != relaxed_before)});
    }
    return s.num_data_holes == 0;  // no stencil has addresses in its data yet
}

bool Jit::compile(Trace& t) {
    if (full_ || t.uops.empty()) return false;
    auto start = std::chrono::steady_clock::now();
    const uint32_t n = uint32_t(t.uops.size());
    const Stencil& exit_stub = extra_stencil(set_, kExit);
    auto c = std::make_unique<CompiledTrace>();

    // Pass 1: layout. Hot code: each uop's stencil; its trailing jump to the
    // next uop is dropped (the next one follows). The last uop ends the trace
    // (JUMP_TO_TOP, LINK_TRACE, EXIT_TRACE) and never continues.
    if (!(uop_info(t.uops.back().op).flags & uop_flag::END)) return false;
    std::vector<uint32_t> code_at(n), data_at(n);
    std::vector<int32_t> skip(n, -1);
    uint32_t pos = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const Stencil& s = uop_stencil(set_, t.uops[i].op);
        uint32_t size = s.code_size;
        if (s.trailing_jump_size && i + 1 < n) {
            size -= s.trailing_jump_size;
            skip[i] = s.trailing_jump_hole;
        }
        code_at[i] = pos;
        c->placed.push_back({int32_t(i), &s, pos, size});
        pos += size;
    }
    c->hot_size = pos;
    // Cold: one stub per exit, then one per LINK_TRACE.
    const uint32_t stub_align = set_.arch == Arch::A64 ? 4 : 1;
    std::vector<uint32_t> exit_stub_at(t.exits.size());
    for (size_t e = 0; e < t.exits.size(); ++e) {
        pos = align_up(pos, stub_align);
        exit_stub_at[e] = pos;
        JitExitRecord r;
        r.trace = &t;
        r.exit_index = uint32_t(e);
        r.stub_offset = pos;
        c->records.push_back(r);
        c->placed.push_back({-1, &exit_stub, pos, exit_stub.code_size});
        pos += exit_stub.code_size;
    }
    // Exits without progress never link (see VM::take_exit).
    for (size_t e = 0; e < t.exits.size(); ++e) c->records[e].progress = t.exits[e].progress;
    std::vector<int32_t> link_record(n, -1);
    for (uint32_t i = 0; i < n; ++i) {
        if (t.uops[i].op != UopOp::LINK_TRACE) continue;
        pos = align_up(pos, stub_align);
        JitExitRecord r;
        r.trace = &t;
        r.link_to = reinterpret_cast<Trace*>(t.uops[i].operand);
        r.stub_offset = pos;
        link_record[i] = int32_t(c->records.size());
        c->records.push_back(r);
        c->placed.push_back({-1, &exit_stub, pos, exit_stub.code_size});
        pos += exit_stub.code_size;
    }
    // Read-only data (the exit stub has none), then the GOT.
    for (uint32_t i = 0; i < n; ++i) {
        const Stencil& s = uop_stencil(set_, t.uops[i].op);
        if (!s.data_size) continue;
        pos = align_up(pos, s.data_align);
        data_at[i] = pos;
        pos += s.data_size;
    }
    if (exit_stub.data_size) return false;
    pos = align_up(pos, 8);
    const uint32_t got_at = pos;
    pos += 8 * set_.num_helpers;
    const uint32_t total = pos;

    if (mapped_bytes_ + total > opts_.max_code_bytes) {
        full_ = true;  // hot code from now on stays in Tier 1
        return false;
    }
    CodeBlock block = memory_->alloc(total);
    if (!block.rx) {
        full_ = true;
        return false;
    }
    c->rx = block.rx;
    c->rw = block.rw;
    c->size = total;
    const uint64_t rx = uint64_t(block.rx);

    // Pass 2: copy and patch.
    listing_ = opts_.keep_listing ? c.get() : nullptr;
    RelaxCounter relax;
    for (uint32_t h = 0; h < set_.num_helpers; ++h) std::memcpy(block.rw + got_at + 8 * h, &helpers_[h], 8);
    bool ok = true;
    for (uint32_t i = 0; i < n && ok; ++i) {
        const Uop& u = t.uops[i];
        const Stencil& s = uop_stencil(set_, u.op);
        std::memcpy(block.rw + code_at[i], s.code, c->placed[i].size);
        if (s.data_size) std::memcpy(block.rw + data_at[i], s.data, s.data_size);
        HoleValues v;
        v.code = rx + code_at[i];
        v.data = rx + data_at[i];
        v.got = rx + got_at;
        v.has_cont = true;
        v.cont = rx + code_at[i] + c->placed[i].size;  // the next uop (or, for the last, never taken)
        v.operand32 = uint32_t(u.arg);
        v.operand64 = u.operand;
        v.origin = uint64_t(u.origin);
        if (has_exit(u)) {
            v.has_side_exit = true;
            v.side_exit = rx + exit_stub_at[u.exit];
        }
        if (u.op == UopOp::JUMP_TO_TOP) {
            v.has_jump_target = true;
            v.jump_target = rx;
        } else if (u.op == UopOp::LINK_TRACE) {
            v.has_jump_target = true;
            v.jump_target = rx + c->records[link_record[i]].stub_offset;
        }
        ok = patch_stencil(s, block.rw + code_at[i], rx + code_at[i], v, skip[i], &relax);
    }
    for (JitExitRecord& r : c->records) {
        if (!ok) break;
        std::memcpy(block.rw + r.stub_offset, exit_stub.code, exit_stub.code_size);
        HoleValues v;
        v.code = rx + r.stub_offset;
        v.got = rx + got_at;
        v.exit_record = uint64_t(&r);
        // A LINK_TRACE to a compiled trace (or to this one: a recursive
        // call) jumps there at once.
        v.link_target = !r.link_to                ? 0
                        : r.link_to == &t         ? rx
                        : r.link_to->machine      ? uint64_t(r.link_to->machine->rx)
                                                  : 0;
        r.linked = v.link_target != 0;
        ok = patch_stencil(exit_stub, block.rw + r.stub_offset, rx + r.stub_offset, v, -1, &relax);
    }
    listing_ = nullptr;
    if (!ok) {
        memory_->release(block);
        ++stats_.jit_failures;
        return false;
    }
    CodeMemory::flush(block.rx, total);
    mapped_bytes_ += total;
    stats_.traces_compiled += 1;
    stats_.code_bytes += total;
    stats_.got_loads_relaxed += relax.relaxed;
    stats_.compile_ns +=
        uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    t.machine = c.get();
    if (perf_map_) write_perf_map(t, *c);
    compiled_.push_back(std::move(c));
    return true;
}

void Jit::link_exit(JitExitRecord& rec, Trace& target) {
    if (rec.linked || !target.machine) return;
    if (!rec.progress && rec.trace->replaced_by != &target) return;  // see VM::take_exit
    CompiledTrace& c = *rec.trace->machine;
    const Stencil& stub = extra_stencil(set_, kExit);
    HoleValues v;
    v.code = uint64_t(c.rx) + rec.stub_offset;
    v.got = 0;
    v.exit_record = uint64_t(&rec);
    v.link_target = uint64_t(target.machine->rx);
    // Only the link target's holes change; re-patching the rest writes the
    // same bytes. (Helpers: the stub calls none.)
    for (uint32_t h = 0; h < stub.num_holes; ++h) {
        const Hole& hole = stub.holes[h];
        if (hole.value != HoleValue::LinkTarget) continue;
        RelocArgs a;
        a.loc_addr = v.code + hole.offset;
        a.symbol = v.link_target;
        a.addend = hole.addend;
        if (apply_reloc(hole.kind, c.rw + rec.stub_offset + hole.offset, a) != PatchStatus::Ok) return;
        for (PatchedHole& p : c.holes)  // empty unless keeping listings
            if (p.offset == rec.stub_offset + hole.offset) p.symbol = v.link_target;
    }
    CodeMemory::flush(c.rx + rec.stub_offset, stub.code_size);
    rec.linked = true;
    ++stats_.exits_linked;
}

void Jit::write_perf_map(const Trace& t, const CompiledTrace& c) {
    std::fprintf(perf_map_, "%llx %x cpjit_trace_%u_%s_at_%u\n", (unsigned long long)uint64_t(c.rx), c.size, t.id,
                 t.fn ? t.fn->name.c_str() : "?", t.start);
    std::fflush(perf_map_);
}

}  // namespace cpjit::jit
