#include "tools/bench_command.h"

#include <cstdio>

namespace cpjit {

const char* const kBenchUsage = "usage: cpjit bench [FILES...] [OPTIONS]\n";

int cmd_bench(const std::vector<std::string>&) {
    std::fputs("error: cpjit bench is being built\n", stderr);
    return 2;
}

}  // namespace cpjit
