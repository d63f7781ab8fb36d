// The Tier-2 optimizer (--opt=1): one forward pass of abstract
// interpretation over a trace's uops. It tracks what is known of every stack
// slot and local (type, and the value for constants) and
//   - drops guards whose type is already proven,
//   - folds typed arithmetic and comparisons of two constants,
//   - removes push/pop pairs (a pure push immediately popped),
//   - turns a reload of a local just stored or loaded into a DUP.
// It records where each uop it keeps comes from (Trace::sources): kept as
// projected, or rewritten (a folded constant, a DUP, a bool guard).
// Facts come only from uops earlier in the same pass, and from the types a
// loop trace checks once on entry (below), so they hold at every point they
// are used.
//
// Entry guards. A loop trace checks the type of a loop-carried local once,
// before the loop (GUARD_*_LOCAL, uops[0, loop_head)), instead of on every
// iteration, when the body guards that type on the local's first use and
// the local has that type again at JUMP_TO_TOP (every store, or a guard
// after it, proves it). Then, by induction, each iteration starts with it:
// the pass runs assuming it, and drops an assumption the end of the body
// does not prove, until none is dropped. A failing entry guard exits to the
// trace's start before anything ran (no progress: Tier 1 runs the
// instruction), with exactly the state Tier 1 entered the trace with.
// Nothing here may change the state an exit resumes Tier 1 with: only uops
// without exits are folded away, and only when nothing between a push and
// its pop could have left the trace.
#include <algorithm>
#include <cmath>

#include "jit/tier2/passes.h"
#include "runtime/semantics.h"

namespace cpjit {

namespace {

// Num: a small int or a float (what GUARD_NUM_* proves)
enum class Kind : uint8_t { Unknown, Int, Float, Bool, Nil, String, Array, Num };

struct Fact {
    Kind kind = Kind::Unknown;
    bool is_const = false;
    uint64_t bits = 0;
    // The local this value was loaded from, while that local still holds it
    // (its store count unchanged): what a guard learns holds for both.
    int32_t local = -1;
    uint32_t local_version = 0;
};

Fact fact_of(Value v) {
    Fact f;
    f.is_const = true;
    f.bits = v.bits;
    if (v.is_small_int()) f.kind = Kind::Int;
    else if (v.is_float()) f.kind = Kind::Float;
    else if (v.is_bool()) f.kind = Kind::Bool;
    else if (v.is_nil()) f.kind = Kind::Nil;
    else if (v.is_string()) f.kind = Kind::String;
    else if (v.is_array()) f.kind = Kind::Array;
    else f.is_const = false;  // boxed ints: leave alone
    return f;
}

Fact of_kind(Kind k) { return Fact{k, false, 0}; }

class Optimizer {
public:
    Optimizer(Trace& t, Tier2Stats& stats) : t_(t), stats_(stats) {}

    void run() {
        const size_t n = t_.fn->num_locals();
        std::vector<Kind> assumed(n, Kind::Unknown);
        pass(assumed);
        if (!t_.projected.empty() && t_.projected.back().op == UopOp::JUMP_TO_TOP && !t_.guards_in_loop) {
            const std::vector<uint32_t> guarded_at = first_guard_at_;
            bool any = false;
            for (size_t l = 0; l < n; ++l) {
                const Kind k = first_guard_[l];
                if (k == Kind::Int || k == Kind::Float || k == Kind::Array) assumed[l] = k, any = true;
            }
            for (bool dropped = any; dropped;) {
                pass(assumed);
                dropped = false;
                for (size_t l = 0; l < n; ++l)
                    if (assumed[l] != Kind::Unknown && kinds_at_end_[l] != assumed[l])
                        assumed[l] = Kind::Unknown, dropped = true;
            }
            add_entry_guards(assumed, guarded_at);
        }
        stats_.guards_removed += guards_removed_;
        stats_.uops_removed += t_.projected.size() - out_.size();
        t_.uops = std::move(out_);
        t_.sources = std::move(sources_);
    }

private:
    // One pass over the projected uops, each iteration starting with the
    // locals of `assumed` known to be of that kind.
    void pass(const std::vector<Kind>& assumed) {
        out_.clear();
        sources_.clear();
        stack_.clear();
        saved_.clear();
        locals_.assign(assumed.size(), Fact{});
        for (size_t l = 0; l < assumed.size(); ++l) locals_[l].kind = assumed[l];
        versions_.assign(locals_.size(), 0);
        first_guard_.assign(locals_.size(), Kind::Unknown);
        first_guard_at_.assign(locals_.size(), 0);
        kinds_at_end_.assign(locals_.size(), Kind::Unknown);
        guards_removed_ = 0;
        for (cur_ = 0; cur_ < t_.projected.size(); ++cur_) step(t_.projected[cur_]);
    }

