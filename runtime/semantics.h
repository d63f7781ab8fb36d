// The meaning of each operation on values (docs/language.md §2, §4), written once and
// shared by every tier: the interpreter inlines the fast paths (small ints,
// floats) and calls these for everything else.
#pragma once

#include <cstring>
#include <string>

#include "runtime/errors.h"
#include "runtime/heap.h"
#include "runtime/program.h"

namespace cpjit {

bool values_equal(Value a, Value b);

// Three-way numeric comparison, exact across int and float.
// Returns -1, 0, 1, or 2 when unordered (NaN).
int compare_numbers(Value a, Value b);

// Binary arithmetic and bitwise ops (add .. shr) on any operands.
bool binary_op(Op op, Value a, Value b, Value* out, Heap& heap, RtError& err);
// neg, bnot, toint, tofloat, sqrt on any operand.
bool unary_op(Op op, Value a, Value* out, Heap& heap, RtError& err);
// lt, le, gt, ge on any operands.
bool compare_op(Op op, Value a, Value b, bool* out, RtError& err);

// Arrays, strings and output (newarray, aget, aset, apush, len, concat,
// tostr, print) for any operands. `scratch` is reused text storage.
bool array_new(Value n, Value* out, Heap& heap, RtError& err);
bool array_get(Value a, Value i, Value* out, RtError& err);
bool array_set(Value a, Value i, Value v, RtError& err);
bool array_push(Value a, Value v, Heap& heap, RtError& err);
bool length_of(Value a, Value* out, RtError& err);
bool string_concat(Value a, Value b, Value* out, Heap& heap, RtError& err);
// r's bytes = a's then b's (r has a->len + b->len bytes): concat's result,
// for Tier 1 and for machine code's CONCAT alike.
inline void copy_concat(StringObj* r, const StringObj* a, const StringObj* b) {
    std::memcpy(r->data, a->data, size_t(a->len));
    std::memcpy(r->data + a->len, b->data, size_t(b->len));
}
bool to_string(Value v, Value* out, Heap& heap, RtError& err, std::string& scratch);
bool print_value(Value v, RtError& err, std::string& scratch, size_t limit);

// Pieces of binary_op that fast paths reuse.
bool int_floordiv(int64_t a, int64_t b, int64_t* out, RtError& err);
bool int_floormod(int64_t a, int64_t b, int64_t* out, RtError& err);
double float_floordiv(double a, double b);  // b != 0
double float_floormod(double a, double b);  // b != 0

// Text of a value as `print` writes it (tostr); false when the text would
// exceed `limit` bytes (an `out of memory` error).
bool append_text(std::string& out, Value v, size_t limit);
void append_float(std::string& out, double d);
// A string in double quotes with \" \\ \n \t \r escaped and other bytes
// below 0x20 (and, with escape_high, from 0x7f up) as \xHH.
void append_quoted(std::string& out, const char* data, size_t len, bool escape_high);

}  // namespace cpjit
