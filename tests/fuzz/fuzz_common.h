// Shared by the fuzz targets: running a program in process with its stdout
// and stderr captured, and the run configurations (tiers) to compare.
//
// Capture: the runtime writes through C stdio's `stdout` and `stderr`
// (semantics.cpp print_value, VM::report_error). In glibc these are plain
// variables that may be assigned, so a run swaps in open_memstream streams
// and swaps the originals back after: no change to the runtime, no fork, and
// sanitizer reports (which write to fd 2 directly) still reach the terminal.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/loader.h"
#include "jit/engine.h"

namespace cpjit_fuzz {

struct Outcome {
    std::string out, err;
    int code = 0;
    bool operator==(const Outcome& o) const { return out == o.out && err == o.err && code == o.code; }
};

class MemStream {
public:
    MemStream() : f_(open_memstream(&buf_, &len_)) {
        if (!f_) std::abort();
    }
    ~MemStream() {
        if (f_) std::fclose(f_);
        std::free(buf_);
    }
    FILE* file() { return f_; }
    std::string take() {
        std::fflush(f_);
        return std::string(buf_, len_);
    }

private:
    char* buf_ = nullptr;
    size_t len_ = 0;
    FILE* f_;
};

// Runs a verified program (which it mutates: quickening, traces) and returns
// what it wrote and its exit code.
inline Outcome run_captured(cpjit::Program& prog, const cpjit::RunOptions& opts) {
    MemStream o, e;
    FILE* saved_out = stdout;
    FILE* saved_err = stderr;
    std::fflush(stdout);
    std::fflush(stderr);
    stdout = o.file();
    stderr = e.file();
    Outcome r;
    {
        cpjit::Engine vm(prog, opts);
        r.code = vm.run();
    }
    std::fflush(stdout);
    std::fflush(stderr);
    stdout = saved_out;
    stderr = saved_err;
    r.out = o.take();
    r.err = e.take();
    return r;
}

// A run configuration as the command line would set it (tools/cpjit_main.cpp).
struct Config {
    std::string name;  // the cpjit run flags it stands for
    cpjit::RunOptions opts;
};

// --jit=on: the copy-and-patch JIT (Tier::Jit, as tools/cpjit_main.cpp sets
// it). Were it ever the uop interpreter again, kJitOnIsUops skips the runs
// that would duplicate --jit=uops.
inline constexpr cpjit::Tier kJitOnTier = cpjit::Tier::Jit;
inline constexpr bool kJitOnIsUops = kJitOnTier == cpjit::Tier::Uops;

inline cpjit::RunOptions make_opts(cpjit::Tier tier, uint32_t threshold, size_t max_heap) {
    cpjit::RunOptions o;
    o.tier = tier;
    o.tier2.threshold = threshold;
    o.max_heap = max_heap;
    return o;
}

// Programs from arbitrary bytes may loop forever, and the VM has no
// instruction budget. A program whose jumps all go forward and whose call
// graph has no cycle always ends; this bounds the instructions it can
// execute (each function's length plus its callees' bounds per call site),
// saturating at `cap`. Returns `cap` for anything that may not end.
inline uint64_t acyclic_cost(const cpjit::Program& p, uint64_t cap) {
    size_t n = p.functions.size();
    std::vector<uint8_t> state(n, 0);  // 0 new, 1 on the path, 2 done
    std::vector<uint64_t> cost(n, 0);
    auto visit = [&](auto& self, size_t f) -> uint64_t {
        if (state[f] == 1) return cap;  // a cycle
        if (state[f] == 2) return cost[f];
        state[f] = 1;
        const cpjit::Function& fn = p.functions[f];
        uint64_t c = fn.code.size();
        for (size_t i = 0; i < fn.code.size() && c < cap; ++i) {
            const cpjit::Instr& ins = fn.code[i];
            cpjit::OperandKind k = cpjit::op_info(ins.op).operand;
            if (k == cpjit::OperandKind::Label && size_t(ins.arg) <= i) c = cap;
            else if (k == cpjit::OperandKind::Func) c += self(self, size_t(ins.arg));
        }
        state[f] = 2;
        return cost[f] = c < cap ? c : cap;
    };
    return p.main_index < 0 ? cap : visit(visit, size_t(p.main_index));
}

inline void report_mismatch(const std::string& program, const char* a_name, const Outcome& a, const char* b_name,
                            const Outcome& b) {
    std::fprintf(stderr, "==== MISMATCH between [%s] and [%s]\n==== program:\n%s\n", a_name, b_name, program.c_str());
    auto show = [](const char* name, const Outcome& r) {
        std::fprintf(stderr, "==== [%s] exit %d\n---- stdout (%zu bytes):\n%.4000s\n---- stderr:\n%.4000s\n", name, r.code,
                     r.out.size(), r.out.c_str(), r.err.c_str());
    };
    show(a_name, a);
    show(b_name, b);
    std::fflush(stderr);
}

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "==== FUZZ CHECK FAILED: %s\n%s\n", what, detail.c_str());
    std::fflush(stderr);
    std::abort();
}

// A load error is one line: `error: FILE...: MESSAGE` (docs/language.md §6).
inline void check_load_error(const cpjit::LoadError& err, std::string_view file) {
    std::string m = err.format();
    if (m.rfind("error: " + std::string(file), 0) != 0 || m.find('\n') != std::string::npos || err.message.empty())
        fail("load error is not one line naming the file", m);
}

// For a program that loaded and verified (`load` makes a fresh copy, as
// running mutates it): its disassembly assembles to the same bytes, its
// binary reads back to the same bytes, and, when it surely ends soon, it runs
// in a small heap with the same results in Tier 1, the uop interpreter and
// the JIT (threshold 1).
template <class Load>
void check_verified(cpjit::Program& prog, Load load) {
    using namespace cpjit;
    std::string bin = write_bytecode(prog);
    std::string dis = disassemble(prog);
    LoadError err;
    Program p2;
    if (!assemble("dis.cpasm", dis, p2, err) || !verify(p2, err)) fail("disassembly does not load", err.format() + "\n" + dis);
    if (write_bytecode(p2) != bin) fail("asm(dis(p)) differs from p", dis);
    Program p3;
    if (!read_bytecode("rt.cpbc", bin, p3, err) || !verify(p3, err)) fail("binary does not read back", err.format() + "\n" + dis);
    if (write_bytecode(p3) != bin) fail("read(write(p)) differs from p", dis);

    if (acyclic_cost(prog, 20000) >= 20000) return;
    constexpr size_t kHeap = size_t(4) << 20;
    Outcome a = run_captured(prog, make_opts(Tier::Interp, 64, kHeap));
    if (a.code != 0 && a.code != 1) fail("exit code not 0 or 1", dis);
    Program q;
    load(q);
    Outcome b = run_captured(q, make_opts(Tier::Uops, 1, kHeap));
    if (!(a == b)) {
        report_mismatch(dis, "--jit=off", a, "--jit=uops --jit-threshold=1", b);
        std::abort();
    }
    if (kJitOnIsUops) return;
    Program j;
    load(j);
    Outcome c = run_captured(j, make_opts(kJitOnTier, 1, kHeap));
    if (!(a == c)) {
        report_mismatch(dis, "--jit=off", a, "--jit=on --jit-threshold=1", c);
        std::abort();
    }
}

}  // namespace cpjit_fuzz
