// Program -> .cpasm text. Jump targets get labels `L<index>`; each
// instruction is placed on the line the program records for it (padding
// with a few blank lines), or preceded by `.line N` when that is impossible
// or would take too many blank lines, so that `asm` of the output gives back
// the same bytes.
#include <fmt/format.h>

#include "runtime/loader.h"
#include "runtime/semantics.h"

namespace cpjit {

std::string literal_text(const Literal& lit) {
    switch (lit.kind) {
    case Literal::Kind::Nil: return "nil";
    case Literal::Kind::False: return "false";
    case Literal::Kind::True: return "true";
    case Literal::Kind::Int: return std::to_string(lit.i);
    case Literal::Kind::Float: {
        std::string s;
        append_float(s, lit.f);
        return s;
    }
    case Literal::Kind::String: break;
    }
    std::string s;
    append_quoted(s, lit.s.data(), lit.s.size(), true);  // printable text that assembles back
    return s;
}

namespace {
constexpr uint32_t kMaxBlankLines = 100;
}  // namespace

std::string disassemble(const Program& prog) {
    std::string out;
    uint32_t line = 1;  // the line the next write starts on
    auto emit = [&](const std::string& text) {
        out += text;
        out += '\n';
        ++line;
    };
    for (auto& g : prog.globals) emit(fmt::format(".global {}", g));
    for (auto& f : prog.functions) {
        std::string head = fmt::format(".func {}", f.name);
        for (uint32_t i = 0; i < f.num_params; ++i) head += " " + f.local_names[i];
        emit(head);
        if (f.num_locals() > f.num_params) {
            std::string locals = ".locals";
            for (uint32_t i = f.num_params; i < f.num_locals(); ++i) locals += " " + f.local_names[i];
            emit(locals);
        }
        std::vector<bool> is_target(f.code.size() + 1, false);
        for (auto& ins : f.code)
            if (op_info(ins.op).operand == OperandKind::Label && size_t(ins.arg) <= f.code.size()) is_target[size_t(ins.arg)] = true;
        for (size_t i = 0; i < f.code.size(); ++i) {
            const Instr& ins = f.code[i];
            uint32_t want = f.pos[i].line;
            uint32_t label_lines = is_target[i] ? 1 : 0;
            // Pad with blank lines only across a small gap: a recorded line
            // can be any u32, and a binary must not make dis write gigabytes.
            if (line + label_lines <= want && want - (line + label_lines) <= kMaxBlankLines) {
                while (line + label_lines < want) emit("");
                if (is_target[i]) emit(fmt::format("L{}:", i));
            } else {
                if (is_target[i]) emit(fmt::format("L{}:", i));
                emit(fmt::format("    .line {}", want));
            }
            const OpInfo& info = op_info(ins.op);
            std::string text = fmt::format("    {}", info.mnemonic);
            std::string operand;
            switch (info.operand) {
            case OperandKind::None: break;
            case OperandKind::Literal: operand = literal_text(prog.literals[size_t(ins.arg)]); break;
            case OperandKind::Local: operand = f.local_names[size_t(ins.arg)]; break;
            case OperandKind::Global: operand = prog.globals[size_t(ins.arg)]; break;
            case OperandKind::Func: operand = prog.functions[size_t(ins.arg)].name; break;
            case OperandKind::Label: operand = fmt::format("L{}", ins.arg); break;
            }
            if (!operand.empty()) text += fmt::format(" {}", operand);
            emit(text);
        }
        if (is_target[f.code.size()]) emit(fmt::format("L{}:", f.code.size()));
        emit(".end");
    }
    return out;
}

}  // namespace cpjit
