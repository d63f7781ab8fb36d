// Value semantics at the edges (docs/language.md §2, §4), through the semantics.h API
// every tier shares. Expected values were computed with Python 3 (`//`, `%`,
// `repr`) where docs/language.md defers to it.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/semantics.h"

using namespace cpjit;

namespace {

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr int64_t kTwo47 = int64_t(1) << 47;

// Values are created in this heap and kept alive by its roots (every value
// a helper makes is rooted), so a collection never frees one under a test.
struct Fixture : RootSet {
    Heap heap;
    std::vector<Value> keep;

    Fixture() { heap.add_roots(this); }
    ~Fixture() { heap.remove_roots(this); }
    void trace(Heap& h) override { h.mark_range(keep.data(), keep.data() + keep.size()); }
    Value rooted(Value v) {
        keep.push_back(v);
        return v;
    }

    Value I(int64_t i) {
        bool ok = true;
        Value v = heap.make_int(i, ok);
        REQUIRE(ok);
        return rooted(v);
    }
    static Value F(double d) { return Value::number(d); }
    Value S(const std::string& s) {
        StringObj* o = heap.new_string(s.data(), s.size());
        REQUIRE(o != nullptr);
        return rooted(Value::string(o));
    }
    Value A(std::initializer_list<Value> items) {
        ArrayObj* a = heap.new_array(0);
        REQUIRE(a != nullptr);
        rooted(Value::array(a));
        for (Value v : items) REQUIRE(heap.array_push(a, v));
        return Value::array(a);
    }

    // "" on success with *out set, else the runtime error message.
    std::string bin(Op op, Value a, Value b, Value* out) {
        RtError err;
        *out = Value::nil();
        if (binary_op(op, a, b, out, heap, err)) return rooted(*out), "";
        return err.message();
    }
    std::string bin_err(Op op, Value a, Value b) {
        Value r;
        return bin(op, a, b, &r);
    }
    int64_t bin_int(Op op, int64_t a, int64_t b) {
        Value r;
        std::string e = bin(op, I(a), I(b), &r);
        INFO("op ", op_info(op).mnemonic, " ", a, " ", b, ": ", e);
        REQUIRE(e == "");
        REQUIRE(r.is_int());
        return r.as_int();
    }
    double bin_float(Op op, Value a, Value b) {
        Value r;
        std::string e = bin(op, a, b, &r);
        INFO("op ", op_info(op).mnemonic, ": ", e);
        REQUIRE(e == "");
        REQUIRE(r.is_float());
        return r.as_float();
    }
    std::string un(Op op, Value a, Value* out) {
        RtError err;
        *out = Value::nil();
        if (unary_op(op, a, out, heap, err)) return rooted(*out), "";
        return err.message();
    }
    std::string un_err(Op op, Value a) {
        Value r;
        return un(op, a, &r);
    }
    // "true"/"false" or the error message.
    static std::string cmp(Op op, Value a, Value b) {
        RtError err;
        bool r = false;
        if (!compare_op(op, a, b, &r, err)) return err.message();
        return r ? "true" : "false";
    }
    static std::string text(Value v) {
        std::string s;
        REQUIRE(append_text(s, v, size_t(1) << 30));
        return s;
    }
    static std::string ftext(double d) {
        std::string s;
        append_float(s, d);
        return s;
    }
};

bool same_bits(double a, double b) { return std::signbit(a) == std::signbit(b) && (a == b || (std::isnan(a) && std::isnan(b))); }

}  // namespace

TEST_CASE_FIXTURE(Fixture, "int add sub mul overflow at the int64 edges") {
    CHECK(bin_int(Op::Add, kMax64 - 1, 1) == kMax64);
    CHECK(bin_err(Op::Add, I(kMax64), I(1)) == "integer overflow");
    CHECK(bin_err(Op::Add, I(kMin64), I(-1)) == "integer overflow");
    CHECK(bin_int(Op::Add, kMin64, kMax64) == -1);
    CHECK(bin_err(Op::Sub, I(kMin64), I(1)) == "integer overflow");
    CHECK(bin_err(Op::Sub, I(0), I(kMin64)) == "integer overflow");
    CHECK(bin_int(Op::Sub, -1, kMin64) == kMax64);
    CHECK(bin_err(Op::Mul, I(kMin64), I(-1)) == "integer overflow");
    CHECK(bin_err(Op::Mul, I(int64_t(1) << 32), I(int64_t(1) << 31)) == "integer overflow");
    CHECK(bin_int(Op::Mul, int64_t(1) << 31, int64_t(1) << 31) == int64_t(1) << 62);
    CHECK(bin_int(Op::Mul, kMin64, 1) == kMin64);
    CHECK(bin_err(Op::Mul, I(3037000500), I(3037000500)) == "integer overflow");
    CHECK(bin_int(Op::Mul, 3037000499, 3037000499) == 9223372030926249001);
}

