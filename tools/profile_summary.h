// The summary `cpjit profile` prints, from `perf report --stdio --sort
// dso,sym -t '\t'` text: time per part of cpjit (a table of symbol
// patterns) and the hottest uops, both summed over every trace ("uop
// kinds") and one by one (uop symbols, jit/copy_patch/profiling/code_symbols.h).
#pragma once

#include <string>
#include <vector>

namespace cpjit {

struct ProfileRow {
    double percent = 0;
    std::string dso, symbol;
};

struct ProfileSummary {
    std::vector<ProfileRow> rows;                                    // as parsed
    std::vector<std::pair<std::string, double>> parts;              // by the table's order, all listed
    std::vector<std::pair<std::string, double>> uop_kinds;          // hottest first
    std::vector<std::pair<std::string, double>> uop_symbols;        // hottest first
};

// Rows of perf report's output ("12.5%\tdso\t[.] symbol"); other lines skipped.
std::vector<ProfileRow> parse_perf_report(const std::string& text);
// own_dso: the name perf gives the cpjit executable's rows (its file name).
ProfileSummary summarize_profile(std::vector<ProfileRow> rows, const std::string& own_dso = "cpjit");
// The part of cpjit a row falls in (one of the names of kParts in profile_summary.cpp).
const char* profile_part(const ProfileRow& r, const std::string& own_dso = "cpjit");
std::string format_profile(const ProfileSummary& s, size_t top);

}  // namespace cpjit
