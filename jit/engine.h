// A run of a program in the tiers it asked for: the VM (runtime/), and for
// --jit=uops|on|llvm-* Tier 2 attached to it, with the backend --jit names.
// The one place that knows every layer: what `cpjit run`, the benchmarks,
// the tests and the fuzzers use to run a program.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "jit/backend.h"
#include "jit/tier2/tier2_options.h"
#include "runtime/vm.h"

namespace cpjit {

class Tier2;
class TraceCache;

enum class Tier : uint8_t { Interp, Uops, Jit };

// One tier a run may ask for (tiers.def).
struct TierChoice {
    const char* name;  // as --jit= and --tiers spell it
    Tier tier;
    JitBackend backend;
    const char* what;
    bool compiles() const { return tier == Tier::Jit; }
    bool needs_llvm() const { return backend != JitBackend::CopyPatch; }
};
// Every tier, in tiers.def's order.
std::span<const TierChoice> tier_choices();
// The tier called `name`; nullptr when there is none.
const TierChoice* tier_named(std::string_view name);
// "off, uops, on, llvm-O0 or llvm-O2" (for messages).
std::string tier_names(const char* last_separator = " or ");

// What a run asks for: the VM's options, the tier, and Tier 2's options.
struct RunOptions : VmOptions {
    Tier tier = Tier::Interp;
    Tier2Options tier2;
    void choose(const TierChoice& c) {
        tier = c.tier;
        tier2.backend = c.backend;
    }
};

class Engine {
public:
    Engine(Program& prog, const RunOptions& opts);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Runs main: the exit code (VM::run).
    int run() { return vm_.run(); }
    VM& vm() { return vm_; }
    const VM& vm() const { return vm_; }
    // Tier 2 and its traces (nullptr with --jit=off).
    Tier2* tier2() const { return tier2_.get(); }
    const TraceCache* traces() const;

private:
    VM vm_;
    std::unique_ptr<Tier2> tier2_;
};

namespace jit {
// The factory of the backend `opts.backend` names (jit/backend.h).
BackendFactory backend_factory(const Tier2Options& opts);
// Whether this build has the LLVM backend (-DCPJIT_LLVM_BACKEND=ON).
bool llvm_backend_built();
}  // namespace jit

}  // namespace cpjit
