// docs/language.md §6 verification, shared by text and binary input: operand ranges,
// `main`, and a dataflow pass over each function that checks stack depths
// agree between paths, never underflow and never fall off the end.
#include <fmt/format.h>

#include "runtime/loader.h"

namespace cpjit {

namespace {

class Verifier {
public:
    Verifier(Program& prog, LoadError& err) : prog_(prog), err_(err) {}

    bool run() {
        for (size_t i = 0; i < prog_.functions.size(); ++i)
            if (prog_.functions[i].name == "main") prog_.main_index = int(i);
        if (prog_.main_index < 0) return error(SourcePos{1, prog_.binary ? 0u : 1u}, "missing function 'main'");
        const Function& main = prog_.functions[size_t(prog_.main_index)];
        if (main.num_params != 0) return error(main.decl, "function 'main' must not have parameters");
        for (auto& f : prog_.functions)
            if (!check_operands(f) || !check_stack(f)) return false;
        return true;
    }

private:
    bool error(SourcePos pos, std::string msg) {
        err_.file = prog_.file;
        err_.binary = prog_.binary;
        err_.pos = pos;
        err_.message = std::move(msg);
        return false;
    }

    bool check_operands(const Function& f) {
        for (size_t i = 0; i < f.code.size(); ++i) {
            const Instr& ins = f.code[i];
            auto limit = [&]() -> size_t {
                switch (op_info(ins.op).operand) {
                case OperandKind::Local: return f.num_locals();
                case OperandKind::Global: return prog_.globals.size();
                case OperandKind::Func: return prog_.functions.size();
                case OperandKind::Label: return f.code.size() + 1;  // == size: falls off, reported below
                case OperandKind::Literal: return prog_.literals.size();
                case OperandKind::None: return SIZE_MAX;
                }
                return 0;
            }();
            if (ins.arg < 0 || size_t(ins.arg) >= limit)
                return error(f.pos[i], fmt::format("operand {} of '{}' out of range", ins.arg, op_info(ins.op).mnemonic));
        }
        return true;
    }

    bool check_stack(Function& f) {
        size_t n = f.code.size();
        if (n == 0) return error(f.decl, fmt::format("path falls off the end of function '{}'", f.name));
        std::vector<int64_t> depth(n, -1);
        std::vector<uint32_t> work{0};
        depth[0] = 0;
        int64_t max_depth = 0;
        while (!work.empty()) {
            uint32_t i = work.back();
            work.pop_back();
            const Instr& ins = f.code[i];
            const OpInfo& info = op_info(ins.op);
            int64_t pops = info.pops, pushes = info.pushes;
            if (ins.op == Op::Call) {
                pops = prog_.functions[size_t(ins.arg)].num_params;
                pushes = 1;
            }
            if (depth[i] < pops)
                return error(f.pos[i], fmt::format("stack underflow: '{}' needs {} value{} but the stack holds {}", info.mnemonic,
                                                   pops, pops == 1 ? "" : "s", depth[i]));
            int64_t after = depth[i] - pops + pushes;
            max_depth = std::max(max_depth, after);
            auto flow = [&](size_t to) {
                if (to >= n) return error(f.pos[i], fmt::format("path falls off the end of function '{}'", f.name));
                if (depth[to] < 0) {
                    depth[to] = after;
                    work.push_back(uint32_t(to));
                } else if (depth[to] != after) {
                    return error(f.pos[to], fmt::format("stack depth differs between paths ({} and {})", depth[to], after));
                }
                return true;
            };
            bool ok = true;
            switch (ins.op) {
            case Op::Ret: break;
            case Op::Jmp: ok = flow(size_t(ins.arg)); break;
            case Op::Jt:
            case Op::Jf: ok = flow(i + 1) && flow(size_t(ins.arg)); break;
            default: ok = flow(i + 1); break;
            }
            if (!ok) return false;
        }
        f.max_stack = uint32_t(max_depth);
        return true;
    }

    Program& prog_;
    LoadError& err_;
};

}  // namespace

bool verify(Program& prog, LoadError& err) { return Verifier(prog, err).run(); }

}  // namespace cpjit
