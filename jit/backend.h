// What the VM needs from a machine-code backend, whichever compiles the
// traces: copy-and-patch (jit/copy_patch/, class Jit) or LLVM through ORC
// (jit/llvm/, only with -DCPJIT_LLVM_BACKEND=ON). Both compile the same
// Trace uops and leave machine code the same way (jit/jit_abi.h): a
// JitReturn naming a JitExitRecord and the stack pointer there, so exits,
// linking, side traces, errors and tracebacks are the VM's, not a backend's.
#pragma once

#include <cstdint>
#include <memory>

#include "jit/jit_abi.h"
#include "jit/tier2/trace.h"

namespace cpjit::jit {

// What a trace's exit hands back to the VM. A side exit's record names the
// exit; a LINK_TRACE's names the trace to go on with.
struct JitExitRecord {
    Trace* trace = nullptr;     // the trace the exit belongs to
    uint32_t exit_index = 0;    // into trace->exits
    bool progress = true;       // Exit::progress: false never links
    Trace* link_to = nullptr;   // LINK_TRACE: continue in this trace
    uint32_t stub_offset = 0;   // copy-and-patch: of the stub in the trace's allocation
    uint8_t cached = 0;         // copy-and-patch: values its uop left in registers (the stub EXIT_r<cached> stores them)
    bool linked = false;
    // LLVM: the machine code this exit jumps to once linked (nullptr: return
    // to the VM). Data the trace's code loads, so linking writes no code.
    void* link_code = nullptr;
};

class Backend {
public:
    virtual ~Backend() = default;
    // "copy-and-patch", "llvm-O0", "llvm-O2".
    virtual const char* name() const = 0;
    // Compiles `t` (sets t.machine). False when it cannot: the code-memory
    // cap is reached (full() then says so) or this trace cannot be compiled.
    virtual bool compile(Trace& t) = 0;
    virtual bool full() const = 0;
    // Frees t's machine code (t.machine becomes nullptr). Nothing may still
    // jump there: no linked exit of another trace, no frame running it.
    virtual void release(Trace& t) = 0;
    // Runs machine code from `t` until an exit returns.
    virtual JitReturn enter(CallStack* vm, Value* sp, Value* base, const Trace& t) const = 0;
    // The exit of `rec` now goes straight to `target`'s machine code.
    virtual void link_exit(JitExitRecord& rec, Trace& target) = 0;
    // Executable memory mapped, and bytes of it in use.
    virtual uint64_t mapped_bytes() const = 0;
    virtual uint64_t used_bytes() const = 0;
};

// The backend Tier2Options::backend names; nullptr when it cannot run here
// (no stencils for the host, no executable memory, LLVM not built in): the
// VM then runs traces in the uop interpreter.
std::unique_ptr<Backend> create_backend(const Tier2Options& opts, Tier2Stats& stats);

// Whether this build has the LLVM backend (-DCPJIT_LLVM_BACKEND=ON).
bool llvm_backend_built();

}  // namespace cpjit::jit
