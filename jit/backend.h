// The frame every machine-code backend shares, and all Tier 2 knows of
// them. A backend turns a trace's uops into machine code that enters and
// leaves as jit/jit_abi.h says: a JitReturn naming a JitExitRecord and the
// stack pointer there, so exits, linking, side traces, errors and
// tracebacks are Tier 2's, not a backend's.
//
// The frame (Backend, backend.cpp) owns what does not depend on how code is
// made: the exit records, the code-memory cap, entering machine code, the
// guards of exit linking, timing and statistics. A backend supplies its
// compile step (emit), how it frees code (free_code) and how it points an
// exit at another trace (write_link). Two exist: copy-and-patch
// (jit/copy_patch/, class Jit) and LLVM through ORC (jit/llvm/, only with
// -DCPJIT_LLVM_BACKEND=ON); jit/engine.cpp picks one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "jit/jit_abi.h"
#include "jit/span_pool.h"
#include "jit/tier2/tier2_options.h"
#include "jit/tier2/tier2_stats.h"
#include "jit/tier2/trace.h"

namespace cpjit::jit {

// What a trace's exit hands back to Tier 2. A side exit's record names the
// exit; a LINK_TRACE's names the trace to go on with.
struct JitExitRecord {
    Trace* trace = nullptr;     // the trace the exit belongs to
    Trace* link_to = nullptr;   // LINK_TRACE: continue in this trace
    // The machine code this exit jumps to once linked (nullptr: return to
    // Tier 2), data the trace's code loads. LLVM: every link (linking writes
    // no code); copy-and-patch: a link its stub's jump cannot reach.
    void* link_code = nullptr;
    uint32_t stub_offset = 0;   // copy-and-patch: of the stub in the trace's allocation (kNoStub: none)
    uint16_t exit_index = 0;    // into trace->exits (as Uop::exit)
    // copy-and-patch: the values its uop left in registers, and which of
    // them are in FP registers (the stub EXIT_r<cached>_f<floats> stores them)
    uint8_t cached : 2 = 0;
    uint8_t floats : 3 = 0;
    uint8_t progress : 1 = 1;   // Exit::progress: false never links
    uint8_t linked : 1 = 0;
    // stub_offset of an exit no uop takes (the optimizer removed its guard):
    // it gets no stub, since nothing can reach one.
    static constexpr uint32_t kNoStub = UINT32_MAX;
    bool has_stub() const { return stub_offset != kNoStub; }
};
// Four to a cache line: a large program has thousands of exits, and each
// record is written when its trace is compiled.
static_assert(sizeof(JitExitRecord) == 32);
static_assert(offsetof(JitExitRecord, link_code) == kExitRecordLinkCodeOffset);
static_assert(kMaxCached < 4);

// A trace's machine code, whichever backend made it (Trace::machine).
struct MachineCode {
    JitBackend made_by = JitBackend::CopyPatch;
    uint8_t* rx = nullptr;      // executable view; the entry point
    uint8_t* rw = nullptr;      // writable view of the same pages (copy-and-patch; LLVM: nullptr)
    uint32_t size = 0;          // bytes at rx that belong to the trace
    uint32_t hot_size = 0;      // of those, the uops' code (the rest: stubs, data, GOT)
    std::span<JitExitRecord> records;  // exits, then LINK_TRACEs (Backend::compile fills them)
    JitTraceFn* entry() const { return reinterpret_cast<JitTraceFn*>(rx); }
};

class Backend {
public:
    virtual ~Backend();
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    // "copy-and-patch", "llvm-O0", "llvm-O2".
    virtual const char* name() const = 0;
    // Compiles `t` (sets t.machine). False when it cannot: the code-memory
    // cap is reached (full() then says so) or this trace cannot be compiled
    // (counted in jit_failures; it runs in the uop interpreter).
    bool compile(Trace& t);
    bool full() const { return full_; }
    // Frees t's machine code (t.machine becomes nullptr). Nothing may still
    // jump there: no linked exit of another trace, no frame running it.
    void release(Trace& t);
    // Runs machine code from `t` until an exit returns. (Exempt from clang's
    // -fsanitize=function, which reads a type signature from the 8 bytes
    // before the callee: the entry shim has none, and may start a page.)
#if defined(__clang__)
    __attribute__((no_sanitize("function")))
#endif
    JitReturn enter(CallStack* vm, Value* sp, Value* base, const Trace& t) const {
        return entry_(vm, sp, base, t.machine->entry());
    }
    // The exit of `rec` now goes straight to `target`'s machine code (when
    // target has some and the exit may link: see Tier2::take_exit).
    void link_exit(JitExitRecord& rec, Trace& target);
    // Executable memory mapped, and bytes of it in use.
    virtual uint64_t mapped_bytes() const = 0;
    virtual uint64_t used_bytes() const = 0;

protected:
    Backend(const Tier2Options& opts, Tier2Stats& stats) : opts_(opts), stats_(stats) {}

    // What emit made of a trace.
    enum class Emitted { Code, CannotCompile, CapReached };
    // The backend's compile step: t's machine code, with `records` (filled
    // in: trace, exit_index, progress, link_to) ready for the stubs; `bytes`
    // is what it costs against the code cap. nullptr with the reason else.
    virtual MachineCode* emit(Trace& t, std::span<JitExitRecord> records, uint64_t& bytes, Emitted& why) = 0;
    // Gives back the memory of t.machine (records stay with the frame).
    virtual void free_code(Trace& t) = 0;
    // Points the exit of `rec` at `target`'s code; false when it cannot.
    virtual bool write_link(JitExitRecord& rec, const Trace& target) = 0;
    // Tells the test hook (Tier2Options::on_code_written) code was written.
    void code_written(const MachineCode& c) const {
        if (opts_.on_code_written) opts_.on_code_written(opts_.on_code_written_ctx, c);
    }

    Tier2Options opts_;
    Tier2Stats& stats_;
    JitEntryFn* entry_ = nullptr;  // set by the backend once it can run code

private:
    std::span<JitExitRecord> take_records(Trace& t);
    SpanPool<JitExitRecord> record_pool_{4096};
    bool full_ = false;
};

// How Tier 2 gets a backend without naming one: whoever sets up a run
// (jit/engine.cpp) passes the factory of the backend --jit asked for. It
// returns nullptr when that backend cannot run here (no stencils for the
// host, no executable memory, no LLVM).
using BackendFactory = std::unique_ptr<Backend> (*)(const Tier2Options& opts, Tier2Stats& stats);

}  // namespace cpjit::jit
