#include "exit_branch.h"

#include <algorithm>

#include "jit/copy_patch/reloc_util.h"

namespace cpjit::stencil_extract {

namespace {

using jit::Arch;
using jit::HoleValue;
using jit::RelocKind;

int find_hole(const StencilModel& m, uint32_t offset) {
    for (size_t i = 0; i < m.holes.size(); i++)
        if (m.holes[i].where == Region::Code && m.holes[i].offset == offset) return int(i);
    return -1;
}

bool has_hole(const StencilModel& m, const DisasmLine& l) {
    for (const ModelHole& h : m.holes)
        if (h.where == Region::Code && h.offset >= l.offset && h.offset < l.offset + l.size) return true;
    return false;
}

// Whether any local branch but the one at `except` goes to `offset`.
// (A branch with a hole in it goes to its symbol: its encoded target means
// nothing yet.)
bool branched_to(const StencilModel& m, const std::vector<DisasmLine>& lines, uint32_t offset, uint32_t except) {
    for (const DisasmLine& l : lines)
        if (l.offset != except && l.branch_target == int64_t(offset) && !has_hole(m, l)) return true;
    return false;
}

bool is_rel32_jump_hole(const ModelHole& h) {
    return (h.kind == RelocKind::X64_PLT32 || h.kind == RelocKind::X64_PC32) && h.addend == -4;
}

bool rewrite_x64(StencilModel& m, const std::vector<DisasmLine>& lines) {
    const uint32_t n = uint32_t(m.code.size());
    if (n < 11) return false;
    const uint32_t jcc = n - 11, jmp = n - 5;
    if (m.code[jcc] != 0x0f || (m.code[jcc + 1] & 0xf0) != 0x80 || m.code[jmp] != 0xe9) return false;
    int hc = find_hole(m, jcc + 2), hx = find_hole(m, jmp + 1);
    if (hc < 0 || hx < 0) return false;
    ModelHole &cont = m.holes[size_t(hc)], &exit = m.holes[size_t(hx)];
    if (!is_rel32_jump_hole(cont) || !is_rel32_jump_hole(exit)) return false;
    if (cont.value != HoleValue::Continue || exit.value == HoleValue::Continue) return false;
    if (branched_to(m, lines, jmp, jmp)) return false;
    m.code[jcc + 1] ^= 1;  // the opposite condition (x86 condition codes come in pairs)
    std::swap(cont.value, exit.value);
    std::swap(cont.helper, exit.helper);
    std::swap(cont.elf_type, exit.elf_type);
    return true;
}

bool rewrite_a64(StencilModel& m, const std::vector<DisasmLine>& lines) {
    const uint32_t n = uint32_t(m.code.size());
    if (n < 12) return false;
    const uint32_t bcc = n - 12, bcont = n - 8, bexit = n - 4;
    const uint32_t insn = jit::detail::read32le(&m.code[bcc]);
    if ((insn & 0xff000010) != 0x54000000) return false;  // b.cond
    if (find_hole(m, bcc) >= 0) return false;               // a local branch, not a hole
    int hc = find_hole(m, bcont), hx = find_hole(m, bexit);
    if (hc < 0 || hx < 0) return false;
    const ModelHole cont = m.holes[size_t(hc)], exit = m.holes[size_t(hx)];
    if (cont.kind != RelocKind::A64_JUMP26 || cont.value != HoleValue::Continue) return false;
    if (exit.kind != RelocKind::A64_JUMP26 || exit.value != HoleValue::SideExit || exit.addend != 0) return false;
    bool local_target_ok = false;
    for (const DisasmLine& l : lines)
        if (l.offset == bcc) local_target_ok = l.branch_target == int64_t(bexit);
    if (!local_target_ok || branched_to(m, lines, bexit, bcc)) return false;
    jit::detail::write32le(&m.code[bcc], insn & 0xff00001f);  // keep the condition, imm19 = 0: the hole
    ModelHole cond = exit;
    cond.offset = bcc;
    cond.kind = RelocKind::A64_CONDBR19;
    cond.elf_type = "R_AARCH64_CONDBR19";
    m.holes.erase(m.holes.begin() + hx);
    m.holes.push_back(cond);
    std::sort(m.holes.begin(), m.holes.end(), [](const ModelHole& a, const ModelHole& b) { return a.offset < b.offset; });
    m.code.resize(n - 4);
    return true;
}

}  // namespace

bool rewrite_exit_branch(StencilModel& m, const std::vector<DisasmLine>& lines) {
    bool done = m.arch == Arch::X64 ? rewrite_x64(m, lines) : rewrite_a64(m, lines);
    if (done) {
        m.exit_branch_rewritten = true;
        find_trailing_jump(m);
    }
    return done;
}

}  // namespace cpjit::stencil_extract
