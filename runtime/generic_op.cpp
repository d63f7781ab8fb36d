// VM::run_generic: one stack instruction through the shared semantics, for
// code that runs outside the interpreter loop (Tier 2's GENERIC uops).
#include "runtime/semantics.h"
#include "runtime/vm.h"

namespace cpjit {

bool VM::run_generic(Op op, Value*& sp) {
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

}  // namespace cpjit
