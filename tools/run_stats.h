// Run statistics (`cpjit run --stats`): one list of fields, written as JSON
// (--stats=FILE), as a readable summary (--stats), and read back by
// `cpjit bench`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpjit {

// Field names in output order; each value is a JSON literal: a number,
// true/false/null, or a quoted, escaped string (see json_quote).
using StatFields = std::vector<std::pair<std::string, std::string>>;

// `s` as a JSON string literal, quotes included; control characters,
// quotes and backslashes escaped (other bytes pass through unchanged).
std::string json_quote(std::string_view s);

// {"name": value, ...} with one field per line.
std::string stats_to_json(const StatFields& fields);

// One "name  value" line per field: strings without quotes, whole numbers
// with thousands separators, *_ns also in seconds, *bytes* also in MiB.
std::string stats_to_summary(const StatFields& fields);

// Reads a flat JSON object as written by stats_to_json (no nesting).
// Returns nullopt on malformed input.
std::optional<StatFields> parse_stats_json(std::string_view text);

// The value of `name` as a number, when present and numeric.
std::optional<double> stat_number(const StatFields& fields, std::string_view name);
// The value of `name` as a string (JSON string unescaped, else the literal).
std::optional<std::string> stat_string(const StatFields& fields, std::string_view name);

}  // namespace cpjit
