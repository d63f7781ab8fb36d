// Both backends compile the same trace and leave it the same way: on a
// guard failure (and other exits) they return the same exit record with the
// same stack pointer, and leave the same values on the stack
// (jit/backend.h). Only in a build with the LLVM backend.
#include <doctest/doctest.h>

#ifdef CPJIT_LLVM_BACKEND

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/llvm/llvm_backend.h"
#include "tests/unit/test_support.h"

using namespace cpjit;

namespace {

// tests/jit/hot_loop.cpasm run in the uop interpreter (threshold 1): its
// trace (locals i, acc; int guards, MUL_INT, a branch guard) is compiled
// by neither backend yet.
Trace* trace_hot_loop(test::RanProgram& r) {
    test::load_source_file("tests/jit/hot_loop.cpasm", "hot_loop.cpasm", r.prog);
    RunOptions opts;
    opts.tier = Tier::Uops;
    opts.tier2.threshold = 1;
    test::run_loaded(r, opts);
    Trace* trace = nullptr;
    for (const auto& t : r.traces().traces())
        if (t->fn == &r.prog.functions[size_t(r.prog.main_index)] && !t->parent) trace = t.get();
    REQUIRE(trace);
    REQUIRE(!trace->machine);
    return trace;
}

// What one run of the trace's machine code left: the exit, the stack
// pointer, and the live stack below it (slots above sp are dead: top-of-stack
// caching never writes some values there that LLVM's code does).
struct Left {
    const jit::JitExitRecord* record;
    ptrdiff_t sp;                  // from the bottom of the stack
    std::vector<uint64_t> stack;   // the slots below sp, as bits
};

Left run(jit::Backend& b, Trace& t, CallStack* vm, Value i, Value acc) {
    std::array<Value, 16> stack;
    stack.fill(Value::nil());
    stack[0] = i;
    stack[1] = acc;
    jit::JitReturn r = b.enter(vm, stack.data() + 2, stack.data(), t);
    Left l{static_cast<const jit::JitExitRecord*>(r.exit), r.sp - stack.data(), {}};
    for (Value* v = stack.data(); v < r.sp && v < stack.data() + stack.size(); ++v) l.stack.push_back(v->bits);
    return l;
}

}  // namespace

TEST_CASE("backends: copy-and-patch and LLVM (-O0, -O2) leave a trace through the same exit with the same stack") {
    test::RanProgram r;
    Trace& t = *trace_hot_loop(r);
    CallStack* vm = &r.engine->vm();
    Tier2Stats stats;
    Tier2Options opts;
    std::unique_ptr<jit::Backend> cp = jit::Jit::create(opts, stats);
    REQUIRE(cp);
    REQUIRE(cp->compile(t));
    jit::MachineCode* cp_code = t.machine;
    t.machine = nullptr;
    for (JitBackend level : {JitBackend::LlvmO0, JitBackend::LlvmO2}) {
        Tier2Options lo = opts;
        lo.backend = level;
        std::unique_ptr<jit::Backend> llvm = jit::LlvmBackend::create(lo, stats);
        REQUIRE(llvm);
        const std::string backend = llvm->name();
        CAPTURE(backend);
        REQUIRE(llvm->compile(t));
        jit::MachineCode* llvm_code = t.machine;
        struct Case {
            const char* what;
            Value i, acc;
        };
        const Case cases[] = {
            {"i is a bool: the first guard (on i) fails", Value::boolean(true), Value::small_int(7)},
            {"acc is a float: the guard on acc fails after MUL_INT", Value::small_int(3), Value::number(1.5)},
            {"i * 3 leaves 48 bits: MUL_INT exits", Value::small_int(int64_t(1) << 46), Value::small_int(1)},
            {"one pass stores acc and i, then the branch guard fails", Value::small_int(19995), Value::small_int(11)},
        };
        for (const Case& c : cases) {
            const std::string what = c.what;
            CAPTURE(what);
            t.machine = cp_code;
            Left a = run(*cp, t, vm, c.i, c.acc);
            t.machine = llvm_code;
            Left b = run(*llvm, t, vm, c.i, c.acc);
            REQUIRE(a.record);
            REQUIRE(b.record);
            CHECK(a.record->trace == &t);
            CHECK(b.record->trace == &t);
            CHECK(a.record->link_to == nullptr);
            CHECK(b.record->link_to == nullptr);
            CHECK(a.record->exit_index == b.record->exit_index);
            CHECK(a.sp == b.sp);
            CHECK(a.stack == b.stack);
            // The exit is one a uop of the trace can take (not the return).
            bool owned = false;
            for (const Uop& u : t.uops) owned |= has_exit(u) && u.exit == a.record->exit_index && u.op != UopOp::RETURN;
            CHECK(owned);
        }
        t.machine = llvm_code;
        llvm->release(t);
        CHECK(!t.machine);
    }
    t.machine = cp_code;
    cp->release(t);
}

#endif  // CPJIT_LLVM_BACKEND
