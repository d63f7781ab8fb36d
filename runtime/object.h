// Heap object layouts, and what can be asked of a value without the heap.
// Freestanding on purpose (no library headers): the stencils include it.
#pragma once

#include "runtime/value.h"

namespace cpjit {

// Storage never reaches a Value: an array's items in a cell of their own
// (runtime/heap.cpp).
enum class ObjKind : uint8_t { String, Array, BoxedInt, Storage };

struct ObjHeader {
    ObjHeader* next;  // large objects: the list a collection walks
    ObjKind kind;
    bool marked;
    bool in_repr;     // set while tostr/print is inside this array ([...])
    uint8_t size_class;  // the heap's cell class, or Heap::kLargeClass
    uint8_t inline_items;  // arrays: item slots in the object's own cell (0: none)
};

struct StringObj {
    ObjHeader h;
    int64_t len;
    char data[1];  // len bytes follow (and a NUL for convenience)
};

// Items of a small array live in its own cell, right after it (items points
// there until a push outgrows them): one allocation, one cache line to read.
struct ArrayObj {
    ObjHeader h;
    int64_t len;
    int64_t cap;
    Value* items;
    Value* inline_items() { return reinterpret_cast<Value*>(this + 1); }
    bool items_inline() { return h.inline_items && items == inline_items(); }
};

struct BoxedInt {
    ObjHeader h;
    int64_t value;
};

inline int64_t Value::as_int() const {
    return is_small_int() ? as_small_int() : as_boxed_int()->value;
}

inline bool truthy(Value v) {
    if (v.is_small_int()) return v.bits != Value::small_int(0).bits;
    if (v.is_float()) return v.as_float() != 0.0;  // NaN is truthy
    switch (v.top()) {
    case tag::kSpecial: return v.is_true();
    case tag::kString: return v.as_string()->len != 0;
    case tag::kArray: return v.as_array()->len != 0;
    default: return true;  // boxed ints are never 0
    }
}

}  // namespace cpjit
