// Executable memory for machine code, through asmjit's JitAllocator with a
// dual mapping: every page has a read-write view (where the JIT writes) and a
// read-execute view (where the CPU runs it), never one view that is both.
// (asmjit's default maps pages RWX; see ../shared/TOOLCHAIN.md.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace cpjit::jit {

struct CodeBlock {
    uint8_t* rx = nullptr;
    uint8_t* rw = nullptr;
};

class CodeMemory {
public:
    // nullptr when the system refuses the dual mapping.
    static std::unique_ptr<CodeMemory> create();
    ~CodeMemory();

    // A block of `size` bytes; {nullptr, nullptr} when out of memory.
    CodeBlock alloc(size_t size);
    void release(const CodeBlock& b);
    // After writing through rw: make the rx view's instructions visible to
    // the CPU (a no-op on x86-64, cache maintenance on AArch64).
    static void flush(const uint8_t* rx, size_t size);

private:
    CodeMemory();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cpjit::jit
