#include "runtime/semantics.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace cpjit {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;

int compare_int_float(int64_t i, double d) {
    if (std::isnan(d)) return 2;
    if (d >= kTwo63) return -1;
    if (d < -kTwo63) return 1;
    double t = std::trunc(d);
    int64_t ti = int64_t(t);
    if (i != ti) return i < ti ? -1 : 1;
    double frac = d - t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

bool int_binary(Op op, int64_t a, int64_t b, int64_t* r, RtError& err) {
    switch (op) {
    case Op::Add: return !__builtin_add_overflow(a, b, r) || fail(err, ErrKind::IntegerOverflow);
    case Op::Sub: return !__builtin_sub_overflow(a, b, r) || fail(err, ErrKind::IntegerOverflow);
    case Op::Mul: return !__builtin_mul_overflow(a, b, r) || fail(err, ErrKind::IntegerOverflow);
    case Op::IDiv: return int_floordiv(a, b, r, err);
    case Op::Mod: return int_floormod(a, b, r, err);
    case Op::BAnd: *r = a & b; return true;
    case Op::BOr: *r = a | b; return true;
    case Op::BXor: *r = a ^ b; return true;
    case Op::Shl:
        if (b < 0) return fail(err, ErrKind::NegativeShift);
        if (a == 0) {
            *r = 0;
            return true;
        }
        if (b >= 64) return fail(err, ErrKind::IntegerOverflow);
        *r = int64_t(uint64_t(a) << b);
        return (*r >> b) == a || fail(err, ErrKind::IntegerOverflow);
    case Op::Shr:
        if (b < 0) return fail(err, ErrKind::NegativeShift);
        *r = b >= 64 ? (a < 0 ? -1 : 0) : a >> b;
        return true;
    default: return false;
    }
}

bool float_binary(Op op, double a, double b, double* r, RtError& err) {
    switch (op) {
    case Op::Add: *r = a + b; return true;
    case Op::Sub: *r = a - b; return true;
    case Op::Mul: *r = a * b; return true;
    case Op::Div:
        if (b == 0) return fail(err, ErrKind::DivisionByZero);
        *r = a / b;
        return true;
    case Op::IDiv:
        if (b == 0) return fail(err, ErrKind::DivisionByZero);
        *r = float_floordiv(a, b);
        return true;
    case Op::Mod:
        if (b == 0) return fail(err, ErrKind::DivisionByZero);
        *r = float_floormod(a, b);
        return true;
    default: return false;
    }
}

double to_double(Value v) { return v.is_float() ? v.as_float() : double(v.as_int()); }

}  // namespace

bool int_floordiv(int64_t a, int64_t b, int64_t* out, RtError& err) {
    if (b == 0) return fail(err, ErrKind::DivisionByZero);
    if (a == std::numeric_limits<int64_t>::min() && b == -1) return fail(err, ErrKind::IntegerOverflow);
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    *out = q;
    return true;
}

bool int_floormod(int64_t a, int64_t b, int64_t* out, RtError& err) {
    if (b == 0) return fail(err, ErrKind::DivisionByZero);
    if (b == -1) {
        *out = 0;
        return true;
    }
    int64_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    *out = m;
    return true;
}

// Python's float floor division and modulo (float_divmod in CPython).
double float_floordiv(double a, double b) {
    double mod = std::fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0) {
        if ((b < 0) != (mod < 0)) div -= 1.0;
    }
    if (div != 0) {
        double fl = std::floor(div);
        if (div - fl > 0.5) fl += 1.0;
        return fl;
    }
    return std::copysign(0.0, a / b);
}

double float_floormod(double a, double b) {
    double mod = std::fmod(a, b);
    if (mod != 0) {
        if ((b < 0) != (mod < 0)) mod += b;
        return mod;
    }
    return std::copysign(0.0, b);
}

bool values_equal(Value a, Value b) {
    if (a.bits == b.bits) return !a.is_float() || !std::isnan(a.as_float());
    if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
    if (a.is_string() && b.is_string()) {
        StringObj* s = a.as_string();
        StringObj* t = b.as_string();
        return s->len == t->len && std::memcmp(s->data, t->data, size_t(s->len)) == 0;
    }
    return false;
}

