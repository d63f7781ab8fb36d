// `cpjit stencils`: the stencils compiled into this build (either target), as
// a table with summary figures, or disassembled with every hole marked.
#pragma once

#include <string>
#include <vector>

namespace cpjit {

// args: everything after `cpjit stencils`. Returns the process exit code.
int cmd_stencils(const std::vector<std::string>& args);

extern const char* const kStencilsUsage;

}  // namespace cpjit
