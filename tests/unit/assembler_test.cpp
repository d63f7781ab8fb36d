// The .cpasm assembler (docs/language.md §3, §6): what it accepts, and every error with
// its exact message and FILE:LINE:COL.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "runtime/loader.h"
#include "tests/unit/test_support.h"

using namespace cpjit;

namespace {

// assemble + verify; "" when both succeed, else the formatted error line.
std::string load_error(const std::string& text, const std::string& file = "t.cpasm") {
    Program p;
    LoadError e;
    if (!assemble(file, text, p, e) || !verify(p, e)) {
        CHECK_FALSE(e.message.empty());
        return e.format();
    }
    return "";
}

// The body of `main` wrapped around some lines (line 1 is `.func main`).
std::string in_main(const std::string& body) { return ".func main\n" + body + ".end\n"; }

Program assemble_ok(const std::string& text) { return test::loaded_text(text); }

const Literal& only_literal(const std::string& lit) {
    static Program p;
    p = assemble_ok(in_main("    const " + lit + "\n    ret\n"));
    REQUIRE(p.literals.size() == 1);
    return p.literals[0];
}

}  // namespace

TEST_CASE("the example of docs/language.md section 3 assembles and resolves names") {
    Program p = assemble_ok(R"(; a comment runs to the end of the line
.global counter              ; a global variable, initially nil
.func add3 a b c             ; function name, then its parameter names
.locals tmp                  ; more local variables, initially nil
    load a
    load b
    add
    load c
    add
    ret
.end
.func main                   ; the entry point: no parameters
    const 1
    const 2
    const 3
    call add3
    print                    ; prints 6
    const nil
    ret
.end
)");
    REQUIRE(p.functions.size() == 2);
    CHECK(p.globals == std::vector<std::string>{"counter"});
    const Function& add3 = p.functions[0];
    CHECK(add3.name == "add3");
    CHECK(add3.num_params == 3);
    CHECK(add3.local_names == std::vector<std::string>{"a", "b", "c", "tmp"});
    CHECK(add3.code.size() == 6);
    CHECK(add3.code[3].op == Op::Load);
    CHECK(add3.code[3].arg == 2);
    CHECK(add3.pos[0].line == 5);
    CHECK(add3.pos[0].col == 5);
    CHECK(add3.decl.line == 3);
    CHECK(add3.max_stack == 2);
    CHECK(p.main_index == 1);
    const Function& main = p.functions[1];
    CHECK(main.code[3].op == Op::Call);
    CHECK(main.code[3].arg == 0);
    CHECK(main.pos[3].line == 16);
    CHECK(main.max_stack == 3);
}

TEST_CASE("locals by name or index and labels local to their function") {
    Program p = assemble_ok(R"(.global g.x _y
.func f a
.locals b
top:
    load 0
    store 1
    load b
    gstore _y
    gload g.x
    jt top
    const nil
    ret
.end
.func main
top:
    const 1
    call f
    jf top
    const nil
    ret
.end
)");
    const Function& f = p.functions[0];
    CHECK(f.code[0].arg == 0);
    CHECK(f.code[1].arg == 1);
    CHECK(f.code[2].arg == 1);
    CHECK(f.code[3].arg == 1);  // _y
    CHECK(f.code[4].arg == 0);  // g.x
    CHECK(f.code[5].op == Op::Jt);
    CHECK(f.code[5].arg == 0);
    CHECK(p.functions[1].code[2].arg == 0);
}

TEST_CASE("tabs CRLF comments and blank lines") {
    Program p = assemble_ok(".func main\r\n\tconst \"a ; b\" ; not part of the string\r\n\r\n\tprint\t;c\r\n  const nil\r\n  ret\r\n.end\r\n");
    REQUIRE(p.literals.size() == 2);
    CHECK(p.literals[0].s == "a ; b");
    CHECK(p.functions[0].pos[1].line == 4);
    CHECK(p.functions[0].pos[1].col == 2);  // a tab is one column
    CHECK(load_error(".func main\r\n\tfoo\r\n.end\r\n") == "error: t.cpasm:2:2: unknown instruction 'foo'");
    // no newline at the end of the file
    CHECK(load_error(".func main\n const nil\n ret\n.end") == "");
}

