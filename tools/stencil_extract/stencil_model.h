// A stencil as the JIT sees it: code bytes, read-only data bytes, and holes
// (offset, relocation kind, what to patch in, addend), built from one
// relocatable object file. All the checks that make a bad stencil a build
// error live here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"
#include "object_file.h"

namespace cpjit::stencil_extract {

enum class Region : uint8_t { Code, Data };

struct ModelHole {
    Region where = Region::Code;  // which bytes the hole is in
    uint32_t offset = 0;          // of the patched field in those bytes
    jit::RelocKind kind{};
    std::string elf_type;         // as read ("" for a fused pair)
    jit::HoleValue value{};
    std::string helper;           // HoleValue::Helper: the function's name
    int64_t addend = 0;           // A (for Code/Data: plus the symbol's offset there)
};

struct SectionPlacement {
    std::string name;
    Region where;
    uint32_t offset;
    uint32_t size;
};

struct StencilModel {
    std::string name;
    jit::Arch arch{};
    std::vector<uint8_t> code, data;
    uint32_t code_align = 1, data_align = 1;
    std::vector<SectionPlacement> placements;
    std::vector<ModelHole> holes;       // in the code, by offset
    std::vector<ModelHole> data_holes;  // in the data, by offset
    uint32_t trailing_jump_size = 0;    // 0: no removable jump to _JIT_CONTINUE at the end
    int trailing_jump_hole = -1;
    bool continuation_referenced = false;
    bool exit_branch_rewritten = false;  // see exit_branch.h
    uint32_t fused_got_pairs = 0;
};

struct ModelOptions {
    std::vector<std::string> helpers;  // external functions a stencil may call
};

// Builds the model of stencil `name` from `obj`. Every problem is appended to
// *errors as "stencil 'NAME': ..." (naming the section offset and the
// relocation type where there is one); the model is valid only when no error
// was added.
StencilModel build_stencil(const std::string& name, const ObjFile& obj, const ModelOptions& opts,
                           std::vector<std::string>* errors);

// Sets trailing_jump_size/_hole when the code ends in a jump to _JIT_CONTINUE.
void find_trailing_jump(StencilModel& m);

// "code+0x1c" / "data+0x8"
std::string region_offset(Region r, uint64_t offset);
// What a hole patches in: "_JIT_CONTINUE", "helper:name", "code+0x10", ...
std::string hole_target(const ModelHole& h);

}  // namespace cpjit::stencil_extract