TEST_CASE_FIXTURE(Fixture, "neg and idiv overflow on the most negative int") {
    CHECK(un_err(Op::Neg, I(kMin64)) == "integer overflow");
    Value r;
    REQUIRE(un(Op::Neg, I(kMax64), &r) == "");
    CHECK(r.as_int() == kMin64 + 1);
    CHECK(bin_err(Op::IDiv, I(kMin64), I(-1)) == "integer overflow");
    CHECK(bin_int(Op::Mod, kMin64, -1) == 0);  // Python: 0, and no trap
    CHECK(bin_int(Op::IDiv, kMin64, 1) == kMin64);
    CHECK(bin_int(Op::IDiv, kMin64, 2) == kMin64 / 2);
    CHECK(bin_int(Op::Mod, kMin64, kMax64) == kMax64 - 1);  // Python: (-2**63) % (2**63-1)
    CHECK(bin_int(Op::IDiv, kMin64, kMax64) == -2);
}

TEST_CASE_FIXTURE(Fixture, "results cross the 48-bit inline and boxed boundary both ways") {
    Value top = I(kTwo47 - 1);
    CHECK(top.is_small_int());
    Value r;
    REQUIRE(bin(Op::Add, top, I(1), &r) == "");
    CHECK(r.is_boxed_int());
    CHECK(r.as_int() == kTwo47);
    Value back;
    REQUIRE(bin(Op::Sub, r, I(1), &back) == "");
    CHECK(back.is_small_int());  // canonical: fits, so inline
    CHECK(back.as_int() == kTwo47 - 1);
    CHECK(back == top);

    Value low = I(-kTwo47);
    CHECK(low.is_small_int());
    REQUIRE(bin(Op::Sub, low, I(1), &r) == "");
    CHECK(r.is_boxed_int());
    CHECK(r.as_int() == -kTwo47 - 1);
    REQUIRE(bin(Op::Add, r, I(1), &back) == "");
    CHECK(back.is_small_int());
    CHECK(back == low);

    // neg of the smallest inline int leaves the inline range
    REQUIRE(un(Op::Neg, low, &r) == "");
    CHECK(r.is_boxed_int());
    CHECK(r.as_int() == kTwo47);
    // bnot stays inline at the edges
    REQUIRE(un(Op::BNot, low, &r) == "");
    CHECK(r.is_small_int());
    CHECK(r.as_int() == kTwo47 - 1);
    // mul into boxed, idiv back to inline
    REQUIRE(bin(Op::Mul, I(kTwo47 - 1), I(4), &r) == "");
    CHECK(r.is_boxed_int());
    REQUIRE(bin(Op::IDiv, r, I(4), &back) == "");
    CHECK(back.is_small_int());
    CHECK(back.as_int() == kTwo47 - 1);
    // -2**47 // -1 == 2**47 leaves the inline range
    REQUIRE(bin(Op::IDiv, low, I(-1), &r) == "");
    CHECK(r.is_boxed_int());
    CHECK(r.as_int() == kTwo47);
    // shifts cross both ways
    REQUIRE(bin(Op::Shl, I(1), I(47), &r) == "");
    CHECK(r.is_boxed_int());
    REQUIRE(bin(Op::Shr, r, I(1), &back) == "");
    CHECK(back.is_small_int());
    CHECK(back.as_int() == int64_t(1) << 46);
    // toint of a big float gives a boxed int, of a small one an inline int
    REQUIRE(un(Op::ToInt, F(1e15 * 1000), &r) == "");
    CHECK(r.is_boxed_int());
    CHECK(r.as_int() == int64_t(1000000000000000000));
    REQUIRE(un(Op::ToInt, F(-3.99), &r) == "");
    CHECK(r.is_small_int());
    CHECK(r.as_int() == -3);
}

TEST_CASE_FIXTURE(Fixture, "boxed ints compare by value and never equal an inline int") {
    Value a = I(kTwo47), b = I(kTwo47);
    CHECK(a.is_boxed_int());
    CHECK(a.bits != b.bits);  // two boxes
    CHECK(values_equal(a, b));
    CHECK_FALSE(values_equal(a, I(kTwo47 - 1)));
    CHECK_FALSE(values_equal(I(kTwo47 - 1), a));
    CHECK(values_equal(a, F(140737488355328.0)));
    CHECK(values_equal(F(140737488355328.0), a));
    CHECK(cmp(Op::Lt, I(kTwo47 - 1), a) == "true");
    CHECK(cmp(Op::Gt, I(kMin64), I(-kTwo47)) == "false");
    CHECK(cmp(Op::Le, I(kMax64), I(kMax64)) == "true");
    CHECK(compare_numbers(I(kMin64), I(kMax64)) == -1);
    CHECK(truthy(a));
    CHECK(truthy(I(kMin64)));
}

