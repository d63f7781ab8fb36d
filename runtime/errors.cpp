#include "runtime/errors.h"

#include <fmt/format.h>

namespace cpjit {

namespace {
constexpr const char* kMessages[] = {
#define ERR(name, message) message,
#include "runtime/errors.def"
#undef ERR
};
}  // namespace

const char* type_name(Type t) {
    static constexpr const char* kNames[] = {"nil", "bool", "int", "float", "string", "array"};
    return kNames[int(t)];
}

std::string RtError::message() const {
    std::string m = kMessages[int(kind)];
    if (kind != ErrKind::TypeError) return m;
    m += op_info(op).mnemonic;
    m += ": ";
    m += type_name(types[0]);
    if (num_types == 2) {
        m += " and ";
        m += type_name(types[1]);
    }
    return m;
}

bool fail(RtError& err, ErrKind kind) {
    err.kind = kind;
    return false;
}

bool type_error(RtError& err, Op op, Value a) {
    err.kind = ErrKind::TypeError;
    err.op = op;
    err.num_types = 1;
    err.types[0] = a.type();
    return false;
}

bool type_error(RtError& err, Op op, Value a, Value b) {
    err.kind = ErrKind::TypeError;
    err.op = op;
    err.num_types = 2;
    err.types[0] = a.type();
    err.types[1] = b.type();
    return false;
}

std::string LoadError::format() const {
    if (!has_pos) return fmt::format("error: {}: {}", file, message);
    if (binary) return fmt::format("error: {}: offset {}: {}", file, pos.col, message);
    return fmt::format("error: {}:{}:{}: {}", file, pos.line, pos.col, message);
}

}  // namespace cpjit
