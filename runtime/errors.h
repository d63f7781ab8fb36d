// Runtime errors (docs/language.md §7) and load errors (docs/language.md §6).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/program.h"

namespace cpjit {

enum class ErrKind : uint8_t {
#define ERR(name, message) name,
#include "runtime/errors.def"
#undef ERR
};

// What went wrong at run time; the traceback comes from the frames.
struct RtError {
    ErrKind kind = ErrKind::IntegerOverflow;
    Op op = Op::Const;    // for type errors
    uint8_t num_types = 0;
    Type types[2] = {Type::Nil, Type::Nil};

    std::string message() const;
};

// Builders used by every tier's slow paths; they always return false so a
// helper can `return type_error(err, ...)`.
bool fail(RtError& err, ErrKind kind);
bool type_error(RtError& err, Op op, Value a);
bool type_error(RtError& err, Op op, Value a, Value b);

// A load or verification error: `error: FILE:LINE:COL: MESSAGE` or, for
// binary input, `error: FILE: offset N: MESSAGE`.
struct LoadError {
    std::string file;
    bool binary = false;
    bool has_pos = true;  // false: about the file as a whole
    SourcePos pos;
    std::string message;

    std::string format() const;
};

}  // namespace cpjit
