// A run's traces compiled again with another target's stencils (`cpjit trace
// --target=T`, the explorer's target switch): copied and patched into memory
// that is never executable, never run, only listed.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jit/copy_patch/stencil_set.h"
#include "jit/copy_patch/trace_compiler.h"
#include "jit/tier2/trace_cache.h"

namespace cpjit::tools {

// While it lives, every trace's `machine` is its code for `set`: the traces
// that had machine code in the run (all of them after a --jit=uops run) are
// compiled in the order they were built, and the exits the run linked are
// linked again, so the listing is the one a run on that target would print.
// The destructor gives every trace its own code back.
class CrossCompiled {
public:
    // nullptr (and `error`) when the stencils cannot be used.
    static std::unique_ptr<CrossCompiled> create(const TraceCache& cache, const jit::StencilSet& set,
                                                 std::string& error);
    ~CrossCompiled();
    const jit::StencilSet& stencils() const { return set_; }

private:
    explicit CrossCompiled(const jit::StencilSet& set);
    const jit::StencilSet& set_;
    Tier2Stats stats_;
    std::unique_ptr<jit::Jit> jit_;
    std::vector<std::pair<Trace*, jit::MachineCode*>> saved_;  // each trace's own code
};

// The trace the run linked exit record `k` of `c` to (read from the stub's
// link hole, so `c` must keep its listing), or nullptr. `traces` pairs each
// trace with the code that was its own in the run.
Trace* exit_link_target(const jit::CompiledTrace& c, size_t k,
                        const std::vector<std::pair<Trace*, jit::MachineCode*>>& traces);

}  // namespace cpjit::tools
