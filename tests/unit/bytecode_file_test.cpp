// The .cpbc binary format (docs/language.md §9) as untrusted input: exact layout, round
// trips, and every way a malformed file is rejected (`error: FILE: offset N:
// MESSAGE`), including truncation at every byte.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <regex>
#include <string>

#include "runtime/loader.h"
#include "tests/unit/test_support.h"

using namespace cpjit;

namespace {

// Writes the format by hand (bytecode_file.cpp's header comment), recording
// where each instruction starts.
struct Bin {
    std::string out;
    std::vector<size_t> instr_at;  // offsets of instructions, in order
    std::map<std::string, size_t> mark;

    Bin& u8(uint8_t v) {
        out.push_back(char(v));
        return *this;
    }
    Bin& u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) u8(uint8_t(v >> (8 * i)));
        return *this;
    }
    Bin& u64(uint64_t v) {
        for (int i = 0; i < 8; ++i) u8(uint8_t(v >> (8 * i)));
        return *this;
    }
    Bin& str(const std::string& s) {
        u32(uint32_t(s.size()));
        out += s;
        return *this;
    }
    Bin& at(const std::string& name) {
        mark[name] = out.size();
        return *this;
    }
    Bin& header(uint32_t version = 1) {
        out.append("CPBC", 4);
        return u32(version);
    }
    Bin& globals(const std::vector<std::string>& names) {
        u32(uint32_t(names.size()));
        for (auto& n : names) at("global " + n).str(n);
        return *this;
    }
    Bin& func(const std::string& name, uint32_t params, const std::vector<std::string>& locals, uint32_t ninstr) {
        at("func " + name).str(name).u32(params);
        at("nlocals " + name).u32(uint32_t(locals.size()));
        for (auto& n : locals) at("local " + n).str(n);
        return at("ninstr " + name).u32(ninstr);
    }
    Bin& op(Op o, uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(o)).u32(line);
    }
    Bin& op_arg(Op o, uint32_t arg, uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(o)).u32(arg).u32(line);
    }
    Bin& lit_nil(uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(Op::Const)).u8(uint8_t(Literal::Kind::Nil)).u32(line);
    }
    Bin& lit_int(int64_t v, uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(Op::Const)).u8(uint8_t(Literal::Kind::Int)).u64(uint64_t(v)).u32(line);
    }
    Bin& lit_float_bits(uint64_t bits, uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(Op::Const)).u8(uint8_t(Literal::Kind::Float)).u64(bits).u32(line);
    }
    Bin& lit_str(const std::string& s, uint32_t line) {
        instr_at.push_back(out.size());
        return u8(uint8_t(Op::Const)).u8(uint8_t(Literal::Kind::String)).str(s).u32(line);
    }
};

// The program of kText, written by hand.
const char* kText = R"(.global g
.func main
.locals x
    const 7
    store x
    load x
    gstore g
    const nil
    ret
.end
)";

Bin canonical() {
    Bin b;
    b.header().globals({"g"}).u32(1).func("main", 0, {"x"}, 6);
    b.lit_int(7, 4).op_arg(Op::Store, 0, 5).op_arg(Op::Load, 0, 6).op_arg(Op::GStore, 0, 7).lit_nil(8).op(Op::Ret, 9);
    return b;
}

void put_u32(std::string& s, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + size_t(i)] = char(uint8_t(v >> (8 * i)));
}

// read + verify; "" on success, else the formatted error.
std::string load_error(const std::string& bytes, Program* keep = nullptr) {
    Program p;
    LoadError e;
    bool ok = read_bytecode("f.cpbc", bytes, p, e) && verify(p, e);
    if (keep) *keep = std::move(p);
    if (ok) return "";
    CHECK_FALSE(e.message.empty());
    return e.format();
}

std::string read_error(const std::string& bytes) {
    Program p;
    LoadError e;
    if (read_bytecode("f.cpbc", bytes, p, e)) return "";
    return e.format();
}

std::string off(size_t at, const std::string& msg) { return "error: f.cpbc: offset " + std::to_string(at) + ": " + msg; }

Program from_text(const std::string& text) { return test::loaded_text(text); }

}  // namespace

TEST_CASE("the binary layout is the documented one") {
    Bin b = canonical();
    CHECK(b.out.size() == 98);
    CHECK(write_bytecode(from_text(kText)) == b.out);
    CHECK(std::memcmp(b.out.data(), kBytecodeMagic, 4) == 0);
    CHECK(kBytecodeVersion == 1);
}

