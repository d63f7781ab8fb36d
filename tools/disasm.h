// Machine code to text for the study commands (`cpjit stencils --disasm`,
// `cpjit trace`), through capstone, which covers both targets. Only the
// command line uses it; the JIT's own use of capstone (stack analysis for
// unwind tables, jit/copy_patch/profiling/unwind_x64.cpp) prints nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"

namespace cpjit::tools {

struct Insn {
    uint64_t address = 0;  // as given by the caller (an offset, or a real address)
    uint32_t size = 0;
    std::string mnemonic;  // ".byte" for bytes capstone cannot decode
    std::string operands;
};

class Disassembler {
public:
    explicit Disassembler(jit::Arch arch);
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    bool ok() const { return handle_ != 0; }
    // Every instruction of code[0, size), `address` being the first one's.
    // Bytes that do not decode become one-byte (x86-64) or four-byte
    // (AArch64) ".byte" entries, so the listing always covers all of them.
    std::vector<Insn> run(const uint8_t* code, size_t size, uint64_t address) const;

private:
    jit::Arch arch_;
    size_t handle_ = 0;  // capstone's csh
};

}  // namespace cpjit::tools
