// libFuzzer target, structure-aware: the bytes drive program_gen.cpp, which
// writes a valid, terminating program (hot loops, some entered at their
// condition, calls, recursion, ints crossing the 48-bit and int64 edges, nan/
// inf/-0.0, strings, arrays, type changes at a chosen iteration, call results
// that change type, globals that flip type, errors deep in calls inside
// loops). Every tier must give byte-identical stdout, stderr and exit code,
// within the hang budget (differential.h: 10x the --jit=off run plus 2 s):
//   --jit=off (the reference), --jit=uops and --jit=on at threshold 1 and the
//   default, and one more chosen by the input (--interp=switch, a threshold
//   in 2..99, --opt=0, --specialize=off). diff_driver runs them all, faster,
//   without sanitizers.
// CPJIT_FUZZ_PRINT=1 in the environment prints each generated program and
// how it ended (to turn a failing input into a .cpasm regression case).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tests/fuzz/differential.h"
#include "tests/fuzz/program_gen.h"

namespace {
bool g_print = false;

// The configurations this input runs: the reference, uops and on at
// threshold 1 and the default, and one of the others picked by the input.
std::vector<cpjit_fuzz::Config> pick_configs(size_t size) {
    auto all = cpjit_fuzz::all_configs(uint32_t(2 + size % 98), size_t(64) << 20);
    std::vector<cpjit_fuzz::Config> always, others;
    for (const auto& c : all) {
        const std::string& n = c.name;
        bool core = n == "--jit=off" || n == "--jit=uops" || n == "--jit=on" || n == "--jit=uops --jit-threshold=1" ||
                    n == "--jit=on --jit-threshold=1";
        (core ? always : others).push_back(c);
    }
    always.push_back(others[size % others.size()]);
    return always;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* p = std::getenv("CPJIT_FUZZ_PRINT");
    g_print = p && *p && *p != '0';
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cpjit;
    if (size > 4096) return -1;
    std::string text = cpjit_fuzz::generate_program(data, size);
    if (g_print) std::fprintf(stderr, "==== program\n%s", text.c_str());
    auto load = [&](Program& p) {
        LoadError err;
        if (!assemble("gen.cpasm", text, p, err) || !verify(p, err))
            cpjit_fuzz::fail("the generator wrote an invalid program", err.format() + "\n" + text);
    };
    std::vector<cpjit_fuzz::Config> configs = pick_configs(size);
    cpjit_fuzz::HangBudget budget;
    budget.constant_s = 2.0;  // sanitizers: compiling traces costs more than interpreting
    cpjit_fuzz::Outcome ref, got;
    int bad = cpjit_fuzz::compare_configs(text, configs, budget, load, ref, got);
    if (g_print)
        std::fprintf(stderr, "==== [%s] exit %d, %zu bytes of stdout, stderr:\n%s", configs[0].name.c_str(), ref.code,
                     ref.out.size(), ref.err.c_str());
    if (ref.code != 0 && ref.code != 1) cpjit_fuzz::fail("exit code not 0 or 1", text);
    if (bad >= 0) {
        cpjit_fuzz::report_mismatch(text, configs[0].name.c_str(), ref, configs[size_t(bad)].name.c_str(), got);
        std::abort();
    }
    return 0;
}