TEST_CASE_FIXTURE(Fixture, "int floor division and modulo follow Python signs") {
    // Python: -7//2=-4, 7//-2=-4, -7//-2=3, 7//2=3; -7%2=1, 7%-2=-1, -7%-2=-1, 7%2=1
    CHECK(bin_int(Op::IDiv, -7, 2) == -4);
    CHECK(bin_int(Op::IDiv, 7, -2) == -4);
    CHECK(bin_int(Op::IDiv, -7, -2) == 3);
    CHECK(bin_int(Op::IDiv, 7, 2) == 3);
    CHECK(bin_int(Op::IDiv, -8, 2) == -4);
    CHECK(bin_int(Op::IDiv, 0, -5) == 0);
    CHECK(bin_int(Op::Mod, -7, 2) == 1);
    CHECK(bin_int(Op::Mod, 7, -2) == -1);
    CHECK(bin_int(Op::Mod, -7, -2) == -1);
    CHECK(bin_int(Op::Mod, 7, 2) == 1);
    CHECK(bin_int(Op::Mod, -8, 2) == 0);
    CHECK(bin_int(Op::Mod, 0, -5) == 0);
    CHECK(bin_int(Op::Mod, 5, kMin64) == kMin64 + 5);  // Python: 5 % -2**63
    CHECK(bin_int(Op::IDiv, 5, kMin64) == -1);
    // the exported helpers agree
    RtError err;
    int64_t q = 0;
    CHECK(int_floordiv(-1, 3, &q, err));
    CHECK(q == -1);
    CHECK(int_floormod(-1, 3, &q, err));
    CHECK(q == 2);
}

TEST_CASE_FIXTURE(Fixture, "float floor division and modulo follow Python") {
    // Python: -7.5%2=0.5, 7.5//-2=-4.0, 7.5%-2=-0.5, -7.5//2=-4.0, 0.0%-3=-0.0,
    // -0.0%3=0.0, -0.0//1=-0.0, 0.0//-1=-0.0, 7.0%-2.0=-1.0, 5.0//inf=0.0,
    // -5.0//inf=-1.0, 5.0%inf=5.0, -5.0%inf=inf, -1e-300%1e300=1e+300
    CHECK(bin_float(Op::Mod, F(-7.5), I(2)) == 0.5);
    CHECK(bin_float(Op::IDiv, F(7.5), I(-2)) == -4.0);
    CHECK(bin_float(Op::Mod, F(7.5), I(-2)) == -0.5);
    CHECK(bin_float(Op::IDiv, F(-7.5), F(2)) == -4.0);
    CHECK(same_bits(bin_float(Op::Mod, F(0.0), I(-3)), -0.0));
    CHECK(same_bits(bin_float(Op::Mod, F(-0.0), I(3)), 0.0));
    CHECK(same_bits(bin_float(Op::IDiv, F(-0.0), I(1)), -0.0));
    CHECK(same_bits(bin_float(Op::IDiv, F(0.0), I(-1)), -0.0));
    CHECK(same_bits(bin_float(Op::Mod, F(-4.0), F(2.0)), 0.0));
    CHECK(same_bits(bin_float(Op::Mod, F(4.0), F(-2.0)), -0.0));
    CHECK(bin_float(Op::Mod, I(7), F(-2.0)) == -1.0);
    CHECK(bin_float(Op::IDiv, I(7), F(2.0)) == 3.0);
    CHECK(same_bits(bin_float(Op::IDiv, F(5.0), F(INFINITY)), 0.0));
    CHECK(bin_float(Op::IDiv, F(-5.0), F(INFINITY)) == -1.0);
    CHECK(bin_float(Op::Mod, F(5.0), F(INFINITY)) == 5.0);
    CHECK(bin_float(Op::Mod, F(-5.0), F(INFINITY)) == INFINITY);
    CHECK(bin_float(Op::Mod, F(-1e-300), F(1e300)) == 1e300);
    CHECK(std::isnan(bin_float(Op::Mod, F(INFINITY), I(2))));
    CHECK(std::isnan(bin_float(Op::IDiv, F(INFINITY), I(2))));
    CHECK(std::isnan(bin_float(Op::Mod, F(NAN), I(2))));
    CHECK(float_floordiv(-1.0, 3.0) == -1.0);
    CHECK(float_floormod(-1.0, 3.0) == 2.0);
    // mixed int/float keeps the float rule, int/int keeps int
    Value r;
    REQUIRE(bin(Op::IDiv, I(7), I(2), &r) == "");
    CHECK(r.is_int());
    REQUIRE(bin(Op::IDiv, I(7), F(2), &r) == "");
    CHECK(r.is_float());
}

