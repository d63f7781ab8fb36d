// Disassembly of stencil code for the comments of the generated header, with
// LLVM's MC disassembler (no external tool, so no output parsing).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"

namespace cpjit::stencil_extract {

struct DisasmLine {
    uint32_t offset;
    uint32_t size;  // bytes of the instruction (1 for an undecodable byte)
    std::string text;
    int64_t branch_target = -1;  // offset a direct branch goes to (-1: not one)
};

class Disassembler {
public:
    // Returns null with *error set when LLVM lacks the target.
    static std::unique_ptr<Disassembler> create(jit::Arch arch, std::string* error);
    virtual ~Disassembler() = default;
    virtual std::vector<DisasmLine> run(const std::vector<uint8_t>& code) = 0;
};

const char* triple_for(jit::Arch arch);

}  // namespace cpjit::stencil_extract
