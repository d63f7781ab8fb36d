// The micro-op interpreter (--jit=uops): the debug tier that runs traces
// exactly as the copy-and-patch backend will compile them. A uop never
// raises an error itself: where Tier 1 would fail or take a slow path, the
// uop exits before any effect and Tier 1 runs that instruction again.
#include <cstdlib>
#include <utility>

#include "runtime/semantics.h"
#include "runtime/vm.h"

namespace cpjit {

bool VM::trace_push_frame(Function* callee, Instr* ret_ip, Value* sp, Value*& base) {
    // Anything unusual (depth limit, growing the stack or the frame table)
    // is left to Tier 1's call.
    if (depth_ >= opts_.max_depth || depth_ >= frames_.size()) return false;
    Value* callee_base = sp - callee->num_params;
    if (size_t(callee_base - stack_) + callee->num_locals() + callee->max_stack > stack_cap_) return false;
    for (uint32_t i = callee->num_params; i < callee->num_locals(); ++i) callee_base[i] = Value::nil();
    frames_[depth_++] = Frame{callee, ret_ip, callee_base};
    base = callee_base;
    return true;
}

bool VM::trace_generic(Op op, Value*& sp) {
    sp_ = sp;  // the operands stay rooted while the operation allocates
    Value r;
    bool b;
    switch (op) {
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::IDiv: case Op::Mod:
    case Op::BAnd: case Op::BOr: case Op::BXor: case Op::Shl: case Op::Shr:
        if (!binary_op(op, sp[-2], sp[-1], &r, heap_, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
        if (!compare_op(op, sp[-2], sp[-1], &b, err_)) return false;
        sp[-2] = Value::boolean(b);
        --sp;
        return true;
    case Op::Neg: case Op::BNot: case Op::ToInt: case Op::ToFloat: case Op::Sqrt:
        return unary_op(op, sp[-1], &sp[-1], heap_, err_);
    case Op::NewArray: return array_new(sp[-1], &sp[-1], heap_, err_);
    case Op::AGet:
        if (!array_get(sp[-2], sp[-1], &r, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::ASet:
        if (!array_set(sp[-3], sp[-2], sp[-1], err_)) return false;
        sp -= 3;
        return true;
    case Op::APush:
        if (!array_push(sp[-2], sp[-1], heap_, err_)) return false;
        sp -= 2;
        return true;
    case Op::Len: return length_of(sp[-1], &sp[-1], err_);
    case Op::Concat:
        if (!string_concat(sp[-2], sp[-1], &r, heap_, err_)) return false;
        sp[-2] = r;
        --sp;
        return true;
    case Op::ToStr: return to_string(sp[-1], &sp[-1], heap_, err_, scratch_);
    case Op::Print:
        if (!print_value(sp[-1], err_, scratch_, heap_.max_bytes())) return false;
        --sp;
        return true;
    default: return false;  // not a stack instruction: the projector never emits it
    }
}

// An exit got hot: link it to the trace already starting where it resumes,
// or project a side trace from there.
Trace* VM::grow_side_trace(Trace* t, uint16_t exit_index) {
    Exit& e = t->exits[exit_index];
    Function* fn = frames_[depth_ - 1].fn;
    uint32_t at = uint32_t(e.resume - fn->code.data());
    if (Trace* existing = traces_->at(fn, at)) return existing;
    return traces_->build(fn, at, false, t, exit_index);
}

Instr* VM::run_trace(Trace* t, Value* sp) {
    Value* base = frames_[depth_ - 1].base;
    Value* G = globals_.data();
    const Uop* u = t->uops.data();
    Tier2Stats& stats = traces_->stats;
    uint64_t executed = 0;
    for (;;) {
        ++executed;
        switch (u->op) {
#define BINARY_INT(name, OPER)                                    \
    case UopOp::name: {                                           \
        int64_t r = sp[-2].as_small_int() OPER sp[-1].as_small_int(); \
        if (!Value::fits_small(r)) goto side_exit;                \
        sp[-2] = Value::small_int(r);                             \
        --sp;                                                     \
        break;                                                    \
    }
#define BINARY_FLOAT(name, OPER)                                           \
    case UopOp::name:                                                      \
        sp[-2] = Value::number(sp[-2].as_float() OPER sp[-1].as_float());  \
        --sp;                                                              \
        break;
#define COMPARE(name, as, OPER)                                      \
    case UopOp::name:                                                \
        sp[-2] = Value::boolean(sp[-2].as() OPER sp[-1].as());       \
        --sp;                                                        \
        break;
        case UopOp::CONST: *sp++ = Value::from_bits(u->operand); break;
        case UopOp::POP: --sp; break;
        case UopOp::DUP: sp[0] = sp[-1]; ++sp; break;
        case UopOp::SWAP: std::swap(sp[-1], sp[-2]); break;
        case UopOp::OVER: sp[0] = sp[-2]; ++sp; break;
        case UopOp::LOAD_LOCAL: *sp++ = base[u->arg]; break;
        case UopOp::STORE_LOCAL: base[u->arg] = *--sp; break;
        case UopOp::LOAD_GLOBAL: *sp++ = G[u->arg]; break;
        case UopOp::STORE_GLOBAL: G[u->arg] = *--sp; break;
        case UopOp::GUARD_INT_TOS: if (!sp[-1].is_small_int()) goto side_exit; break;
        case UopOp::GUARD_INT_NOS: if (!sp[-2].is_small_int()) goto side_exit; break;
        case UopOp::GUARD_FLOAT_TOS: if (!sp[-1].is_float()) goto side_exit; break;
        case UopOp::GUARD_FLOAT_NOS: if (!sp[-2].is_float()) goto side_exit; break;
        case UopOp::GUARD_ARRAY_NOS: if (!sp[-2].is_array()) goto side_exit; break;
        case UopOp::GUARD_ARRAY_3OS: if (!sp[-3].is_array()) goto side_exit; break;
        BINARY_INT(ADD_INT, +)
        BINARY_INT(SUB_INT, -)
        case UopOp::MUL_INT: {
            int64_t r;
            if (__builtin_mul_overflow(sp[-2].as_small_int(), sp[-1].as_small_int(), &r) || !Value::fits_small(r)) goto side_exit;
            sp[-2] = Value::small_int(r);
            --sp;
            break;
        }
        BINARY_FLOAT(ADD_FLOAT, +)
        BINARY_FLOAT(SUB_FLOAT, -)
        BINARY_FLOAT(MUL_FLOAT, *)
        case UopOp::DIV_FLOAT:
            if (sp[-1].as_float() == 0.0) goto side_exit;
            sp[-2] = Value::number(sp[-2].as_float() / sp[-1].as_float());
            --sp;
            break;
        COMPARE(LT_INT, as_small_int, <)
        COMPARE(LE_INT, as_small_int, <=)
        COMPARE(GT_INT, as_small_int, >)
        COMPARE(GE_INT, as_small_int, >=)
        COMPARE(LT_FLOAT, as_float, <)
        COMPARE(LE_FLOAT, as_float, <=)
        COMPARE(GT_FLOAT, as_float, >)
        COMPARE(GE_FLOAT, as_float, >=)
        case UopOp::EQ: sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1])); --sp; break;
        case UopOp::NE: sp[-2] = Value::boolean(!values_equal(sp[-2], sp[-1])); --sp; break;
        case UopOp::NOT: sp[-1] = Value::boolean(!truthy(sp[-1])); break;
        case UopOp::AGET_ARRAY: {
            ArrayObj* a = sp[-2].as_array();
            int64_t i = sp[-1].as_small_int();
            if (uint64_t(i) >= uint64_t(a->len)) goto side_exit;
            sp[-2] = a->items[i];
            --sp;
            break;
        }
        case UopOp::ASET_ARRAY: {
            ArrayObj* a = sp[-3].as_array();
            int64_t i = sp[-2].as_small_int();
            if (uint64_t(i) >= uint64_t(a->len)) goto side_exit;
            a->items[i] = sp[-1];
            sp -= 3;
            break;
        }
        case UopOp::GENERIC:
            if (!trace_generic(Op(u->arg), sp)) goto side_exit;
            break;
        case UopOp::GUARD_TRUE:
            if (!truthy(*--sp)) goto side_exit;
            break;
        case UopOp::GUARD_FALSE:
            if (truthy(*--sp)) goto side_exit;
            break;
        case UopOp::PUSH_FRAME:
            if (!trace_push_frame(reinterpret_cast<Function*>(u->operand), u->origin + 1, sp, base)) goto side_exit;
            sp = base + reinterpret_cast<Function*>(u->operand)->num_locals();
            break;
        case UopOp::POP_FRAME: {
            Value r = sp[-1];
            sp = frames_[--depth_].base;
            *sp++ = r;
            base = frames_[depth_ - 1].base;
            break;
        }
        case UopOp::JUMP_TO_TOP:
            u = t->uops.data();
            continue;
        case UopOp::LINK_TRACE:
            t = reinterpret_cast<Trace*>(u->operand);
            u = t->uops.data();
            continue;
        case UopOp::EXIT_TRACE: goto side_exit;
#undef BINARY_INT
#undef BINARY_FLOAT
#undef COMPARE
        }
        ++u;
        continue;
    side_exit: {
        Exit& e = t->exits[u->exit];
        ++stats.side_exits_taken;
        if (!e.side && ++e.taken >= opts_.tier2.threshold) {
            e.taken = 0;
            sp_ = sp;
            e.side = grow_side_trace(t, u->exit);
        }
        if (e.side) {
            t = e.side;
            u = t->uops.data();
            continue;
        }
        stats.uops_executed += executed;
        sp_ = sp;
        return e.resume;
    }
    }
}

}  // namespace cpjit
