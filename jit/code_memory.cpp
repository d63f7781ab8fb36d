#include "jit/code_memory.h"

#include <asmjit/core.h>

namespace cpjit::jit {

struct CodeMemory::Impl {
    explicit Impl(const asmjit::JitAllocator::CreateParams& p) : allocator(&p) {}
    asmjit::JitAllocator allocator;
};

CodeMemory::CodeMemory() = default;
CodeMemory::~CodeMemory() = default;

std::unique_ptr<CodeMemory> CodeMemory::create() {
    asmjit::JitAllocator::CreateParams params;
    params.options = asmjit::JitAllocatorOptions::kUseDualMapping;
    std::unique_ptr<CodeMemory> m(new CodeMemory());
    m->impl_ = std::make_unique<Impl>(params);
    // Probe once: if the system cannot give a dual mapping, say so now.
    CodeBlock b = m->alloc(64);
    if (!b.rx) return nullptr;
    m->release(b);
    return m;
}

CodeBlock CodeMemory::alloc(size_t size) {
    void* rx = nullptr;
    void* rw = nullptr;
    if (impl_->allocator.alloc(&rx, &rw, size) != asmjit::kErrorOk || rx == rw) {
        if (rx) impl_->allocator.release(rx);
        return {};
    }
    return {static_cast<uint8_t*>(rx), static_cast<uint8_t*>(rw)};
}

void CodeMemory::release(const CodeBlock& b) {
    if (b.rx) impl_->allocator.release(b.rx);
}

void CodeMemory::flush(const uint8_t* rx, size_t size) { asmjit::VirtMem::flushInstructionCache(const_cast<uint8_t*>(rx), size); }

}  // namespace cpjit::jit
