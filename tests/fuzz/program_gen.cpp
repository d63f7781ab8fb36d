// Structure-aware program generator for fuzz_differential (see program_gen.h).
//
// Why every program is valid: every statement leaves the operand stack as it
// found it and every expression pushes exactly one value, and branches join
// with equal depths (statement level, or the `select` expression that pushes
// one value on both arms); every function ends with `ret`; only declared
// names are used.
// Why every program terminates: loops count a counter local that nothing
// else writes, to a fixed trip count; helper i only calls helpers j > i,
// except `rec`, whose depth argument is masked to 0..31 (or a fixed 20000 to
// hit `stack overflow`); an estimate of instructions executed (trip counts x
// body, callee costs) caps the run. Strings and arrays that grow in loops
// are reset past a small length, and arrays only ever hold scalars, fresh
// nil arrays or themselves, so printing stays small.
// Runtime errors are allowed (every tier must report the same one): planted
// ones behind an iteration count in a hot loop (some three calls deep), and
// natural ones (overflow at the int64 edges, a nan `toint` ...).
//
// Shapes aimed at Tier 2's entry and exit points (issue 18 hung on the first
// one combined with the second): loops entered at their condition (a forward
// `jmp` to the test at the bottom), calls in hot loops whose results change
// type at a chosen iteration (`sw`), ints that cross the 48-bit inline/boxed
// boundary or int64's edge at a chosen iteration, and errors raised in the
// innermost of three calls (`deep3` -> `deep2` -> `deep1`) at a chosen
// iteration. A chosen iteration is picked around the default trace threshold
// (64) and the loop's end, so it comes after traces were built.
#include "tests/fuzz/program_gen.h"

#include <vector>

namespace cpjit_fuzz {
namespace {

enum T { Int, Float, Num, Str, Bool, Arr, Any, kNumTypes };

const char* const kEdgeInts[] = {
    "140737488355327", "140737488355328", "140737488355329", "-140737488355328", "-140737488355329",
    "-140737488355327", "9223372036854775807", "-9223372036854775808", "9223372036854775806",
    "-9223372036854775807", "9007199254740992", "9007199254740993", "2147483648", "-2147483648",
    "4294967296", "4611686018427387904", "-4611686018427387904", "0x7FFFFFFF", "70368744177664",
    "3037000499", "3037000500", "-3037000500"};
const char* const kSmallInts[] = {"0", "1", "2", "3", "-1", "-2", "5", "7", "10", "16", "100", "255", "-100", "1000", "65535", "-7"};
const char* const kFloats[] = {"0.0", "-0.0", "1.0", "-1.0", "0.5", "2.5", "-3.75", "0.1", "1e+16", "1e-05",
                               "1e300", "-1e300", "1e-300", "inf", "-inf", "nan", "3.141592653589793",
                               "9007199254740992.0", "140737488355328.0", "1.5e-07", "123456.789", "5e-324",
                               "1.7976931348623157e308", "9.3e18", "-9.3e18"};
const char* const kStrings[] = {"\"\"", "\"a\"", "\"abc\"", "\"x y\"", "\"tab\\there\"", "\"q\\\"uote\"",
                                "\"back\\\\slash\"", "\"nl\\nx\"", "\"\\x01\\x1f\"", "\"\\xc3\\xa9\"", "\"zz\"",
                                "\"0\"", "\"-1\""};
template <class A, size_t N>
constexpr size_t count(const A (&)[N]) { return N; }

constexpr uint64_t kCostCap = 300000;  // estimated instructions per run
constexpr uint64_t kMaxMult = 20000;   // product of enclosing trip counts

class Bytes {
public:
    Bytes(const uint8_t* p, size_t n) : p_(p), n_(n) {}
    unsigned u8() {
        if (!n_) return 0;
        --n_;
        return *p_++;
    }
    unsigned below(unsigned k) { return k <= 1 ? 0 : u8() % k; }
    // When the input has run out the answer is no.
    bool chance(unsigned pct) { return n_ && u8() * 100u / 256u < pct; }

private:
    const uint8_t* p_;
    size_t n_;
};

struct Var {
    std::string name;
    T type;
};

struct Func {
    std::string name;
    std::vector<Var> params;
    T ret = Int;
    std::vector<Var> locals;  // typed locals, then loop counters
    std::vector<std::string> lines;
    uint64_t cost = 0;
};

class Gen {
public:
    explicit Gen(Bytes& b) : b_(b) {}
    std::string run();

private:
    // ---- emission ----
    void emit(const std::string& s) {
        f_->lines.push_back("    " + s);
        add_cost(1);
    }
    void add_cost(uint64_t n) {
        uint64_t c = n * mult_;
        f_->cost = f_->cost + c > kCostCap * 4 ? kCostCap * 4 : f_->cost + c;
    }
    void place(const std::string& l) { f_->lines.push_back(l + ":"); }
    std::string label() { return "L" + std::to_string(++labels_); }
    bool budget(uint64_t extra) const { return f_->cost + extra * mult_ < kCostCap; }

