// The number of set bits of a small mask (a trace's helpers, a branch's
// history byte). Not std::popcount: without -mpopcnt, which the x86-64
// baseline lacks, that is a call into libgcc, and the first call faults its
// code page in (about 20-60 us on a virtual machine, docs/compile_time.md).
// The masks here have few bits set, so this loop is short.
#pragma once

#include <cstdint>

namespace cpjit::jit {

constexpr uint32_t count_bits(uint64_t mask) {
    uint32_t n = 0;
    for (; mask; mask &= mask - 1) ++n;
    return n;
}

}  // namespace cpjit::jit