    // The entry guards of the locals in `assumed`, in front of the loop.
    // Each derives from the body's first guard of its local, which the
    // assumption removed; it exits to the trace's start.
    void add_entry_guards(const std::vector<Kind>& assumed, const std::vector<uint32_t>& guarded_at) {
        std::vector<Uop> entry;
        std::vector<UopSource> from;
        Instr* start = &t_.fn->code[t_.start];
        for (size_t l = 0; l < assumed.size(); ++l) {
            if (assumed[l] == Kind::Unknown) continue;
            Uop g;
            g.op = assumed[l] == Kind::Int     ? UopOp::GUARD_INT_LOCAL
                   : assumed[l] == Kind::Float ? UopOp::GUARD_FLOAT_LOCAL
                                               : UopOp::GUARD_ARRAY_LOCAL;
            g.arg = int32_t(l);
            g.origin = start;
            g.exit = uint16_t(t_.exits.size());
            Exit e{start};
            e.progress = false;
            e.entry_guard = true;
            t_.exits.push_back(e);
            entry.push_back(g);
            from.push_back({guarded_at[l], UopFate::Hoisted});
        }
        guards_removed_ -= std::min<uint64_t>(guards_removed_, entry.size());  // net: the entry guards replace them
        t_.loop_head = uint32_t(entry.size());
        out_.insert(out_.begin(), entry.begin(), entry.end());
        sources_.insert(sources_.begin(), from.begin(), from.end());
    }

    struct Saved {
        std::vector<Fact> stack, locals;
        std::vector<uint32_t> versions;
    };

    Fact pop() {
        if (stack_.empty()) return Fact{};  // a value from before the trace
        Fact f = stack_.back();
        stack_.pop_back();
        return f;
    }
    void push(Fact f) { stack_.push_back(f); }
    Fact& at(int depth) {  // 1 = top of stack
        static Fact unknown;
        unknown = Fact{};
        return int(stack_.size()) >= depth ? stack_[stack_.size() - size_t(depth)] : unknown;
    }
    // Appends a uop derived from the projected uop being stepped (or
    // inserts it before the last one), and drops the last n: out_ and
    // sources_ change together.
    void emit(const Uop& u, UopFate fate = UopFate::Kept) {
        out_.push_back(u);
        sources_.push_back({cur_, fate});
    }
    void emit_before_last(const Uop& u, UopFate fate) {
        out_.insert(out_.end() - 1, u);
        sources_.insert(sources_.end() - 1, {cur_, fate});
    }
    void drop_last(size_t n) {
        out_.resize(out_.size() - n);
        sources_.resize(sources_.size() - n);
    }

    bool last_is(UopOp op, int back = 1) const {
        return int(out_.size()) >= back && out_[out_.size() - size_t(back)].op == op;
    }

