// The machine code section of `cpjit trace` (--jit=on): what one compiled
// trace became, disassembled (capstone) uop by uop, with every patched hole
// said in words, its exit stubs, data and GOT. Addresses are offsets from
// the trace's start and absolute addresses are printed as names, so the
// text is the same from run to run (golden tests, docs/walkthrough.md).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jit/tier2/trace.h"

namespace cpjit::tools {

// Needs t.machine compiled with Tier2Options::keep_listing (else it says
// the holes were not kept). `all` names the traces linked exits jump to.
std::string print_machine_code(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all);

}  // namespace cpjit::tools
