// A loaded program: functions of instructions, globals and a constant pool.
// The assembler and the binary loader both produce it; the verifier checks
// it; the interpreter runs it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/heap.h"
#include "runtime/value.h"

namespace cpjit {

// Base instructions (opcodes.def, the file format) then their specialized
// forms (specialized.def, in memory only).
enum class Op : uint8_t {
#define OP(name, mnemonic, operand, pops, pushes) name,
#include "runtime/opcodes.def"
#undef OP
    kNumBase_,  // not an instruction: the first specialized form takes its value
    kBeforeSpecialized_ = kNumBase_ - 1,
#define SPEC(name, mnemonic, base) name,
#include "runtime/specialized.def"
#undef SPEC
};

enum class OperandKind : uint8_t { None, Literal, Local, Global, Label, Func };

struct OpInfo {
    const char* mnemonic;
    OperandKind operand;
    int8_t pops, pushes;  // -1: depends on the operand (call)
    Op base;              // itself for base instructions
};

inline constexpr OpInfo kOpInfo[] = {
#define OP(name, mnemonic, operand, pops, pushes) {mnemonic, OperandKind::operand, pops, pushes, Op::name},
#include "runtime/opcodes.def"
#undef OP
};
// Number of base instructions: valid opcodes in a .cpbc file.
inline constexpr int kNumOps = sizeof(kOpInfo) / sizeof(kOpInfo[0]);
static_assert(kNumOps == int(Op::kNumBase_));

inline constexpr const char* kSpecializedMnemonic[] = {
#define SPEC(name, mnemonic, base) mnemonic,
#include "runtime/specialized.def"
#undef SPEC
};
inline constexpr Op kSpecializedBase[] = {
#define SPEC(name, mnemonic, base) Op::base,
#include "runtime/specialized.def"
#undef SPEC
};
inline constexpr int kNumAllOps = kNumOps + int(sizeof(kSpecializedBase) / sizeof(kSpecializedBase[0]));

inline constexpr Op base_op(Op op) { return int(op) < kNumOps ? op : kSpecializedBase[int(op) - kNumOps]; }
// Operand kind and stack effect are those of the base instruction.
inline const OpInfo& op_info(Op op) { return kOpInfo[int(base_op(op))]; }
// The name shown in traces: the specialized name where there is one.
inline const char* op_name(Op op) { return int(op) < kNumOps ? kOpInfo[int(op)].mnemonic : kSpecializedMnemonic[int(op) - kNumOps]; }


struct Instr {
    Op op;
    uint8_t history = 0;   // jt/jf: the last 8 outcomes, 1 = taken (Tier 2 only)
    uint16_t counter = 0;  // quickening backoff; backward jumps: hotness
    int32_t arg = 0;       // constant, local, global, target or function index
};
static_assert(sizeof(Instr) == 8);

// Where an instruction came from: its line (for tracebacks) and where a
// load error should point (column in text, byte offset in a binary).
struct SourcePos {
    uint32_t line = 0;
    uint32_t col = 0;  // text: 1-based column; binary: byte offset in the file
};

// A trace of the tier above (runtime/tier2_hook.h): opaque to the runtime,
// which only keeps pointers to the ones it may enter.
struct Trace;

struct Function {
    std::string name;
    uint32_t num_params = 0;
    std::vector<std::string> local_names;  // params first
    std::vector<Instr> code;
    std::vector<SourcePos> pos;  // one per instruction
    SourcePos decl;              // the .func line (for errors about the function)
    uint32_t max_stack = 0;      // operand stack depth bound (set by the verifier)
    // Tier 2: traces starting at an instruction, and the machine code of
    // each (what frames returning there jump to: Frame::ret_code points at
    // these slots), both sized to the code once, when first needed; and the
    // hotness of the function's entry.
    std::vector<Trace*> trace_at;
    std::vector<void*> machine_at;
    uint32_t entry_count = 0;

    Trace* trace_starting_at(uint32_t i) const { return i < trace_at.size() ? trace_at[i] : nullptr; }

    uint32_t num_locals() const { return uint32_t(local_names.size()); }
};

// One constant literal as written (the pool holds the runtime value).
struct Literal {
    enum class Kind : uint8_t { Nil, False, True, Int, Float, String } kind;
    int64_t i = 0;
    double f = 0;
    std::string s;
};

struct Program : RootSet {
    std::string file;     // for messages
    bool binary = false;  // positions are byte offsets, not columns
    std::vector<std::string> globals;
    std::vector<Function> functions;
    std::vector<Literal> literals;  // index = const operand
    std::vector<Value> constants;   // runtime values of literals (after materialize)
    int main_index = -1;

    // Turns literals into heap values. False if the heap refused.
    bool materialize(Heap& heap);
    void trace(Heap& heap) override { heap.mark_range(constants.data(), constants.data() + constants.size()); }
};

}  // namespace cpjit
