// No input of any kind may crash the loader (docs/language.md §6, §9): a deterministic
// mutation loop over valid texts and binaries, in process so that ASan and
// UBSan builds see every access. A mutant either fails to load with one
// non-empty message line, or loads; then it verifies or fails cleanly, and
// if it verifies its disassembly assembles back to the same bytes.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/loader.h"
#include "runtime/semantics.h"

using namespace cpjit;

namespace {

const char* kSeedA = R"(; seed A: every operand kind
.global total names.list
.func add3 a b c
.locals tmp
    load a
    load b
    add
    load c
    add
    store tmp
    load tmp
    ret
.end
.func main
.locals i arr
    const 0
    store i
    const 0
    newarray
    store arr
loop:
    load i
    const 0x10
    lt
    jf done
    load arr
    load i
    tostr
    const "\x01\"\\\n"
    concat
    apush
    load i
    const 1
    const 2.5e-3
    call add3
    gstore total
    load i
    const 1
    add
    store i
    jmp loop
done:
    load arr
    dup
    gstore names.list
    len
    print
    const -inf
    const nan
    eq
    not
    print
    const nil
    ret
.end
)";

const char* kSeedB = R"(.func fib n
    load n
    const 2
    lt
    jf rec
    load n
    ret
rec:
    load n
    const 1
    sub
    call fib
    load n
    const 2
    sub
    call fib
    add
    ret
.end
.func main
    const 20
    call fib
    print
    const 3
    newarray
    dup
    const 0
    const "s"
    aset
    const 1.5
    toint
    over
    swap
    pop
    pop
    print
    const true
    jt end
    const false
    pop
end:
    const 9223372036854775807
    const 1
    shl
    const -1
    shr
    bnot
    sqrt
    tofloat
    neg
    const 3
    idiv
    const 7
    mod
    const 2
    div
    const 1
    bxor
    const 1
    bor
    const 1
    band
    print
    const nil
    ret
.end
)";

// Tokens that steer text mutants past the tokenizer into deeper checks.
const char* kDictionary[] = {"\"",   "\\",    ":",       ";",     "\n",     "\r",       "\t",    " ",     ".func ", ".end",
                             ".locals ", ".global ", ".line 0", "jmp ",  "jt ",    "call ",    "load ", "store ", "0x",    "-",
                             "e",    "1.",    "nan",     "inf",   "\\x",    "\\x4",     "L0:",   "ret",   "pop",   "main",
                             "9223372036854775808", "-9223372036854775809", "1e309", "\"\\q\"", "65535", "4294967296"};

class Mutator {
public:
    explicit Mutator(uint64_t seed) : rng_(seed) {}

    std::string mutate(std::string s, bool text) {
        if (text && pick(0, 1)) return mutate_lines(s);
        int n = pick(1, 4);
        for (int k = 0; k < n; ++k) {
            if (s.empty()) {
                s.push_back(char(pick(0, 255)));
                continue;
            }
            size_t i = size_t(pick(0, int(s.size()) - 1));
            switch (pick(0, text ? 6 : 5)) {
            case 0: s[i] = char(pick(0, 255)); break;
            case 1: s[i] = char(s[i] ^ (1 << pick(0, 7))); break;
            case 2: s.erase(i, size_t(pick(1, 8))); break;
            case 3: {
                std::string ins;
                for (int j = pick(1, 8); j > 0; --j) ins.push_back(char(pick(0, 255)));
                s.insert(i, ins);
                break;
            }
            case 4: s.resize(i); break;
            case 5:  // binary: a plausible u32 (small, huge, or an edge value) over 4 bytes
                if (i + 4 <= s.size()) {
                    static const uint32_t kEdges[] = {0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 65535, 65536, 45};
                    uint32_t v = pick(0, 1) ? kEdges[pick(0, 8)] : uint32_t(pick(0, 64));
                    for (int b = 0; b < 4; ++b) s[i + size_t(b)] = char(uint8_t(v >> (8 * b)));
                }
                break;
            default: s.insert(i, kDictionary[pick(0, int(std::size(kDictionary)) - 1)]); break;
            }
        }
        return s;
    }
    // Whole-line edits keep most of a text valid, so mutants get past the
    // tokenizer and reach name resolution, the verifier and the round trip.
    std::string mutate_lines(const std::string& s) {
        std::vector<std::string> lines;
        size_t at = 0;
        while (at <= s.size()) {
            size_t nl = s.find('\n', at);
            if (nl == std::string::npos) nl = s.size();
            lines.push_back(s.substr(at, nl - at));
            at = nl + 1;
        }
        static const char* kLines[] = {"    pop",       "    dup",         "    const 1",   "    const 1.5", "    const \"s\"",
                                       "    add",       "    ret",         "    jmp loop",  "    jf done",   "L9:",
                                       "    .line 7",   "    swap",        "    call main", "    load 0",    ".end",
                                       ".func f a",    "    const 0x7fffffffffffffff", "    over", "    print", ".locals z"};
        for (int k = pick(1, 3); k > 0 && !lines.empty(); --k) {
            size_t i = size_t(pick(0, int(lines.size()) - 1));
            switch (pick(0, 4)) {
            case 0: lines.erase(lines.begin() + long(i)); break;
            case 1: lines.insert(lines.begin() + long(i), lines[i]); break;
            case 2:
                if (i + 1 < lines.size()) std::swap(lines[i], lines[i + 1]);
                break;
            case 3: lines.insert(lines.begin() + long(i), kLines[pick(0, int(std::size(kLines)) - 1)]); break;
            default: lines[i] = kLines[pick(0, int(std::size(kLines)) - 1)]; break;
            }
        }
        std::string out;
        for (size_t i = 0; i < lines.size(); ++i) out += lines[i] + (i + 1 < lines.size() ? "\n" : "");
        return out;
    }
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

private:
    std::mt19937_64 rng_;
};