    void guard(const Uop& u, int depth, Kind k) {
        Fact& f = at(depth);
        // what a guard on another load of the same local proved since
        if (f.kind == Kind::Unknown && f.local >= 0 && versions_[size_t(f.local)] == f.local_version)
            f.kind = locals_[size_t(f.local)].kind;
        if (f.kind == k || (k == Kind::Num && (f.kind == Kind::Int || f.kind == Kind::Float))) {
            ++guards_removed_;
            return;
        }
        f.kind = k;
        if (f.local >= 0 && versions_[size_t(f.local)] == f.local_version) {
            const size_t l = size_t(f.local);
            locals_[l].kind = k;
            // the value the local entered the loop with, in the trace's own frame
            if (saved_.empty() && f.local_version == 0 && first_guard_[l] == Kind::Unknown)
                first_guard_[l] = k, first_guard_at_[l] = cur_;
        }
        emit(u);
    }

    // Replaces the two CONSTs that produced the operands by one with `r`:
    // the operation became that CONST, the operands' CONSTs are removed.
    bool fold(Value r) {
        if (!(last_is(UopOp::CONST, 1) && last_is(UopOp::CONST, 2))) return false;
        Uop c = out_[out_.size() - 2];
        drop_last(2);
        c.operand = r.bits;
        emit(c, UopFate::Rewritten);
        pop();
        pop();
        push(fact_of(r));
        return true;
    }

    void binary(const Uop& u, Kind result) {
        Fact b = at(1), a = at(2);
        if (a.is_const && b.is_const) {
            Value x = Value::from_bits(a.bits), y = Value::from_bits(b.bits);
            if (try_fold(u.op, x, y)) return;
        }
        pop();
        pop();
        push(of_kind(result));
        emit(u);
    }

    bool try_fold(UopOp op, Value x, Value y) {
        int64_t i = 0;
        switch (op) {
        case UopOp::ADD_INT: i = x.as_small_int() + y.as_small_int(); break;
        case UopOp::SUB_INT: i = x.as_small_int() - y.as_small_int(); break;
        case UopOp::MUL_INT:
            if (__builtin_mul_overflow(x.as_small_int(), y.as_small_int(), &i)) return false;
            break;
        case UopOp::ADD_FLOAT: return fold(Value::number(x.as_float() + y.as_float()));
        case UopOp::SUB_FLOAT: return fold(Value::number(x.as_float() - y.as_float()));
        case UopOp::MUL_FLOAT: return fold(Value::number(x.as_float() * y.as_float()));
        case UopOp::LT_INT: return fold(Value::boolean(x.as_small_int() < y.as_small_int()));
        case UopOp::LE_INT: return fold(Value::boolean(x.as_small_int() <= y.as_small_int()));
        case UopOp::GT_INT: return fold(Value::boolean(x.as_small_int() > y.as_small_int()));
        case UopOp::GE_INT: return fold(Value::boolean(x.as_small_int() >= y.as_small_int()));
        case UopOp::LT_FLOAT: return fold(Value::boolean(x.as_float() < y.as_float()));
        case UopOp::LE_FLOAT: return fold(Value::boolean(x.as_float() <= y.as_float()));
        case UopOp::GT_FLOAT: return fold(Value::boolean(x.as_float() > y.as_float()));
        case UopOp::GE_FLOAT: return fold(Value::boolean(x.as_float() >= y.as_float()));
        default: return false;
        }
        return Value::fits_small(i) && fold(Value::small_int(i));
    }

    // A pop: cancels a pure push just before it, else is emitted.
    void drop_top(const Uop& u) {
        pop();
        if (!out_.empty()) {
            UopOp last = out_.back().op;
            if (last == UopOp::CONST || last == UopOp::LOAD_LOCAL || last == UopOp::LOAD_GLOBAL || last == UopOp::DUP ||
                last == UopOp::OVER) {
                drop_last(1);
                return;
            }
        }
        emit(u);
    }

