// The optimizer's entry guards (jit/tier2/optimizer.cpp): a loop trace
// checks the types of its loop-carried locals once, before the loop, when
// the loop body keeps them; the loop then guards them no more. A local the
// body stores with an unproven type keeps its guard in the loop, and an
// entry guard that fails resumes Tier 1 at the loop's head.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/test_support.h"

using namespace cpjit;

namespace {

// Mandelbrot's inner loop: zr, zi (floats stored from float arithmetic),
// cr, ci (floats never stored), i (an int stored from an int add).
constexpr const char* kFloatLoop = R"(.func main
.locals cr ci zr zi i tr
    const 0.25
    store cr
    const 0.5
    store ci
    const 0.0
    store zr
    const 0.0
    store zi
    const 0
    store i
loop:
    load zr
    load zr
    mul
    load zi
    load zi
    mul
    sub
    load cr
    add
    store tr
    const 2.0
    load zr
    mul
    load zi
    mul
    load ci
    add
    store zi
    load tr
    store zr
    load i
    const 1
    add
    dup
    store i
    const 500
    lt
    jt loop
    load zr
    print
    const nil
    ret
.end
)";

// `x` is stored each iteration from a global (of a type the optimizer does
// not know), `n` only from an int add.
constexpr const char* kUnknownStore = R"(.global g
.func main
.locals x n
    const 3
    gstore g
    const 0
    store x
    const 0
    store n
loop:
    load x
    const 1
    add
    gload g
    add
    store x
    gload g
    store x
    load n
    const 1
    add
    dup
    store n
    const 500
    lt
    jt loop
    load x
    print
    const nil
    ret
.end
)";

const Trace* loop_trace(const TraceCache& tc) {
    for (const auto& t : tc.traces())
        if (!t->parent && !t->from_entry && !t->at_return && t->uops.back().op == UopOp::JUMP_TO_TOP) return t.get();
    return nullptr;
}

// The locals an entry guard of `t` checks, as "GUARD_FLOAT_LOCAL 2".
std::vector<std::string> entry_guards(const Trace& t) {
    std::vector<std::string> out;
    for (uint32_t i = 0; i < t.loop_head; ++i)
        out.push_back(std::string(uop_info(t.uops[i].op).name) + " " + std::to_string(t.uops[i].arg));
    return out;
}

size_t type_guards_in_loop(const Trace& t) {
    size_t n = 0;
    for (size_t i = t.loop_head; i < t.uops.size(); ++i) n += (uop_info(t.uops[i].op).flags & uop_flag::GUARD) != 0;
    return n;
}

void run(test::RanProgram& r, const char* text, Tier tier) {
    test::load_text("entry_guards.cpasm", text, r.prog);
    RunOptions opts;
    opts.tier = tier;
    opts.tier2.threshold = 8;
    test::run_loaded(r, opts);
    REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("entry guards: a float loop checks its loop-carried locals once, not in the loop") {
    for (Tier tier : {Tier::Uops, Tier::Jit}) {
        test::RanProgram r;
        run(r, kFloatLoop, tier);
        const Trace* t = loop_trace(r.traces());
        REQUIRE(t);
        // locals: cr 0, ci 1, zr 2, zi 3, i 4 (tr is stored before it is loaded)
        CHECK(entry_guards(*t) == std::vector<std::string>{"GUARD_FLOAT_LOCAL 0", "GUARD_FLOAT_LOCAL 1",
                                                            "GUARD_FLOAT_LOCAL 2", "GUARD_FLOAT_LOCAL 3",
                                                            "GUARD_INT_LOCAL 4"});
        CHECK(type_guards_in_loop(*t) == 0);
        for (uint32_t i = 0; i < t->loop_head; ++i) {
            const Exit& e = t->exits[t->uops[i].exit];
            CHECK(e.entry_guard);
            CHECK(!e.progress);  // resumes Tier 1 at the loop's head: never linked
            CHECK(e.resume == &t->fn->code[t->start]);
            CHECK(t->sources[i].fate == UopFate::Hoisted);
        }
    }
}

TEST_CASE("entry guards: a local stored with an unproven type keeps its guard in the loop") {
    test::RanProgram r;
    run(r, kUnknownStore, Tier::Uops);
    const Trace* t = loop_trace(r.traces());
    REQUIRE(t);
    CHECK(entry_guards(*t) == std::vector<std::string>{"GUARD_INT_LOCAL 1"});  // n, not x
    CHECK(type_guards_in_loop(*t) >= 1);  // x's
}

TEST_CASE("entry guards: a loop entered with other types resumes Tier 1, then keeps its guards in the loop") {
    for (Tier tier : {Tier::Uops, Tier::Jit}) {
        test::RanProgram r;
        test::load_source_file("tests/conformance/cases/t2_entry_guard_fails.cpasm", "t2_entry_guard_fails.cpasm",
                               r.prog);
        RunOptions opts;
        opts.tier = tier;
        test::run_loaded(r, opts);
        CHECK(r.exit_code == 1);  // nil * 0.5, raised by Tier 1 (the .stderr)
        uint64_t failed = 0;
        bool rebuilt_in_loop = false;
        for (const auto& t : r.traces().traces()) {
            for (const Exit& e : t->exits) failed += e.entry_guard ? e.times_taken : 0;
            rebuilt_in_loop |= t->guards_in_loop && t->loop_head == 0 && t->uops.back().op == UopOp::JUMP_TO_TOP;
        }
        CHECK(failed > 0);
        CHECK(rebuilt_in_loop);
    }
}
