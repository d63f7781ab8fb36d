// The GDB JIT interface (see gdb_jit.h). The descriptor's layout and the two
// names are GDB's ("JIT Compilation Interface" in GDB's manual).
#include "jit/copy_patch/profiling/gdb_jit.h"

#include <elf.h>

#include <cstdio>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/copy_patch/profiling/code_symbols.h"
#include "jit/copy_patch/profiling/elf_image.h"
#include "jit/copy_patch/profiling/gdb_jit_interface.h"

extern "C" {

// gdb breaks here; the asm keeps the call from being optimized away.
__attribute__((noinline, used)) void __jit_debug_register_code() { __asm__ volatile("" ::: "memory"); }

__attribute__((used)) jit_descriptor __jit_debug_descriptor = {1, JIT_NOACTION, nullptr, nullptr};

}  // extern "C"

namespace cpjit::jit::profiling {

struct GdbJit::Entry {
    jit_code_entry entry{};
    std::vector<uint8_t> elf;
};

namespace {

uint16_t elf_machine(Arch arch) { return arch == Arch::A64 ? EM_AARCH64 : EM_X86_64; }

void announce(jit_code_entry* e, jit_actions_t action) {
    __jit_debug_descriptor.relevant_entry = e;
    __jit_debug_descriptor.action_flag = action;
    __jit_debug_register_code();
}

}  // namespace

GdbJit::GdbJit(Arch arch) : arch_(arch) {}

GdbJit::~GdbJit() {
    while (!entries_.empty()) remove(entries_.begin()->first);
}

void GdbJit::add(const void* key, std::unique_ptr<Entry> e) {
    e->entry.symfile_addr = reinterpret_cast<const char*>(e->elf.data());
    e->entry.symfile_size = e->elf.size();
    e->entry.next_entry = __jit_debug_descriptor.first_entry;
    if (e->entry.next_entry) e->entry.next_entry->prev_entry = &e->entry;
    __jit_debug_descriptor.first_entry = &e->entry;
    jit_code_entry* raw = &e->entry;
    remove(key);  // a trace placed where a released one was
    entries_[key] = std::move(e);
    announce(raw, JIT_REGISTER_FN);
}

void GdbJit::remove(const void* key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    jit_code_entry* e = &it->second->entry;
    if (e->prev_entry)
        e->prev_entry->next_entry = e->next_entry;
    else
        __jit_debug_descriptor.first_entry = e->next_entry;
    if (e->next_entry) e->next_entry->prev_entry = e->prev_entry;
    announce(e, JIT_UNREGISTER_FN);
    entries_.erase(it);
}

void GdbJit::shim_placed(const uint8_t* rx, uint32_t size) {
    StackPlan plan;
    const bool unwinds = analyze_stack(arch_, rx, uint64_t(uintptr_t(rx)), size, 0, true, plan);
    ElfRegion r{uint64_t(uintptr_t(rx)), size, {{0, size, kEntryShimName}}, unwinds ? &plan : nullptr};
    auto e = std::make_unique<Entry>();
    e->elf = build_elf(r, elf_machine(arch_), unwind_arch(arch_));
    add(rx, std::move(e));
}

void GdbJit::trace_compiled(const Trace& t, const CompiledTrace& c) {
    ElfRegion r;
    r.address = uint64_t(uintptr_t(c.rx));
    r.size = c.size;
    StackPlan plan;
    bool unwinds = true;
    for (CodeSymbol& s : piece_symbols(t, c)) {
        unwinds &= analyze_stack(arch_, c.rx + s.offset, r.address + s.offset, s.size, s.offset, false, plan);
        r.symbols.push_back({s.offset, s.size, std::move(s.name)});
    }
    r.stack = unwinds ? &plan : nullptr;
    auto e = std::make_unique<Entry>();
    e->elf = build_elf(r, elf_machine(arch_), unwind_arch(arch_));
    add(c.rx, std::move(e));
}

void GdbJit::trace_released(const Trace&, const CompiledTrace& c) { remove(c.rx); }

}  // namespace cpjit::jit::profiling
