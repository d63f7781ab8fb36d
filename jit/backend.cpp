// The frame every backend shares (jit/backend.h).
#include "jit/backend.h"

#include <chrono>

namespace cpjit::jit {

Backend::~Backend() = default;

// Exit records: the exits, then one per LINK_TRACE, in uop order.
std::span<JitExitRecord> Backend::take_records(Trace& t) {
    uint32_t links = 0;
    for (const Uop& u : t.uops) links += u.op == UopOp::LINK_TRACE;
    const uint32_t num_exits = uint32_t(t.exits.size());
    std::span<JitExitRecord> records = record_pool_.take(num_exits + links);
    for (uint32_t e = 0; e < num_exits; ++e) {
        records[e].trace = &t;
        records[e].exit_index = uint16_t(e);
        records[e].progress = t.exits[e].progress;  // exits without progress never link (Tier2::take_exit)
    }
    uint32_t r = num_exits;
    for (const Uop& u : t.uops)
        if (u.op == UopOp::LINK_TRACE) {
            records[r].trace = &t;
            records[r++].link_to = reinterpret_cast<Trace*>(u.operand);
        }
    return records;
}

bool Backend::compile(Trace& t) {
    if (full_ || t.uops.empty() || !(uop_info(t.uops.back().op).flags & uop_flag::END)) return false;
    if (used_bytes() >= opts_.max_code_bytes) {
        full_ = true;  // hot code from now on stays in Tier 1
        return false;
    }
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = opts_.time_compiles ? Clock::now() : Clock::time_point{};
    std::span<JitExitRecord> records = take_records(t);
    uint64_t bytes = 0;
    Emitted why = Emitted::CannotCompile;
    MachineCode* code = emit(t, records, bytes, why);
    if (!code) {
        record_pool_.give(records);
        if (why == Emitted::CapReached)
            full_ = true;
        else
            ++stats_.jit_failures;
        return false;
    }
    code->records = records;
    stats_.traces_compiled += 1;
    stats_.code_bytes += bytes;
    stats_.code_mapped_bytes = mapped_bytes();
    if (opts_.time_compiles)
        stats_.compile_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
    t.machine = code;
    code_written(*code);
    return true;
}

void Backend::release(Trace& t) {
    if (!t.machine) return;
    std::span<JitExitRecord> records = t.machine->records;
    free_code(t);
    record_pool_.give(records);
    t.machine = nullptr;
}

void Backend::link_exit(JitExitRecord& rec, Trace& target) {
    if (rec.linked || !target.machine) return;
    if (!rec.progress && rec.trace->replaced_by != &target) return;  // see Tier2::take_exit
    if (!write_link(rec, target)) return;
    rec.linked = true;
    ++stats_.exits_linked;
    code_written(*rec.trace->machine);
}

}  // namespace cpjit::jit
