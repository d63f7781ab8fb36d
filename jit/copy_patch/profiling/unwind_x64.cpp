// x86-64 stack analysis for unwind information (see unwind.h), with
// capstone: push/pop, add/sub/lea of RSP; jumps and branches inside the
// piece are followed, the ones that leave it end a path (tail calls into
// the next stencil, side exits).
#include <capstone/capstone.h>

#include <algorithm>
#include <climits>
#include <map>
#include <vector>

#include "jit/copy_patch/profiling/unwind.h"

namespace cpjit::jit::profiling {

namespace {

// DWARF register numbers of x86-64 (System V psABI), by capstone register.
int dwarf_reg(unsigned r) {
    switch (r) {
    case X86_REG_RAX: return 0;
    case X86_REG_RDX: return 1;
    case X86_REG_RCX: return 2;
    case X86_REG_RBX: return 3;
    case X86_REG_RSI: return 4;
    case X86_REG_RDI: return 5;
    case X86_REG_RBP: return 6;
    case X86_REG_R8: return 8;
    case X86_REG_R9: return 9;
    case X86_REG_R10: return 10;
    case X86_REG_R11: return 11;
    case X86_REG_R12: return 12;
    case X86_REG_R13: return 13;
    case X86_REG_R14: return 14;
    case X86_REG_R15: return 15;
    default: return -1;
    }
}
bool callee_saved(int dwarf) { return dwarf == 3 || dwarf == 6 || (dwarf >= 12 && dwarf <= 15); }

struct Insn {
    uint32_t offset, size;
    unsigned id;
    bool jump, ret, cond;
    int64_t target = -1;   // a direct jump's target (offset in the piece), -1 if outside or indirect
    int32_t sp_change = 0; // bytes SP moves by (push: -8)
    bool sp_unknown = false;
    int saved_reg = -1;    // push of a register: its DWARF number
};

bool writes_rsp(const cs_x86& x) {
    return x.op_count >= 1 && x.operands[0].type == X86_OP_REG && x.operands[0].reg == X86_REG_RSP;
}

Insn describe(const cs_insn& in, uint64_t base, uint32_t size) {
    Insn d{uint32_t(in.address - base), in.size, in.id, false, false, false};
    const cs_x86& x = in.detail->x86;
    for (uint8_t g = 0; g < in.detail->groups_count; ++g) {
        if (in.detail->groups[g] == X86_GRP_JUMP) d.jump = true;
        if (in.detail->groups[g] == X86_GRP_RET) d.ret = true;
    }
    if (d.jump) {
        d.cond = in.id != X86_INS_JMP;
        if (x.op_count == 1 && x.operands[0].type == X86_OP_IMM) {
            const int64_t t = x.operands[0].imm - int64_t(base);
            if (t >= 0 && t < int64_t(size)) d.target = t;
        }
        return d;
    }
    switch (in.id) {
    case X86_INS_PUSH:
        d.sp_change = -8;
        if (x.op_count == 1 && x.operands[0].type == X86_OP_REG) d.saved_reg = dwarf_reg(x.operands[0].reg);
        break;
    case X86_INS_POP:
        d.sp_change = 8;
        d.sp_unknown = writes_rsp(x);
        break;
    case X86_INS_ADD:
    case X86_INS_SUB:
        if (!writes_rsp(x)) break;
        if (x.op_count == 2 && x.operands[1].type == X86_OP_IMM)
            d.sp_change = int32_t(in.id == X86_INS_ADD ? x.operands[1].imm : -x.operands[1].imm);
        else
            d.sp_unknown = true;
        break;
    case X86_INS_LEA:
        if (!writes_rsp(x)) break;
        if (x.operands[1].mem.base == X86_REG_RSP && x.operands[1].mem.index == X86_REG_INVALID)
            d.sp_change = int32_t(x.operands[1].mem.disp);
        else
            d.sp_unknown = true;
        break;
    default:
        // Anything else writing RSP (mov rsp, rbp; and rsp, -16): not followed.
        if (writes_rsp(x) && in.id != X86_INS_CALL && in.id != X86_INS_CMP && in.id != X86_INS_TEST) d.sp_unknown = true;
        break;
    }
    return d;
}

// One capstone handle for the process (opening one builds its tables).
struct Capstone {
    csh h = 0;
    bool ok = false;
    Capstone() {
        ok = cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK;
        if (ok) cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    }
    ~Capstone() {
        if (ok) cs_close(&h);
    }
};

}  // namespace

UnwindArch unwind_arch(Arch arch) {
    UnwindArch a;
    if (arch != Arch::X64) return a;
    a.supported = true;
    a.sp = 7;
    a.return_address = 16;
    a.entry_cfa_offset = 8;
    a.return_address_at = -8;
    a.data_align = -8;
    return a;
}

bool analyze_stack(Arch arch, const uint8_t* code, uint64_t addr, uint32_t size, uint32_t offset, bool saves,
                   StackPlan& out) {
    if (arch != Arch::X64) return false;
    static Capstone cs;
    if (!cs.ok) return false;
    const csh h = cs.h;
    std::vector<Insn> insns;
    std::map<uint32_t, size_t> at;  // offset -> index
    cs_insn* in = cs_malloc(h);
    const uint8_t* p = code;
    size_t left = size;
    uint64_t pc = addr;
    while (left && cs_disasm_iter(h, &p, &left, &pc, in)) {
        at[uint32_t(in->address - addr)] = insns.size();
        insns.push_back(describe(*in, addr, size));
    }
    cs_free(in, 1);
    // Depth (bytes pushed) at each instruction, along every path from 0.
    std::vector<int32_t> depth(insns.size(), INT32_MIN);
    std::vector<std::pair<size_t, int32_t>> work = {{0, 0}};
    bool ok = !insns.empty();
    std::map<int, std::pair<uint32_t, int32_t>> saved;  // reg -> (from offset, depth after the push)
    while (!work.empty()) {
        auto [i, d] = work.back();
        work.pop_back();
        for (; i < insns.size(); ++i) {
            if (depth[i] != INT32_MIN) {
                ok &= depth[i] == d;  // paths meeting with different depths: not followed
                break;
            }
            depth[i] = d;
            const Insn& x = insns[i];
            if (x.sp_unknown) {
                ok = false;
                break;
            }
            d -= x.sp_change;
            if (saves && x.saved_reg >= 0 && callee_saved(x.saved_reg) && !saved.count(x.saved_reg))
                saved[x.saved_reg] = {x.offset + x.size, d};
            if (x.ret) break;
            if (x.jump) {
                if (x.target >= 0 && at.count(uint32_t(x.target))) work.push_back({at[uint32_t(x.target)], d});
                if (!x.cond) break;
            }
        }
    }
    const int32_t entry = unwind_arch(arch).entry_cfa_offset;
    int32_t last = entry;
    for (size_t i = 0; i < insns.size(); ++i) {
        if (depth[i] == INT32_MIN || depth[i] + entry == last) continue;  // unreachable here, or no change
        last = depth[i] + entry;
        out.rows.push_back({offset + insns[i].offset, last});
    }
    // Back to the entry state at the piece's end (the next piece starts there).
    if (last != entry) out.rows.push_back({offset + size, entry});
    const size_t first = out.saves.size();
    for (const auto& [reg, s] : saved) out.saves.push_back({offset + s.first, uint8_t(reg), -(s.second + 8)});
    std::sort(out.saves.begin() + ptrdiff_t(first), out.saves.end(),
              [](const SavedRegister& a, const SavedRegister& b) { return a.offset < b.offset; });
    return ok;
}

}  // namespace cpjit::jit::profiling
