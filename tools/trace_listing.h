// The machine code section of `cpjit trace` (--jit=on): what one compiled
// trace became, disassembled (capstone) uop by uop, with every patched hole
// said in words, its exit stubs, data and GOT. Addresses are offsets from
// the trace's start and absolute addresses are printed as names, so the
// text is the same from run to run (golden tests, docs/walkthrough.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jit/copy_patch/stencil_set.h"
#include "jit/tier2/trace_cache.h"

namespace cpjit::tools {

// The same listing as data (the explorer page): one piece per placed
// stencil (uops in order, then exit stubs), each with its instructions and
// its holes.
struct ListedInsn {
    uint32_t address = 0, size = 0;  // offset in the trace's code
    std::string bytes;               // hex, as patched
    std::string text;                // mnemonic and operands, stable names for addresses
    std::string notes;               // "; _JIT_CONTINUE -> uop 3 ..." or ""
};
struct ListedHole {
    uint32_t offset = 0, width = 0;   // of the field shown (AArch64: the instruction word)
    std::string kind;                 // ELF relocation, e.g. R_X86_64_64
    std::string value;                // _JIT_OPERAND, _JIT_CONTINUE, helper, ...
    std::string meaning;              // what was patched in, in words
    std::string unpatched, patched;   // the field's bytes in the stencil and in the trace (hex)
    bool via_got = false;
};
struct ListedPiece {
    int32_t uop = -1;      // index into Trace::uops, -1 for an exit stub
    int32_t num_uops = 1;  // uops `uop`.. its stencil runs (2: a Fused stencil, a compare and its branch)
    bool spill = false;    // a SPILL_rN placed before uop `uop` (cached values back to the stack)
    int32_t local = -1;    // with spill: a LOCAL_REG_Lk loading this local into a register
    bool box = false;      // with spill: a BOX_rN_fM (cached floats from FP registers into general ones)
    int32_t stub = -1;     // exit stub number (record index)
    int32_t exit = -1;     // the side exit a stub serves (-1: a LINK_TRACE's)
    std::string stencil, title;
    uint32_t offset = 0, size = 0;
    std::vector<ListedInsn> insns;
    std::vector<ListedHole> holes;
};
struct MachineListing {
    std::string target;   // "" when the trace has no machine code
    std::string summary;  // the first line of the text listing
    uint32_t size = 0, hot_size = 0;
    std::vector<ListedPiece> pieces;  // empty when the holes were not kept
};

// Needs t.machine compiled with Tier2Options::keep_listing (else it says
// the holes were not kept). `all` names the traces linked exits jump to.
// `set`: the stencils t.machine was compiled from (nullptr: the host's).
std::string print_machine_code(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all,
                               const jit::StencilSet* set = nullptr);
MachineListing list_machine_code(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all,
                                 const jit::StencilSet* set = nullptr);

// The section of `cpjit trace` on what Tier 2 gave up on (TraceCache::aborts):
// counts per reason, then each kept record with its place. Empty when
// nothing was given up.
std::string print_trace_aborts(const Program& prog, const TraceCache& cache);
// The kept records, the same ones together (in order of their first).
struct AbortGroup {
    const TraceAbortRecord* first;
    uint64_t times;
};
std::vector<AbortGroup> group_aborts(const TraceAborts& a);
// One record: "loop at main@7 (line 9), trace 2".
std::string print_abort(const Program& prog, const TraceAbortRecord& r);

}  // namespace cpjit::tools