TEST_CASE_FIXTURE(Fixture, "division by zero for int and float div idiv mod") {
    for (Op op : {Op::Div, Op::IDiv, Op::Mod}) {
        INFO(op_info(op).mnemonic);
        CHECK(bin_err(op, I(1), I(0)) == "division by zero");
        CHECK(bin_err(op, I(0), I(0)) == "division by zero");
        CHECK(bin_err(op, F(1.5), F(0.0)) == "division by zero");
        CHECK(bin_err(op, F(1.5), F(-0.0)) == "division by zero");
        CHECK(bin_err(op, I(1), F(0.0)) == "division by zero");
        CHECK(bin_err(op, F(1.0), I(0)) == "division by zero");
        CHECK(bin_err(op, F(NAN), I(0)) == "division by zero");
        CHECK(bin_err(op, I(kTwo47), I(0)) == "division by zero");
    }
    // true division is always float, even of two ints
    CHECK(bin_float(Op::Div, I(7), I(2)) == 3.5);
    CHECK(bin_float(Op::Div, I(-6), I(3)) == -2.0);
    CHECK(bin_float(Op::Div, I(1), F(INFINITY)) == 0.0);
}

TEST_CASE_FIXTURE(Fixture, "shifts: negative counts and overflow and arithmetic shr") {
    CHECK(bin_err(Op::Shl, I(1), I(-1)) == "negative shift count");
    CHECK(bin_err(Op::Shr, I(1), I(-1)) == "negative shift count");
    CHECK(bin_err(Op::Shl, I(0), I(-1)) == "negative shift count");
    CHECK(bin_err(Op::Shr, I(0), I(kMin64)) == "negative shift count");
    CHECK(bin_int(Op::Shl, 1, 62) == int64_t(1) << 62);
    CHECK(bin_err(Op::Shl, I(1), I(63)) == "integer overflow");
    CHECK(bin_int(Op::Shl, -1, 63) == kMin64);  // Python: -1 << 63 fits
    CHECK(bin_int(Op::Shl, -2, 62) == kMin64);
    CHECK(bin_err(Op::Shl, I(-3), I(62)) == "integer overflow");
    CHECK(bin_err(Op::Shl, I(3), I(62)) == "integer overflow");
    CHECK(bin_err(Op::Shl, I(1), I(64)) == "integer overflow");
    CHECK(bin_err(Op::Shl, I(1), I(kMax64)) == "integer overflow");
    CHECK(bin_int(Op::Shl, 0, 64) == 0);
    CHECK(bin_int(Op::Shl, 0, kMax64) == 0);
    CHECK(bin_int(Op::Shl, 5, 0) == 5);
    CHECK(bin_int(Op::Shr, -8, 100) == -1);
    CHECK(bin_int(Op::Shr, -8, 64) == -1);
    CHECK(bin_int(Op::Shr, kMin64, 63) == -1);
    CHECK(bin_int(Op::Shr, 8, 64) == 0);
    CHECK(bin_int(Op::Shr, kMax64, kMax64) == 0);
    CHECK(bin_int(Op::Shr, -7, 1) == -4);  // floor, like Python
    CHECK(bin_int(Op::Shr, 7, 1) == 3);
    CHECK(bin_int(Op::BAnd, -1, kMin64) == kMin64);
    CHECK(bin_int(Op::BOr, kTwo47, 1) == kTwo47 + 1);
    CHECK(bin_int(Op::BXor, -1, kMax64) == kMin64);
    Value r;
    REQUIRE(un(Op::BNot, I(kMin64), &r) == "");
    CHECK(r.as_int() == kMax64);
    CHECK(bin_err(Op::Shl, F(1.0), I(1)) == "unsupported operand types for shl: float and int");
    CHECK(bin_err(Op::BAnd, Value::boolean(true), I(1)) == "unsupported operand types for band: bool and int");
    CHECK(un_err(Op::BNot, F(1.0)) == "unsupported operand types for bnot: float");
}

TEST_CASE_FIXTURE(Fixture, "int and float compare exactly and NaN compares false") {
    Value big = I((int64_t(1) << 53) + 1);
    Value f53 = F(9007199254740992.0);
    CHECK_FALSE(values_equal(big, f53));
    CHECK_FALSE(values_equal(f53, big));
    CHECK(cmp(Op::Gt, big, f53) == "true");
    CHECK(cmp(Op::Lt, f53, big) == "true");
    CHECK(values_equal(I(int64_t(1) << 53), f53));
    CHECK(values_equal(I(kMin64), F(-9223372036854775808.0)));
    CHECK_FALSE(values_equal(I(kMax64), F(9223372036854775808.0)));
    CHECK(cmp(Op::Lt, I(kMax64), F(9223372036854775808.0)) == "true");
    CHECK(cmp(Op::Ge, I(kMin64), F(-9223372036854775808.0)) == "true");
    CHECK(cmp(Op::Gt, I(kMin64), F(-INFINITY)) == "true");
    CHECK(cmp(Op::Lt, I(kMax64), F(INFINITY)) == "true");
    CHECK(cmp(Op::Lt, I(2), F(2.5)) == "true");
    CHECK(cmp(Op::Gt, I(-2), F(-2.5)) == "true");
    CHECK(cmp(Op::Le, F(-2.5), I(-3)) == "false");
    CHECK(values_equal(I(0), F(-0.0)));
    CHECK(values_equal(F(0.0), F(-0.0)));
    Value nan = F(NAN);
    CHECK_FALSE(values_equal(nan, nan));  // same bits, still unequal
    CHECK_FALSE(values_equal(nan, I(0)));
    for (Op op : {Op::Lt, Op::Le, Op::Gt, Op::Ge}) {
        CHECK(cmp(op, nan, nan) == "false");
        CHECK(cmp(op, nan, I(1)) == "false");
        CHECK(cmp(op, I(1), nan) == "false");
        CHECK(cmp(op, F(1.0), nan) == "false");
        CHECK(cmp(op, big, nan) == "false");
    }
    CHECK(compare_numbers(nan, I(1)) == 2);
    CHECK(compare_numbers(I(1), nan) == 2);
    CHECK(values_equal(F(INFINITY), F(INFINITY)));
}

