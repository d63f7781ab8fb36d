// --gdb-jit's parts that need no gdb (jit/copy_patch/profiling/unwind_x64.cpp,
// elf_image.cpp, gdb_jit.cpp): the x86-64 stack analysis on hand-written
// code (pushes, a branch that skips a pop, the entry shim's saves), the ELF
// object it goes into, and the list gdb reads (gdb_jit_interface.h).
#include <doctest/doctest.h>

#include <elf.h>

#include <cstring>
#include <string>
#include <vector>

#include "jit/copy_patch/profiling/elf_image.h"
#include "jit/copy_patch/profiling/gdb_jit_interface.h"
#include "jit/copy_patch/profiling/gdb_jit.h"
#include "jit/copy_patch/profiling/unwind.h"

using namespace cpjit;
using namespace cpjit::jit::profiling;

namespace {

int32_t cfa_at(const StackPlan& p, uint32_t offset, int32_t entry) {
    int32_t cfa = entry;
    for (const CfaRow& r : p.rows)
        if (r.offset <= offset) cfa = r.cfa_offset;
    return cfa;
}

}  // namespace

TEST_CASE("unwind x86-64: the CFA follows pushes and pops along both sides of a branch") {
    // 0: push rax   1: test al, al   3: je 7   5: pop rcx   6: ret
    // 7: pop rdx    8: jmp 0 (leaves: a tail call outside the piece)
    const uint8_t code[] = {0x50, 0x84, 0xc0, 0x74, 0x02, 0x59, 0xc3, 0x5a, 0xe9, 0, 0, 0, 0};
    StackPlan p;
    const uint64_t addr = 0x10000;
    REQUIRE(analyze_stack(jit::Arch::X64, code, addr, sizeof code, 100, false, p));
    // Offsets are those of the region (piece at 100).
    CHECK(cfa_at(p, 100, 8) == 8);
    CHECK(cfa_at(p, 101, 8) == 16);  // after push rax
    CHECK(cfa_at(p, 105, 8) == 16);  // pop rcx still to run
    CHECK(cfa_at(p, 106, 8) == 8);   // ret
    CHECK(cfa_at(p, 107, 8) == 16);  // reached by the branch, before pop rdx
    CHECK(cfa_at(p, 108, 8) == 8);
    CHECK(cfa_at(p, 100 + sizeof code, 8) == 8);  // the next piece starts at the entry state
    CHECK(p.saves.empty());
}

TEST_CASE("unwind x86-64: the entry shim's callee-saved registers") {
    // push r15; push rbx; sub rsp, 8; call *rcx; add rsp, 8; pop rbx; pop r15; ret
    const uint8_t shim[] = {0x41, 0x57, 0x53, 0x48, 0x83, 0xec, 0x08, 0xff, 0xd1,
                            0x48, 0x83, 0xc4, 0x08, 0x5b, 0x41, 0x5f, 0xc3};
    StackPlan p;
    REQUIRE(analyze_stack(jit::Arch::X64, shim, 0x20000, sizeof shim, 0, true, p));
    CHECK(cfa_at(p, 7, 8) == 32);  // at the call: 2 pushes + 8 + the return address
    REQUIRE(p.saves.size() == 2);
    CHECK(p.saves[0].dwarf_reg == 15);  // r15 at CFA-16, from offset 2 on
    CHECK(p.saves[0].at == -16);
    CHECK(p.saves[0].offset == 2);
    CHECK(p.saves[1].dwarf_reg == 3);   // rbx at CFA-24
    CHECK(p.saves[1].at == -24);
}

TEST_CASE("unwind x86-64: a move of rsp that cannot be followed is refused") {
    const uint8_t code[] = {0x48, 0x89, 0xec, 0xc3};  // mov rsp, rbp; ret
    StackPlan p;
    CHECK(!analyze_stack(jit::Arch::X64, code, 0x30000, sizeof code, 0, false, p));
    CHECK(!analyze_stack(jit::Arch::A64, code, 0x30000, sizeof code, 0, false, p));  // no AArch64 analysis
}

