// `cpjit explore FILE -o PAGE.html`: after a run, one self-contained HTML
// page (tools/explore_page.inc: inline CSS and JS, no network) that teaches
// copy-and-patch on it: the program's source, every trace (bytecode, uops
// before and after the optimizer as it recorded them, exits and how often
// each reached the VM), its machine code per uop for both targets (the
// uop's C body, its stencil as compiled, the copy with every hole before
// and after patching), a graph of traces and links, what Tier 2 gave up on,
// and --stats explained.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "jit/tier2/trace_cache.h"

namespace cpjit::tools {

// The page's data: everything the page shows, as JSON (the trace listing's
// data, tools/trace_listing.h, for each target). `source` is the program's
// text (or its disassembly for a binary file); `stats` the run's --stats.
// False (and `error`) when a target's stencils cannot be used.
bool explore_data(const Program& prog, const TraceCache* cache, const std::string& file, const std::string& source,
                  const nlohmann::ordered_json& stats, nlohmann::ordered_json& out, std::string& error);

// The page: the template with `data` inlined.
std::string explore_page(const nlohmann::ordered_json& data);

}  // namespace cpjit::tools