TEST_CASE("integer literals") {
    CHECK(only_literal("0").i == 0);
    CHECK(only_literal("-12").i == -12);
    CHECK(only_literal("0x1F").i == 31);
    CHECK(only_literal("0X1f").i == 31);
    CHECK(only_literal("-0x10").i == -16);
    CHECK(only_literal("9223372036854775807").i == INT64_MAX);
    CHECK(only_literal("-9223372036854775808").i == INT64_MIN);
    CHECK(only_literal("0x7FFFFFFFFFFFFFFF").i == INT64_MAX);
    CHECK(only_literal("-0x8000000000000000").i == INT64_MIN);
    CHECK(only_literal("-0").kind == Literal::Kind::Int);
    CHECK(only_literal("-0").i == 0);
}

TEST_CASE("float and special literals") {
    auto f = [](const char* s) {
        const Literal& l = only_literal(s);
        CHECK(l.kind == Literal::Kind::Float);
        return l.f;
    };
    CHECK(f("1.5") == 1.5);
    CHECK(f("-2e-3") == -2e-3);
    CHECK(f("1.") == 1.0);
    CHECK(f(".5") == 0.5);
    CHECK(f("-.5") == -0.5);
    CHECK(f("1E3") == 1000.0);
    CHECK(f("1e+3") == 1000.0);
    CHECK(f("3e0") == 3.0);
    CHECK(std::signbit(f("-0.0")));
    CHECK(f("inf") == INFINITY);
    CHECK(f("-inf") == -INFINITY);
    CHECK(std::isnan(f("nan")));
    CHECK(f("1.7976931348623157e308") == 1.7976931348623157e308);
    CHECK(f("5e-324") == 5e-324);
    CHECK(f("1e-400") == 0.0);  // underflow to zero is not an error
    CHECK(only_literal("nil").kind == Literal::Kind::Nil);
    CHECK(only_literal("true").kind == Literal::Kind::True);
    CHECK(only_literal("false").kind == Literal::Kind::False);
}

TEST_CASE("string literals and their escapes") {
    CHECK(only_literal("\"\"").s == "");
    CHECK(only_literal(R"("a\"b")").s == "a\"b");
    CHECK(only_literal(R"("\\")").s == "\\");
    CHECK(only_literal(R"("\n\t\r")").s == "\n\t\r");
    CHECK(only_literal(R"("\x00\x41\xfF\x7f")").s == std::string("\0A\xff\x7f", 4));
    CHECK(only_literal(R"("; not a comment")").s == "; not a comment");
    CHECK(only_literal("\"caf\xc3\xa9\"").s == "caf\xc3\xa9");
}

TEST_CASE("unknown instruction and directive errors") {
    CHECK(load_error(in_main("    foo\n")) == "error: t.cpasm:2:5: unknown instruction 'foo'");
    CHECK(load_error(in_main("    add_int\n")) == "error: t.cpasm:2:5: unknown instruction 'add_int'");
    CHECK(load_error(in_main("    ADD\n")) == "error: t.cpasm:2:5: unknown instruction 'ADD'");
    CHECK(load_error(in_main(".bogus\n")) == "error: t.cpasm:2:1: unknown directive '.bogus'");
    CHECK(load_error(".function main\n") == "error: t.cpasm:1:1: unknown directive '.function'");
    CHECK(load_error("print\n") == "error: t.cpasm:1:1: instruction outside a function");
}

