// `cpjit bench --compile`: the JIT's compile speed on the benchmarks' own
// traces, recorded in process and compiled again (method in the .cpp).
#pragma once

#include <string>
#include <vector>

namespace cpjit {

// Prints the table to stdout; returns the exit code (1: a program failed).
// One table per tier of `tiers` that compiles (on, llvm-O0, llvm-O2).
int bench_compile(const std::vector<std::string>& files, int rounds, const std::vector<std::string>& tiers);

}  // namespace cpjit
