// Text of a trace for `cpjit trace`: the bytecode it came from, its uops
// before and after the optimizer, and its exits. Addresses never appear, so
// the text is stable and used as golden output in tests.
#include <algorithm>

#include <fmt/format.h>

#include "jit/tier2/trace_printer.h"
#include "runtime/loader.h"
#include "runtime/semantics.h"

namespace cpjit {

namespace {

struct Where {
    const Function* fn = nullptr;
    size_t index = 0;
};

Where locate(const Program& prog, const Instr* ins) {
    for (const Function& f : prog.functions)
        if (!f.code.empty() && ins >= f.code.data() && ins < f.code.data() + f.code.size())
            return {&f, size_t(ins - f.code.data())};
    return {};
}

std::string place(const Program& prog, const Instr* ins) {
    Where w = locate(prog, ins);
    if (!w.fn) return "?";
    return fmt::format("{}@{} (line {})", w.fn->name, w.index, w.fn->pos[w.index].line);
}

std::string value_text(Value v) {
    if (v.is_string()) {
        Literal lit;
        lit.kind = Literal::Kind::String;
        lit.s.assign(v.as_string()->data, size_t(v.as_string()->len));
        return literal_text(lit);
    }
    std::string s;
    append_text(s, v, 200);
    return s;
}

std::string bytecode_text(const Program& prog, const Instr* ins) {
    Where w = locate(prog, ins);
    if (!w.fn) return "?";
    const OpInfo& info = op_info(ins->op);
    std::string s = op_name(ins->op);
    switch (info.operand) {
    case OperandKind::None: break;
    case OperandKind::Literal: s += " " + literal_text(prog.literals[size_t(ins->arg)]); break;
    case OperandKind::Local: s += " " + w.fn->local_names[size_t(ins->arg)]; break;
    case OperandKind::Global: s += " " + prog.globals[size_t(ins->arg)]; break;
    case OperandKind::Func: s += " " + prog.functions[size_t(ins->arg)].name; break;
    case OperandKind::Label: s += fmt::format(" @{}", ins->arg); break;
    }
    return s;
}

}  // namespace

std::string print_place(const Program& prog, const Instr* ins) { return place(prog, ins); }
std::string value_literal_text(Value v) { return value_text(v); }

std::string print_uop(const Program& prog, const Trace& t, const Uop& u) {
    std::string s = uop_info(u.op).name;
    Where w = u.origin ? locate(prog, u.origin) : Where{};
    switch (u.op) {
    case UopOp::CONST: s += " " + value_text(Value::from_bits(u.operand)); break;
    case UopOp::LOAD_LOCAL:
    case UopOp::STORE_LOCAL:
    case UopOp::GUARD_INT_LOCAL:
    case UopOp::GUARD_FLOAT_LOCAL:
    case UopOp::GUARD_ARRAY_LOCAL:
        if (w.fn) s += " " + w.fn->local_names[size_t(u.arg)];
        break;
    case UopOp::LOAD_GLOBAL:
    case UopOp::STORE_GLOBAL: s += " " + prog.globals[size_t(u.arg)]; break;
    case UopOp::PUSH_FRAME: s += " " + reinterpret_cast<const CallSite*>(u.operand)->fn->name; break;
    case UopOp::LINK_TRACE: s += fmt::format(" trace {}", reinterpret_cast<const Trace*>(u.operand)->id); break;
    default: break;
    }
    if (is_generic(u.op)) s += fmt::format(" {}", op_info(Op(u.arg)).mnemonic);
    if (uop_info(u.op).flags & uop_flag::EXIT) s += fmt::format(" [exit {}]", u.exit);
    if (u.op == UopOp::EXIT_TRACE) s += fmt::format(" [exit {}]", u.exit);
    return s;
}

std::string print_trace(const Program& prog, const Trace& t) {
    std::string out;
    const char* kind = t.parent ? "side trace" : t.from_entry ? "function entry" : t.at_return ? "return point" : "loop";
    out += fmt::format("trace {}: {} at {}", t.id, kind, place(prog, &t.fn->code[t.start]));
    if (t.parent) out += fmt::format(", from exit {} of trace {}", t.parent_exit, t.parent->id);
    if (t.replaced_by) out += fmt::format(", replaced by trace {} (kept exiting at its start)", t.replaced_by->id);
    out += fmt::format("\n  ends: {}\n", t.stop_reason);

    out += "  bytecode:\n";
    std::vector<const Instr*> seen;
    for (const Uop& u : t.projected) {
        if (!u.origin || std::find(seen.begin(), seen.end(), u.origin) != seen.end()) continue;
        seen.push_back(u.origin);
        out += fmt::format("    {:<26} {}\n", place(prog, u.origin), bytecode_text(prog, u.origin));
    }
    auto list = [&](const char* title, const std::vector<Uop>& uops, uint32_t loop_head) {
        out += fmt::format("  uops {} ({}):\n", title, uops.size());
        if (loop_head) out += "       (on entry, once)\n";
        for (size_t i = 0; i < uops.size(); ++i) {
            if (loop_head && i == loop_head) out += "       (loop: JUMP_TO_TOP comes back here)\n";
            out += fmt::format("    {:3}  {}\n", i, print_uop(prog, t, uops[i]));
        }
    };
    list("projected", t.projected, 0);
    list("optimized", t.uops, t.loop_head);
    out += "  exits:\n";
    for (size_t i = 0; i < t.exits.size(); ++i) {
        const Exit& e = t.exits[i];
        out += fmt::format("    {:3}  -> {}", i, place(prog, e.resume));
        if (e.side) out += fmt::format(", linked to trace {}", e.side->id);
        if (e.entry_guard) out += " (entry guard)";
        if (!e.progress && !e.at_return) out += " (no progress: Tier 1 runs it)";
        out += '\n';
    }
    return out;
}

}  // namespace cpjit