TEST_CASE("unknown and duplicate labels") {
    CHECK(load_error(in_main("    jmp nowhere\n")) == "error: t.cpasm:2:9: unknown label 'nowhere'");
    CHECK(load_error(in_main("    const 1\n    jt   missing\n")) == "error: t.cpasm:3:10: unknown label 'missing'");
    CHECK(load_error(in_main("L:\n    const nil\nL:\n    ret\n")) == "error: t.cpasm:4:1: duplicate label 'L'");
    CHECK(load_error(in_main("  x:\n  x:\n    const nil\n    ret\n")) == "error: t.cpasm:3:3: duplicate label 'x'");
    // a label of another function is not visible
    CHECK(load_error(".func f\nhere:\n    const nil\n    ret\n.end\n" + in_main("    jmp here\n")) ==
          "error: t.cpasm:7:9: unknown label 'here'");
    CHECK(load_error(in_main("1x:\n")) == "error: t.cpasm:2:1: invalid label name '1x'");
    CHECK(load_error(in_main(":\n")) == "error: t.cpasm:2:1: invalid label name ''");
    CHECK(load_error(in_main("L: ret\n")) == "error: t.cpasm:2:4: a label must be on its own line");
    CHECK(load_error(in_main("    jmp 1x\n")) == "error: t.cpasm:2:9: invalid label name '1x'");
    CHECK(load_error("L:\n") == "error: t.cpasm:1:1: label outside a function");
}

TEST_CASE("unknown and duplicate functions") {
    CHECK(load_error(in_main("    call g\n    ret\n")) == "error: t.cpasm:2:10: unknown function 'g'");
    CHECK(load_error(in_main("    const nil\n    ret\n") + in_main("    const nil\n    ret\n")) ==
          "error: t.cpasm:5:7: duplicate function 'main'");
    CHECK(load_error(".func\n") == "error: t.cpasm:1:6: expected a function name");
    CHECK(load_error(".func 9f\n") == "error: t.cpasm:1:7: invalid function name '9f'");
    CHECK(load_error(".func a-b\n") == "error: t.cpasm:1:7: invalid function name 'a-b'");
    CHECK(load_error(".func main\n.func f\n") == "error: t.cpasm:2:1: function 'main' has no .end before .func");
    CHECK(load_error(".func main\n    const nil\n    ret\n") == "error: t.cpasm:1:1: function 'main' has no .end");
    CHECK(load_error(".end\n") == "error: t.cpasm:1:1: .end outside a function");
    CHECK(load_error(in_main("    const nil\n    ret\n.end extra\n")) == "error: t.cpasm:4:6: unexpected token after .end");
}

TEST_CASE("unknown and duplicate globals") {
    CHECK(load_error(in_main("    gload g\n    ret\n")) == "error: t.cpasm:2:11: unknown global 'g'");
    CHECK(load_error(".global a\n" + in_main("    const 1\n    gstore b\n    const nil\n    ret\n")) ==
          "error: t.cpasm:4:12: unknown global 'b'");
    CHECK(load_error(".global a b a\n") == "error: t.cpasm:1:13: duplicate global 'a'");
    CHECK(load_error(".global a\n.global a\n") == "error: t.cpasm:2:9: duplicate global 'a'");
    CHECK(load_error(".global\n") == "error: t.cpasm:1:8: expected a global name");
    CHECK(load_error(".global 0a\n") == "error: t.cpasm:1:9: invalid global name '0a'");
    CHECK(load_error(".func main\n.global x\n") == "error: t.cpasm:2:1: .global inside a function");
    // globals and functions are different namespaces, and a global may be
    // named like a function
    CHECK(load_error(".global main\n" + in_main("    gload main\n    ret\n")) == "");
}

