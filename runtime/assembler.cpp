// The .cpasm assembler (docs/language.md §3): one pass over lines that builds functions,
// then name resolution; every error points at FILE:LINE:COL.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/loader.h"

namespace cpjit {

bool is_identifier(std::string_view s) {
    if (s.empty()) return false;
    auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
    if (!alpha(s[0])) return false;
    for (char c : s.substr(1))
        if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.') return false;
    return true;
}

namespace {

struct Token {
    std::string_view text;
    uint32_t col;
};

struct PendingRef {  // a name resolved once everything is declared
    size_t func, instr;
    std::string name;
    SourcePos pos;
};

class Assembler {
public:
    Assembler(const std::string& file, Program& prog, LoadError& err) : file_(file), prog_(prog), err_(err) {
        for (int i = 0; i < kNumOps; ++i) mnemonics_[kOpInfo[i].mnemonic] = Op(i);
    }

    bool run(std::string_view text) {
        uint32_t line = 0;
        size_t at = 0;
        while (at <= text.size()) {
            size_t nl = text.find('\n', at);
            if (nl == std::string_view::npos) nl = text.size();
            ++line;
            std::string_view l = text.substr(at, nl - at);
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            if (!do_line(l, line)) return false;
            at = nl + 1;
        }
        if (current_) return error(current_->decl, fmt::format("function '{}' has no .end", current_->name));
        return resolve_program();
    }

private:
    bool error(SourcePos pos, std::string msg) {
        err_.file = file_;
        err_.binary = false;
        err_.pos = pos;
        err_.message = std::move(msg);
        return false;
    }
    bool error(uint32_t line, const Token& t, std::string msg) { return error(SourcePos{line, t.col}, std::move(msg)); }

    bool tokenize(std::string_view l, uint32_t line, std::vector<Token>& out) {
        size_t i = 0;
        while (i < l.size()) {
            char c = l[i];
            if (c == ' ' || c == '\t') {
                ++i;
                continue;
            }
            if (c == ';') break;
            size_t start = i;
            if (c == '"') {
                ++i;
                while (i < l.size() && l[i] != '"') i += (l[i] == '\\' && i + 1 < l.size()) ? 2 : 1;
                if (i >= l.size()) return error(SourcePos{line, uint32_t(start + 1)}, "unterminated string literal");
                ++i;
                if (i < l.size() && l[i] != ' ' && l[i] != '\t' && l[i] != ';')
                    return error(SourcePos{line, uint32_t(i + 1)}, "expected a blank after the string literal");
            } else {
                while (i < l.size() && l[i] != ' ' && l[i] != '\t' && l[i] != ';') ++i;
            }
            out.push_back({l.substr(start, i - start), uint32_t(start + 1)});
        }
        return true;
    }

    bool expect_identifier(uint32_t line, const Token& t, const char* what) {
        if (is_identifier(t.text)) return true;
        return error(line, t, fmt::format("invalid {} name '{}'", what, t.text));
    }

    bool add_local(uint32_t line, const Token& t) {
        if (!expect_identifier(line, t, "local")) return false;
        // (a map, not a scan: 65535 locals must not take quadratic time)
        if (local_index_.count(std::string(t.text))) return error(line, t, fmt::format("duplicate local '{}'", t.text));
        if (current_->local_names.size() >= 65535) return error(line, t, "too many locals (at most 65535)");
        local_index_.emplace(std::string(t.text), int32_t(current_->local_names.size()));
        current_->local_names.emplace_back(t.text);
        return true;
    }

    bool do_line(std::string_view l, uint32_t line) {
        std::vector<Token> toks;
        if (!tokenize(l, line, toks)) return false;
        if (toks.empty()) return true;
        const Token& head = toks[0];
        if (head.text[0] == '.') return do_directive(toks, line);
        if (head.text.back() == ':' && head.text[0] != '"') {
            std::string_view name = head.text.substr(0, head.text.size() - 1);
            if (!current_) return error(line, head, "label outside a function");
            if (!is_identifier(name)) return error(line, head, fmt::format("invalid label name '{}'", name));
            if (toks.size() > 1) return error(line, toks[1], "a label must be on its own line");
            if (!labels_.emplace(std::string(name), int32_t(current_->code.size())).second)
                return error(line, head, fmt::format("duplicate label '{}'", name));
            return true;
        }
        return do_instruction(toks, line);
    }

