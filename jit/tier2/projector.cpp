// Trace projection: walk the specialized Tier-1 bytecode from a hot start
// along the most likely path and write uops. Specialized instructions give
// the types to guard; jt/jf history bits give the likely direction; calls of
// known, non-recursive functions are inlined with a real frame push so that
// tracebacks and exits see ordinary frames.
#include <bit>

#include <fmt/format.h>

#include "jit/tier2/passes.h"
#include "jit/tier2/trace_cache.h"

namespace cpjit {

namespace {

struct UopForm {  // a specialized instruction as guards + typed uop
    Op op;
    UopOp guards[2];
    int num_guards;
    UopOp body;
};

constexpr UopForm kForms[] = {
    {Op::AddInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::ADD_INT},
    {Op::SubInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::SUB_INT},
    {Op::MulInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::MUL_INT},
    {Op::AddFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::ADD_FLOAT},
    {Op::SubFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::SUB_FLOAT},
    {Op::MulFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::MUL_FLOAT},
    {Op::DivFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::DIV_FLOAT},
    {Op::DivNum, {UopOp::GUARD_NUM_TOS, UopOp::GUARD_NUM_NOS}, 2, UopOp::DIV_NUM},
    {Op::IDivInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::IDIV_INT},
    {Op::ModInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::MOD_INT},
    {Op::ToFloatInt, {UopOp::GUARD_INT_TOS}, 1, UopOp::TO_FLOAT_INT},
    {Op::Sqrt, {UopOp::GUARD_NUM_TOS}, 1, UopOp::SQRT_NUM},
    {Op::LtInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::LT_INT},
    {Op::LeInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::LE_INT},
    {Op::GtInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::GT_INT},
    {Op::GeInt, {UopOp::GUARD_INT_TOS, UopOp::GUARD_INT_NOS}, 2, UopOp::GE_INT},
    {Op::LtFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::LT_FLOAT},
    {Op::LeFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::LE_FLOAT},
    {Op::GtFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::GT_FLOAT},
    {Op::GeFloat, {UopOp::GUARD_FLOAT_TOS, UopOp::GUARD_FLOAT_NOS}, 2, UopOp::GE_FLOAT},
    {Op::AGetArray, {UopOp::GUARD_INT_TOS, UopOp::GUARD_ARRAY_NOS}, 2, UopOp::AGET_ARRAY},
    {Op::ASetArray, {UopOp::GUARD_INT_NOS, UopOp::GUARD_ARRAY_3OS}, 2, UopOp::ASET_ARRAY},
    {Op::Const, {}, 0, UopOp::CONST},
    {Op::Pop, {}, 0, UopOp::POP},
    {Op::Dup, {}, 0, UopOp::DUP},
    {Op::Swap, {}, 0, UopOp::SWAP},
    {Op::Over, {}, 0, UopOp::OVER},
    {Op::Load, {}, 0, UopOp::LOAD_LOCAL},
    {Op::Store, {}, 0, UopOp::STORE_LOCAL},
    {Op::GLoad, {}, 0, UopOp::LOAD_GLOBAL},
    {Op::GStore, {}, 0, UopOp::STORE_GLOBAL},
    {Op::Eq, {}, 0, UopOp::EQ},
    {Op::Ne, {}, 0, UopOp::NE},
    {Op::Not, {}, 0, UopOp::NOT},
};

// Instructions whose uop has its own fast path and GENERIC's helper for the
// rest, and the shaped GENERIC_m_n of the others.
UopOp fast_path_uop(Op op) {
    switch (op) {
    case Op::APush: return UopOp::APUSH;
    case Op::Len: return UopOp::LEN;
    case Op::NewArray: return UopOp::NEWARRAY;
    case Op::Concat: return UopOp::CONCAT;
    case Op::ToStr: return UopOp::TOSTR;
    case Op::BAnd: return UopOp::BAND;
    case Op::BOr: return UopOp::BOR;
    case Op::BXor: return UopOp::BXOR;
    case Op::Shr: return UopOp::SHR;
    default: break;
    }
    // the rest: through the helper, in a uop of the instruction's shape
    const OpInfo& info = op_info(op);
    if (info.pops == 1 && info.pushes == 0) return UopOp::GENERIC_1_0;
    if (info.pops == 1 && info.pushes == 1) return UopOp::GENERIC_1_1;
    if (info.pops == 2 && info.pushes == 1) return UopOp::GENERIC_2_1;
    if (info.pops == 3 && info.pushes == 0) return UopOp::GENERIC_3_0;
    return UopOp::GENERIC;
}

const UopForm* form_of(Op op) {
    for (const UopForm& f : kForms)
        if (f.op == op) return &f;
    return nullptr;
}

class Projector {
public:
    Projector(Program& prog, const TraceCache& cache, Trace& t, const Tier2Options& opts)
        : prog_(prog), cache_(cache), t_(t), opts_(opts) {}

