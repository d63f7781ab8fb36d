#include "tools/run_stats.h"

#include <cstdlib>

#include <fmt/format.h>

namespace cpjit {

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04x}", unsigned(c));
            else out += char(c);
        }
    }
    out += '"';
    return out;
}

std::string stats_to_json(const StatFields& fields) {
    std::string json = "{\n";
    for (size_t i = 0; i < fields.size(); ++i)
        json += fmt::format("  {}: {}{}\n", json_quote(fields[i].first), fields[i].second, i + 1 < fields.size() ? "," : "");
    json += "}\n";
    return json;
}

namespace {

bool is_whole_number(std::string_view v) {
    size_t i = !v.empty() && v[0] == '-';
    if (i == v.size()) return false;
    for (; i < v.size(); ++i)
        if (v[i] < '0' || v[i] > '9') return false;
    return true;
}

std::string group_thousands(std::string_view digits) {
    std::string sign, out;
    if (!digits.empty() && digits[0] == '-') sign = "-", digits.remove_prefix(1);
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return sign + out;
}

// Parses one JSON string literal at text[pos] (which is '"'); advances pos.
std::optional<std::string> parse_string(std::string_view text, size_t& pos) {
    std::string out;
    if (pos >= text.size() || text[pos] != '"') return std::nullopt;
    for (++pos; pos < text.size(); ++pos) {
        char c = text[pos];
        if (c == '"') {
            ++pos;
            return out;
        }
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++pos >= text.size()) return std::nullopt;
        switch (text[pos]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
            if (pos + 4 >= text.size()) return std::nullopt;
            unsigned cp = unsigned(std::strtoul(std::string(text.substr(pos + 1, 4)).c_str(), nullptr, 16));
            pos += 4;
            if (cp < 0x80) {
                out += char(cp);
            } else if (cp < 0x800) {
                out += char(0xc0 | (cp >> 6));
                out += char(0x80 | (cp & 0x3f));
            } else {
                out += char(0xe0 | (cp >> 12));
                out += char(0x80 | ((cp >> 6) & 0x3f));
                out += char(0x80 | (cp & 0x3f));
            }
            break;
        }
        default: return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string stats_to_summary(const StatFields& fields) {
    size_t width = 0;
    for (auto& [name, value] : fields) width = std::max(width, name.size());
    std::string out = "--- cpjit run statistics ---\n";
    for (auto& [name, value] : fields) {
        std::string shown = value;
        if (!value.empty() && value[0] == '"') {
            size_t pos = 0;
            if (auto s = parse_string(value, pos)) shown = *s;
        } else if (is_whole_number(value)) {
            shown = group_thousands(value);
            double x = std::strtod(value.c_str(), nullptr);
            std::string_view n = name;
            if (n.size() > 3 && n.substr(n.size() - 3) == "_ns")
                shown += x >= 1e9 ? fmt::format("  ({:.3f} s)", x / 1e9) : fmt::format("  ({:.3f} ms)", x / 1e6);
            else if (n.find("bytes") != std::string_view::npos && x >= 1024)
                shown += fmt::format("  ({:.1f} MiB)", x / (1024.0 * 1024.0));
        }
        out += fmt::format("  {:<{}}  {}\n", name, width, shown);
    }
    return out;
}

std::optional<StatFields> parse_stats_json(std::string_view text) {
    StatFields out;
    size_t pos = 0;
    auto skip_ws = [&] {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\r' || text[pos] == '\t')) ++pos;
    };
    skip_ws();
    if (pos >= text.size() || text[pos] != '{') return std::nullopt;
    ++pos;
    skip_ws();
    if (pos < text.size() && text[pos] == '}') return out;
    for (;;) {
        skip_ws();
        auto key = parse_string(text, pos);
        if (!key) return std::nullopt;
        skip_ws();
        if (pos >= text.size() || text[pos] != ':') return std::nullopt;
        ++pos;
        skip_ws();
        size_t start = pos;
        if (pos < text.size() && text[pos] == '"') {
            if (!parse_string(text, pos)) return std::nullopt;
        } else {
            while (pos < text.size() && text[pos] != ',' && text[pos] != '}' && text[pos] != ' ' && text[pos] != '\n' &&
                   text[pos] != '\r' && text[pos] != '\t' && text[pos] != '{' && text[pos] != '[')
                ++pos;
            if (pos == start) return std::nullopt;  // nested values are not stats
        }
        out.emplace_back(*key, std::string(text.substr(start, pos - start)));
        skip_ws();
        if (pos >= text.size()) return std::nullopt;
        if (text[pos] == '}') return out;
        if (text[pos] != ',') return std::nullopt;
        ++pos;
    }
}

std::optional<double> stat_number(const StatFields& fields, std::string_view name) {
    for (auto& [n, v] : fields) {
        if (n != name) continue;
        if (v.empty() || v[0] == '"' || v == "true" || v == "false" || v == "null") return std::nullopt;
        char* end = nullptr;
        double x = std::strtod(v.c_str(), &end);
        if (end != v.c_str() + v.size()) return std::nullopt;
        return x;
    }
    return std::nullopt;
}

std::optional<std::string> stat_string(const StatFields& fields, std::string_view name) {
    for (auto& [n, v] : fields) {
        if (n != name) continue;
        size_t pos = 0;
        if (!v.empty() && v[0] == '"') return parse_string(v, pos);
        return v;
    }
    return std::nullopt;
}

}  // namespace cpjit
