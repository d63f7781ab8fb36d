// Symbol names for machine code (see code_symbols.h).
#include "jit/copy_patch/profiling/code_symbols.h"

#include <fmt/format.h>

#include "jit/copy_patch/trace_compiler.h"

namespace cpjit::jit::profiling {

namespace {

bool holds(const Function* f, const Instr* ins) {
    return f && !f->code.empty() && ins >= f->code.data() && ins < f->code.data() + f->code.size();
}

// "fn@index" of a uop's bytecode instruction. The function is followed
// through the trace (PUSH_FRAME enters the callee, POP_FRAME leaves it) so
// inlined calls name their own function.
class Places {
public:
    explicit Places(const Trace& t) { frames_.push_back(t.fn); }
    std::string of(const Uop& u) {
        std::string s = "?";
        for (auto f = frames_.rbegin(); f != frames_.rend(); ++f)
            if (holds(*f, u.origin)) {
                s = fmt::format("{}@{}", (*f)->name, u.origin - (*f)->code.data());
                break;
            }
        if (u.op == UopOp::PUSH_FRAME) frames_.push_back(reinterpret_cast<const CallSite*>(u.operand)->fn);
        if (u.op == UopOp::POP_FRAME && frames_.size() > 1) frames_.pop_back();
        return s;
    }

private:
    std::vector<const Function*> frames_;
};

}  // namespace

std::string trace_symbol(const Trace& t) {
    return fmt::format("cpjit:t{}:{}@{}", t.id, t.fn ? t.fn->name : "?", t.start);
}

std::vector<CodeSymbol> piece_symbols(const Trace& t, const CompiledTrace& c) {
    std::vector<std::string> where;  // per uop
    where.reserve(t.uops.size());
    Places places(t);
    for (const Uop& u : t.uops) where.push_back(places.of(u));
    std::vector<CodeSymbol> out;
    out.reserve(c.placed.size());
    for (const PlacedStencil& p : c.placed) {
        if (p.uop < 0 || size_t(p.uop) >= t.uops.size())
            out.push_back({p.offset, p.size, fmt::format("cpjit:t{}:exit", t.id)});
        else if (p.spill && p.stencil)  // a spill by its stencil's name (SPILL_r2)
            out.push_back({p.offset, p.size, fmt::format("cpjit:t{}:{}:{}", t.id, where[size_t(p.uop)], p.stencil->name)});
        else {  // a uop by its name whichever variant ran; a Fused stencil's uops joined by '+'
            std::string uops = uop_info(t.uops[size_t(p.uop)].op).name;
            for (int32_t k = 1; k < p.num_uops && size_t(p.uop + k) < t.uops.size(); ++k)
                uops += std::string("+") + uop_info(t.uops[size_t(p.uop + k)].op).name;
            out.push_back({p.offset, p.size, fmt::format("cpjit:t{}:{}:{}", t.id, where[size_t(p.uop)], uops)});
        }
    }
    return out;
}

}  // namespace cpjit::jit::profiling
