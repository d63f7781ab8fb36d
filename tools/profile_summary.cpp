// Classifying perf samples by part of cpjit (see profile_summary.h).
#include "tools/profile_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

namespace cpjit {

namespace {

// First match wins. dso/symbol: ECMAScript patterns searched in the row
// (empty: any); own_binary: the row's dso is the cpjit executable itself
// (perf names it by its file name, which need not be "cpjit"). Machine code
// is named by --perf-map or --perf-jitdump.
struct Part {
    const char* name;
    const char* dso;
    const char* symbol;
    bool own_binary = false;
};
const Part kParts[] = {
    {"machine code (JIT traces)", R"(^\[JIT\]|^jitted-)", ""},
    {"helpers called from machine code", "", R"(^cpjit_uop_)"},
    {"Tier 1 interpreter", "", R"(^cpjit::VM::interpret)"},
    {"Tier 2 uop interpreter and exits", "", R"(^cpjit::Tier2::(run_uops|run_traces|run_machine_code|take_exit))"},
    {"JIT compiler and trace building", "", R"(^cpjit::(jit::|TraceCache|Tier2::(build_trace|grow_)|Projector|Optimizer|optimize|project))"},
    {"garbage collector", "", R"(^cpjit::Heap::(collect|drain_mark_stack|mark|sweep|release_object)|::trace\()"},
    {"runtime (allocation, values, calls)", "", "", true},
    {"kernel", R"(^\[kernel)", ""},
    {"other (libc, loader)", "", ""},
};

struct CompiledPart {
    std::string name;
    std::regex dso, symbol;
    bool any_dso, any_symbol, own_binary;
};

const std::vector<CompiledPart>& parts() {
    static const std::vector<CompiledPart> all = [] {
        std::vector<CompiledPart> v;
        for (const Part& p : kParts)
            v.push_back({p.name, std::regex(p.dso), std::regex(p.symbol), !*p.dso, !*p.symbol, p.own_binary});
        return v;
    }();
    return all;
}

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// cpjit:t3:fib@12:ADD_INT -> ADD_INT; "" for other symbols (exit stubs too).
std::string uop_kind(const std::string& sym) {
    static const std::regex re(R"(^cpjit:t\d+:.*@\d+:([A-Z0-9_]+)$)");
    std::smatch m;
    return std::regex_match(sym, m, re) ? m[1].str() : "";
}

std::vector<std::pair<std::string, double>> sorted(const std::map<std::string, double>& m) {
    std::vector<std::pair<std::string, double>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
}

}  // namespace

std::vector<ProfileRow> parse_perf_report(const std::string& text) {
    std::vector<ProfileRow> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::istringstream fields(line);
        for (std::string x; std::getline(fields, x, '\t');) f.push_back(trim(x));
        if (f.size() != 3 || f[0].empty() || f[0].back() != '%') continue;
        ProfileRow r;
        try {
            r.percent = std::stod(f[0]);
        } catch (...) {
            continue;
        }
        r.dso = f[1];
        r.symbol = f[2].size() > 4 && f[2][0] == '[' && f[2][2] == ']' ? trim(f[2].substr(3)) : f[2];
        rows.push_back(r);
    }
    return rows;
}

const char* profile_part(const ProfileRow& r, const std::string& own_dso) {
    for (const CompiledPart& p : parts())
        if ((p.any_dso || std::regex_search(r.dso, p.dso)) && (p.any_symbol || std::regex_search(r.symbol, p.symbol)) &&
            (!p.own_binary || r.dso == own_dso))
            return p.name.c_str();
    return parts().back().name.c_str();
}

ProfileSummary summarize_profile(std::vector<ProfileRow> rows, const std::string& own_dso) {
    ProfileSummary s;
    std::map<std::string, double> part, kinds, syms;
    for (const ProfileRow& r : rows) {
        part[profile_part(r, own_dso)] += r.percent;
        if (std::string k = uop_kind(r.symbol); !k.empty()) {
            kinds[k] += r.percent;
            syms[r.symbol] += r.percent;
        }
    }
    for (const CompiledPart& p : parts()) s.parts.push_back({p.name, part[p.name]});
    s.uop_kinds = sorted(kinds);
    s.uop_symbols = sorted(syms);
    s.rows = std::move(rows);
    return s;
}

std::string format_profile(const ProfileSummary& s, size_t top) {
    std::string out = "time per part of cpjit (% of samples):\n";
    for (const auto& [name, pct] : s.parts) out += fmt::format("  {:6.2f}%  {}\n", pct, name);
    if (s.uop_kinds.empty()) {
        out += "no sample in machine code (did the program run long enough to compile traces? --jit=on?)\n";
        return out;
    }
    out += fmt::format("hottest uops, summed over all traces:\n");
    for (size_t i = 0; i < s.uop_kinds.size() && i < top; ++i)
        out += fmt::format("  {:6.2f}%  {}\n", s.uop_kinds[i].second, s.uop_kinds[i].first);
    out += fmt::format("hottest uops one by one (cpjit:tTRACE:FUNCTION@INSTRUCTION:UOP):\n");
    for (size_t i = 0; i < s.uop_symbols.size() && i < top; ++i)
        out += fmt::format("  {:6.2f}%  {}\n", s.uop_symbols[i].second, s.uop_symbols[i].first);
    return out;
}

}  // namespace cpjit
