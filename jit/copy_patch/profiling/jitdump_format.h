// The jitdump file format that `perf inject --jit` reads (as documented in
// the Linux tree, tools/perf/Documentation/jitdump-specification.txt):
// a header, then records, all in the host's byte order. Shared by the
// writer and the tests that read the file back.
#pragma once

#include <cstdint>

namespace cpjit::jit::profiling::jitdump {

inline constexpr uint32_t kMagic = 0x4A695444;  // "JiTD" read as a host-order word
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kElfMachX86_64 = 62, kElfMachAArch64 = 183;

struct FileHeader {
    uint32_t magic = kMagic;
    uint32_t version = kVersion;
    uint32_t total_size = sizeof(FileHeader);
    uint32_t elf_mach = 0;
    uint32_t pad1 = 0;
    uint32_t pid = 0;
    uint64_t timestamp = 0;  // CLOCK_MONOTONIC ns: `perf record -k 1`
    uint64_t flags = 0;
};
static_assert(sizeof(FileHeader) == 40);

enum RecordId : uint32_t { kCodeLoad = 0, kCodeMove = 1, kDebugInfo = 2, kCodeClose = 3 };

struct RecordHeader {
    uint32_t id = 0;
    uint32_t total_size = 0;  // this header, the body, the name and the code
    uint64_t timestamp = 0;
};

// Followed by the symbol name (NUL-terminated) and code_size bytes of code.
struct CodeLoad {
    RecordHeader h;
    uint32_t pid = 0, tid = 0;
    uint64_t vma = 0;        // where the code runs
    uint64_t code_addr = 0;  // the same (no relocation)
    uint64_t code_size = 0;
    uint64_t code_index = 0;  // unique per load: perf names its ELF file after it
};
static_assert(sizeof(CodeLoad) == 56);

}  // namespace cpjit::jit::profiling::jitdump