int compare_numbers(Value a, Value b) {
    if (a.is_int() && b.is_int()) {
        int64_t x = a.as_int(), y = b.as_int();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_float() && b.is_float()) {
        double x = a.as_float(), y = b.as_float();
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
    if (a.is_int()) return compare_int_float(a.as_int(), b.as_float());
    int c = compare_int_float(b.as_int(), a.as_float());
    return c == 2 ? 2 : -c;
}

bool binary_op(Op op, Value a, Value b, Value* out, Heap& heap, RtError& err) {
    bool bitwise = op == Op::BAnd || op == Op::BOr || op == Op::BXor || op == Op::Shl || op == Op::Shr;
    if (bitwise ? !(a.is_int() && b.is_int()) : !(a.is_number() && b.is_number())) return type_error(err, op, a, b);
    if (a.is_int() && b.is_int() && op != Op::Div) {
        int64_t r = 0;
        if (!int_binary(op, a.as_int(), b.as_int(), &r, err)) return false;
        bool ok = true;
        *out = heap.make_int(r, ok);
        return ok || fail(err, ErrKind::OutOfMemory);
    }
    double r = 0;
    if (!float_binary(op, to_double(a), to_double(b), &r, err)) return false;
    *out = Value::number(r);
    return true;
}

bool unary_op(Op op, Value a, Value* out, Heap& heap, RtError& err) {
    if (!a.is_number() || (op == Op::BNot && !a.is_int())) return type_error(err, op, a);
    bool ok = true;
    switch (op) {
    case Op::Neg:
        if (a.is_float()) {
            *out = Value::number(-a.as_float());
            return true;
        }
        if (a.as_int() == std::numeric_limits<int64_t>::min()) return fail(err, ErrKind::IntegerOverflow);
        *out = heap.make_int(-a.as_int(), ok);
        break;
    case Op::BNot: *out = heap.make_int(~a.as_int(), ok); break;
    case Op::ToInt: {
        if (a.is_int()) {
            *out = a;
            return true;
        }
        double d = a.as_float();
        if (!(d >= -kTwo63 && d < kTwo63)) return fail(err, ErrKind::CannotConvert);  // also NaN
        *out = heap.make_int(int64_t(d), ok);
        break;
    }
    case Op::ToFloat: *out = Value::number(to_double(a)); return true;
    case Op::Sqrt: {
        double d = to_double(a);
        *out = Value::number(d < 0 ? std::numeric_limits<double>::quiet_NaN() : std::sqrt(d));
        return true;
    }
    default: return false;
    }
    return ok || fail(err, ErrKind::OutOfMemory);
}

bool compare_op(Op op, Value a, Value b, bool* out, RtError& err) {
    int c;
    if (a.is_number() && b.is_number()) {
        c = compare_numbers(a, b);
    } else if (a.is_string() && b.is_string()) {
        StringObj* s = a.as_string();
        StringObj* t = b.as_string();
        int m = std::memcmp(s->data, t->data, size_t(std::min(s->len, t->len)));
        c = m != 0 ? (m < 0 ? -1 : 1) : s->len < t->len ? -1 : s->len > t->len ? 1 : 0;
    } else {
        return type_error(err, op, a, b);
    }
    switch (op) {
    case Op::Lt: *out = c == -1; break;
    case Op::Le: *out = c == -1 || c == 0; break;
    case Op::Gt: *out = c == 1; break;
    case Op::Ge: *out = c == 1 || c == 0; break;
    default: return false;
    }
    return true;
}

// Python's repr() of a float: shortest round-trip digits, fixed notation
// when the decimal exponent is in [-4, 16), else scientific with a 2-digit
// minimum exponent.
void append_float(std::string& out, double d) {
    if (std::isnan(d)) {
        out += "nan";
        return;
    }
    if (std::isinf(d)) {
        out += d < 0 ? "-inf" : "inf";
        return;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf - 1, d, std::chars_format::scientific);
    *res.ptr = '\0';  // to_chars does not terminate; atoi below needs it
    // buf: [-]D[.DDD]e(+|-)XX
    const char* p = buf;
    const char* end = res.ptr;
    bool neg = *p == '-';
    if (neg) ++p;
    char digits[32];
    int nd = 0;
    while (p < end && *p != 'e') {
        if (*p != '.') digits[nd++] = *p;
        ++p;
    }
    int exp = std::atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0') --nd;
    if (neg) out += '-';
    int decpt = exp + 1;  // digits are d.ddd * 10^exp
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0.";
            out.append(size_t(-decpt), '0');
            out.append(digits, size_t(nd));
        } else if (nd <= decpt) {
            out.append(digits, size_t(nd));
            out.append(size_t(decpt - nd), '0');
            out += ".0";
        } else {
            out.append(digits, size_t(decpt));
            out += '.';
            out.append(digits + decpt, size_t(nd - decpt));
        }
    } else {
        out += digits[0];
        if (nd > 1) {
            out += '.';
            out.append(digits + 1, size_t(nd - 1));
        }
        char eb[8];
        int n = std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        out.append(eb, size_t(n));
    }
}

void append_quoted(std::string& out, const char* data, size_t len, bool escape_high) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < len; ++i) {
        unsigned char c = static_cast<unsigned char>(data[i]);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || (escape_high && c >= 0x7f)) {
                out += "\\x";
                out += kHex[c >> 4];
                out += kHex[c & 15];
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
}

namespace {

void append_int(std::string& out, int64_t i) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, res.ptr);
}

