// The verifier (docs/language.md §6) on Programs built in memory, as a binary reader
// would hand them over: operand ranges, main, and the stack dataflow.
#include <doctest/doctest.h>

#include <string>

#include "runtime/loader.h"

using namespace cpjit;

namespace {

// A Program put together by hand; positions are (line, col).
struct Builder {
    Program p;

    explicit Builder(bool binary = false) {
        p.file = binary ? "v.cpbc" : "v.cpasm";
        p.binary = binary;
    }
    Function& func(const std::string& name, uint32_t params, std::vector<std::string> locals, uint32_t line = 1) {
        p.functions.emplace_back();
        Function& f = p.functions.back();
        f.name = name;
        f.num_params = params;
        f.local_names = std::move(locals);
        f.decl = SourcePos{line, 1};
        return f;
    }
    void op(Op o, int32_t arg = 0, uint32_t line = 0, uint32_t col = 5) {
        Function& f = p.functions.back();
        f.code.push_back(Instr{o, 0, 0, arg});
        f.pos.push_back(SourcePos{line ? line : uint32_t(f.code.size() + f.decl.line), col});
    }
    void lit_nil(uint32_t line = 0) {
        Literal l;
        l.kind = Literal::Kind::Nil;
        p.literals.push_back(l);
        op(Op::Const, int32_t(p.literals.size() - 1), line);
    }
    std::string verify_error() {
        LoadError e;
        if (verify(p, e)) return "";
        CHECK_FALSE(e.message.empty());
        return e.format();
    }
};

Builder with_main() {
    Builder b;
    b.func("main", 0, {"x"});
    return b;
}

}  // namespace

TEST_CASE("verifier accepts a minimal program and records max_stack") {
    Builder b = with_main();
    b.lit_nil();
    b.op(Op::Dup);
    b.op(Op::Dup);
    b.op(Op::Over);
    b.op(Op::Pop);
    b.op(Op::Pop);
    b.op(Op::Pop);
    b.op(Op::Ret);
    CHECK(b.verify_error() == "");
    CHECK(b.p.main_index == 0);
    CHECK(b.p.functions[0].max_stack == 4);
}

TEST_CASE("verifier finds main anywhere and counts a call by the callee's parameters") {
    Builder b;
    b.func("f", 3, {"a", "b", "c", "d"});
    b.op(Op::Load, 3);
    b.op(Op::Ret);
    b.func("main", 0, {});
    b.lit_nil();
    b.lit_nil();
    b.lit_nil();
    b.op(Op::Call, 0);
    b.op(Op::Ret);
    CHECK(b.verify_error() == "");
    CHECK(b.p.main_index == 1);
    CHECK(b.p.functions[0].max_stack == 1);
    CHECK(b.p.functions[1].max_stack == 3);
}

TEST_CASE("verifier rejects operands out of range") {
    struct Case {
        Op op;
        int32_t arg;
        const char* want;
    };
    for (Case c : {Case{Op::Load, 1, "operand 1 of 'load' out of range"}, Case{Op::Store, -1, "operand -1 of 'store' out of range"},
                   Case{Op::GLoad, 1, "operand 1 of 'gload' out of range"}, Case{Op::GStore, 7, "operand 7 of 'gstore' out of range"},
                   Case{Op::Call, 1, "operand 1 of 'call' out of range"}, Case{Op::Jmp, 4, "operand 4 of 'jmp' out of range"},
                   Case{Op::Jt, -2, "operand -2 of 'jt' out of range"}, Case{Op::Const, 5, "operand 5 of 'const' out of range"},
                   Case{Op::Const, INT32_MIN, "operand -2147483648 of 'const' out of range"}}) {
        Builder b;
        b.p.globals = {"g"};
        b.func("main", 0, {"x"});
        b.lit_nil(2);
        b.op(c.op, c.arg, 9, 7);
        b.op(Op::Ret, 0, 4);
        INFO(c.want);
        CHECK(b.verify_error() == std::string("error: v.cpasm:9:7: ") + c.want);
    }
}

TEST_CASE("verifier reports a jump to the end as falling off") {
    Builder b = with_main();
    b.lit_nil(2);
    b.op(Op::Jmp, 2, 3, 5);  // == code size: just past the last instruction
    CHECK(b.verify_error() == "error: v.cpasm:3:5: path falls off the end of function 'main'");
}

