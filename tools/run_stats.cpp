#include "tools/run_stats.h"

#include <algorithm>

#include <fmt/format.h>

namespace cpjit {

std::string stats_to_json(const StatFields& fields) {
    return fields.dump(2, ' ', false, StatFields::error_handler_t::replace) + "\n";
}

namespace {

std::string group_thousands(std::string_view digits) {
    std::string sign, out;
    if (!digits.empty() && digits[0] == '-') sign = "-", digits.remove_prefix(1);
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return sign + out;
}

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// A whole number, grouped, with seconds or MiB when the name says what it is.
std::string show_integer(const std::string& name, const nlohmann::ordered_json& v) {
    std::string shown = group_thousands(v.dump());
    double x = v.get<double>();
    if (ends_with(name, "_ns"))
        shown += x >= 1e9 ? fmt::format("  ({:.3f} s)", x / 1e9) : fmt::format("  ({:.3f} ms)", x / 1e6);
    else if (name.find("bytes") != std::string::npos && x >= 1024)
        shown += fmt::format("  ({:.1f} MiB)", x / (1024.0 * 1024.0));
    return shown;
}

}  // namespace

std::string stats_to_summary(const StatFields& fields) {
    size_t width = 0;
    for (auto& [name, value] : fields.items()) width = std::max(width, name.size());
    std::string out = "--- cpjit run statistics ---\n";
    for (auto& [name, value] : fields.items()) {
        std::string shown = value.is_string()                                          ? value.get<std::string>()
                            : value.is_number_integer() || value.is_number_unsigned() ? show_integer(name, value)
                                                                                       : value.dump();
        out += fmt::format("  {:<{}}  {}\n", name, width, shown);
    }
    return out;
}

std::optional<StatFields> parse_stats_json(std::string_view text) {
    StatFields j = StatFields::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

std::optional<double> stat_number(const StatFields& fields, std::string_view name) {
    auto it = fields.find(std::string(name));
    if (it == fields.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

std::optional<std::string> stat_string(const StatFields& fields, std::string_view name) {
    auto it = fields.find(std::string(name));
    if (it == fields.end()) return std::nullopt;
    return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace cpjit