    // ---- variables ----
    std::vector<std::string> vars(T t) const {
        std::vector<std::string> out;
        auto want = [&](T vt) {
            return vt == t || (t == Num && (vt == Int || vt == Float)) || (t == Any && vt != Arr && vt != kNumTypes);
        };
        for (const Var& v : f_->params)
            if (want(v.type)) out.push_back(v.name);
        for (const Var& v : f_->locals)
            if (want(v.type)) out.push_back(v.name);
        if (t == Int || t == Num || t == Any)
            for (const std::string& c : live_ctrs_) out.push_back(c);
        return out;
    }
    std::vector<std::string> writable(T t) const {
        std::vector<std::string> out;
        for (const Var& v : f_->locals)
            if (v.type == t) out.push_back(v.name);
        return out;
    }
    template <class V>
    const std::string& pick(const V& v) { return v[b_.below(unsigned(v.size()))]; }

    // ---- expressions: each pushes exactly one value ----
    void expr(T t, int d);
    void e_int(int d, bool leaf);
    void e_float(int d, bool leaf);
    void e_str(int d, bool leaf);
    void e_bool(int d);
    void e_arr();
    void e_any(int d, bool leaf);
    void scalar(int d);  // a value fit to store in an array (never a shared array)
    void int_lit() {
        if (b_.chance(p_edge_)) emit(std::string("const ") + kEdgeInts[b_.below(count(kEdgeInts))]);
        else if (b_.chance(50)) emit(std::string("const ") + kSmallInts[b_.below(count(kSmallInts))]);
        else emit("const " + std::to_string(int(b_.u8()) * 13 - 1500));
    }
    void call_expr(T t, int d);
    void select(T t, int d);

    // ---- statements: each leaves the stack as it found it ----
    void block(int d, unsigned max_stmts);
    void stmt(int d);
    void loop(int d);
    void planted_error();
    void loop_test(const std::string& ctr, unsigned trips, const std::string& jump);
    void call_changes_type();
    void cross_int_edge();
    void deep_error();
    unsigned chosen_iteration();

    // ---- functions ----
    void gen_helper(size_t index);
    void begin(Func& f);
    void finish(T ret);