void append_scalar(std::string& out, Value v, bool quote_strings) {
    if (v.is_float()) return append_float(out, v.as_float());
    if (v.is_int()) return append_int(out, v.as_int());
    if (v.is_nil()) {
        out += "nil";
    } else if (v.is_bool()) {
        out += v.is_true() ? "true" : "false";
    } else if (v.is_string()) {
        if (quote_strings) return append_quoted(out, v.as_string()->data, size_t(v.as_string()->len), false);
        out.append(v.as_string()->data, size_t(v.as_string()->len));
    }
}

}  // namespace

bool append_text(std::string& out, Value v, size_t limit) {
    if (!v.is_array()) {
        append_scalar(out, v, false);
        return out.size() <= limit;
    }
    // Iterative, so deeply nested arrays cannot exhaust the C++ stack.
    struct Level {
        ArrayObj* array;
        int64_t next;
    };
    std::vector<Level> path;
    auto enter = [&](ArrayObj* a) {
        a->h.in_repr = true;
        out += '[';
        path.push_back({a, 0});
    };
    enter(v.as_array());
    bool ok = true;
    while (!path.empty()) {
        Level& top = path.back();
        if (top.next == top.array->len || !ok) {
            if (ok) out += ']';
            top.array->h.in_repr = false;
            path.pop_back();
            continue;
        }
        if (top.next > 0) out += ", ";
        Value e = top.array->items[top.next++];
        if (e.is_array()) {
            if (e.as_array()->h.in_repr)
                out += "[...]";
            else
                enter(e.as_array());
        } else {
            append_scalar(out, e, true);
        }
        if (out.size() > limit) ok = false;
    }
    return ok;
}

bool array_new(Value n, Value* out, Heap& heap, RtError& err) {
    if (!n.is_int()) return type_error(err, Op::NewArray, n);
    if (n.as_int() < 0) return fail(err, ErrKind::NegativeArraySize);
    ArrayObj* a = heap.new_array(n.as_int());
    if (!a) return fail(err, ErrKind::OutOfMemory);
    *out = Value::array(a);
    return true;
}

bool array_get(Value a, Value i, Value* out, RtError& err) {
    if (!a.is_array() || !i.is_int()) return type_error(err, Op::AGet, a, i);
    ArrayObj* arr = a.as_array();
    // A boxed int is never a valid index.
    if (!i.is_small_int() || uint64_t(i.as_small_int()) >= uint64_t(arr->len)) return fail(err, ErrKind::IndexOutOfRange);
    *out = arr->items[i.as_small_int()];
    return true;
}

bool array_set(Value a, Value i, Value v, RtError& err) {
    if (!a.is_array() || !i.is_int()) return type_error(err, Op::ASet, a, i);
    ArrayObj* arr = a.as_array();
    if (!i.is_small_int() || uint64_t(i.as_small_int()) >= uint64_t(arr->len)) return fail(err, ErrKind::IndexOutOfRange);
    arr->items[i.as_small_int()] = v;
    return true;
}

bool array_push(Value a, Value v, Heap& heap, RtError& err) {
    if (!a.is_array()) return type_error(err, Op::APush, a, v);
    return heap.array_push(a.as_array(), v) || fail(err, ErrKind::OutOfMemory);
}

bool length_of(Value a, Value* out, RtError& err) {
    if (a.is_array()) *out = Value::small_int(a.as_array()->len);
    else if (a.is_string()) *out = Value::small_int(a.as_string()->len);
    else return type_error(err, Op::Len, a);
    return true;
}

bool string_concat(Value a, Value b, Value* out, Heap& heap, RtError& err) {
    if (!a.is_string() || !b.is_string()) return type_error(err, Op::Concat, a, b);
    StringObj* s = a.as_string();
    StringObj* t = b.as_string();
    StringObj* r = heap.new_string_uninit(size_t(s->len) + size_t(t->len));
    if (!r) return fail(err, ErrKind::OutOfMemory);
    copy_concat(r, s, t);
    *out = Value::string(r);
    return true;
}

bool to_string(Value v, Value* out, Heap& heap, RtError& err, std::string& scratch) {
    if (v.is_string()) {
        *out = v;
        return true;
    }
    scratch.clear();
    if (!append_text(scratch, v, heap.max_bytes())) return fail(err, ErrKind::OutOfMemory);
    StringObj* s = heap.new_string(scratch.data(), scratch.size());
    if (!s) return fail(err, ErrKind::OutOfMemory);
    *out = Value::string(s);
    return true;
}

bool print_value(Value v, RtError& err, std::string& scratch, size_t limit) {
    if (v.is_string()) {
        std::fwrite(v.as_string()->data, 1, size_t(v.as_string()->len), stdout);
        std::putc('\n', stdout);
        return true;
    }
    scratch.clear();
    if (!append_text(scratch, v, limit)) return fail(err, ErrKind::OutOfMemory);
    scratch += '\n';
    std::fwrite(scratch.data(), 1, scratch.size(), stdout);
    return true;
}

}  // namespace cpjit
