// End to end through the built `cpjit` binary (docs/language.md §7, §9, §10): runtime
// error tracebacks (exact stderr, exit code 1, stdout kept), the 20-frame
// truncation rule, stack overflow at the default and a given --max-depth,
// usage and file errors (exit code 2), and `asm`/`dis` round trips of a
// binary whose instruction lines are not increasing.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/loader.h"

using namespace cpjit;
namespace fs = std::filesystem;

namespace {

struct Result {
    std::string out, err;
    int code = -1;
};

// A fresh temporary folder per test case, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "cpjit-tb-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& data) const {
        std::ofstream f(path / name, std::ios::binary);
        f.write(data.data(), std::streamsize(data.size()));
        REQUIRE(f.good());
        return (path / name).string();
    }
    std::string read(const std::string& name) const {
        std::ifstream f(path / name, std::ios::binary);
        std::ostringstream s;
        s << f.rdbuf();
        return s.str();
    }
    bool exists(const std::string& name) const { return fs::exists(path / name); }

    // Runs `cpjit ARGS` in this folder (so messages name bare files).
    Result cpjit(const std::string& args) const {
        std::string emulator = CPJIT_EMULATOR;
        std::string cmd = "cd '" + path.string() + "' && " + (emulator.empty() ? "" : emulator + " ") + "'" + CPJIT_BINARY + "' " +
                          args + " > .stdout 2> .stderr";
        int status = std::system(cmd.c_str());
        Result r;
        REQUIRE(WIFEXITED(status));
        r.code = WEXITSTATUS(status);
        r.out = read(".stdout");
        r.err = read(".stderr");
        return r;
    }
};

// Every tier and dispatch mode must write the same traceback.
const std::vector<std::string> kModes = {"--jit=off",
                                         "--jit=off --interp=switch",
                                         "--jit=off --specialize=off",
                                         "--jit=uops",
                                         "--jit=uops --jit-threshold=1",
                                         "--jit=uops --jit-threshold=1 --opt=0",
                                         "--jit=on --jit-threshold=1",
                                         ""};

void check_all_modes(const TempDir& dir, const std::string& file, const std::string& extra, const Result& want) {
    for (const std::string& mode : kModes) {
        Result got = dir.cpjit("run " + mode + (extra.empty() ? "" : " " + extra) + " " + file);
        INFO("cpjit run ", mode, " ", extra, " ", file);
        CHECK(got.code == want.code);
        CHECK(got.out == want.out);
        CHECK(got.err == want.err);
    }
}

// r(n) recurses until n <= 1, then fails with a type error at line 8;
// main calls r(N) at line 19.
std::string recursion(int n) {
    return R"(.func r n
    load n
    const 1
    le
    jf more
    const nil
    const 1
    add
    ret
more:
    load n
    const 1
    sub
    call r
    ret
.end
.func main
    const "before"
    print
    const )" +
           std::to_string(n) + R"(
    call r
    print
    const nil
    ret
.end
)";
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// An endless recursion: f calls itself at line 5; main calls f at line 12.
const char* kForever = R"(.func f n
    load n
    const 1
    add
    call f
    ret
.end
.func main
    const "go"
    print
    const 0
    call f
    ret
.end
)";

}  // namespace

TEST_CASE("traceback of an error three frames deep") {
    TempDir dir;
    dir.write("three.cpasm", R"(.func c x
    load x
    const 0
    idiv
    ret
.end
.func b x
    load x
    call c
    ret
.end
.func main
    const "start"
    print
    const 5
    call b
    print
    const nil
    ret
.end
)");
    check_all_modes(dir, "three.cpasm", "",
                    {"start\n", "error: division by zero\n  at c (line 4)\n  at b (line 9)\n  at main (line 16)\n", 1});
}

TEST_CASE("an error in main alone and output before it") {
    TempDir dir;
    std::string body;
    for (int i = 0; i < 3000; ++i) body += "    const " + std::to_string(i) + "\n    print\n";
    dir.write("main_only.cpasm", ".func main\n" + body + "    const 1\n    neg\n    const \"x\"\n    concat\n    ret\n.end\n");
    std::string out;
    for (int i = 0; i < 3000; ++i) out += std::to_string(i) + "\n";
    check_all_modes(dir, "main_only.cpasm", "",
                    {out, "error: unsupported operand types for concat: int and string\n  at main (line 6005)\n", 1});
}