std::string bytes_of(const char* text) {
    Program p;
    LoadError e;
    bool ok = assemble("seed.cpasm", text, p, e) && verify(p, e);
    INFO(e.format());
    REQUIRE(ok);
    return write_bytecode(p);
}

struct Tally {
    int load_failed = 0, verify_failed = 0, verified = 0;
};

void check_error(const LoadError& e, size_t input_size) {
    REQUIRE_FALSE(e.message.empty());
    std::string line = e.format();
    REQUIRE(line.rfind("error: ", 0) == 0);
    REQUIRE(line.find('\n') == std::string::npos);
    if (e.binary) REQUIRE(e.pos.col <= input_size);
}

// The whole pipeline on one input; any crash or sanitizer report fails the
// test binary, a wrong result fails the check.
void exercise(const std::string& input, bool binary, Tally& tally) {
    Program p;
    LoadError e;
    bool read = binary ? read_bytecode("m.cpbc", input, p, e) : assemble("m.cpasm", input, p, e);
    if (!read) {
        check_error(e, input.size());
        ++tally.load_failed;
        return;
    }
    // A binary that reads is written back byte for byte (no field is lost).
    if (binary) REQUIRE(write_bytecode(p) == input);
    if (!verify(p, e)) {
        check_error(e, input.size());
        ++tally.verify_failed;
        return;
    }
    ++tally.verified;
    std::string bytes = write_bytecode(p);
    std::string text = disassemble(p);
    Program q;
    LoadError e2;
    bool again = assemble("dis.cpasm", text, q, e2) && verify(q, e2);
    INFO(e2.format(), "\n", text);
    REQUIRE(again);
    REQUIRE(write_bytecode(q) == bytes);
    REQUIRE(disassemble(q) == text);
}

}  // namespace

TEST_CASE("mutated texts and binaries never crash the loader") {
    std::vector<std::pair<std::string, bool>> seeds = {
        {kSeedA, false}, {kSeedB, false}, {bytes_of(kSeedA), true}, {bytes_of(kSeedB), true}};
    Mutator m(0xC0FFEE);
    Tally text, binary;
    for (int n = 0; n < 20000; ++n) {
        const auto& [seed, is_binary] = seeds[size_t(n) % seeds.size()];
        std::string mutant = m.mutate(seed, !is_binary);
        // a few rounds of mutation on top of a mutant now and then
        if (m.pick(0, 9) == 0) mutant = m.mutate(mutant, !is_binary);
        CAPTURE(n);
        exercise(mutant, is_binary, is_binary ? binary : text);
        // the other reader must cope with it too
        Tally ignored;
        exercise(mutant, !is_binary, ignored);
    }
    MESSAGE("text mutants: ", text.load_failed, " failed to assemble, ", text.verify_failed, " failed to verify, ", text.verified,
            " verified; binary mutants: ", binary.load_failed, " failed to read, ", binary.verify_failed, " failed to verify, ",
            binary.verified, " verified");
    // the loop must reach every stage, or it tests less than it claims
    CHECK(text.load_failed > 100);
    CHECK(text.verify_failed > 10);
    CHECK(text.verified > 100);
    CHECK(binary.load_failed > 100);
    CHECK(binary.verify_failed > 10);
    CHECK(binary.verified > 10);
}