TEST_CASE("a binary reads back to the same program") {
    Bin b = canonical();
    Program p;
    REQUIRE(load_error(b.out, &p) == "");
    CHECK(p.binary);
    CHECK(p.file == "f.cpbc");
    CHECK(p.globals == std::vector<std::string>{"g"});
    REQUIRE(p.functions.size() == 1);
    const Function& f = p.functions[0];
    CHECK(f.name == "main");
    CHECK(f.local_names == std::vector<std::string>{"x"});
    CHECK(f.decl.col == b.mark["func main"]);
    REQUIRE(f.code.size() == 6);
    for (size_t i = 0; i < 6; ++i) {
        CHECK(f.pos[i].line == 4 + i);
        CHECK(f.pos[i].col == b.instr_at[i]);  // the byte offset of the instruction
    }
    CHECK(p.literals.size() == 2);
    CHECK(p.literals[0].i == 7);
    CHECK(write_bytecode(p) == b.out);
}

TEST_CASE("every literal kind and operand kind survives binary and text round trips") {
    std::string text = R"(.global a b.c
.func f p q
.locals r
    load q
    store r
    load 0
    ret
.end
.func main
    const nil
    const true
    const false
    const -9223372036854775808
    const 0x7fffffffffffffff
    const -0.0
    const 5e-324
    const 1.7976931348623157e+308
    const inf
    const -inf
    const nan
    const 0.1
    const 1e+16
    const "q\"b\\s\n\t\r\x00\x01\x7f\xff\xc3\xa9 ;x"
    const ""
    call f
    gstore b.c
    gload a
    jt end
top:
    const 1
    jf top
end:
    const 0
    pop
    const nil
    ret
.end
)";
    Program p = from_text(text);
    std::string bytes = write_bytecode(p);
    Program q;
    REQUIRE(load_error(bytes, &q) == "");
    CHECK(write_bytecode(q) == bytes);
    // disassembled text assembles to the same bytes, from either program
    std::string dis = disassemble(q);
    CHECK(disassemble(p) == dis);
    Program r = from_text(dis);
    CHECK(write_bytecode(r) == bytes);
    // and recorded lines are kept by the text form
    for (size_t i = 0; i < p.functions.size(); ++i)
        for (size_t j = 0; j < p.functions[i].code.size(); ++j) CHECK(r.functions[i].pos[j].line == p.functions[i].pos[j].line);
    CHECK(q.literals[13].s == std::string("q\"b\\s\n\t\r\0\x01\x7f\xff\xc3\xa9 ;x", 17));
    CHECK(std::isnan(q.literals[10].f));
    CHECK(std::signbit(q.literals[5].f));
}

TEST_CASE("bad magic") {
    CHECK(read_error("") == off(0, "not a cpjit bytecode file (bad magic)"));
    CHECK(read_error("CPB") == off(0, "not a cpjit bytecode file (bad magic)"));
    std::string b = canonical().out;
    b[3] = 'X';
    CHECK(read_error(b) == off(0, "not a cpjit bytecode file (bad magic)"));
    CHECK(read_error(".func main\n") == off(0, "not a cpjit bytecode file (bad magic)"));
}

TEST_CASE("wrong version") {
    for (uint32_t v : {0u, 2u, 0x01000000u, 0xFFFFFFFFu}) {
        std::string b = canonical().out;
        put_u32(b, 4, v);
        CHECK(read_error(b) == off(4, "unsupported bytecode version " + std::to_string(v) + " (this cpjit reads version 1)"));
    }
    CHECK(read_error("CPBC\x01") == off(4, "unexpected end of file"));
}

