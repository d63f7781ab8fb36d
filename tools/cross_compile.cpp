#include "tools/cross_compile.h"

#include "jit/copy_patch/trace_compiler.h"

namespace cpjit::tools {

namespace {

// The trace whose own code starts at `rx`, if any.
Trace* trace_at(const std::vector<std::pair<Trace*, jit::MachineCode*>>& saved, uint64_t rx) {
    for (auto& [t, c] : saved)
        if (c && uint64_t(c->rx) == rx) return t;
    return nullptr;
}

}  // namespace

Trace* exit_link_target(const jit::CompiledTrace& own, size_t k,
                     const std::vector<std::pair<Trace*, jit::MachineCode*>>& saved) {
    const jit::JitExitRecord& r = own.records[k];
    if (!r.linked) return nullptr;
    if (r.link_code) return trace_at(saved, uint64_t(r.link_code));  // a link through the exit tail
    for (const jit::PatchedHole& h : own.holes)  // the stub's jump (to the exit tail: no trace)
        if (h.value == jit::HoleValue::JumpTarget && h.offset >= r.stub_offset)
            for (const jit::PlacedStencil& p : own.placed)
                if (p.uop < 0 && p.offset == r.stub_offset && h.offset < p.offset + p.size)
                    return trace_at(saved, h.symbol);
    return nullptr;
}

std::unique_ptr<CrossCompiled> CrossCompiled::create(const TraceCache& cache, const jit::StencilSet& set,
                                                     std::string& error) {
    std::unique_ptr<CrossCompiled> x(new CrossCompiled(set));
    Tier2Options opts = cache.options();
    opts.keep_listing = true;
    opts.perf_map = false;
    opts.on_code_written = nullptr;
    opts.arena_chunk_bytes = 0;
    opts.time_compiles = false;
    x->jit_ = jit::Jit::create_for_listing(set, opts, x->stats_);
    if (!x->jit_) {
        error = std::string("cannot compile for ") + set.short_name + ": its stencils do not fit this build";
        return nullptr;
    }
    const bool all = cache.backend() == nullptr;  // a --jit=uops run: compile every trace
    for (const auto& t : cache.traces()) {
        x->saved_.emplace_back(t.get(), t->machine);
        t->machine = nullptr;
    }
    for (auto& [t, own] : x->saved_)
        if (own || all) x->jit_->compile(*t);
    // Link what the run linked (the run's listing keeps its stubs' targets).
    for (auto& [t, own] : x->saved_) {
        if (!own || !t->machine || own->made_by != JitBackend::CopyPatch) continue;
        const auto& own_code = static_cast<const jit::CompiledTrace&>(*own);
        for (size_t k = 0; k < own->records.size() && k < t->machine->records.size(); ++k)
            if (Trace* target = exit_link_target(own_code, k, x->saved_))
                x->jit_->link_exit(t->machine->records[k], *target);
    }
    return x;
}

CrossCompiled::CrossCompiled(const jit::StencilSet& set) : set_(set) {}

CrossCompiled::~CrossCompiled() {
    for (auto& [t, own] : saved_) t->machine = own;
}

}  // namespace cpjit::tools