TEST_CASE("ELF image: .text at the code's address, a symbol per piece, an .eh_frame") {
    const uint8_t code[] = {0x50, 0x58, 0xc3};
    StackPlan plan;
    REQUIRE(analyze_stack(jit::Arch::X64, code, 0x40000, sizeof code, 0, false, plan));
    ElfRegion r{0x40000, 64, {{0, 2, "cpjit:t1:f@0:A"}, {2, 1, "cpjit:t1:exit"}}, &plan};
    std::vector<uint8_t> elf = build_elf(r, EM_X86_64, unwind_arch(jit::Arch::X64));
    REQUIRE(elf.size() > sizeof(Elf64_Ehdr));
    Elf64_Ehdr h;
    std::memcpy(&h, elf.data(), sizeof h);
    CHECK(std::memcmp(h.e_ident, ELFMAG, SELFMAG) == 0);
    CHECK(h.e_machine == EM_X86_64);
    REQUIRE(h.e_shoff + h.e_shnum * sizeof(Elf64_Shdr) <= elf.size());
    std::vector<Elf64_Shdr> sh(h.e_shnum);
    std::memcpy(sh.data(), elf.data() + h.e_shoff, h.e_shnum * sizeof(Elf64_Shdr));
    auto name = [&](const Elf64_Shdr& s) {
        return std::string(reinterpret_cast<const char*>(elf.data() + sh[h.e_shstrndx].sh_offset + s.sh_name));
    };
    const Elf64_Shdr *text = nullptr, *eh = nullptr, *symtab = nullptr;
    for (const Elf64_Shdr& s : sh) {
        if (name(s) == ".text") text = &s;
        if (name(s) == ".eh_frame") eh = &s;
        if (name(s) == ".symtab") symtab = &s;
    }
    REQUIRE((text && eh && symtab));
    CHECK(text->sh_type == SHT_NOBITS);
    CHECK(text->sh_addr == 0x40000);
    CHECK(text->sh_size == 64);
    // .eh_frame: a CIE ("zR") then one FDE covering the region, then the terminator.
    REQUIRE(eh->sh_size > 16);
    const uint8_t* e = elf.data() + eh->sh_offset;
    uint32_t cie_len, cie_id, fde_len, fde_range;
    std::memcpy(&cie_len, e, 4);
    std::memcpy(&cie_id, e + 4, 4);
    CHECK(cie_id == 0);
    CHECK(std::string(reinterpret_cast<const char*>(e + 9)) == "zR");
    std::memcpy(&fde_len, e + 4 + cie_len, 4);
    std::memcpy(&fde_range, e + 4 + cie_len + 12, 4);
    CHECK(fde_range == 64);
    CHECK(4 + cie_len + 4 + fde_len + 4 == eh->sh_size);
    // Symbols: the null one, then the pieces, relative to .text.
    REQUIRE(symtab->sh_size == 3 * sizeof(Elf64_Sym));
    Elf64_Sym s2;
    std::memcpy(&s2, elf.data() + symtab->sh_offset + 2 * sizeof(Elf64_Sym), sizeof s2);
    const char* strtab = reinterpret_cast<const char*>(elf.data() + sh[symtab->sh_link].sh_offset);
    CHECK(std::string(strtab + s2.st_name) == "cpjit:t1:exit");
    CHECK(s2.st_value == 2);
    CHECK(s2.st_size == 1);
    CHECK(ELF64_ST_TYPE(s2.st_info) == STT_FUNC);
}

TEST_CASE("GDB JIT interface: entries are linked, announced and unlinked") {
    const uint8_t shim[] = {0x53, 0xff, 0xd1, 0x5b, 0xc3};  // push rbx; call *rcx; pop rbx; ret
    const uint8_t other[] = {0xc3};
    REQUIRE(__jit_debug_descriptor.version == 1);
    jit_code_entry* before = __jit_debug_descriptor.first_entry;
    {
        GdbJit g(jit::Arch::X64);
        g.shim_placed(shim, sizeof shim);
        jit_code_entry* a = __jit_debug_descriptor.first_entry;
        REQUIRE(a);
        CHECK(__jit_debug_descriptor.action_flag == 1);  // JIT_REGISTER_FN
        CHECK(__jit_debug_descriptor.relevant_entry == a);
        CHECK(a->next_entry == before);
        CHECK(std::memcmp(a->symfile_addr, ELFMAG, SELFMAG) == 0);
        g.shim_placed(other, sizeof other);
        jit_code_entry* b = __jit_debug_descriptor.first_entry;
        CHECK(b != a);
        CHECK(b->next_entry == a);
        CHECK(a->prev_entry == b);
    }
    CHECK(__jit_debug_descriptor.first_entry == before);  // all unlinked when the JIT goes
    CHECK(__jit_debug_descriptor.action_flag == 2);       // JIT_UNREGISTER_FN
}
