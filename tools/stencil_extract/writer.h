// Output of the extractor: the generated C++ header (one per target) and a
// plain-text dump of the same content (the golden tests compare it).
#pragma once

#include <string>
#include <vector>

#include "disasm.h"
#include "stencil_model.h"

namespace cpjit::stencil_extract {

struct OutputInfo {
    jit::Arch arch{};
    std::string target;       // triple
    std::string digest;       // "sha256:..."
    std::string flags;        // the compiler flags, for the record
    std::string cpp_namespace;  // e.g. "cpjit::jit::stencils_x86_64"
    std::vector<std::string> helpers;  // index = Hole::helper
};

std::string write_header(const OutputInfo& info, const std::vector<StencilModel>& stencils,
                         Disassembler& dis);
std::string write_dump(const OutputInfo& info, const std::vector<StencilModel>& stencils,
                       Disassembler& dis);

}  // namespace cpjit::stencil_extract
