// `cpjit bench`: times programs in every requested tier and Tier-1 dispatch
// mode (and their Python twins), one fresh process per run.
#pragma once

#include <string>
#include <vector>

namespace cpjit {

// args: everything after `cpjit bench`. Returns the process exit code.
int cmd_bench(const std::vector<std::string>& args);

// Of the positive, finite xs; NaN when there is none.
double geomean(const std::vector<double>& xs);

}  // namespace cpjit