TEST_CASE("verifier: missing main and main with parameters") {
    Builder b;
    b.func("f", 0, {});
    b.lit_nil();
    b.op(Op::Ret);
    CHECK(b.verify_error() == "error: v.cpasm:1:1: missing function 'main'");
    Builder none;
    CHECK(none.verify_error() == "error: v.cpasm:1:1: missing function 'main'");
    Builder bin(true);
    CHECK(bin.verify_error() == "error: v.cpbc: offset 0: missing function 'main'");
    Builder p;
    p.func("main", 1, {"a"}, 12);
    p.op(Op::Load, 0);
    p.op(Op::Ret);
    CHECK(p.verify_error() == "error: v.cpasm:12:1: function 'main' must not have parameters");
}

TEST_CASE("verifier: an empty function falls off its end") {
    Builder b = with_main();
    b.lit_nil();
    b.op(Op::Ret);
    b.func("empty", 0, {}, 40);
    CHECK(b.verify_error() == "error: v.cpasm:40:1: path falls off the end of function 'empty'");
}

TEST_CASE("verifier: stack underflow at the instruction that needs more") {
    Builder b;
    b.func("two", 2, {"a", "b"});
    b.op(Op::Load, 0);
    b.op(Op::Ret);
    b.func("main", 0, {}, 10);
    b.lit_nil(11);
    b.op(Op::Call, 0, 12, 3);
    b.op(Op::Ret, 0, 13);
    CHECK(b.verify_error() == "error: v.cpasm:12:3: stack underflow: 'call' needs 2 values but the stack holds 1");
}

TEST_CASE("verifier: a call of a function without parameters pushes its result") {
    Builder b;
    b.func("zero", 0, {});
    b.lit_nil();
    b.op(Op::Ret);
    b.func("main", 0, {});
    b.op(Op::Call, 0);
    b.op(Op::Call, 0);
    b.op(Op::Pop);
    b.op(Op::Ret);
    CHECK(b.verify_error() == "");
    CHECK(b.p.functions[1].max_stack == 2);
}

TEST_CASE("verifier: depths must agree where paths meet") {
    // 0: const nil  1: jt 3  2: const nil  3: const nil  4: ret
    Builder b = with_main();
    b.lit_nil(2);
    b.op(Op::Jt, 3, 3);
    b.lit_nil(4);
    b.lit_nil(5);
    b.op(Op::Ret, 0, 6);
    CHECK(b.verify_error() == "error: v.cpasm:5:5: stack depth differs between paths (0 and 1)");
}

TEST_CASE("verifier: the first bad function in order is reported") {
    Builder b = with_main();
    b.lit_nil();
    b.op(Op::Ret);
    b.func("f", 0, {}, 20);
    b.op(Op::Pop, 0, 21);
    b.func("g", 0, {}, 30);
    b.op(Op::Load, 9, 31);
    CHECK(b.verify_error() == "error: v.cpasm:21:5: stack underflow: 'pop' needs 1 value but the stack holds 0");
}

TEST_CASE("verifier: unreachable code is not checked and deep stacks are counted") {
    Builder b = with_main();
    for (int i = 0; i < 1000; ++i) b.lit_nil();
    for (int i = 0; i < 999; ++i) b.op(Op::Pop);
    b.op(Op::Ret);
    b.op(Op::Pop);  // unreachable: would underflow
    b.op(Op::Add);
    CHECK(b.verify_error() == "");
    CHECK(b.p.functions[0].max_stack == 1000);
}

TEST_CASE("verifier: loops with a consistent depth verify") {
    // 0: const nil; 1: store x; 2: load x; 3: jt 1 ... would need a value at 1
    Builder b = with_main();
    b.lit_nil();       // 0
    b.op(Op::Dup);     // 1 <- loop head, depth 1
    b.op(Op::Jf, 4);   // 2
    b.op(Op::Jmp, 1);  // 3
    b.op(Op::Ret);     // 4
    CHECK(b.verify_error() == "");
    CHECK(b.p.functions[0].max_stack == 2);
}