TEST_CASE("exactly 20 frames are all written") {
    TempDir dir;
    dir.write("twenty.cpasm", recursion(19));  // main + 19 frames of r
    std::string err = "error: unsupported operand types for add: nil and int\n  at r (line 8)\n" + repeat("  at r (line 14)\n", 18) +
                      "  at main (line 21)\n";
    check_all_modes(dir, "twenty.cpasm", "", {"before\n", err, 1});
}

TEST_CASE("21 frames write the innermost 10 and the outermost 10") {
    TempDir dir;
    dir.write("twentyone.cpasm", recursion(20));
    std::string err = "error: unsupported operand types for add: nil and int\n  at r (line 8)\n" + repeat("  at r (line 14)\n", 9) +
                      "  ... 1 more frames\n" + repeat("  at r (line 14)\n", 9) + "  at main (line 21)\n";
    check_all_modes(dir, "twentyone.cpasm", "", {"before\n", err, 1});
}

TEST_CASE("a deep error far below 20 frames") {
    TempDir dir;
    dir.write("deep.cpasm", recursion(5000));
    std::string err = "error: unsupported operand types for add: nil and int\n  at r (line 8)\n" + repeat("  at r (line 14)\n", 9) +
                      "  ... 4981 more frames\n" + repeat("  at r (line 14)\n", 9) + "  at main (line 21)\n";
    check_all_modes(dir, "deep.cpasm", "", {"before\n", err, 1});
}

TEST_CASE("stack overflow at the default depth of 10000 frames") {
    TempDir dir;
    dir.write("forever.cpasm", kForever);
    std::string err = "error: stack overflow\n" + repeat("  at f (line 5)\n", 10) + "  ... 9980 more frames\n" +
                      repeat("  at f (line 5)\n", 9) + "  at main (line 12)\n";
    check_all_modes(dir, "forever.cpasm", "", {"go\n", err, 1});
    // 10000 frames are allowed: main + 9999 calls deep succeeds
    dir.write("limit.cpasm", recursion(9999));
    Result r = dir.cpjit("run --jit=off limit.cpasm");
    CHECK(r.code == 1);
    CHECK(r.err.find("error: unsupported operand types for add: nil and int\n") == 0);
    CHECK(r.err.find("  ... 9980 more frames\n") != std::string::npos);
}

TEST_CASE("stack overflow with --max-depth") {
    TempDir dir;
    dir.write("forever.cpasm", kForever);
    std::string err = "error: stack overflow\n" + repeat("  at f (line 5)\n", 10) + "  ... 30 more frames\n" +
                      repeat("  at f (line 5)\n", 9) + "  at main (line 12)\n";
    check_all_modes(dir, "forever.cpasm", "--max-depth=50", {"go\n", err, 1});
    check_all_modes(dir, "forever.cpasm", "--max-depth=20",
                    {"go\n", "error: stack overflow\n" + repeat("  at f (line 5)\n", 19) + "  at main (line 12)\n", 1});
    check_all_modes(dir, "forever.cpasm", "--max-depth=1", {"go\n", "error: stack overflow\n  at main (line 12)\n", 1});
    // a limit far above the default still ends cleanly
    Result r = dir.cpjit("run --jit=off --max-depth=200000 forever.cpasm");
    CHECK(r.code == 1);
    CHECK(r.out == "go\n");
    CHECK(r.err.find("  ... 199980 more frames\n") != std::string::npos);
}

TEST_CASE("a missing file is exit code 2 and one line") {
    TempDir dir;
    Result r = dir.cpjit("run nope.cpasm");
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err == "error: nope.cpasm: cannot read file: No such file or directory\n");
    r = dir.cpjit("dis nope.cpbc");
    CHECK(r.code == 2);
    CHECK(r.err == "error: nope.cpbc: cannot read file: No such file or directory\n");
    r = dir.cpjit("asm nope.cpasm -o out.cpbc");
    CHECK(r.code == 2);
    CHECK(r.err == "error: nope.cpasm: cannot read file: No such file or directory\n");
    CHECK_FALSE(dir.exists("out.cpbc"));
}

