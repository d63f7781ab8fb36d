// `cpjit profile [--top=N] [--keep=DIR] [run options] FILE`: runs the
// program under `perf record` with --perf-map, then prints time per part of
// cpjit (Tier 1, machine code, helpers, collector, ...) and the hottest
// uops (tools/profile_summary.h). Says what to install or allow when perf
// is missing or may not record.
#pragma once

#include <string>
#include <vector>

namespace cpjit {

int cmd_profile(const std::vector<std::string>& args);

}  // namespace cpjit