TEST_CASE("unknown and duplicate locals") {
    CHECK(load_error(in_main("    load x\n    ret\n")) == "error: t.cpasm:2:10: unknown local 'x'");
    CHECK(load_error(".func f a\n    load 1\n    ret\n.end\n") == "error: t.cpasm:2:10: unknown local '1'");
    CHECK(load_error(".func f a\n    store -1\n    ret\n.end\n") == "error: t.cpasm:2:11: unknown local '-1'");
    CHECK(load_error(".func f a a\n") == "error: t.cpasm:1:11: duplicate local 'a'");
    CHECK(load_error(".func f a\n.locals b a\n") == "error: t.cpasm:2:11: duplicate local 'a'");
    CHECK(load_error(".func f a\n.locals 3\n") == "error: t.cpasm:2:9: invalid local name '3'");
    CHECK(load_error(".locals a\n") == "error: t.cpasm:1:1: .locals outside a function");
    // the local of another function is not visible
    CHECK(load_error(".func f q\n    load q\n    ret\n.end\n" + in_main("    load q\n    ret\n")) ==
          "error: t.cpasm:6:10: unknown local 'q'");
}

TEST_CASE("at most 65535 locals per function") {
    std::string names;
    for (int i = 0; i < 65535; ++i) names += " l" + std::to_string(i);
    CHECK(load_error(in_main(".locals" + names + "\n    load l65534\n    ret\n")) == "");
    std::string text = in_main(".locals" + names + " extra\n    const nil\n    ret\n");
    size_t col = std::string(".locals" + names + " ").size() + 1;
    CHECK(load_error(text) == "error: t.cpasm:2:" + std::to_string(col) + ": too many locals (at most 65535)");
}

TEST_CASE("missing main and main with parameters") {
    CHECK(load_error("") == "error: t.cpasm:1:1: missing function 'main'");
    CHECK(load_error("; nothing\n.global main\n") == "error: t.cpasm:1:1: missing function 'main'");
    CHECK(load_error(".func Main\n    const nil\n    ret\n.end\n") == "error: t.cpasm:1:1: missing function 'main'");
    CHECK(load_error("\n\n  .func main x\n    const nil\n    ret\n.end\n") ==
          "error: t.cpasm:3:3: function 'main' must not have parameters");
}

TEST_CASE("stack depth differs between paths") {
    CHECK(load_error(in_main("    const true\n    jf L\n    const 1\nL:\n    const nil\n    ret\n")) ==
          "error: t.cpasm:6:5: stack depth differs between paths (0 and 1)");
    // a loop whose body leaves a value behind
    CHECK(load_error(in_main("top:\n    const 1\n    const true\n    jt top\n    ret\n")) ==
          "error: t.cpasm:3:5: stack depth differs between paths (0 and 1)");
}

TEST_CASE("stack underflow on some path") {
    CHECK(load_error(in_main("    pop\n")) == "error: t.cpasm:2:5: stack underflow: 'pop' needs 1 value but the stack holds 0");
    CHECK(load_error(in_main("    const 1\n    add\n")) ==
          "error: t.cpasm:3:5: stack underflow: 'add' needs 2 values but the stack holds 1");
    CHECK(load_error(in_main("    const 1\n    const 2\n    aset\n")) ==
          "error: t.cpasm:4:5: stack underflow: 'aset' needs 3 values but the stack holds 2");
    CHECK(load_error(in_main("    ret\n")) == "error: t.cpasm:2:5: stack underflow: 'ret' needs 1 value but the stack holds 0");
    CHECK(load_error(in_main("    jt x\nx:\n")) == "error: t.cpasm:2:5: stack underflow: 'jt' needs 1 value but the stack holds 0");
    CHECK(load_error(".func f a b\n    load a\n    ret\n.end\n" + in_main("    const 1\n    call f\n    ret\n")) ==
          "error: t.cpasm:7:5: stack underflow: 'call' needs 2 values but the stack holds 1");
    // only on one path: the loop pops once per turn (reported where the
    // back edge meets the first path's depth)
    CHECK(load_error(in_main("    const 1\ntop:\n    pop\n    const true\n    jt top\n    const nil\n    ret\n")) ==
          "error: t.cpasm:4:5: stack depth differs between paths (1 and 0)");
}

