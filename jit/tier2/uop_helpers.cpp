// The C helpers of uop bodies (uop_helpers.h): the uop interpreter calls
// them directly, machine code through the addresses in uop_helpers.def.
#include "jit/tier2/uop_helpers.h"
#include "jit/tier2/uop_helper_table.h"

#include <charconv>
#include <cstring>

#include "jit/backend.h"
#include "jit/tier2/trace.h"
#include "runtime/semantics.h"
#include "runtime/vm.h"

using namespace cpjit;

extern "C" {

bool cpjit_uop_generic(CallStack* vm, int32_t op, Value** sp) { return VM::of(vm).run_generic(Op(op), *sp); }

ArrayObj* cpjit_uop_try_new_array(CallStack* vm, int64_t len) { return VM::of(vm).heap().try_new_small_array(len); }

StringObj* cpjit_uop_try_concat(CallStack* vm, const StringObj* a, const StringObj* b) {
    StringObj* r = VM::of(vm).heap().try_new_string_uninit(size_t(a->len) + size_t(b->len));
    if (r) copy_concat(r, a, b);
    return r;
}

StringObj* cpjit_uop_try_int_to_string(CallStack* vm, int64_t i) {
    char buf[24];  // the digits as Tier 1's tostr writes them (append_int)
    const char* end = std::to_chars(buf, buf + sizeof buf, i).ptr;
    StringObj* r = VM::of(vm).heap().try_new_string_uninit(size_t(end - buf));
    if (r) std::memcpy(r->data, buf, size_t(end - buf));
    return r;
}

bool cpjit_uop_values_equal(uint64_t a, uint64_t b) { return values_equal(Value::from_bits(a), Value::from_bits(b)); }

// The caller's frame is Tier 2's business only when a trace starts at its
// return point; then the callee's frame goes and its result takes its place.
cpjit_return_to cpjit_uop_return(CallStack* vm, Value* sp, Value** base, bool machine) {
    const uint32_t depth = vm->depth_;
    if (depth < 2) [[unlikely]]
        return {nullptr, sp};  // main returns: Tier 1 ends the run
    const Frame& callee = vm->frames_[depth - 1];
    const Frame& caller = vm->frames_[depth - 2];
    Trace* t = caller.fn->trace_starting_at(uint32_t(callee.ret_ip - caller.fn->code.data()));
    if (!t || (machine && !t->machine)) return {nullptr, sp};
    void* next = machine ? static_cast<void*>(t->machine->rx) : static_cast<void*>(t);
    Value r = sp[-1];
    sp = callee.base;
    *sp++ = r;
    vm->depth_ = depth - 1;
    *base = caller.base;
    return {next, sp};
}

}  // extern "C"

namespace cpjit {

namespace {
const UopHelper kUopHelpers[] = {
#define UOP_HELPER(name) {#name, reinterpret_cast<const void*>(&name)},
#include "jit/tier2/uop_helpers.def"
#undef UOP_HELPER
};
}  // namespace

std::span<const UopHelper> uop_helpers() { return kUopHelpers; }

const void* uop_helper_address(const char* name) {
    for (const UopHelper& h : kUopHelpers)
        if (std::strcmp(h.name, name) == 0) return h.address;
    return nullptr;
}

}  // namespace cpjit