TEST_CASE_FIXTURE(Fixture, "eq across types and strings by content and arrays by identity") {
    CHECK(values_equal(Value::nil(), Value::nil()));
    CHECK_FALSE(values_equal(Value::nil(), Value::boolean(false)));
    CHECK_FALSE(values_equal(Value::boolean(false), I(0)));  // bool is not a number
    CHECK_FALSE(values_equal(Value::boolean(true), I(1)));
    CHECK_FALSE(values_equal(Value::boolean(true), F(1.0)));
    CHECK_FALSE(values_equal(I(1), S("1")));
    CHECK(values_equal(S("abc"), S("abc")));
    CHECK_FALSE(values_equal(S("abc"), S("abd")));
    CHECK_FALSE(values_equal(S("ab"), S("abc")));
    CHECK(values_equal(S(std::string("a\0b", 3)), S(std::string("a\0b", 3))));
    CHECK_FALSE(values_equal(S(std::string("a\0b", 3)), S(std::string("a\0c", 3))));
    CHECK(values_equal(S(""), S("")));
    Value a = A({}), b = A({});
    CHECK(values_equal(a, a));
    CHECK_FALSE(values_equal(a, b));
    // ordering: two strings byte-wise (unsigned), anything else a type error
    CHECK(cmp(Op::Lt, S("a"), S("b")) == "true");
    CHECK(cmp(Op::Lt, S("ab"), S("a")) == "false");
    CHECK(cmp(Op::Gt, S("ab"), S("a")) == "true");
    CHECK(cmp(Op::Le, S(""), S("")) == "true");
    CHECK(cmp(Op::Gt, S("\xff"), S("a")) == "true");
    CHECK(cmp(Op::Lt, S(std::string("a\0", 2)), S("a")) == "false");
    CHECK(cmp(Op::Lt, S("1"), I(2)) == "unsupported operand types for lt: string and int");
    CHECK(cmp(Op::Ge, Value::nil(), Value::nil()) == "unsupported operand types for ge: nil and nil");
    CHECK(cmp(Op::Le, Value::boolean(true), I(1)) == "unsupported operand types for le: bool and int");
    CHECK(cmp(Op::Gt, a, a) == "unsupported operand types for gt: array and array");
}

TEST_CASE_FIXTURE(Fixture, "type errors name the instruction and operand types") {
    CHECK(bin_err(Op::Add, Value::boolean(true), I(1)) == "unsupported operand types for add: bool and int");
    CHECK(bin_err(Op::Sub, I(1), Value::nil()) == "unsupported operand types for sub: int and nil");
    CHECK(bin_err(Op::Mul, S("a"), I(3)) == "unsupported operand types for mul: string and int");
    CHECK(bin_err(Op::Div, A({}), F(1)) == "unsupported operand types for div: array and float");
    CHECK(bin_err(Op::Mod, I(1), S("")) == "unsupported operand types for mod: int and string");
    CHECK(bin_err(Op::IDiv, Value::nil(), I(0)) == "unsupported operand types for idiv: nil and int");
    CHECK(bin_err(Op::Shr, I(1), F(1)) == "unsupported operand types for shr: int and float");
    CHECK(un_err(Op::Neg, S("x")) == "unsupported operand types for neg: string");
    CHECK(un_err(Op::Neg, Value::boolean(false)) == "unsupported operand types for neg: bool");
    CHECK(un_err(Op::ToInt, Value::nil()) == "unsupported operand types for toint: nil");
    CHECK(un_err(Op::ToFloat, S("1.0")) == "unsupported operand types for tofloat: string");
    CHECK(un_err(Op::Sqrt, A({})) == "unsupported operand types for sqrt: array");
}