TEST_CASE("usage errors are exit code 2") {
    TempDir dir;
    dir.write("ok.cpasm", ".func main\n    const nil\n    ret\n.end\n");
    struct Case {
        const char* args;
        const char* first_line;
    };
    for (Case c : {Case{"run", "error: run needs a program file"}, Case{"run ok.cpasm ok.cpasm", "error: run takes one program file"},
                   Case{"run --jit=fast ok.cpasm", "error: --jit takes off, uops, on, llvm-O0 or llvm-O2, not 'fast'"},
                   Case{"run --max-depth=0 ok.cpasm", "error: --max-depth takes a whole number from 1 to 10000000"},
                   Case{"run --max-depth=x ok.cpasm", "error: --max-depth takes a whole number from 1 to 10000000"},
                   Case{"run --nope ok.cpasm", "error: unknown option '--nope'"}, Case{"frobnicate", "error: unknown command 'frobnicate'"},
                   Case{"asm ok.cpasm", "error: usage: cpjit asm FILE.cpasm -o FILE.cpbc"},
                   Case{"asm ok.cpasm -o", "error: -o needs a file name"}}) {
        INFO(c.args);
        Result r = dir.cpjit(c.args);
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(r.err.substr(0, r.err.find('\n')) == c.first_line);
    }
    Result r = dir.cpjit("");
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err.find("usage:") == 0);
    r = dir.cpjit("--help");
    CHECK(r.code == 0);
    CHECK(r.out.find("usage:") == 0);
    r = dir.cpjit("run ok.cpasm");
    CHECK(r.code == 0);
    CHECK(r.out == "");
    CHECK(r.err == "");
}

TEST_CASE("--version lists the backends, and asking for an LLVM backend the build lacks is a usage error") {
    TempDir dir;
    dir.write("ok.cpasm", ".func main\n    const 7\n    print\n    const nil\n    ret\n.end\n");
    Result v = dir.cpjit("--version");
    CHECK(v.code == 0);
    CHECK(v.out.find("backends: copy-and-patch") != std::string::npos);
    const bool llvm = v.out.find("llvm-O0, llvm-O2") != std::string::npos;
#ifdef CPJIT_LLVM_BACKEND
    CHECK(llvm);
#else
    CHECK_FALSE(llvm);
#endif
    for (std::string level : {"llvm-O0", "llvm-O2"}) {
        INFO(level);
        Result r = dir.cpjit("run --jit=" + level + " ok.cpasm");
        Result b = dir.cpjit("bench --tiers off," + level + " --repeat 1 ok.cpasm");
        if (llvm) {
            CHECK(r.code == 0);
            CHECK(r.out == "7\n");
            continue;
        }
        const std::string why = "this cpjit was built without the LLVM backend (configure with -DCPJIT_LLVM_BACKEND=ON)";
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(r.err.substr(0, r.err.find('\n')) == "error: --jit=" + level + ": " + why);
        CHECK(b.code == 2);
        CHECK(b.err.substr(0, b.err.find('\n')) == "error: --tiers " + level + ": " + why);
    }
}

TEST_CASE("load errors are exit code 2 and one line and nothing runs") {
    TempDir dir;
    dir.write("bad.cpasm", ".func main\n    const \"ran\"\n    print\n    pop\n    const nil\n    ret\n.end\n");
    for (const std::string& mode : kModes) {
        Result r = dir.cpjit("run " + mode + " bad.cpasm");
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(r.err == "error: bad.cpasm:4:5: stack underflow: 'pop' needs 1 value but the stack holds 0\n");
    }
    Result r = dir.cpjit("asm bad.cpasm -o bad.cpbc");
    CHECK(r.code == 2);
    CHECK(r.err == "error: bad.cpasm:4:5: stack underflow: 'pop' needs 1 value but the stack holds 0\n");
    CHECK_FALSE(dir.exists("bad.cpbc"));
    // a corrupt binary names its offset
    dir.write("bad.cpbc", std::string("CPBC\x02\0\0\0", 8));
    r = dir.cpjit("run bad.cpbc");
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err == "error: bad.cpbc: offset 4: unsupported bytecode version 2 (this cpjit reads version 1)\n");
}