    bool do_directive(const std::vector<Token>& toks, uint32_t line) {
        const Token& d = toks[0];
        if (d.text == ".global") {
            if (current_) return error(line, d, ".global inside a function");
            if (toks.size() < 2) return error(SourcePos{line, uint32_t(d.col + d.text.size())}, "expected a global name");
            for (size_t i = 1; i < toks.size(); ++i) {
                if (!expect_identifier(line, toks[i], "global")) return false;
                std::string name(toks[i].text);
                if (!global_index_.emplace(name, int32_t(prog_.globals.size())).second)
                    return error(line, toks[i], fmt::format("duplicate global '{}'", name));
                prog_.globals.push_back(name);
            }
            return true;
        }
        if (d.text == ".func") {
            if (current_) return error(line, d, fmt::format("function '{}' has no .end before .func", current_->name));
            if (toks.size() < 2) return error(SourcePos{line, uint32_t(d.col + d.text.size())}, "expected a function name");
            if (!expect_identifier(line, toks[1], "function")) return false;
            std::string name(toks[1].text);
            if (!func_index_.emplace(name, int32_t(prog_.functions.size())).second)
                return error(line, toks[1], fmt::format("duplicate function '{}'", name));
            prog_.functions.emplace_back();
            current_ = &prog_.functions.back();
            current_->name = name;
            current_->decl = SourcePos{line, d.col};
            labels_.clear();
            label_refs_.clear();
            local_index_.clear();
            for (size_t i = 2; i < toks.size(); ++i)
                if (!add_local(line, toks[i])) return false;
            current_->num_params = uint32_t(current_->local_names.size());
            return true;
        }
        if (d.text == ".locals") {
            if (!current_) return error(line, d, ".locals outside a function");
            for (size_t i = 1; i < toks.size(); ++i)
                if (!add_local(line, toks[i])) return false;
            return true;
        }
        if (d.text == ".line") {  // set the recorded line of the next instruction
            if (!current_) return error(line, d, ".line outside a function");
            uint32_t n = 0;
            if (toks.size() != 2 || !parse_u32(toks[1].text, n))
                return error(line, toks.size() > 1 ? toks[1] : d, "expected a line number after .line");
            line_override_ = n;
            has_line_override_ = true;
            return true;
        }
        if (d.text == ".end") {
            if (!current_) return error(line, d, ".end outside a function");
            if (toks.size() > 1) return error(line, toks[1], "unexpected token after .end");
            return end_function();
        }
        return error(line, d, fmt::format("unknown directive '{}'", d.text));
    }

    static bool parse_u32(std::string_view s, uint32_t& out) {
        auto r = std::from_chars(s.data(), s.data() + s.size(), out);
        return r.ec == std::errc() && r.ptr == s.data() + s.size();
    }

    bool do_instruction(const std::vector<Token>& toks, uint32_t line) {
        const Token& m = toks[0];
        auto it = mnemonics_.find(std::string(m.text));
        if (it == mnemonics_.end()) return error(line, m, fmt::format("unknown instruction '{}'", m.text));
        if (!current_) return error(line, m, "instruction outside a function");
        Op op = it->second;
        const OpInfo& info = op_info(op);
        bool wants = info.operand != OperandKind::None;
        if (wants && toks.size() < 2)
            return error(SourcePos{line, uint32_t(m.col + m.text.size())}, fmt::format("'{}' needs an operand", m.text));
        if (toks.size() > (wants ? 2u : 1u)) return error(line, toks[wants ? 2 : 1], "unexpected operand");
        Instr ins{op};
        SourcePos pos{has_line_override_ ? line_override_ : line, m.col};
        has_line_override_ = false;
        size_t index = current_->code.size();
        size_t func = prog_.functions.size() - 1;
        if (wants) {
            const Token& a = toks[1];
            SourcePos apos{line, a.col};
            switch (info.operand) {
            case OperandKind::Literal: {
                Literal lit;
                if (!parse_literal(a, line, lit)) return false;
                ins.arg = int32_t(prog_.literals.size());
                prog_.literals.push_back(std::move(lit));
                break;
            }
            case OperandKind::Local:
                local_refs_.push_back({func, index, std::string(a.text), apos});
                break;
            case OperandKind::Label:
                if (!is_identifier(a.text)) return error(line, a, fmt::format("invalid label name '{}'", a.text));
                label_refs_.push_back({func, index, std::string(a.text), apos});
                break;
            case OperandKind::Global:
                global_refs_.push_back({func, index, std::string(a.text), apos});
                break;
            case OperandKind::Func:
                func_refs_.push_back({func, index, std::string(a.text), apos});
                break;
            case OperandKind::None: break;
            }
        }
        current_->code.push_back(ins);
        current_->pos.push_back(pos);
        return true;
    }