TEST_CASE_FIXTURE(Fixture, "toint tofloat sqrt") {
    Value r;
    CHECK(un_err(Op::ToInt, F(NAN)) == "cannot convert float to int");
    CHECK(un_err(Op::ToInt, F(INFINITY)) == "cannot convert float to int");
    CHECK(un_err(Op::ToInt, F(-INFINITY)) == "cannot convert float to int");
    CHECK(un_err(Op::ToInt, F(9223372036854775808.0)) == "cannot convert float to int");
    CHECK(un_err(Op::ToInt, F(-9223373136366403584.0)) == "cannot convert float to int");
    REQUIRE(un(Op::ToInt, F(-9223372036854775808.0), &r) == "");
    CHECK(r.as_int() == kMin64);
    REQUIRE(un(Op::ToInt, F(9223372036854774784.0), &r) == "");  // largest double below 2**63
    CHECK(r.as_int() == 9223372036854774784);
    REQUIRE(un(Op::ToInt, F(-0.0), &r) == "");
    CHECK(r == Value::small_int(0));
    REQUIRE(un(Op::ToInt, F(-2.5), &r) == "");
    CHECK(r.as_int() == -2);  // toward zero
    REQUIRE(un(Op::ToInt, I(kMax64), &r) == "");
    CHECK(r.as_int() == kMax64);
    REQUIRE(un(Op::ToFloat, I(kMax64), &r) == "");
    CHECK(r.as_float() == 9223372036854775808.0);
    REQUIRE(un(Op::ToFloat, F(-0.0), &r) == "");
    CHECK(same_bits(r.as_float(), -0.0));
    REQUIRE(un(Op::Sqrt, I(16), &r) == "");
    CHECK(r.as_float() == 4.0);
    REQUIRE(un(Op::Sqrt, I(-1), &r) == "");
    CHECK(std::isnan(r.as_float()));
    CHECK(r.is_float());
    REQUIRE(un(Op::Sqrt, F(-1e-300), &r) == "");
    CHECK(std::isnan(r.as_float()));
    REQUIRE(un(Op::Sqrt, F(-INFINITY), &r) == "");
    CHECK(std::isnan(r.as_float()));
    REQUIRE(un(Op::Sqrt, F(INFINITY), &r) == "");
    CHECK(r.as_float() == INFINITY);
    REQUIRE(un(Op::Neg, F(0.0), &r) == "");
    CHECK(same_bits(r.as_float(), -0.0));
    REQUIRE(un(Op::Neg, F(NAN), &r) == "");
    CHECK(r.is_float());  // a NaN of either sign is still a float, never a tag
    CHECK(std::isnan(r.as_float()));
}

TEST_CASE_FIXTURE(Fixture, "NaN results stay floats in the NaN box") {
    Value r;
    REQUIRE(bin(Op::Sub, F(INFINITY), F(INFINITY), &r) == "");
    CHECK(r.is_float());
    REQUIRE(bin(Op::Mul, F(0.0), F(INFINITY), &r) == "");
    CHECK(r.is_float());
    REQUIRE(bin(Op::Div, F(INFINITY), F(-INFINITY), &r) == "");
    CHECK(r.is_float());
    REQUIRE(un(Op::Neg, r, &r) == "");
    CHECK(r.is_float());
    REQUIRE(bin(Op::Add, F(NAN), I(kMax64), &r) == "");
    CHECK(r.is_float());
    CHECK(text(r) == "nan");
}

TEST_CASE("floats print like Python repr") {
    // All expectations are python3 repr() of the same double.
    CHECK(Fixture::ftext(0.1) == "0.1");
    CHECK(Fixture::ftext(1.0) == "1.0");
    CHECK(Fixture::ftext(100.0) == "100.0");
    CHECK(Fixture::ftext(-1.5) == "-1.5");
    CHECK(Fixture::ftext(0.0) == "0.0");
    CHECK(Fixture::ftext(-0.0) == "-0.0");
    CHECK(Fixture::ftext(1e16) == "1e+16");
    CHECK(Fixture::ftext(1e16 - 1) == "1e+16");
    CHECK(Fixture::ftext(9999999999999998.0) == "9999999999999998.0");
    CHECK(Fixture::ftext(1e15) == "1000000000000000.0");
    CHECK(Fixture::ftext(1e22) == "1e+22");
    CHECK(Fixture::ftext(1e-05) == "1e-05");
    CHECK(Fixture::ftext(0.0001) == "0.0001");
    CHECK(Fixture::ftext(1e-07) == "1e-07");
    CHECK(Fixture::ftext(0.00001234) == "1.234e-05");
    CHECK(Fixture::ftext(2.5e-5) == "2.5e-05");
    CHECK(Fixture::ftext(INFINITY) == "inf");
    CHECK(Fixture::ftext(-INFINITY) == "-inf");
    CHECK(Fixture::ftext(NAN) == "nan");
    CHECK(Fixture::ftext(-NAN) == "nan");
    CHECK(Fixture::ftext(123456789012345678.0) == "1.2345678901234568e+17");
    CHECK(Fixture::ftext(5e-324) == "5e-324");
    CHECK(Fixture::ftext(-5e-324) == "-5e-324");
    CHECK(Fixture::ftext(1.7976931348623157e+308) == "1.7976931348623157e+308");
    CHECK(Fixture::ftext(2.2250738585072014e-308) == "2.2250738585072014e-308");
    CHECK(Fixture::ftext(9007199254740992.0) == "9007199254740992.0");
    CHECK(Fixture::ftext(123456789.123) == "123456789.123");
    CHECK(Fixture::ftext(0.3) == "0.3");
    CHECK(Fixture::ftext(2.0 / 3.0) == "0.6666666666666666");
    CHECK(Fixture::ftext(1.5e300) == "1.5e+300");
    CHECK(Fixture::ftext(1e100) == "1e+100");
    CHECK(Fixture::ftext(-1e-100) == "-1e-100");
}

