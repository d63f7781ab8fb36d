// The passes that make a trace: projection (projector.cpp) and the
// optimizer (optimizer.cpp).
#pragma once

#include "jit/tier2/tier2_options.h"
#include "jit/tier2/tier2_stats.h"
#include "jit/tier2/trace.h"
#include "runtime/program.h"

namespace cpjit {

class TraceCache;

// Sets Exit::progress from the projected uops: an exit that resumes at the
// trace's start before any uop of another instruction ran has done nothing
// Tier 1 would see.
void mark_exit_progress(Trace& t);
// False, and `why` set, when nothing worth running came out.
bool project_trace(Program& prog, const TraceCache& cache, Trace& t, const Tier2Options& opts, TraceAbort& why);
void optimize_trace(Trace& t, Tier2Stats& stats);

}  // namespace cpjit