    bool parse_literal(const Token& t, uint32_t line, Literal& lit) {
        std::string_view s = t.text;
        using K = Literal::Kind;
        if (s == "nil") return lit.kind = K::Nil, true;
        if (s == "true") return lit.kind = K::True, true;
        if (s == "false") return lit.kind = K::False, true;
        if (s == "inf" || s == "-inf" || s == "nan") {
            lit.kind = K::Float;
            lit.f = s == "nan" ? std::nan("") : s == "inf" ? HUGE_VAL : -HUGE_VAL;
            return true;
        }
        if (s[0] == '"') return parse_string(t, line, lit);
        bool neg = s[0] == '-';
        std::string_view body = neg ? s.substr(1) : s;
        if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
            uint64_t u = 0;
            auto r = std::from_chars(body.data() + 2, body.data() + body.size(), u, 16);
            if (r.ptr != body.data() + body.size() || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
                return error(line, t, fmt::format("invalid literal '{}'", s));
            uint64_t limit = neg ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
            if (r.ec == std::errc::result_out_of_range || u > limit)
                return error(line, t, fmt::format("integer literal out of range '{}'", s));
            lit.kind = K::Int;
            lit.i = neg ? int64_t(0 - u) : int64_t(u);
            return true;
        }
        bool digits_only = !body.empty();
        bool floaty = false;
        for (char c : body) {
            if (c == '.' || c == 'e' || c == 'E') floaty = true;
            else if (!(c >= '0' && c <= '9') && c != '+' && c != '-') digits_only = false;
            if (c == '+' || c == '-') digits_only = digits_only && floaty;
        }
        if (!digits_only || body.empty() || (!(body[0] >= '0' && body[0] <= '9') && body[0] != '.'))
            return error(line, t, fmt::format("invalid literal '{}'", s));
        if (!floaty) {
            int64_t v = 0;
            auto r = std::from_chars(s.data(), s.data() + s.size(), v);
            if (r.ec == std::errc::result_out_of_range)
                return error(line, t, fmt::format("integer literal out of range '{}'", s));
            if (r.ec != std::errc() || r.ptr != s.data() + s.size())
                return error(line, t, fmt::format("invalid literal '{}'", s));
            lit.kind = K::Int;
            lit.i = v;
            return true;
        }
        double d = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (r.ptr != s.data() + s.size() || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
            return error(line, t, fmt::format("invalid literal '{}'", s));
        if (r.ec == std::errc::result_out_of_range) {
            d = std::strtod(std::string(s).c_str(), nullptr);  // underflow to 0 or subnormal is fine
            if (std::isinf(d)) return error(line, t, fmt::format("float literal out of range '{}'", s));
        }
        lit.kind = K::Float;
        lit.f = d;
        return true;
    }

    bool parse_string(const Token& t, uint32_t line, Literal& lit) {
        std::string_view s = t.text.substr(1, t.text.size() - 2);
        std::string out;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '\\') {
                out += s[i];
                continue;
            }
            SourcePos at{line, uint32_t(t.col + 1 + i)};
            char e = i + 1 < s.size() ? s[i + 1] : '\0';
            ++i;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'x': {
                auto hex = [](char c) {
                    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                };
                int hi = i + 1 < s.size() ? hex(s[i + 1]) : -1;
                int lo = i + 2 < s.size() ? hex(s[i + 2]) : -1;
                if (hi < 0 || lo < 0) return error(at, "invalid \\x escape (expected two hex digits)");
                out += char(hi * 16 + lo);
                i += 2;
                break;
            }
            default: return error(at, fmt::format("invalid escape '\\{}'", e));
            }
        }
        lit.kind = Literal::Kind::String;
        lit.s = std::move(out);
        return true;
    }

    bool end_function() {
        Function& f = *current_;
        for (auto& ref : label_refs_) {
            auto it = labels_.find(ref.name);
            if (it == labels_.end()) return error(ref.pos, fmt::format("unknown label '{}'", ref.name));
            f.code[ref.instr].arg = it->second;
        }
        for (auto& ref : local_refs_) {
            auto it = local_index_.find(ref.name);
            int32_t index = it == local_index_.end() ? -1 : it->second;
            uint32_t n = 0;
            if (index < 0 && parse_u32(ref.name, n) && n < f.num_locals()) index = int32_t(n);
            if (index < 0) return error(ref.pos, fmt::format("unknown local '{}'", ref.name));
            f.code[ref.instr].arg = index;
        }
        local_refs_.clear();
        current_ = nullptr;
        return true;
    }

    bool resolve_program() {
        for (auto& ref : global_refs_) {
            auto it = global_index_.find(ref.name);
            if (it == global_index_.end()) return error(ref.pos, fmt::format("unknown global '{}'", ref.name));
            prog_.functions[ref.func].code[ref.instr].arg = it->second;
        }
        for (auto& ref : func_refs_) {
            auto it = func_index_.find(ref.name);
            if (it == func_index_.end()) return error(ref.pos, fmt::format("unknown function '{}'", ref.name));
            prog_.functions[ref.func].code[ref.instr].arg = it->second;
        }
        return true;
    }

    const std::string& file_;
    Program& prog_;
    LoadError& err_;
    std::unordered_map<std::string, Op> mnemonics_;
    std::unordered_map<std::string, int32_t> global_index_, func_index_, labels_, local_index_;
    std::vector<PendingRef> label_refs_, local_refs_, global_refs_, func_refs_;
    Function* current_ = nullptr;
    uint32_t line_override_ = 0;
    bool has_line_override_ = false;
};

}  // namespace

bool assemble(const std::string& file, std::string_view text, Program& out, LoadError& err) {
    out.file = file;
    out.binary = false;
    Assembler a(file, out, err);
    return a.run(text);
}

}  // namespace cpjit