TEST_CASE("random bytes never crash the loader") {
    Mutator m(42);
    Tally t;
    for (int n = 0; n < 2000; ++n) {
        std::string s;
        for (int j = m.pick(0, 64); j > 0; --j) s.push_back(char(m.pick(0, 255)));
        if (n % 2) s.insert(0, "CPBC\x01\0\0\0", 8);
        exercise(s, true, t);
        exercise(s, false, t);
    }
}

TEST_CASE("large inputs: many lines and a deep operand stack") {
    std::string text = ".func main\n";
    for (int i = 0; i < 100000; ++i) text += "    const " + std::to_string(i) + "\n";
    for (int i = 0; i < 99999; ++i) text += "    pop\n";
    text += "    ret\n.end\n";
    Program p;
    LoadError e;
    REQUIRE(assemble("big.cpasm", text, p, e));
    REQUIRE(verify(p, e));
    CHECK(p.functions[0].max_stack == 100000);
    // a long line and a long token
    std::string longline = ".func main\n    const \"" + std::string(1 << 20, 'a') + "\"\n    ret\n.end\n";
    Program q;
    REQUIRE(assemble("long.cpasm", longline, q, e));
    REQUIRE(verify(q, e));
    CHECK(q.literals[0].s.size() == size_t(1) << 20);
    std::string bytes = write_bytecode(q);
    Program r;
    REQUIRE(read_bytecode("long.cpbc", bytes, r, e));
    CHECK(r.literals[0].s == q.literals[0].s);
}

namespace {
// Keeps test-made values alive across collections.
struct TestRoots : RootSet {
    std::vector<Value> values;
    void trace(Heap& heap) override { heap.mark_range(values.data(), values.data() + values.size()); }
};
}  // namespace

TEST_CASE("printing a deeply nested array does not recurse on the C++ stack") {
    Heap heap;
    TestRoots roots;
    heap.add_roots(&roots);
    ArrayObj* outer = heap.new_array(0);
    REQUIRE(outer != nullptr);
    roots.values = {Value::array(outer), Value::nil()};
    ArrayObj* a = outer;
    const int kDepth = 200000;  // well past the first collection: the chain must survive it
    for (int i = 0; i < kDepth; ++i) {
        ArrayObj* next = heap.new_array(0);
        REQUIRE(next != nullptr);
        roots.values[1] = Value::array(next);  // rooted until it is linked in
        REQUIRE(heap.array_push(a, Value::array(next)));
        a = next;
    }
    CHECK(heap.collections() > 0);
    std::string s;
    REQUIRE(append_text(s, Value::array(outer), size_t(1) << 30));
    CHECK(s.size() == size_t(2) * (kDepth + 1));
    CHECK(s.substr(0, 3) == "[[[");
    CHECK(s.substr(s.size() - 3) == "]]]");
    // a self-reference at the bottom of the chain
    REQUIRE(heap.array_push(a, Value::array(outer)));
    s.clear();
    REQUIRE(append_text(s, Value::array(outer), size_t(1) << 30));
    CHECK(s.size() == size_t(2) * (kDepth + 1) + 5);
    CHECK(s.find("[...]") == size_t(kDepth + 1));
    heap.remove_roots(&roots);
}

TEST_CASE("a binary with huge line numbers disassembles compactly and round trips") {
    std::string text = ".func main\n    .line 4294967295\n    const nil\n    .line 2147483648\n    ret\n.end\n";
    Program p;
    LoadError e;
    REQUIRE(assemble("t.cpasm", text, p, e));
    REQUIRE(verify(p, e));
    CHECK(p.functions[0].pos[0].line == 4294967295u);
    std::string dis = disassemble(p);
    CHECK(dis.size() < 200);
    Program q;
    REQUIRE(assemble("d.cpasm", dis, q, e));
    CHECK(write_bytecode(q) == write_bytecode(p));
}
