// A minimal ELF object describing machine code that lives elsewhere in
// memory, for the GDB JIT interface: a .text section without bytes
// (SHT_NOBITS) at the code's address, function symbols in it, and an
// .eh_frame with one FDE for the whole region (CFA rows from unwind.h), so
// gdb can name and unwind frames in JIT code. 64-bit, the host's byte order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/copy_patch/profiling/unwind.h"

namespace cpjit::jit::profiling {

struct ElfSymbol {
    uint32_t offset, size;  // in the region
    std::string name;
};

struct ElfRegion {
    uint64_t address = 0;
    uint32_t size = 0;
    std::vector<ElfSymbol> symbols;
    const StackPlan* stack = nullptr;  // nullptr: no .eh_frame
};

// e_machine: EM_X86_64 or EM_AARCH64.
std::vector<uint8_t> build_elf(const ElfRegion& r, uint16_t machine, const UnwindArch& arch);

}  // namespace cpjit::jit::profiling
