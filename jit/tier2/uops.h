// The uop table (uops.def) as data, and one uop of a trace.
#pragma once

#include <cstdint>

#include "runtime/program.h"

namespace cpjit {

enum class UopOp : uint16_t {
#define UOP(name, pops, pushes, reads, flags) name,
#include "jit/tier2/uops.def"
#undef UOP
};

namespace uop_flag {
inline constexpr uint8_t EXIT = 1, PURE = 2, GUARD = 4, END = 8, POP_EXIT = 16, CALLS = 32;
}

struct UopInfo {
    const char* name;
    int8_t pops, pushes;
    int8_t reads;  // -1: runs with no stack value cached in registers
    uint8_t flags;
};

inline constexpr UopInfo kUopInfo[] = {
#define UOP(name, pops, pushes, reads, flags) \
    {#name, pops, pushes, reads, [] { using namespace uop_flag; return uint8_t(flags); }()},
#include "jit/tier2/uops.def"
#undef UOP
};
inline constexpr int kNumUops = sizeof(kUopInfo) / sizeof(kUopInfo[0]);
inline const UopInfo& uop_info(UopOp op) { return kUopInfo[int(op)]; }
// GENERIC and its shaped forms: arg is the Op run through the shared semantics.
inline bool is_generic(UopOp op) {
    return op == UopOp::GENERIC || op == UopOp::GENERIC_1_0 || op == UopOp::GENERIC_1_1 ||
           op == UopOp::GENERIC_2_1 || op == UopOp::GENERIC_3_0;
}

struct Uop {
    UopOp op;
    uint16_t exit = 0;      // index into Trace::exits (EXIT uops)
    int32_t arg = 0;
    uint64_t operand = 0;
    Instr* origin = nullptr;  // the bytecode instruction this uop came from
};

// Whether a uop leaves through an exit of its own (u.exit).
inline bool has_exit(const Uop& u) {
    return (uop_info(u.op).flags & uop_flag::EXIT) || u.op == UopOp::EXIT_TRACE;
}

}  // namespace cpjit
