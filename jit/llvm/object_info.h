// What one object file ORC is about to link holds (the LLVM backend's
// code-size figures): bytes of its allocated sections (code, read-only
// data) and the size of each function symbol.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace llvm {
class MemoryBufferRef;
}

namespace cpjit::jit {

struct ObjectInfo {
    uint64_t code_bytes = 0;      // executable sections
    uint64_t rodata_bytes = 0;    // other allocated sections
    uint64_t mapped_bytes = 0;    // both, each rounded up to whole pages
    std::unordered_map<std::string, uint64_t> function_sizes;  // by symbol name
};

// False when `object` is not an object file LLVM can read.
bool read_object_info(const llvm::MemoryBufferRef& object, ObjectInfo& out);

}  // namespace cpjit::jit
