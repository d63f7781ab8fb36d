// The .cpbc binary format (docs/language.md §9). Little-endian throughout.
//
//   "CPBC" u32 version
//   u32 #globals, then each name (u32 length + bytes)
//   u32 #functions, then each function:
//     name, u32 #params, u32 #locals, each local name,
//     u32 #instructions, then each instruction:
//       u8 opcode, its operand, u32 source line
//   operands: a literal is u8 kind + (i64 | f64 bits | u32 length + bytes);
//   local, global, label (instruction index) and function operands are u32.
//
// Literals are stored inline (no pool) so that disassembling and assembling
// again reproduces the bytes exactly.
#include <cmath>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "runtime/loader.h"

namespace cpjit {

namespace {

class Writer {
public:
    void u8(uint8_t v) { out.push_back(char(v)); }
    void u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) u8(uint8_t(v >> (8 * i)));
    }
    void u64(uint64_t v) {
        for (int i = 0; i < 8; ++i) u8(uint8_t(v >> (8 * i)));
    }
    void str(const std::string& s) {
        u32(uint32_t(s.size()));
        out += s;
    }
    std::string out;
};

class Reader {
public:
    Reader(const std::string& file, std::string_view bytes, LoadError& err) : file_(file), bytes_(bytes), err_(err) {}

    size_t offset() const { return at_; }
    bool fail(size_t offset, std::string msg) {
        err_.file = file_;
        err_.binary = true;
        err_.pos = SourcePos{0, uint32_t(offset)};
        err_.message = std::move(msg);
        return false;
    }
    bool need(size_t n) {
        if (bytes_.size() - at_ >= n) return true;
        return fail(at_, "unexpected end of file");
    }
    bool u8(uint8_t& v) {
        if (!need(1)) return false;
        v = uint8_t(bytes_[at_++]);
        return true;
    }
    bool u32(uint32_t& v) {
        if (!need(4)) return false;
        v = 0;
        for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(bytes_[at_ + i])) << (8 * i);
        at_ += 4;
        return true;
    }
    bool u64(uint64_t& v) {
        if (!need(8)) return false;
        v = 0;
        for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(bytes_[at_ + i])) << (8 * i);
        at_ += 8;
        return true;
    }
    bool str(std::string& s) {
        uint32_t n;
        if (!u32(n) || !need(n)) return false;
        s.assign(bytes_.data() + at_, n);
        at_ += n;
        return true;
    }
    bool name(std::string& s, const char* what) {
        size_t start = at_;
        if (!str(s)) return false;
        if (!is_identifier(s)) return fail(start, fmt::format("invalid {} name", what));
        return true;
    }
    // A count of items that each take at least `min_size` bytes.
    bool count(uint32_t& n, size_t min_size) {
        size_t start = at_;
        if (!u32(n)) return false;
        if (uint64_t(n) * min_size > bytes_.size() - at_) return fail(start, "count larger than the file");
        return true;
    }
    bool at_end() const { return at_ == bytes_.size(); }

private:
    const std::string& file_;
    std::string_view bytes_;
    LoadError& err_;
    size_t at_ = 0;
};

void write_literal(Writer& w, const Literal& lit) {
    w.u8(uint8_t(lit.kind));
    switch (lit.kind) {
    case Literal::Kind::Int: w.u64(uint64_t(lit.i)); break;
    case Literal::Kind::Float: {
        uint64_t bits;
        std::memcpy(&bits, &lit.f, 8);
        w.u64(bits);
        break;
    }
    case Literal::Kind::String: w.str(lit.s); break;
    default: break;
    }
}

bool read_literal(Reader& r, Literal& lit) {
    size_t start = r.offset();
    uint8_t kind;
    if (!r.u8(kind)) return false;
    if (kind > uint8_t(Literal::Kind::String)) return r.fail(start, fmt::format("invalid literal kind {}", kind));
    lit.kind = Literal::Kind(kind);
    uint64_t bits;
    switch (lit.kind) {
    case Literal::Kind::Int:
        if (!r.u64(bits)) return false;
        lit.i = int64_t(bits);
        break;
    case Literal::Kind::Float:
        if (!r.u64(bits)) return false;
        std::memcpy(&lit.f, &bits, 8);
        // The text form can only write the canonical NaN.
        if (std::isnan(lit.f) && bits != 0x7FF8000000000000ull) return r.fail(start, "non-canonical NaN literal");
        break;
    case Literal::Kind::String: return r.str(lit.s);
    default: break;
    }
    return true;
}

