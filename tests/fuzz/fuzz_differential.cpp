// libFuzzer target, structure-aware: the bytes drive program_gen.cpp, which
// writes a valid, terminating program (hot loops, calls, recursion, ints at
// the 48-bit and int64 edges, nan/inf/-0.0, strings, arrays, type changes
// mid-loop, globals that flip type, errors inside loops). Every tier must
// give byte-identical stdout, stderr and exit code:
//   --jit=off (the reference), --jit=uops --jit-threshold=1, --jit=uops,
//   --jit=on (the copy-and-patch JIT) with threshold 1 and the default, and
//   one more chosen by the input (--interp=switch, --opt=0, --specialize=off).
// CPJIT_FUZZ_PRINT=1 in the environment prints each generated program and
// how it ended (to turn a failing input into a .cpasm regression case).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/program_gen.h"

namespace {
bool g_print = false;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* p = std::getenv("CPJIT_FUZZ_PRINT");
    g_print = p && *p && *p != '0';
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cpjit;
    using cpjit_fuzz::make_opts;
    if (size > 4096) return -1;
    std::string text = cpjit_fuzz::generate_program(data, size);
    if (g_print) std::fprintf(stderr, "==== program\n%s", text.c_str());
    auto load = [&](Program& p) {
        LoadError err;
        if (!assemble("gen.cpasm", text, p, err) || !verify(p, err))
            cpjit_fuzz::fail("the generator wrote an invalid program", err.format() + "\n" + text);
    };
    constexpr size_t kHeap = size_t(64) << 20;
    std::vector<cpjit_fuzz::Config> configs = {
        {"--jit=off", make_opts(Tier::Interp, 64, kHeap)},
        {"--jit=uops --jit-threshold=1", make_opts(Tier::Uops, 1, kHeap)},
        {"--jit=uops", make_opts(Tier::Uops, 64, kHeap)},
    };
    cpjit_fuzz::Config extra{"", make_opts(Tier::Uops, 1, kHeap)};
    switch (size % 3) {
    case 0: extra.name = "--jit=off --interp=switch"; extra.opts = make_opts(Tier::Interp, 64, kHeap); extra.opts.dispatch = Dispatch::Switch; break;
    case 1: extra.name = "--jit=uops --jit-threshold=1 --opt=0"; extra.opts.tier2.opt_level = 0; break;
    default: extra.name = "--specialize=off --jit=uops --jit-threshold=1"; extra.opts.specialize = false; break;
    }
    configs.push_back(extra);
    if (!cpjit_fuzz::kJitOnIsUops) {
        configs.push_back({"--jit=on", make_opts(cpjit_fuzz::kJitOnTier, 64, kHeap)});
        configs.push_back({"--jit=on --jit-threshold=1", make_opts(cpjit_fuzz::kJitOnTier, 1, kHeap)});
    }
    cpjit_fuzz::Outcome ref;
    for (size_t i = 0; i < configs.size(); ++i) {
        Program p;
        load(p);
        cpjit_fuzz::Outcome r = cpjit_fuzz::run_captured(p, configs[i].opts);
        if (i == 0) {
            ref = std::move(r);
            if (g_print)
                std::fprintf(stderr, "==== [%s] exit %d, %zu bytes of stdout, stderr:\n%s", configs[0].name, ref.code,
                             ref.out.size(), ref.err.c_str());
            if (ref.code != 0 && ref.code != 1) cpjit_fuzz::fail("exit code not 0 or 1", text);
        } else if (!(r == ref)) {
            cpjit_fuzz::report_mismatch(text, configs[0].name, ref, configs[i].name, r);
            std::abort();
        }
    }
    return 0;
}