TEST_CASE_FIXTURE(Fixture, "scalars print as docs/language.md section 5 says") {
    CHECK(text(Value::nil()) == "nil");
    CHECK(text(Value::boolean(true)) == "true");
    CHECK(text(Value::boolean(false)) == "false");
    CHECK(text(I(0)) == "0");
    CHECK(text(I(-42)) == "-42");
    CHECK(text(I(kMin64)) == "-9223372036854775808");
    CHECK(text(I(kMax64)) == "9223372036854775807");
    CHECK(text(I(kTwo47)) == "140737488355328");
    CHECK(text(F(3.0)) == "3.0");
    // a top-level string is its raw bytes, not quoted
    CHECK(text(S("a\"b\\c\n")) == "a\"b\\c\n");
    CHECK(text(S(std::string("\x01\0", 2))) == std::string("\x01\0", 2));
}

TEST_CASE_FIXTURE(Fixture, "arrays print with quoted and escaped strings") {
    CHECK(text(A({})) == "[]");
    CHECK(text(A({I(1), F(2.0), Value::nil(), Value::boolean(true), F(-0.0)})) == "[1, 2.0, nil, true, -0.0]");
    CHECK(text(A({S("")})) == "[\"\"]");
    CHECK(text(A({S("say \"hi\"")})) == "[\"say \\\"hi\\\"\"]");
    CHECK(text(A({S("back\\slash")})) == "[\"back\\\\slash\"]");
    CHECK(text(A({S("a\nb\tc\rd")})) == "[\"a\\nb\\tc\\rd\"]");
    CHECK(text(A({S("\x01"), S(std::string("\0", 1)), S("\x1f")})) == "[\"\\x01\", \"\\x00\", \"\\x1f\"]");
    // bytes from 0x20 up (DEL and UTF-8 included) are written as they are
    CHECK(text(A({S(" ~\x7f\xc3\xa9")})) == "[\" ~\x7f\xc3\xa9\"]");
    CHECK(text(A({A({I(1), A({})}), S("x")})) == "[[1, []], \"x\"]");
    CHECK(text(A({F(NAN), F(INFINITY), F(1e16), I(kTwo47)})) == "[nan, inf, 1e+16, 140737488355328]");
}

TEST_CASE_FIXTURE(Fixture, "arrays that contain themselves print as [...]") {
    Value a = A({I(1)});
    REQUIRE(heap.array_push(a.as_array(), a));
    CHECK(text(a) == "[1, [...]]");
    Value b = A({});
    REQUIRE(heap.array_push(a.as_array(), b));
    REQUIRE(heap.array_push(b.as_array(), a));
    REQUIRE(heap.array_push(b.as_array(), b));
    CHECK(text(a) == "[1, [...], [[...], [...]]]");
    CHECK(text(b) == "[[1, [...], [...]], [...]]");
    // the same array twice, not recursively, is written twice
    Value inner = A({S("i")});
    Value twice = A({inner, inner});
    CHECK(text(twice) == "[[\"i\"], [\"i\"]]");
    // mutual recursion (Python: a=[]; b=[a]; a.append(b) -> [[[...]]])
    Value x = A({}), y = A({x});
    REQUIRE(heap.array_push(x.as_array(), y));
    CHECK(text(x) == "[[[...]]]");
    // printing leaves no in_repr marks behind
    CHECK_FALSE(x.as_array()->h.in_repr);
    CHECK_FALSE(y.as_array()->h.in_repr);
    CHECK(text(x) == "[[[...]]]");
}

TEST_CASE_FIXTURE(Fixture, "append_text enforces its limit and clears marks") {
    Value a = A({S("0123456789"), S("0123456789")});
    std::string s;
    CHECK_FALSE(append_text(s, a, 10));
    CHECK_FALSE(a.as_array()->h.in_repr);
    s.clear();
    CHECK(append_text(s, a, 30));
    CHECK(s == "[\"0123456789\", \"0123456789\"]");
    s.clear();
    CHECK_FALSE(append_text(s, S("abcdef"), 5));
    Value nested = A({A({a})});
    s.clear();
    CHECK_FALSE(append_text(s, nested, 8));
    CHECK_FALSE(nested.as_array()->h.in_repr);
    CHECK_FALSE(a.as_array()->h.in_repr);
    s.clear();
    CHECK(append_text(s, nested, 1000));
    CHECK(s == "[[[\"0123456789\", \"0123456789\"]]]");
}

