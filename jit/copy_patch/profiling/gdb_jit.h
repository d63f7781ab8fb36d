// --gdb-jit: GDB's JIT interface. Each compiled trace (and the entry shim)
// is described by an in-memory ELF object (elf_image.h: a symbol per uop
// stencil and exit stub, and unwind rows from unwind.h) put on the list
// __jit_debug_descriptor heads, then announced by calling
// __jit_debug_register_code, where gdb keeps a breakpoint. In gdb, a
// backtrace from a helper called by machine code then reads
//   #0 cpjit_uop_generic ...  #1 cpjit:t3:fib@12:GENERIC  #2 cpjit:entry_shim
//   #3 cpjit::VM::... (the interpreter) ... main
// A released trace is taken off the list again.
#pragma once

#include <memory>
#include <unordered_map>

#include "jit/copy_patch/profiling/listeners.h"

namespace cpjit::jit::profiling {

class GdbJit final : public CodeListener {
public:
    explicit GdbJit(Arch arch);
    ~GdbJit() override;
    void shim_placed(const uint8_t* rx, uint32_t size) override;
    void trace_compiled(const Trace& t, const CompiledTrace& c) override;
    void trace_released(const Trace& t, const CompiledTrace& c) override;

    struct Entry;

private:
    void add(const void* key, std::unique_ptr<Entry> e);
    void remove(const void* key);

    Arch arch_;
    std::unordered_map<const void*, std::unique_ptr<Entry>> entries_;  // by code address
};

}  // namespace cpjit::jit::profiling