    Bytes& b_;
    std::vector<Func> helpers_;  // helpers_[i] may call helpers_[j], j > i
    bool has_rec_ = false;
    bool has_sw_ = false;    // sw i k: 2 while i < k, then 2.5
    int deep_error_ = -1;    // the error deep1 raises, or -1: no deep chain
    std::vector<unsigned> trips_;  // trip counts of the enclosing loops
    size_t callable_from_ = 0;   // index of the first helper the current function may call
    Func* f_ = nullptr;
    std::vector<std::string> live_ctrs_;
    uint64_t mult_ = 1;
    unsigned labels_ = 0;
    unsigned ctrs_ = 0;
    unsigned p_edge_ = 5, max_depth_ = 3;
    unsigned errors_left_ = 0;
    unsigned loop_depth_ = 0;
};

void Gen::expr(T t, int d) {
    bool leaf = d >= int(max_depth_) || !b_.chance(60);
    switch (t) {
    case Int: e_int(d, leaf); break;
    case Float: e_float(d, leaf); break;
    case Num:
        if (b_.chance(50)) e_int(d, leaf);
        else if (!leaf || b_.chance(50) || vars(Num).empty()) e_float(d, leaf);
        else emit("load " + pick(vars(Num)));
        break;
    case Str: e_str(d, leaf); break;
    case Bool: e_bool(d); break;
    case Arr: e_arr(); break;
    default: e_any(d, leaf); break;
    }
}

void Gen::e_int(int d, bool leaf) {
    if (leaf) {
        auto vs = vars(Int);
        unsigned c = b_.below(8);
        if (!vs.empty() && c < 5) emit("load " + pick(vs));
        else if (c == 5) emit("gload g_int");
        else int_lit();
        return;
    }
    switch (b_.below(11)) {
    case 0: case 1: case 2: {
        static const char* const ops[] = {"add", "sub", "mul", "band", "bor", "bxor", "add", "sub"};
        expr(Int, d + 1);
        expr(Int, d + 1);
        emit(ops[b_.below(8)]);
        break;
    }
    case 3: {  // floor division / modulo; the divisor is usually made nonzero
        expr(Int, d + 1);
        expr(Int, d + 1);
        if (!b_.chance(10)) {
            emit("const 7");
            emit("bor");
        }
        emit(b_.chance(50) ? "idiv" : "mod");
        break;
    }
    case 4:  // shifts: count 0..63 (or raw, which may be negative)
        expr(Int, d + 1);
        expr(Int, d + 1);
        if (!b_.chance(8)) {
            emit("const 63");
            emit("band");
        }
        emit(b_.chance(50) ? "shl" : "shr");
        break;
    case 5:
        expr(Int, d + 1);
        emit(b_.chance(50) ? "neg" : "bnot");
        break;
    case 6:
        if (b_.chance(50)) expr(Str, d + 1);
        else e_arr();
        emit("len");
        break;
    case 7:
        expr(Float, d + 1);
        if (b_.chance(85)) {  // keep it in range most of the time
            emit("const 1e6");
            emit("mod");
        }
        emit("toint");
        break;
    case 8: call_expr(Int, d); break;
    case 9: select(Int, d); break;
    default:
        expr(Int, d + 1);
        expr(Int, d + 1);
        emit("mul");
        break;
    }
}

void Gen::e_float(int d, bool leaf) {
    if (leaf) {
        auto vs = vars(Float);
        unsigned c = b_.below(7);
        if (!vs.empty() && c < 3) emit("load " + pick(vs));
        else if (c == 3) emit("gload g_num");
        else emit(std::string("const ") + kFloats[b_.below(count(kFloats))]);
        return;
    }
    switch (b_.below(8)) {
    case 0: case 1: {
        static const char* const ops[] = {"add", "sub", "mul", "add"};
        expr(Float, d + 1);
        expr(Num, d + 1);
        if (b_.chance(50)) emit("swap");
        emit(ops[b_.below(4)]);
        break;
    }
    case 2:  // true division; occasionally by zero
        expr(Num, d + 1);
        expr(Num, d + 1);
        if (!b_.chance(10)) {
            emit("const 0.5");
            emit("add");
        }
        emit("div");
        break;
    case 3:
        expr(Num, d + 1);
        emit(b_.chance(50) ? "sqrt" : "tofloat");
        break;
    case 4:
        expr(Float, d + 1);
        emit("neg");
        break;
    case 5:
        expr(Float, d + 1);
        expr(Num, d + 1);
        emit("const 3.5");
        emit("add");
        emit(b_.chance(50) ? "idiv" : "mod");
        break;
    case 6: call_expr(Float, d); break;
    default: select(Float, d); break;
    }
}

void Gen::e_str(int d, bool leaf) {
    if (leaf) {
        auto vs = vars(Str);
        if (!vs.empty() && b_.chance(50)) emit("load " + pick(vs));
        else emit(std::string("const ") + kStrings[b_.below(count(kStrings))]);
        return;
    }
    switch (b_.below(5)) {
    case 0: case 1:
        expr(Str, d + 1);
        expr(Str, d + 1);
        emit("concat");
        break;
    case 2:
        scalar(d + 1);
        emit("tostr");
        break;
    case 3: call_expr(Str, d); break;
    default: select(Str, d); break;
    }
}

void Gen::e_bool(int d) {
    switch (b_.below(6)) {
    case 0: case 1: {
        static const char* const ops[] = {"lt", "le", "gt", "ge", "eq", "ne"};
        expr(Num, d + 1);
        expr(Num, d + 1);
        emit(ops[b_.below(6)]);
        break;
    }
    case 2: {
        static const char* const ops[] = {"lt", "le", "gt", "ge", "eq", "ne"};
        expr(Str, d + 1);
        expr(Str, d + 1);
        emit(ops[b_.below(6)]);
        break;
    }
    case 3:
        expr(Any, d + 1);
        expr(Any, d + 1);
        emit(b_.chance(50) ? "eq" : "ne");
        break;
    case 4:
        expr(Any, d + 1);
        emit("not");
        break;
    default: emit(b_.chance(50) ? "const true" : "const false"); break;
    }
}

void Gen::e_arr() {
    auto vs = vars(Arr);
    if (!vs.empty() && !b_.chance(20)) {
        emit("load " + pick(vs));
    } else {
        emit("const " + std::to_string(1 + b_.below(4)));
        emit("newarray");
    }
}

void Gen::scalar(int d) {
    static const T kinds[] = {Int, Float, Str, Bool, Num};
    T t = kinds[b_.below(5)];
    if (b_.chance(8)) emit("const nil");
    else expr(t, d);
}

void Gen::e_any(int d, bool leaf) {
    if (leaf) {
        auto vs = vars(Any);
        unsigned c = b_.below(6);
        if (!vs.empty() && c < 3) emit("load " + pick(vs));
        else if (c == 3) emit("gload g_any");
        else if (c == 4) emit("const nil");
        else scalar(d);
        return;
    }
    switch (b_.below(4)) {
    case 0: {  // aget at a valid index (arrays are never empty)
        auto vs = vars(Arr);
        if (vs.empty()) {
            scalar(d + 1);
            break;
        }
        const std::string& a = pick(vs);
        emit("load " + a);
        expr(Int, d + 1);
        emit("load " + a);
        emit("len");
        emit("mod");
        emit("aget");
        break;
    }
    case 1: select(Any, d); break;
    case 2: call_expr(Any, d); break;
    default: scalar(d + 1); break;
    }
}

// A call to a helper the current function may call (or `rec`), returning t
// (any helper will do for Any). Falls back to a leaf.
void Gen::call_expr(T t, int d) {
    std::vector<size_t> ok;
    for (size_t i = callable_from_; i < helpers_.size(); ++i)
        if ((helpers_[i].ret == t || t == Any) && budget(helpers_[i].cost + 8)) ok.push_back(i);
    if (has_rec_ && t == Int && callable_from_ == 0 && budget(400) && b_.chance(30)) {
        if (errors_left_ && b_.chance(5)) {  // deep: stack overflow in every tier
            --errors_left_;
            emit("const 20000");
            add_cost(20000 * 8);
        } else {
            expr(Int, d + 1);
            emit("const 31");
            emit("band");
            add_cost(32 * 10);
        }
        emit("call rec");
        return;
    }
    if (ok.empty()) {
        if (t == Int) int_lit();
        else if (t == Float) emit("const 1.5");
        else if (t == Str) emit("const \"s\"");
        else emit("const nil");
        return;
    }
    const Func& h = helpers_[ok[b_.below(unsigned(ok.size()))]];
    for (const Var& p : h.params) expr(p.type, d + 1);
    emit("call " + h.name);
    add_cost(h.cost);
}

// cond ? a : b, both arms pushing one value of type t.
void Gen::select(T t, int d) {
    std::string l_else = label(), l_end = label();
    expr(b_.chance(50) ? Bool : Any, d + 1);
    emit(b_.chance(50) ? "jf " + l_else : "jt " + l_else);
    expr(t, d + 1);
    emit("jmp " + l_end);
    place(l_else);
    expr(t, d + 1);
    place(l_end);
}

void Gen::block(int d, unsigned max_stmts) {
    unsigned n = b_.below(max_stmts + 1);
    for (unsigned i = 0; i < n && budget(10); ++i) stmt(d);
}

void Gen::stmt(int d) {
    switch (b_.below(20)) {
    case 16: call_changes_type(); return;
    case 17: case 18: cross_int_edge(); return;
    case 19: deep_error(); return;
    case 14: case 15: {  // a call whose result is kept (or printed)
        if (helpers_.size() <= callable_from_ && !has_rec_) return;
        static const T kinds[] = {Int, Float, Str, Any};
        T t = kinds[b_.below(4)];
        call_expr(t, 1);
        auto ws = writable(t);
        if (ws.empty() || (mult_ <= 200 && b_.chance(30))) emit("print");
        else emit("store " + pick(ws));
        return;
    }
    case 0: {  // print (small things only where it would print a lot)
        if (mult_ > 2000) return;
        if (mult_ > 50 || b_.chance(50)) scalar(0);
        else expr(b_.chance(50) ? Arr : Any, 0);
        emit("print");
        return;
    }
    case 1: case 2: {  // assign a typed local
        static const T kinds[] = {Int, Float, Num, Str, Any, Int};
        T t = kinds[b_.below(6)];
        auto ws = writable(t);
        if (ws.empty()) return;
        const std::string& v = pick(ws);
        if (t == Num) expr(b_.chance(50) ? Int : Float, 0);
        else if (t == Any) scalar(0);
        else expr(t, 0);
        emit("store " + v);
        if (t == Str) {  // s = s + s in a loop would double: reset past 256 bytes
            std::string l = label();
            emit("load " + v);
            emit("len");
            emit("const 256");
            emit("gt");
            emit("jf " + l);
            emit("const \"\"");
            emit("store " + v);
            place(l);
        }
        return;
    }
    case 3: {  // globals: g_int stays int; g_num flips int/float; g_any anything
        unsigned g = b_.below(3);
        if (g == 0) expr(Int, 0), emit("gstore g_int");
        else if (g == 1) expr(b_.chance(50) ? Int : Float, 0), emit("gstore g_num");
        else scalar(0), emit("gstore g_any");
        return;
    }
    case 4: {  // if / else
        if (d >= 4) return;
        std::string l_else = label(), l_end = label();
        expr(b_.chance(60) ? Bool : Any, 0);
        emit("jf " + l_else);
        block(d + 1, 3);
        emit("jmp " + l_end);
        place(l_else);
        block(d + 1, 2);
        place(l_end);
        return;
    }
    case 5: case 6:
        loop(d);
        return;
    case 7: {  // aset at a valid index
        auto as = writable(Arr);
        if (as.empty()) return;
        const std::string& a = pick(as);
        emit("load " + a);
        expr(Int, 1);
        emit("load " + a);
        emit("len");
        emit("mod");
        if (b_.chance(10)) emit("load " + a);  // contains itself
        else scalar(1);
        emit("aset");
        return;
    }
    case 8: {  // apush, reset past 64 elements
        auto as = writable(Arr);
        if (as.empty()) return;
        const std::string& a = pick(as);
        std::string l = label();
        emit("load " + a);
        emit("len");
        emit("const 64");
        emit("gt");
        emit("jf " + l);
        emit("const " + std::to_string(1 + b_.below(3)));
        emit("newarray");
        emit("store " + a);
        place(l);
        emit("load " + a);
        if (b_.chance(5)) emit("load " + a);
        else if (b_.chance(5)) emit("const 2"), emit("newarray");
        else scalar(1);
        emit("apush");
        return;
    }
    case 9: {  // string builder, reset past 64 bytes
        auto ss = writable(Str);
        if (ss.empty()) return;
        const std::string& s = pick(ss);
        std::string l = label();
        emit("load " + s);
        emit("len");
        emit("const 64");
        emit("gt");
        emit("jf " + l);
        emit("const \"\"");
        emit("store " + s);
        place(l);
        emit("load " + s);
        expr(Str, 1);
        if (b_.chance(30)) emit("swap");
        emit("concat");
        emit("store " + s);
        return;
    }
    case 10: {  // type change mid-loop: a Num local becomes int or float by the counter
        auto ns = writable(Num);
        if (ns.empty() || live_ctrs_.empty()) return;
        std::string l_else = label(), l_end = label();
        emit("load " + live_ctrs_.back());
        emit("const " + std::to_string(b_.u8() + 1));
        emit("lt");
        emit("jf " + l_else);
        expr(Int, 1);
        emit("store " + pick(ns));
        emit("jmp " + l_end);
        place(l_else);
        expr(Float, 1);
        emit("store " + pick(ns));
        place(l_end);
        return;
    }
    case 11:
        planted_error();
        return;
    case 12: {  // a call for its effect
        if (helpers_.size() <= callable_from_ && !has_rec_) return;
        call_expr(Any, 1);
        emit("pop");
        return;
    }
    default: {  // stack shuffles that keep the balance
        expr(Any, 1);
        expr(Any, 1);
        unsigned k = b_.below(3);
        if (k == 0) emit("swap");
        else if (k == 1) emit("over"), emit("pop");
        else emit("dup"), emit("pop");
        emit("pop");
        emit("pop");
        return;
    }
    }
}

void Gen::loop(int d) {
    static const unsigned kTrips[] = {1, 10, 70, 100, 150, 200, 300, 500, 1000};
    if (d >= 4 || loop_depth_ >= 3) return;
    unsigned trips = kTrips[b_.below(count(kTrips))];
    while (trips > 1 && (mult_ * trips > kMaxMult || !budget(uint64_t(trips) * 20))) trips /= 3;
    std::string c = "c" + std::to_string(++ctrs_);
    f_->locals.push_back({c, kNumTypes});  // a counter: not writable, readable inside only
    // Entered at the condition (test at the bottom, a forward jmp to it) or
    // at the top (test first, jmp back to it).
    bool at_cond = b_.chance(45);
    std::string top = label(), end = label(), cond = label();
    emit("const 0");
    emit("store " + c);
    if (at_cond) emit("jmp " + cond);
    place(top);
    uint64_t saved = mult_;
    mult_ *= trips;
    if (!at_cond) loop_test(c, trips, "jf " + end);
    live_ctrs_.push_back(c);
    trips_.push_back(trips);
    ++loop_depth_;
    block(d + 1, 5);
    --loop_depth_;
    trips_.pop_back();
    live_ctrs_.pop_back();
    emit("load " + c);
    emit("const 1");
    emit("add");
    emit("store " + c);
    if (at_cond) {
        place(cond);
        loop_test(c, trips, "jt " + top);
    } else {
        emit("jmp " + top);
    }
    mult_ = saved;
    place(end);
}

void Gen::loop_test(const std::string& ctr, unsigned trips, const std::string& jump) {
    emit("load " + ctr);
    emit("const " + std::to_string(trips));
    emit("lt");
    emit(jump);
}

// An iteration of the innermost loop: early (before a trace exists at the
// default threshold), around the threshold, or late (well after it).
unsigned Gen::chosen_iteration() {
    unsigned trips = trips_.empty() ? 1 : trips_.back();
    static const unsigned kPicks[] = {0, 1, 2, 63, 64, 65, 66, 100, 130};
    unsigned k = b_.chance(25) ? trips - 1 - b_.below(3) : kPicks[b_.below(count(kPicks))];
    return k < trips ? k : trips / 2;
}

// v = v OP sw(c, K): a call whose result is an int until iteration K of the
// innermost loop and a float from then on, so v (a Num local) changes type
// after traces were built on the int.
void Gen::call_changes_type() {
    auto ns = writable(Num);
    if (ns.empty() || live_ctrs_.empty()) return;
    static const char* const ops[] = {"add", "sub", "mod", "idiv", "div"};  // mul would overflow
    has_sw_ = true;
    const std::string& v = pick(ns);
    emit("load " + v);
    emit("load " + live_ctrs_.back());
    emit("const " + std::to_string(chosen_iteration()));
    emit("call sw");
    add_cost(8);
    emit(ops[b_.below(count(ops))]);
    emit("store " + v);
}

// An int local set to BASE + c (or BASE - c, or STEP * c) where the value
// crosses +-2^47 (inline to boxed) or int64's edge (an overflow error) at
// iteration K of the innermost loop.
void Gen::cross_int_edge() {
    auto is = writable(Int);
    if (is.empty() || live_ctrs_.empty()) return;
    const std::string& v = pick(is);
    const std::string& c = live_ctrs_.back();
    long long k = chosen_iteration();
    constexpr long long kP47 = 1LL << 47, kMax = 0x7FFFFFFFFFFFFFFFLL;
    switch (b_.below(errors_left_ ? 5 : 4)) {
    case 0: emit("const " + std::to_string(kP47 - k)); emit("load " + c); emit("add"); break;
    case 1: emit("const " + std::to_string(-kP47 + k - 1)); emit("load " + c); emit("sub"); break;
    case 2: emit("const " + std::to_string(kP47 / (k + 1) + 1)); emit("load " + c); emit("mul"); break;
    case 3:  // back and forth across 2^47 every iteration
        emit("const " + std::to_string(kP47 - 1)); emit("load " + c); emit("const 1"); emit("band"); emit("add");
        break;
    default:
        --errors_left_;
        emit("const " + std::to_string(kMax - k)); emit("load " + c); emit("add");
        break;
    }
    emit("store " + v);
}

// deep3(c, K) calls deep2 calls deep1, which raises this program's planted
// error when c == K: the error's traceback crosses three frames that Tier 2
// may have inlined into the loop's trace.
void Gen::deep_error() {
    if (!errors_left_ || live_ctrs_.empty()) return;
    --errors_left_;
    if (deep_error_ < 0) deep_error_ = int(b_.below(5));
    emit("load " + live_ctrs_.back());
    emit("const " + std::to_string(chosen_iteration()));
    emit("call deep3");
    add_cost(30);
    emit("pop");
}

// An error raised at one iteration of the innermost loop (or at once
// outside loops): ends the program with the same message in every tier.
void Gen::planted_error() {
    if (!errors_left_) return;
    --errors_left_;
    std::string l = label();
    if (!live_ctrs_.empty()) {
        emit("load " + live_ctrs_.back());
        emit("const " + std::to_string(b_.u8() * 2));
        emit("eq");
        emit("jf " + l);
    }
    switch (b_.below(9)) {
    case 0: emit("const 1"); emit("const 0"); emit("idiv"); break;
    case 1: emit("const \"a\""); expr(Num, 2); emit("add"); break;
    case 2: emit("const 9223372036854775807"); expr(Int, 2); emit("const 1"); emit("bor"); emit("add"); break;
    case 3: e_arr(); emit("const 1000"); emit("aget"); break;
    case 4: emit("const -1"); emit("newarray"); break;
    case 5: emit("const nan"); emit("toint"); break;
    case 6: emit("const 1"); emit("const -1"); emit("shl"); break;
    case 7: emit("const 2.5"); emit("const 0.0"); emit("div"); break;
    default: emit("gload g_any"); emit("const nil"); emit("lt"); break;
    }
    emit("pop");
    place(l);
}

void Gen::begin(Func& f) {
    f_ = &f;
    mult_ = 1;
    live_ctrs_.clear();
    loop_depth_ = 0;
    // typed locals, each initialized at the top
    static const T kinds[] = {Int, Int, Float, Num, Str, Arr, Any};
    static const char* const init[] = {"const 0", "const 1", "const 0.5", "const 3", "const \"\"", nullptr, "const nil"};
    unsigned n = 0;
    for (size_t k = 0; k < count(kinds); ++k) {
        if (k > 1 && !b_.chance(80)) continue;
        std::string name = "v" + std::to_string(n++);
        if (init[k]) {
            emit(init[k]);
        } else {
            emit("const " + std::to_string(1 + b_.below(3)));
            emit("newarray");
        }
        emit("store " + name);
        f.locals.push_back({name, kinds[k]});
    }
}

void Gen::finish(T ret) {
    if (ret == Any) scalar(0);
    else expr(ret, 0);
    emit("ret");
}

void Gen::gen_helper(size_t index) {
    Func& h = helpers_[index];
    static const T kParams[] = {Int, Float, Num, Str, Any};
    static const T kRets[] = {Int, Float, Str, Any, Int};
    unsigned np = b_.below(4);
    for (unsigned i = 0; i < np; ++i) h.params.push_back({"p" + std::to_string(i), kParams[b_.below(5)]});
    h.ret = kRets[b_.below(5)];
    callable_from_ = index + 1;
    begin(h);
    block(0, 4);
    finish(h.ret);
}

// deep3 i k -> deep2 i k -> deep1 i k, which raises error `kind` when i == k
// (returns i otherwise).
std::string deep_chain(int kind) {
    static const char* const kErrors[] = {
        "    const 1\n    const 0\n    idiv\n",           // division by zero
        "    const \"a\"\n    load i\n    add\n",        // type error
        "    const 1\n    newarray\n    const 5\n    aget\n",  // index out of range
        "    const 9223372036854775807\n    load k\n    const 1\n    bor\n    add\n",  // overflow
        "    const nan\n    toint\n"};
    std::string s = ".func deep1 i k\n    load i\n    load k\n    eq\n    jf L0\n" + std::string(kErrors[kind]) +
                    "    pop\nL0:\n    load i\n    ret\n.end\n";
    for (int n = 2; n <= 3; ++n)
        s += ".func deep" + std::to_string(n) + " i k\n    load i\n    load k\n    call deep" + std::to_string(n - 1) +
             "\n    const 1\n    add\n    ret\n.end\n";
    return s;
}

std::string Gen::run() {
    p_edge_ = 2 + b_.below(20);
    max_depth_ = 2 + b_.below(3);
    errors_left_ = b_.chance(35) ? 1 : 0;
    has_rec_ = b_.chance(40);
    unsigned nh = b_.below(5);
    helpers_.resize(nh);
    for (size_t i = 0; i < nh; ++i) helpers_[i].name = "h" + std::to_string(i);
    // highest index first: a helper's callees (higher indexes) have known costs
    for (size_t i = nh; i-- > 0;) gen_helper(i);

    Func main;
    main.name = "main";
    main.ret = Any;
    callable_from_ = 0;
    f_ = &main;
    emit("const 0");  // globals start as nil: give them their types
    emit("gstore g_int");
    emit("const 0.5");
    emit("gstore g_num");
    begin(main);
    // main: statements, usually around at least one loop
    unsigned n = 2 + b_.below(8);
    for (unsigned i = 0; i < n && budget(10); ++i) {
        if (i == 0 && b_.chance(85)) loop(0);
        else stmt(0);
    }
    for (const Var& v : main.locals)  // the final state (counters too)
        emit("load " + v.name), emit("print");
    emit("gload g_int");
    emit("print");
    emit("gload g_num");
    emit("print");
    emit("gload g_any");
    emit("print");
    emit("const nil");
    emit("ret");

    std::string out = "; generated by tests/fuzz/program_gen.cpp\n.global g_int g_num g_any\n";
    auto write = [&](const Func& f) {
        out += ".func " + f.name;
        for (const Var& p : f.params) out += " " + p.name;
        out += "\n";
        if (!f.locals.empty()) {
            out += ".locals";
            for (const Var& v : f.locals) out += " " + v.name;
            out += "\n";
        }
        for (const std::string& l : f.lines) out += l + "\n";
        out += ".end\n";
    };
    if (has_rec_) {  // rec d: d <= 0 ? g_int : rec(d - 1) + d
        out += ".func rec d\n    load d\n    const 0\n    le\n    jf L0\n    gload g_int\n    ret\nL0:\n"
               "    load d\n    const 1\n    sub\n    call rec\n    load d\n    add\n    ret\n.end\n";
    }
    if (has_sw_)
        out += ".func sw i k\n    load i\n    load k\n    lt\n    jf L0\n    const 2\n    ret\nL0:\n"
               "    const 2.5\n    ret\n.end\n";
    if (deep_error_ >= 0) out += deep_chain(deep_error_);
    for (const Func& h : helpers_) write(h);
    write(main);
    return out;
}

}  // namespace

std::string generate_program(const uint8_t* data, size_t size) {
    Bytes b(data, size);
    Gen g(b);
    return g.run();
}

}  // namespace cpjit_fuzz