    TraceAbort why = TraceAbort::INNER_LOOP;  // when run() is false

    bool run() {
        Function* fn = t_.fn;
        uint32_t i = t_.start;
        bool first = true;
        for (;;) {
            Instr* ins = &fn->code[i];
            if (t_.projected.size() + 4 >= opts_.max_trace_uops) return stop(ins, "length limit", TraceAbort::TOO_LONG);
            if (!first && inline_.empty()) {
                if (fn == t_.fn && i == t_.start) return end(UopOp::JUMP_TO_TOP, ins, &t_, "loop closed");
                if (Trace* other = cache_.at(fn, i)) return end(UopOp::LINK_TRACE, ins, other, fmt::format("linked to trace {}", other->id));
            }
            first = false;
            if (const UopForm* f = form_of(ins->op)) {
                for (int g = 0; g < f->num_guards; ++g) emit(f->guards[g], ins, 0, 0, ins);
                uint64_t operand = 0;
                if (f->body == UopOp::CONST) operand = prog_.constants[size_t(ins->arg)].bits;
                if (f->body == UopOp::LOAD_GLOBAL || f->body == UopOp::STORE_GLOBAL)
                    operand = uint64_t(uintptr_t(cache_.global_slot(ins->arg)));
                emit(f->body, ins, ins->arg, operand, ins);
                ++i;
                continue;
            }
            switch (ins->op) {
            case Op::Jmp:
                if (!follow(fn, i, uint32_t(ins->arg))) return stop(&fn->code[size_t(ins->arg)], "inner loop", TraceAbort::INNER_LOOP);
                break;
            case Op::Jt:
            case Op::Jf: {
                bool taken = std::popcount(unsigned(ins->history)) >= 4;
                bool truthy_path = (ins->op == Op::Jt) == taken;
                uint32_t next = taken ? uint32_t(ins->arg) : i + 1;
                uint32_t other = taken ? i + 1 : uint32_t(ins->arg);
                emit(truthy_path ? UopOp::GUARD_TRUE : UopOp::GUARD_FALSE, ins, 0, 0, &fn->code[other]);
                if (!follow(fn, i, next)) return stop(&fn->code[next], "inner loop", TraceAbort::INNER_LOOP);
                break;
            }
            case Op::Call: {
                Function* callee = &prog_.functions[size_t(ins->arg)];
                Trace* entry = cache_.at(callee, 0);
                bool self = callee == t_.fn && t_.start == 0 && t_.from_entry;
                // Inline where possible (the callee's uops join this trace's
                // optimizer and no RETURN has to find its way back); link to
                // the callee's entry trace otherwise.
                bool can_inline = !self && inline_.size() < opts_.max_inline_depth && callee != fn &&
                                  !on_inline_stack(callee) && callee != t_.fn;
                if (!can_inline && (self || (entry && entry->from_entry))) {
                    emit(UopOp::PUSH_FRAME, ins, 0, call_site(fn, i, callee), ins);
                    return end(UopOp::LINK_TRACE, ins, self ? &t_ : entry, self ? "recursive call: linked to itself" : fmt::format("call linked to trace {}", entry->id));
                }
                if (!can_inline) return stop(ins, "recursive or deep call", TraceAbort::DEEP_CALL);
                emit(UopOp::PUSH_FRAME, ins, 0, call_site(fn, i, callee), ins);
                inline_.push_back({fn, i + 1});
                fn = callee;
                i = 0;
                break;
            }
            case Op::Ret:
                if (inline_.empty()) {  // the caller is not in this trace: find its trace at run time
                    emit(UopOp::RETURN, ins, 0, 0, ins);
                    t_.exits.back().at_return = true;
                    t_.stop_reason = "return";
                    // a lone RETURN is worth it at a return point: returns chain in machine code
                    why = TraceAbort::LONE_RETURN;
                    return t_.projected.size() > 1 || t_.at_return;
                }
                emit(UopOp::POP_FRAME, ins, 0, 0, nullptr);
                fn = inline_.back().fn;
                i = inline_.back().resume;
                inline_.pop_back();
                break;
            default:  // everything else runs through the shared semantics (some with a fast path)
                emit(fast_path_uop(ins->op), ins, int32_t(base_op(ins->op)), 0, ins);
                ++i;
                break;
            }
        }
    }

private:
    struct InlineFrame {
        Function* fn;
        uint32_t resume;  // instruction index in fn after the call
    };