TEST_CASE("a binary truncated at any byte fails cleanly with an offset") {
    std::vector<std::string> files = {canonical().out, write_bytecode(from_text(R"(.global a b
.func f p
.locals q
    load p
    const "str"
    concat
    const 2.5
    pop
    ret
.end
.func main
    const "x"
    call f
    jf done
done:
    const nil
    ret
.end
)"))};
    std::regex shape("^error: f\\.cpbc: offset ([0-9]+): [^\\n]+$");
    for (const std::string& full : files) {
        REQUIRE(load_error(full) == "");
        for (size_t n = 0; n < full.size(); ++n) {
            std::string e = load_error(full.substr(0, n));
            INFO("truncated to ", n, " bytes: ", e);
            std::smatch m;
            REQUIRE(std::regex_match(e, m, shape));
            CHECK(std::stoul(m[1].str()) <= n);
            if (n >= 8) {
                bool expected = e.find("unexpected end of file") != std::string::npos ||
                                e.find("count larger than the file") != std::string::npos;
                CHECK(expected);
            }
        }
    }
}

TEST_CASE("count fields larger than the file") {
    std::string b = canonical().out;
    put_u32(b, 8, 0xFFFFFFFFu);
    CHECK(read_error(b) == off(8, "count larger than the file"));
    Bin c = canonical();
    put_u32(c.out, c.mark["ninstr main"], 1000);
    CHECK(read_error(c.out) == off(c.mark["ninstr main"], "count larger than the file"));
    c = canonical();
    put_u32(c.out, c.mark["nlocals main"], 0x40000000u);
    CHECK(read_error(c.out) == off(c.mark["nlocals main"], "count larger than the file"));
    c = canonical();
    put_u32(c.out, 17, 0x10000000u);  // #functions
    CHECK(read_error(c.out) == off(17, "count larger than the file"));
    c = canonical();
    put_u32(c.out, c.mark["global g"], 0xFFFFFFF0u);  // a name's length
    CHECK(read_error(c.out) == off(c.mark["global g"] + 4, "unexpected end of file"));
}

TEST_CASE("local global function and jump operands out of range") {
    Bin b;
    b.header().globals({"g"});
    b.u32(2);
    b.func("f", 1, {"a"}, 2).op_arg(Op::Load, 0, 2).op(Op::Ret, 3);
    b.func("main", 0, {"x"}, 6);
    b.lit_int(1, 5).op_arg(Op::Call, 0, 6).op_arg(Op::GStore, 0, 7).op_arg(Op::Jmp, 4, 8).op_arg(Op::Load, 0, 9).op(Op::Ret, 10);
    REQUIRE(load_error(b.out) == "");
    const std::vector<size_t>& at = b.instr_at;  // f: 0 1, main: 2..7
    auto patched = [&](size_t instr, uint32_t arg) {
        std::string s = b.out;
        put_u32(s, at[instr] + 1, arg);
        return load_error(s);
    };
    CHECK(patched(0, 1) == off(at[0], "operand 1 of 'load' out of range"));
    CHECK(patched(6, 2) == off(at[6], "operand 2 of 'load' out of range"));
    CHECK(patched(4, 1) == off(at[4], "operand 1 of 'gstore' out of range"));
    CHECK(patched(3, 2) == off(at[3], "operand 2 of 'call' out of range"));
    CHECK(patched(5, 7) == off(at[5], "operand 7 of 'jmp' out of range"));
    CHECK(patched(5, 6) == off(at[5], "path falls off the end of function 'main'"));
    CHECK(patched(5, 1) == off(at[3], "stack depth differs between paths (1 and 0)"));
    // operands that do not fit an int32 are refused while reading
    for (uint32_t big : {0x80000000u, 0xFFFFFFFFu}) {
        CHECK(patched(0, big) == off(at[0], "operand out of range"));
        CHECK(patched(3, big) == off(at[3], "operand out of range"));
        CHECK(patched(5, big) == off(at[5], "operand out of range"));
    }
}

TEST_CASE("unknown opcodes including specialized forms") {
    Bin b = canonical();
    size_t ret = b.instr_at[5];
    for (int code : {kNumOps, kNumOps + 1, kNumAllOps - 1, kNumAllOps, 200, 255}) {
        std::string s = b.out;
        s[ret] = char(uint8_t(code));
        CHECK(read_error(s) == off(ret, "unknown opcode " + std::to_string(code)));
    }
}

TEST_CASE("invalid literal kinds") {
    Bin b = canonical();
    for (int kind : {6, 7, 255}) {
        std::string s = b.out;
        s[b.instr_at[0] + 1] = char(uint8_t(kind));
        CHECK(read_error(s) == off(b.instr_at[0] + 1, "invalid literal kind " + std::to_string(kind)));
    }
}

TEST_CASE("invalid names") {
    for (std::string bad : std::vector<std::string>{"", "1g", "a b", "a-b", "g\n", std::string("g\0", 2), "\xc3\xa9"}) {
        INFO(bad);
        Bin g;
        g.header().globals({bad}).u32(1).func("main", 0, {}, 2).lit_nil(1).op(Op::Ret, 1);
        CHECK(read_error(g.out) == off(12, "invalid global name"));
        Bin f;
        f.header().globals({}).u32(1).func(bad, 0, {}, 2).lit_nil(1).op(Op::Ret, 1);
        CHECK(read_error(f.out) == off(f.mark["func " + bad], "invalid function name"));
        Bin l;
        l.header().globals({}).u32(1).func("main", 0, {"ok", bad}, 2).lit_nil(1).op(Op::Ret, 1);
        CHECK(read_error(l.out) == off(l.mark["local " + bad], "invalid local name"));
    }
}

TEST_CASE("duplicate names") {
    Bin g;
    g.header().u32(3).str("a").at("second").str("b").at("dup").str("a");
    CHECK(read_error(g.out) == off(g.mark["dup"], "duplicate global 'a'"));
    Bin f;
    f.header().globals({}).u32(2).func("main", 0, {}, 2).lit_nil(1).op(Op::Ret, 2);
    size_t second = f.out.size();
    f.func("main", 0, {}, 2).lit_nil(1).op(Op::Ret, 2);
    CHECK(read_error(f.out) == off(second, "duplicate function 'main'"));
    Bin l;
    l.header().globals({}).u32(1).u32(4).out += "main";
    l.u32(1).u32(3).str("a").str("b").at("dup").str("a");
    CHECK(read_error(l.out) == off(l.mark["dup"], "duplicate local 'a'"));
    // a global, a function and a local may share a name
    Bin ok;
    ok.header().globals({"main"}).u32(1).func("main", 0, {"main"}, 2).lit_nil(1).op(Op::Ret, 2);
    CHECK(load_error(ok.out) == "");
}

TEST_CASE("locals and parameters counts") {
    Bin b;
    b.header().globals({}).u32(1).func("main", 2, {"a"}, 2).lit_nil(1).op(Op::Ret, 1);
    CHECK(read_error(b.out) == off(b.mark["nlocals main"], "more parameters than locals"));
    // 65536 locals: refused by count before any name is read
    Bin big;
    big.header().globals({}).u32(1).func("main", 0, {}, 0);
    size_t at = big.mark["nlocals main"];
    put_u32(big.out, at, 65536);
    big.out.append(65536 * 4, 'x');
    CHECK(read_error(big.out) == off(at, "too many locals (at most 65535)"));
}

TEST_CASE("NaN literals must be the canonical NaN") {
    auto with_float = [](uint64_t bits) {
        Bin b;
        b.header().globals({}).u32(1).func("main", 0, {}, 4).lit_float_bits(bits, 1).op(Op::Print, 2).lit_nil(3).op(Op::Ret, 4);
        return b;
    };
    Bin ok = with_float(0x7FF8000000000000ull);
    Program p;
    REQUIRE(load_error(ok.out, &p) == "");
    CHECK(std::isnan(p.literals[0].f));
    for (uint64_t bits : {0x7FF8000000000001ull, 0xFFF8000000000000ull, 0x7FF0000000000001ull, 0xFFFFFFFFFFFFFFFFull,
                          0x7FFC000000000000ull, 0xFFF9000000000000ull}) {
        Bin b = with_float(bits);
        INFO(bits);
        CHECK(read_error(b.out) == off(b.instr_at[0] + 1, "non-canonical NaN literal"));
    }
    for (uint64_t bits : {0x7FF0000000000000ull, 0xFFF0000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull}) {
        Bin b = with_float(bits);
        CHECK(load_error(b.out) == "");
    }
}

TEST_CASE("trailing bytes") {
    std::string b = canonical().out;
    CHECK(read_error(b + std::string(1, '\0')) == off(98, "trailing bytes after the last function"));
    CHECK(read_error(b + "CPBC") == off(98, "trailing bytes after the last function"));
}

TEST_CASE("verification errors in a binary point at byte offsets") {
    // main with parameters: at the function's name
    Bin m;
    m.header().globals({}).u32(1).func("main", 1, {"a"}, 2).op_arg(Op::Load, 0, 1).op(Op::Ret, 2);
    CHECK(load_error(m.out) == off(m.mark["func main"], "function 'main' must not have parameters"));
    // no main: offset 0
    Bin n;
    n.header().globals({}).u32(1).func("f", 0, {}, 2).lit_nil(1).op(Op::Ret, 2);
    CHECK(load_error(n.out) == off(0, "missing function 'main'"));
    // underflow: at the instruction
    Bin u;
    u.header().globals({}).u32(1).func("main", 0, {}, 2).op(Op::Add, 1).op(Op::Ret, 2);
    CHECK(load_error(u.out) == off(u.instr_at[0], "stack underflow: 'add' needs 2 values but the stack holds 0"));
    // falls off the end
    Bin e;
    e.header().globals({}).u32(1).func("main", 0, {}, 1).lit_nil(1);
    CHECK(load_error(e.out) == off(e.instr_at[0], "path falls off the end of function 'main'"));
}

TEST_CASE("functions without instructions are diagnosed by the verifier") {
    // main, then empty functions (the smallest a function can be: 17 bytes)
    Bin b;
    b.header().globals({}).u32(5).func("main", 0, {}, 2).lit_nil(1).op(Op::Ret, 2);
    for (const char* name : {"a", "b", "c", "d"}) b.func(name, 0, {}, 0);
    CHECK(load_error(b.out) == off(b.mark["func a"], "path falls off the end of function 'a'"));
}

TEST_CASE("load_program picks the form by the magic and names the file") {
    LoadError e;
    Program p;
    CHECK_FALSE(load_program("/nonexistent/dir/x.cpasm", p, e));
    CHECK(e.format() == "error: /nonexistent/dir/x.cpasm: cannot read file: No such file or directory");
}
