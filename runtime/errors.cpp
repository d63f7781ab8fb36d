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

namespace {
// Load errors quote pieces of untrusted input: keep the line one clear line
// of printable text, and not too long.
std::string printable(const std::string& s) {
    constexpr size_t kMaxShown = 200;
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= kMaxShown) {
            out += "...";
            break;
        }
        if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\x{:02x}", c);
        else
            out += char(c);
    }
    return out;
}
}  // namespace

std::string LoadError::format() const {
    std::string msg = printable(message);
    if (!has_pos) return fmt::format("error: {}: {}", file, msg);
    if (binary) return fmt::format("error: {}: offset {}: {}", file, pos.col, msg);
    return fmt::format("error: {}:{}:{}: {}", file, pos.line, pos.col, msg);
}

}  // namespace cpjit