bool unique(Reader& r, std::unordered_set<std::string>& seen, const std::string& name, size_t at, const char* what) {
    if (seen.insert(name).second) return true;
    return r.fail(at, fmt::format("duplicate {} '{}'", what, name));
}

}  // namespace

std::string write_bytecode(const Program& prog) {
    Writer w;
    w.out.append(kBytecodeMagic, 4);
    w.u32(kBytecodeVersion);
    w.u32(uint32_t(prog.globals.size()));
    for (auto& g : prog.globals) w.str(g);
    w.u32(uint32_t(prog.functions.size()));
    for (auto& f : prog.functions) {
        w.str(f.name);
        w.u32(f.num_params);
        w.u32(f.num_locals());
        for (auto& n : f.local_names) w.str(n);
        w.u32(uint32_t(f.code.size()));
        for (size_t i = 0; i < f.code.size(); ++i) {
            const Instr& ins = f.code[i];
            w.u8(uint8_t(base_op(ins.op)));
            switch (op_info(ins.op).operand) {
            case OperandKind::None: break;
            case OperandKind::Literal: write_literal(w, prog.literals[size_t(ins.arg)]); break;
            default: w.u32(uint32_t(ins.arg)); break;
            }
            w.u32(f.pos[i].line);
        }
    }
    return w.out;
}

bool read_bytecode(const std::string& file, std::string_view bytes, Program& prog, LoadError& err) {
    prog.file = file;
    prog.binary = true;
    Reader r(file, bytes, err);
    if (bytes.size() < 4 || std::memcmp(bytes.data(), kBytecodeMagic, 4) != 0) return r.fail(0, "not a cpjit bytecode file (bad magic)");
    uint32_t magic, version;
    if (!r.u32(magic) || !r.u32(version)) return false;
    if (version != kBytecodeVersion)
        return r.fail(4, fmt::format("unsupported bytecode version {} (this cpjit reads version {})", version, kBytecodeVersion));
    uint32_t n;
    if (!r.count(n, 4)) return false;
    std::unordered_set<std::string> seen;
    for (uint32_t i = 0; i < n; ++i) {
        size_t at = r.offset();
        std::string g;
        if (!r.name(g, "global") || !unique(r, seen, g, at, "global")) return false;
        prog.globals.push_back(std::move(g));
    }
    // The smallest function is 17 bytes: a one-byte name (4 + 1), #params,
    // #locals, #instructions; the verifier says what is wrong with it.
    if (!r.count(n, 17)) return false;
    seen.clear();
    prog.functions.resize(n);
    for (auto& f : prog.functions) {
        size_t at = r.offset();
        if (!r.name(f.name, "function") || !unique(r, seen, f.name, at, "function")) return false;
        f.decl.col = uint32_t(at);
        uint32_t nlocals;
        if (!r.u32(f.num_params)) return false;
        at = r.offset();
        if (!r.count(nlocals, 4)) return false;
        if (nlocals > 65535) return r.fail(at, "too many locals (at most 65535)");
        if (f.num_params > nlocals) return r.fail(at, "more parameters than locals");
        std::unordered_set<std::string> locals;
        f.local_names.resize(nlocals);
        for (auto& name : f.local_names) {
            at = r.offset();
            if (!r.name(name, "local") || !unique(r, locals, name, at, "local")) return false;
        }
        uint32_t ninstr;
        if (!r.count(ninstr, 5)) return false;
        f.code.resize(ninstr);
        f.pos.resize(ninstr);
        for (uint32_t i = 0; i < ninstr; ++i) {
            size_t start = r.offset();
            uint8_t op;
            if (!r.u8(op)) return false;
            if (op >= kNumOps) return r.fail(start, fmt::format("unknown opcode {}", op));
            Instr& ins = f.code[i];
            ins.op = Op(op);
            switch (op_info(ins.op).operand) {
            case OperandKind::None: break;
            case OperandKind::Literal: {
                Literal lit;
                if (!read_literal(r, lit)) return false;
                ins.arg = int32_t(prog.literals.size());
                prog.literals.push_back(std::move(lit));
                break;
            }
            default: {
                uint32_t a;
                if (!r.u32(a)) return false;
                if (a > uint32_t(INT32_MAX)) return r.fail(start, "operand out of range");
                ins.arg = int32_t(a);
            }
            }
            if (!r.u32(f.pos[i].line)) return false;
            f.pos[i].col = uint32_t(start);
        }
    }
    if (!r.at_end()) return r.fail(r.offset(), "trailing bytes after the last function");
    return true;
}

}  // namespace cpjit