    // Moves projection to `to`; false for a backward jump that neither
    // closes this trace's loop nor reaches another trace (an inner loop: it
    // gets a trace of its own).
    bool follow(Function* fn, uint32_t& i, uint32_t to) {
        bool backward = to <= i;
        bool closes = inline_.empty() && ((fn == t_.fn && to == t_.start) || cache_.at(fn, to));
        if (backward && !closes) return false;
        i = to;
        return true;
    }

    uint64_t call_site(Function* caller, uint32_t i, Function* callee) {
        return uint64_t(uintptr_t(cache_.call_site(caller, i, callee)));
    }

    bool on_inline_stack(Function* f) const {
        for (auto& fr : inline_)
            if (fr.fn == f) return true;
        return false;
    }

    void emit(UopOp op, Instr* origin, int32_t arg, uint64_t operand, Instr* resume) {
        Uop u{op};
        u.arg = arg;
        u.operand = operand;
        u.origin = origin;
        if (uop_info(op).flags & uop_flag::EXIT) {
            u.exit = uint16_t(t_.exits.size());
            t_.exits.push_back(Exit{resume});
        }
        t_.projected.push_back(u);
    }

    // `empty`: why there is no trace when nothing came before the stop.
    bool stop(Instr* resume, const std::string& reason, TraceAbort empty) {
        Uop u{UopOp::EXIT_TRACE};
        u.origin = resume;
        u.exit = uint16_t(t_.exits.size());
        t_.exits.push_back(Exit{resume});
        t_.projected.push_back(u);
        t_.stop_reason = reason;
        why = empty;
        return t_.projected.size() > 1;  // a trace that only exits is useless
    }

    bool end(UopOp op, Instr* origin, Trace* to, const std::string& why) {
        emit(op, origin, 0, uint64_t(uintptr_t(to)), nullptr);
        t_.stop_reason = why;
        return true;
    }

    Program& prog_;
    const TraceCache& cache_;
    Trace& t_;
    const Tier2Options& opts_;
    std::vector<InlineFrame> inline_;
};

}  // namespace

bool project_trace(Program& prog, const TraceCache& cache, Trace& t, const Tier2Options& opts, TraceAbort& why) {
    Projector p(prog, cache, t, opts);
    if (!p.run()) {
        why = p.why;
        return false;
    }
    mark_exit_progress(t);
    return true;
}

// Projected uops come in execution order, so until a uop of another
// instruction appears, the trace has only checked (guards) or computed
// values for its first instruction and not finished it: an exit there that
// resumes at that same instruction leaves the program exactly where Tier 1
// entered the trace. Linking such an exit to the trace starting there (this
// one) would fail the same check forever. (Exits resuming elsewhere have
// moved on: a branch guard's other successor, a later instruction.)
void mark_exit_progress(Trace& t) {
    const Instr* start = &t.fn->code[t.start];
    bool moved_on = false;
    for (const Uop& u : t.projected) {
        if (u.origin != start && u.op != UopOp::EXIT_TRACE) moved_on = true;
        if (has_exit(u) && !moved_on && t.exits[u.exit].resume == start) t.exits[u.exit].progress = false;
    }
}

}  // namespace cpjit