TEST_CASE_FIXTURE(Fixture, "truthiness table") {
    CHECK_FALSE(truthy(Value::nil()));
    CHECK_FALSE(truthy(Value::boolean(false)));
    CHECK(truthy(Value::boolean(true)));
    CHECK_FALSE(truthy(I(0)));
    CHECK(truthy(I(1)));
    CHECK(truthy(I(-1)));
    CHECK(truthy(I(kTwo47)));
    CHECK_FALSE(truthy(F(0.0)));
    CHECK_FALSE(truthy(F(-0.0)));
    CHECK(truthy(F(5e-324)));
    CHECK(truthy(F(NAN)));  // Python: bool(float('nan')) is True
    CHECK(truthy(F(-INFINITY)));
    CHECK_FALSE(truthy(S("")));
    CHECK(truthy(S("0")));
    CHECK(truthy(S(std::string("\0", 1))));
    CHECK_FALSE(truthy(A({})));
    CHECK(truthy(A({Value::nil()})));
}

TEST_CASE_FIXTURE(Fixture, "array and string helpers check types and ranges") {
    Value r;
    RtError err;
    CHECK_FALSE(array_new(I(-1), &r, heap, err));
    CHECK(err.message() == "negative array size");
    CHECK_FALSE(array_new(I(kMin64), &r, heap, err));
    CHECK(err.message() == "negative array size");
    CHECK_FALSE(array_new(F(2.0), &r, heap, err));
    CHECK(err.message() == "unsupported operand types for newarray: float");
    REQUIRE(array_new(I(3), &r, heap, err));
    CHECK(text(r) == "[nil, nil, nil]");
    Value arr = r;
    CHECK_FALSE(array_get(arr, I(3), &r, err));
    CHECK(err.message() == "index out of range");
    CHECK_FALSE(array_get(arr, I(-1), &r, err));
    CHECK(err.message() == "index out of range");
    CHECK_FALSE(array_get(arr, I(kTwo47), &r, err));  // boxed index
    CHECK(err.message() == "index out of range");
    CHECK_FALSE(array_get(arr, I(kMin64), &r, err));
    CHECK(err.message() == "index out of range");
    CHECK_FALSE(array_get(arr, F(0.0), &r, err));
    CHECK(err.message() == "unsupported operand types for aget: array and float");
    CHECK_FALSE(array_get(S("abc"), I(0), &r, err));
    CHECK(err.message() == "unsupported operand types for aget: string and int");
    CHECK_FALSE(array_set(arr, I(3), I(1), err));
    CHECK(err.message() == "index out of range");
    CHECK_FALSE(array_set(arr, Value::boolean(false), I(1), err));
    CHECK(err.message() == "unsupported operand types for aset: array and bool");
    REQUIRE(array_set(arr, I(2), S("z"), err));
    REQUIRE(array_get(arr, I(2), &r, err));
    CHECK(text(r) == "z");
    REQUIRE(array_push(arr, I(7), heap, err));
    CHECK_FALSE(array_push(I(1), I(7), heap, err));
    CHECK(err.message() == "unsupported operand types for apush: int and int");
    REQUIRE(length_of(arr, &r, err));
    CHECK(r.as_int() == 4);
    REQUIRE(length_of(S("h\xc3\xa9"), &r, err));
    CHECK(r.as_int() == 3);  // bytes, not characters
    CHECK_FALSE(length_of(I(1), &r, err));
    CHECK(err.message() == "unsupported operand types for len: int");
    REQUIRE(string_concat(S("ab"), S(""), &r, heap, err));
    CHECK(text(r) == "ab");
    CHECK_FALSE(string_concat(S("a"), I(1), &r, heap, err));
    CHECK(err.message() == "unsupported operand types for concat: string and int");
    std::string scratch;
    Value s = S("same");
    REQUIRE(to_string(s, &r, heap, err, scratch));
    CHECK(r == s);
    REQUIRE(to_string(arr, &r, heap, err, scratch));
    CHECK(r.is_string());
    CHECK(text(r) == "[nil, nil, \"z\", 7]");
    REQUIRE(to_string(F(0.5), &r, heap, err, scratch));
    CHECK(text(r) == "0.5");
}

TEST_CASE("out of memory from a small heap limit") {
    Heap heap(1 << 20);
    RtError err;
    Value r;
    CHECK_FALSE(array_new(Value::small_int(int64_t(1) << 40), &r, heap, err));
    CHECK(err.message() == "out of memory");
    std::string big(200000, 'x');
    StringObj* s = heap.new_string(big.data(), big.size());
    REQUIRE(s != nullptr);
    ArrayObj* a = heap.new_array(10);
    REQUIRE(a != nullptr);
    for (int i = 0; i < 10; ++i) a->items[i] = Value::string(s);
    std::string scratch;
    // tostr of an array whose text (2 MB) exceeds the heap limit (1 MiB)
    CHECK_FALSE(to_string(Value::array(a), &r, heap, err, scratch));
    CHECK(err.message() == "out of memory");
    CHECK_FALSE(a->h.in_repr);
    // a string that is larger than the limit
    CHECK(heap.new_string_uninit(size_t(2) << 20) == nullptr);
}
