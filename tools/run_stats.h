// Run statistics (`cpjit run --stats`): one JSON object (nlohmann-json), in
// field order, written as a file (--stats=FILE), as a readable summary
// (--stats), and read back by `cpjit bench`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cpjit {

// Field name -> number, bool or string, in the order they were added.
using StatFields = nlohmann::ordered_json;

// The object with two-space indentation and a final newline.
std::string stats_to_json(const StatFields& fields);

// One "name  value" line per field: strings without quotes, whole numbers
// with thousands separators, *_ns also in seconds, *bytes* also in MiB.
std::string stats_to_summary(const StatFields& fields);

// A JSON object as written by stats_to_json; nullopt when the text is not
// JSON or not an object.
std::optional<StatFields> parse_stats_json(std::string_view text);

// The value of `name` as a number, when present and numeric.
std::optional<double> stat_number(const StatFields& fields, std::string_view name);
// The value of `name` as a string (a string's text, else the JSON text).
std::optional<std::string> stat_string(const StatFields& fields, std::string_view name);

}  // namespace cpjit
