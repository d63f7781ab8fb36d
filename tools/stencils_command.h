// `cpjit stencils`: the stencils compiled into this build (either target), as
// a table with summary figures, or disassembled with every hole marked.
#pragma once

#include <string>
#include <vector>

#include "jit/copy_patch/stencil_set.h"
#include "tools/disasm.h"

namespace cpjit {

// args: everything after `cpjit stencils`. Returns the process exit code.
int cmd_stencils(const std::vector<std::string>& args);

// The table of `shown` (stencils of `set`, at least one), then the summary.
std::string stencils_table(const jit::StencilSet& set, const std::vector<const jit::Stencil*>& shown);
// Stencil `s` of `set` disassembled by `dis` (for set.arch), every hole and
// the removable trailing jump marked, the read-only data in hex.
std::string stencil_listing(const jit::StencilSet& set, const jit::Stencil& s, const tools::Disassembler& dis);

}  // namespace cpjit