TEST_CASE("paths that fall off the end of a function") {
    CHECK(load_error(in_main("")) == "error: t.cpasm:1:1: path falls off the end of function 'main'");
    CHECK(load_error(in_main("    const nil\n")) == "error: t.cpasm:2:5: path falls off the end of function 'main'");
    CHECK(load_error(in_main("    jmp E\nE:\n")) == "error: t.cpasm:2:5: path falls off the end of function 'main'");
    CHECK(load_error(in_main("    const true\n    jt E\n    const nil\n    ret\nE:\n")) ==
          "error: t.cpasm:3:5: path falls off the end of function 'main'");
    CHECK(load_error(in_main("    const nil\n    ret\n") + ".func f\n    const 1\n    pop\n.end\n") ==
          "error: t.cpasm:7:5: path falls off the end of function 'f'");
    // unreachable code after ret is not checked
    CHECK(load_error(in_main("    const nil\n    ret\n    pop\n    add\n")) == "");
}

TEST_CASE("integer literals out of range") {
    CHECK(load_error(in_main("    const 9223372036854775808\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '9223372036854775808'");
    CHECK(load_error(in_main("    const -9223372036854775809\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '-9223372036854775809'");
    CHECK(load_error(in_main("    const 99999999999999999999999\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '99999999999999999999999'");
    CHECK(load_error(in_main("    const 0x8000000000000000\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '0x8000000000000000'");
    CHECK(load_error(in_main("    const -0x8000000000000001\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '-0x8000000000000001'");
    CHECK(load_error(in_main("    const 0x10000000000000000\n")) ==
          "error: t.cpasm:2:11: integer literal out of range '0x10000000000000000'");
}

TEST_CASE("float literals out of range") {
    CHECK(load_error(in_main("    const 1e309\n")) == "error: t.cpasm:2:11: float literal out of range '1e309'");
    CHECK(load_error(in_main("    const -1.8e308\n")) == "error: t.cpasm:2:11: float literal out of range '-1.8e308'");
    // (a long literal is cut in the message)
    std::string e = load_error(in_main("    const 1" + std::string(400, '0') + ".0\n"));
    CHECK(e.rfind("error: t.cpasm:2:11: float literal out of range '1000", 0) == 0);
    CHECK(e.substr(e.size() - 3) == "...");
}

TEST_CASE("invalid literals") {
    for (const char* bad : {"abc", "-", "--5", "+5", "1x", "0x", "0xg", "1e", "1e5e5", "1.2.3", ".", "e5", "1-2", "Inf", "NaN",
                            "-nan", "1_000", "0x1.8p3", "TRUE", "Nil"}) {
        INFO(bad);
        CHECK(load_error(in_main(std::string("    const ") + bad + "\n")) ==
              std::string("error: t.cpasm:2:11: invalid literal '") + bad + "'");
    }
}

TEST_CASE("bad escapes in string literals") {
    CHECK(load_error(in_main(R"(    const "a\qb")" "\n")) == "error: t.cpasm:2:13: invalid escape '\\q'");
    CHECK(load_error(in_main(R"(    const "\0")" "\n")) == "error: t.cpasm:2:12: invalid escape '\\0'");
    CHECK(load_error(in_main(R"(    const "ab\x4")" "\n")) == "error: t.cpasm:2:14: invalid \\x escape (expected two hex digits)");
    CHECK(load_error(in_main(R"(    const "\xg0")" "\n")) == "error: t.cpasm:2:12: invalid \\x escape (expected two hex digits)");
    CHECK(load_error(in_main(R"(    const "\x")" "\n")) == "error: t.cpasm:2:12: invalid \\x escape (expected two hex digits)");
    CHECK(load_error(in_main(R"(    const "\'")" "\n")) == "error: t.cpasm:2:12: invalid escape '\\''");
    // the control byte of a bad escape is shown printable in the message
    CHECK(load_error(in_main("    const \"\\\x01\"\n")) == "error: t.cpasm:2:12: invalid escape '\\\\x01'");
}

TEST_CASE("unterminated strings") {
    CHECK(load_error(in_main("    const \"abc\n")) == "error: t.cpasm:2:11: unterminated string literal");
    CHECK(load_error(in_main("    const \"abc\\\"\n")) == "error: t.cpasm:2:11: unterminated string literal");
    CHECK(load_error(in_main("    const \"abc\\\n")) == "error: t.cpasm:2:11: unterminated string literal");
    CHECK(load_error(in_main("    const \"\n")) == "error: t.cpasm:2:11: unterminated string literal");
    CHECK(load_error(in_main("    const \"a\"b\n")) == "error: t.cpasm:2:14: expected a blank after the string literal");
}

TEST_CASE("missing and extra operands") {
    CHECK(load_error(in_main("    const\n")) == "error: t.cpasm:2:10: 'const' needs an operand");
    CHECK(load_error(in_main("    jmp   ; comment\n")) == "error: t.cpasm:2:8: 'jmp' needs an operand");
    CHECK(load_error(in_main("    load\n")) == "error: t.cpasm:2:9: 'load' needs an operand");
    CHECK(load_error(in_main("    call\n")) == "error: t.cpasm:2:9: 'call' needs an operand");
    CHECK(load_error(in_main("    gstore\n")) == "error: t.cpasm:2:11: 'gstore' needs an operand");
    CHECK(load_error(in_main("    add 1\n")) == "error: t.cpasm:2:9: unexpected operand");
    CHECK(load_error(in_main("    const 1 2\n")) == "error: t.cpasm:2:13: unexpected operand");
    CHECK(load_error(in_main("    const \"a\" \"b\"\n")) == "error: t.cpasm:2:15: unexpected operand");
    CHECK(load_error(in_main("    ret nil\n")) == "error: t.cpasm:2:9: unexpected operand");
}

TEST_CASE("the .line directive sets the recorded line of the next instruction") {
    Program p = assemble_ok(in_main("    .line 100\n    const nil\n    .line 0\n    ret\n"));
    CHECK(p.functions[0].pos[0].line == 100);
    CHECK(p.functions[0].pos[1].line == 0);
    CHECK(load_error(".line 3\n") == "error: t.cpasm:1:1: .line outside a function");
    CHECK(load_error(in_main("    .line x\n")) == "error: t.cpasm:2:11: expected a line number after .line");
    CHECK(load_error(in_main("    .line\n")) == "error: t.cpasm:2:5: expected a line number after .line");
    CHECK(load_error(in_main("    .line 1 2\n")) == "error: t.cpasm:2:11: expected a line number after .line");
    CHECK(load_error(in_main("    .line 4294967296\n")) == "error: t.cpasm:2:11: expected a line number after .line");
}

TEST_CASE("the first error wins and names the file as given") {
    CHECK(load_error(in_main("    foo\n    bar\n"), "dir/x.cpasm") == "error: dir/x.cpasm:2:5: unknown instruction 'foo'");
    // an assemble error is reported before any verification error
    CHECK(load_error(in_main("    pop\n    bar\n")) == "error: t.cpasm:3:5: unknown instruction 'bar'");
}

TEST_CASE("load errors are one printable line") {
    // control bytes in an echoed token are escaped, and a long token is cut
    std::string e = load_error(in_main(std::string("    \x01\x7f") + std::string(500, 'z') + "\n"));
    CHECK(e.find('\n') == std::string::npos);
    CHECK(e.rfind("error: t.cpasm:2:5: unknown instruction '\\x01\\x7f", 0) == 0);
    CHECK(e.size() < 300);
    CHECK(e.substr(e.size() - 3) == "...");
    // NUL bytes in the text do not end it early
    CHECK(load_error(std::string(".func main\n    const \"a\0b\"\n    ret\n.end\n", 40)) == "");
    CHECK(load_error(std::string(".func main\n    co\0st 1\n", 23)) == "error: t.cpasm:2:5: unknown instruction 'co\\x00st'");
}