    // A local loaded right after it was stored or loaded is a DUP of the
    // value on top: a register copy in machine code instead of a reload
    // that waits for the store (`store x; load x` becomes `dup; store x`).
    void load_local(const Uop& u) {
        if (!out_.empty() && out_.back().arg == u.arg) {
            const UopOp last = out_.back().op;
            Uop dup = u;
            dup.op = UopOp::DUP;
            dup.arg = 0;
            if (last == UopOp::LOAD_LOCAL) {
                emit(dup, UopFate::Rewritten);
                return;
            }
            if (last == UopOp::STORE_LOCAL) {
                emit_before_last(dup, UopFate::Rewritten);
                return;
            }
        }
        emit(u);
    }

    static Kind generic_result(Op op) {
        switch (op) {
        case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: return Kind::Bool;
        case Op::Len: return Kind::Int;
        case Op::ToStr: case Op::Concat: return Kind::String;
        case Op::NewArray: return Kind::Array;
        case Op::Div: case Op::ToFloat: case Op::Sqrt: return Kind::Float;
        default: return Kind::Unknown;
        }
    }

    void step(const Uop& u) {
        switch (u.op) {
        case UopOp::CONST: push(fact_of(Value::from_bits(u.operand))); break;
        case UopOp::POP: drop_top(u); return;
        case UopOp::DUP: push(at(1)); break;
        case UopOp::SWAP: {
            Fact b = pop(), a = pop();
            push(b);
            push(a);
            break;
        }
        case UopOp::OVER: push(at(2)); break;
        case UopOp::LOAD_LOCAL: {
            Fact f = locals_[size_t(u.arg)];
            f.local = u.arg;
            f.local_version = versions_[size_t(u.arg)];
            push(f);
            return load_local(u);
        }
        case UopOp::STORE_LOCAL: {
            Fact f = pop();
            f.local = -1;
            locals_[size_t(u.arg)] = f;
            ++versions_[size_t(u.arg)];
            break;
        }
        case UopOp::LOAD_GLOBAL: push(Fact{}); break;
        case UopOp::STORE_GLOBAL: pop(); break;
        case UopOp::GUARD_INT_TOS: return guard(u, 1, Kind::Int);
        case UopOp::GUARD_INT_NOS: return guard(u, 2, Kind::Int);
        case UopOp::GUARD_FLOAT_TOS: return guard(u, 1, Kind::Float);
        case UopOp::GUARD_FLOAT_NOS: return guard(u, 2, Kind::Float);
        case UopOp::GUARD_ARRAY_NOS: return guard(u, 2, Kind::Array);
        case UopOp::GUARD_ARRAY_3OS: return guard(u, 3, Kind::Array);
        case UopOp::GUARD_NUM_TOS: return guard(u, 1, Kind::Num);
        case UopOp::GUARD_NUM_NOS: return guard(u, 2, Kind::Num);
        case UopOp::IDIV_INT: case UopOp::MOD_INT: return binary(u, Kind::Int);
        case UopOp::DIV_NUM: return binary(u, Kind::Float);
        case UopOp::ADD_INT: case UopOp::SUB_INT: case UopOp::MUL_INT: return binary(u, Kind::Int);
        case UopOp::ADD_FLOAT: case UopOp::SUB_FLOAT: case UopOp::MUL_FLOAT: case UopOp::DIV_FLOAT:
            return binary(u, Kind::Float);
        case UopOp::LT_INT: case UopOp::LE_INT: case UopOp::GT_INT: case UopOp::GE_INT:
        case UopOp::LT_FLOAT: case UopOp::LE_FLOAT: case UopOp::GT_FLOAT: case UopOp::GE_FLOAT:
            return binary(u, Kind::Bool);
        case UopOp::EQ: case UopOp::NE:
            pop();
            pop();
            push(of_kind(Kind::Bool));
            break;
        case UopOp::NOT:
            pop();
            push(of_kind(Kind::Bool));
            break;
        case UopOp::TO_FLOAT_INT: case UopOp::SQRT_NUM:
            pop();
            push(of_kind(Kind::Float));
            break;
        case UopOp::AGET_ARRAY:
            pop();
            pop();
            push(Fact{});
            break;
        case UopOp::ASET_ARRAY:
            pop();
            pop();
            pop();
            break;
        case UopOp::GENERIC: case UopOp::GENERIC_1_0: case UopOp::GENERIC_1_1:
        case UopOp::GENERIC_2_1: case UopOp::GENERIC_3_0: case UopOp::APUSH: case UopOp::LEN:
        case UopOp::NEWARRAY: case UopOp::CONCAT: case UopOp::TOSTR:
        case UopOp::ADD_INT64: case UopOp::SUB_INT64: case UopOp::MUL_INT64: case UopOp::MOD_INT64:
        case UopOp::BAND: case UopOp::BOR: case UopOp::BXOR: case UopOp::SHR: {
            const OpInfo& info = op_info(Op(u.arg));
            for (int i = 0; i < info.pops; ++i) pop();
            for (int i = 0; i < info.pushes; ++i) push(of_kind(generic_result(Op(u.arg))));
            break;
        }
        case UopOp::GUARD_TRUE: case UopOp::GUARD_FALSE: {
            // a known bool needs no truthiness test
            bool is_bool = pop().kind == Kind::Bool;
            if (is_bool) {
                Uop b = u;
                b.op = u.op == UopOp::GUARD_TRUE ? UopOp::GUARD_TRUE_BOOL : UopOp::GUARD_FALSE_BOOL;
                emit(b, UopFate::Rewritten);
                return;
            }
            break;
        }
        case UopOp::GUARD_TRUE_BOOL: case UopOp::GUARD_FALSE_BOOL: pop(); break;
        case UopOp::PUSH_FRAME: {
            auto* callee = reinterpret_cast<const CallSite*>(u.operand)->fn;
            std::vector<Fact> args(callee->num_locals(), of_kind(Kind::Nil));
            for (uint32_t i = callee->num_params; i-- > 0;) args[i] = pop();
            for (Fact& a : args) a.local = -1;  // names of the caller's frame
            saved_.push_back({std::move(stack_), std::move(locals_), std::move(versions_)});
            stack_.clear();
            locals_ = std::move(args);
            versions_.assign(locals_.size(), 0);
            break;
        }
        case UopOp::POP_FRAME: {
            Fact r = pop();
            r.local = -1;  // names a local of the callee's frame, which is gone
            stack_ = std::move(saved_.back().stack);
            locals_ = std::move(saved_.back().locals);
            versions_ = std::move(saved_.back().versions);
            saved_.pop_back();
            push(r);
            break;
        }
        case UopOp::JUMP_TO_TOP:
            for (size_t l = 0; l < locals_.size(); ++l) kinds_at_end_[l] = locals_[l].kind;
            break;
        case UopOp::GUARD_INT_LOCAL: case UopOp::GUARD_FLOAT_LOCAL: case UopOp::GUARD_ARRAY_LOCAL:
        case UopOp::LINK_TRACE: case UopOp::EXIT_TRACE: case UopOp::RETURN: break;
        }
        emit(u);
    }

    Trace& t_;
    Tier2Stats& stats_;
    std::vector<Uop> out_;
    std::vector<UopSource> sources_;  // parallel to out_
    uint32_t cur_ = 0;                // the projected uop being stepped
    std::vector<Fact> stack_, locals_;
    std::vector<uint32_t> versions_;  // stores to each local so far
    std::vector<Saved> saved_;
    // per local of the trace's frame: the kind the first guard of its entry
    // value checks, and that guard (a projected index); its kind at JUMP_TO_TOP
    std::vector<Kind> first_guard_;
    std::vector<uint32_t> first_guard_at_;
    std::vector<Kind> kinds_at_end_;
    uint64_t guards_removed_ = 0;  // by this pass
};

}  // namespace

void optimize_trace(Trace& t, Tier2Stats& stats) { Optimizer(t, stats).run(); }

}  // namespace cpjit
