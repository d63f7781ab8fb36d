// How Tier 2 gets a backend without naming one: whoever sets up a run
// (jit/engine.cpp) passes the factory of the backend --jit asked for.
#pragma once

#include <memory>

#include "jit/tier2/tier2_options.h"
#include "jit/tier2/tier2_stats.h"

namespace cpjit::jit {

class Backend;
// The backend for `opts`, counting into `stats`; nullptr when it cannot
// run here (no stencils for the host, no executable memory, no LLVM).
using BackendFactory = std::unique_ptr<Backend> (*)(const Tier2Options& opts, Tier2Stats& stats);

}  // namespace cpjit::jit
