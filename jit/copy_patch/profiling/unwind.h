// Call-frame information for machine code, worked out from the code itself
// (for --gdb-jit). Stencils are tail-call chained with the stack pointer at
// the same place at every stencil boundary (where it was when the entry shim
// called the trace), but inside a stencil clang may push (to align the
// stack before a helper call, to spill) and pop again: the canonical frame
// address (CFA) of the trace, as an offset from SP, changes inside stencils.
// analyze_stack() follows each piece's instructions (branches inside it
// too) and records where SP moves and, for the entry shim, where it saves
// callee-saved registers. Architecture-specific: unwind_x64.cpp; on other
// hosts there is no analysis (gdb gets symbols, not frames).
#pragma once

#include <cstdint>
#include <vector>

#include "jit/copy_patch/reloc.h"

namespace cpjit::jit::profiling {

struct CfaRow {
    uint32_t offset;     // from this byte of the code on (until the next row)
    int32_t cfa_offset;  // CFA = SP + cfa_offset
};
struct SavedRegister {
    uint32_t offset;   // from this byte on
    uint8_t dwarf_reg;
    int32_t at;        // saved at CFA + at
};
struct StackPlan {
    std::vector<CfaRow> rows;
    std::vector<SavedRegister> saves;
};

// The architecture's DWARF numbers and what holds at a function's entry.
struct UnwindArch {
    bool supported = false;
    uint8_t sp = 0, return_address = 0;
    int32_t entry_cfa_offset = 0;  // CFA = SP + this at the first instruction
    int32_t return_address_at = 0; // CFA + this holds the return address (x86-64: -8)
    bool return_address_in_register = false;  // AArch64: in x30 at entry
    int32_t data_align = 1;        // DWARF data alignment factor
};
UnwindArch unwind_arch(Arch arch);

// Appends rows for the piece at code[0, size) (running at `addr`, at
// `offset` in the region described). The CFA offset is entry_cfa_offset at
// the piece's start; `saves`: record callee-saved registers pushed (the
// entry shim). False when an instruction moves SP in a way not followed.
bool analyze_stack(Arch arch, const uint8_t* code, uint64_t addr, uint32_t size, uint32_t offset, bool saves,
                   StackPlan& out);

}  // namespace cpjit::jit::profiling