namespace {

// main's lines go down and repeat; f's first line is far away. At run time
// f fails at its line 3, called from main's line 6.
Program unordered_lines() {
    Program p;
    p.file = "made.cpbc";
    p.binary = true;
    auto lit = [&](Literal::Kind k, int64_t i = 0, const std::string& s = "") {
        Literal l;
        l.kind = k;
        l.i = i;
        l.s = s;
        p.literals.push_back(l);
        return int32_t(p.literals.size() - 1);
    };
    p.functions.resize(2);
    Function& f = p.functions[0];
    f.name = "f";
    f.num_params = 1;
    f.local_names = {"x"};
    Function& m = p.functions[1];
    m.name = "main";
    auto add = [](Function& fn, Op op, int32_t arg, uint32_t line) {
        fn.code.push_back(Instr{op, 0, 0, arg});
        fn.pos.push_back(SourcePos{line, 0});
    };
    add(m, Op::Const, lit(Literal::Kind::String, 0, "a"), 10);
    add(m, Op::Print, 0, 5);
    add(m, Op::Const, lit(Literal::Kind::Int, 1), 5);
    add(m, Op::Jt, 5, 7);
    add(m, Op::Jmp, 5, 2);
    add(m, Op::Const, lit(Literal::Kind::Int, 7), 1);  // a jump target on an earlier line
    add(m, Op::Call, 0, 6);
    add(m, Op::Ret, 0, 0);
    add(f, Op::Load, 0, 100000);
    add(f, Op::Const, lit(Literal::Kind::Int, 0), 4);
    add(f, Op::IDiv, 0, 3);
    add(f, Op::Ret, 0, 3);
    return p;
}

}  // namespace

TEST_CASE("asm and dis round trip a binary whose lines are not increasing") {
    Program p = unordered_lines();
    LoadError e;
    REQUIRE(verify(p, e));
    std::string bytes = write_bytecode(p);
    TempDir dir;
    dir.write("made.cpbc", bytes);
    Result dis = dir.cpjit("dis made.cpbc");
    REQUIRE(dis.code == 0);
    CHECK(dis.err == "");
    CHECK(dis.out.find(".line ") != std::string::npos);
    CHECK(dis.out == disassemble(p));
    dir.write("made.cpasm", dis.out);
    Result as = dir.cpjit("asm made.cpasm -o again.cpbc");
    REQUIRE(as.code == 0);
    CHECK(as.out == "");
    CHECK(as.err == "");
    CHECK(dir.read("again.cpbc") == bytes);
    // the binary, its text and the re-assembled binary report the recorded lines
    Result want{"a\n", "error: division by zero\n  at f (line 3)\n  at main (line 6)\n", 1};
    check_all_modes(dir, "made.cpbc", "", want);
    check_all_modes(dir, "made.cpasm", "", want);
    check_all_modes(dir, "again.cpbc", "", want);
    // dis of the text form gives the same text
    Result dis2 = dir.cpjit("dis made.cpasm");
    CHECK(dis2.code == 0);
    CHECK(dis2.out == dis.out);
}

TEST_CASE("asm of a text then dis keeps every line where it was") {
    TempDir dir;
    std::string text = R"(; header comment

.global g
.func helper a b   ; two parameters
.locals t
    load a
    load b
    add
    store t
back:
    load t
    ret
.end


.func main
    const 1
    const 2
    call helper
    dup
    gstore g
    jf back
    const "s p\x01"
    print
back:
    const nil
    ret
.end
)";
    dir.write("prog.cpasm", text);
    REQUIRE(dir.cpjit("asm prog.cpasm -o prog.cpbc").code == 0);
    Result dis = dir.cpjit("dis prog.cpbc");
    REQUIRE(dis.code == 0);
    CHECK(dis.out.find(".line") == std::string::npos);  // increasing lines need no .line
    dir.write("dis.cpasm", dis.out);
    REQUIRE(dir.cpjit("asm dis.cpasm -o dis.cpbc").code == 0);
    CHECK(dir.read("dis.cpbc") == dir.read("prog.cpbc"));
    // each instruction sits on the same line number in both texts
    Program a, b;
    LoadError e;
    REQUIRE(assemble("prog.cpasm", text, a, e));
    REQUIRE(assemble("dis.cpasm", dis.out, b, e));
    for (size_t i = 0; i < a.functions.size(); ++i)
        for (size_t j = 0; j < a.functions[i].code.size(); ++j) CHECK(b.functions[i].pos[j].line == a.functions[i].pos[j].line);
    Result run = dir.cpjit("run prog.cpbc");
    CHECK(run.code == 0);
    CHECK(run.out == std::string("s p\x01\n"));
}
