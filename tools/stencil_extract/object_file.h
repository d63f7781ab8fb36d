// A relocatable object file as plain data: what the stencil model needs from
// ELF, with no LLVM types (object_reader.cpp fills it with LLVM's Object
// library).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"

namespace cpjit::stencil_extract {

struct ObjSymbol {
    std::string name;      // "" for a section symbol
    bool defined = false;  // in a section of this file
    bool absolute = false; // SHN_ABS
    int section = -1;      // index into ObjFile::sections when defined
    uint64_t value = 0;    // offset in that section
    bool global = false;   // STB_GLOBAL or STB_WEAK
    bool weak = false;
    bool function = false; // STT_FUNC
    bool is_section = false;  // STT_SECTION
    uint8_t visibility = 0;   // STV_*
};

struct ObjReloc {
    uint64_t offset = 0;    // in the section it patches
    uint32_t type = 0;      // ELF r_type
    std::string type_name;  // "R_X86_64_PC32"
    int64_t addend = 0;     // signed (RELA)
    bool has_symbol = false;
    ObjSymbol symbol;
};

struct ObjSection {
    std::string name;
    uint32_t type = 0;      // sh_type
    uint64_t flags = 0;     // sh_flags
    uint64_t align = 1;
    uint64_t size = 0;
    std::vector<uint8_t> bytes;  // empty for SHT_NOBITS
    std::vector<ObjReloc> relocs;

    bool alloc() const { return flags & 0x2; }   // SHF_ALLOC
    bool write() const { return flags & 0x1; }   // SHF_WRITE
    bool exec() const { return flags & 0x4; }    // SHF_EXECINSTR
    bool tls() const { return flags & 0x400; }   // SHF_TLS
    bool nobits() const { return type == 8; }    // SHT_NOBITS
};

struct ObjFile {
    std::string path;
    jit::Arch arch = jit::Arch::X64;
    std::vector<ObjSection> sections;  // in file order (index 0 = SHN_UNDEF, empty)
    std::vector<ObjSymbol> symbols;    // the symbol table
};

// Reads `path`; on failure returns false with a message in *error.
bool read_object_file(const std::string& path, ObjFile* out, std::string* error);

}  // namespace cpjit::stencil_extract
