// The in-memory ELF objects of the GDB JIT interface (see elf_image.h).
// .eh_frame: one CIE ("zR", FDE addresses relative to .text as 4 bytes,
// DW_EH_PE_textrel | DW_EH_PE_udata4, as LuaJIT does), one FDE.
#include "jit/copy_patch/profiling/elf_image.h"

#include <elf.h>

#include <cstring>

namespace cpjit::jit::profiling {

namespace {

enum : uint8_t {
    DW_CFA_nop = 0x00,
    DW_CFA_advance_loc4 = 0x04,
    DW_CFA_offset_extended_sf = 0x11,
    DW_CFA_def_cfa = 0x0c,
    DW_CFA_def_cfa_offset = 0x0e,
    DW_CFA_offset = 0x80,
    DW_EH_PE_udata4 = 0x03,
    DW_EH_PE_textrel = 0x20,
};

struct Bytes {
    std::vector<uint8_t> b;
    void u8(uint8_t x) { b.push_back(x); }
    void u32(uint32_t x) { raw(&x, 4); }
    void raw(const void* p, size_t n) {
        const auto* c = static_cast<const uint8_t*>(p);
        b.insert(b.end(), c, c + n);
    }
    void uleb(uint64_t x) {
        do {
            uint8_t c = x & 0x7f;
            x >>= 7;
            u8(c | (x ? 0x80 : 0));
        } while (x);
    }
    void sleb(int64_t x) {
        for (bool more = true; more;) {
            uint8_t c = x & 0x7f;
            x >>= 7;
            more = !((x == 0 && !(c & 0x40)) || (x == -1 && (c & 0x40)));
            u8(c | (more ? 0x80 : 0));
        }
    }
    void str(const std::string& s) { raw(s.c_str(), s.size() + 1); }
    void pad_to(size_t align) {
        while (b.size() % align) u8(DW_CFA_nop);
    }
    void set_u32(size_t at, uint32_t x) { std::memcpy(b.data() + at, &x, 4); }
};

std::vector<uint8_t> eh_frame(const ElfRegion& r, const UnwindArch& a) {
    Bytes e;
    // CIE
    e.u32(0);  // length, set below
    e.u32(0);  // CIE id
    e.u8(1);   // version
    e.str("zR");
    e.uleb(1);               // code alignment
    e.sleb(a.data_align);    // data alignment
    e.uleb(a.return_address);
    e.uleb(1);  // augmentation data: the FDE pointer encoding
    e.u8(DW_EH_PE_textrel | DW_EH_PE_udata4);
    e.u8(DW_CFA_def_cfa);
    e.uleb(a.sp);
    e.uleb(uint64_t(a.entry_cfa_offset));
    e.u8(uint8_t(DW_CFA_offset | a.return_address));
    e.uleb(uint64_t(a.return_address_at / a.data_align));
    e.pad_to(8);
    e.set_u32(0, uint32_t(e.b.size() - 4));
    // FDE
    const size_t fde = e.b.size();
    e.u32(0);
    e.u32(uint32_t(e.b.size()));  // back to the CIE (at 0)
    e.u32(0);                     // pc_begin: .text + 0
    e.u32(r.size);
    e.uleb(0);  // no augmentation data
    // Rows and saves merged by offset; each advance is from the last location.
    uint32_t loc = 0;
    auto advance = [&](uint32_t to) {
        if (to == loc) return;
        e.u8(DW_CFA_advance_loc4);
        e.u32(to - loc);
        loc = to;
    };
    size_t s = 0;
    const auto& rows = r.stack->rows;
    const auto& saves = r.stack->saves;
    for (size_t i = 0; i <= rows.size(); ++i) {
        const uint32_t row_at = i < rows.size() ? rows[i].offset : UINT32_MAX;
        for (; s < saves.size() && saves[s].offset <= row_at; ++s) {
            if (saves[s].offset >= r.size) continue;
            advance(saves[s].offset);
            e.u8(DW_CFA_offset_extended_sf);
            e.uleb(saves[s].dwarf_reg);
            e.sleb(saves[s].at / a.data_align);
        }
        if (i == rows.size() || rows[i].offset >= r.size) continue;
        advance(rows[i].offset);
        e.u8(DW_CFA_def_cfa_offset);
        e.uleb(uint64_t(rows[i].cfa_offset));
    }
    e.pad_to(8);
    e.set_u32(fde, uint32_t(e.b.size() - fde - 4));
    e.u32(0);  // terminator
    return e.b;
}

}  // namespace

std::vector<uint8_t> build_elf(const ElfRegion& r, uint16_t machine, const UnwindArch& arch) {
    enum { kNull, kText, kEhFrame, kSymtab, kStrtab, kShstrtab, kNumSections };
    const bool has_eh = r.stack && arch.supported;
    // Section names.
    Bytes shstr;
    shstr.u8(0);
    uint32_t names[kNumSections] = {};
    const char* section_names[kNumSections] = {"", ".text", ".eh_frame", ".symtab", ".strtab", ".shstrtab"};
    for (int i = 1; i < kNumSections; ++i) {
        names[i] = uint32_t(shstr.b.size());
        shstr.str(section_names[i]);
    }
    // Symbols: the null one, then one function each, values relative to .text.
    Bytes str, sym;
    str.u8(0);
    Elf64_Sym null_sym{};
    sym.raw(&null_sym, sizeof null_sym);
    for (const ElfSymbol& s : r.symbols) {
        Elf64_Sym e{};
        e.st_name = uint32_t(str.b.size());
        str.str(s.name);
        e.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
        e.st_shndx = kText;
        e.st_value = s.offset;
        e.st_size = s.size;
        sym.raw(&e, sizeof e);
    }
    const std::vector<uint8_t> eh = has_eh ? eh_frame(r, arch) : std::vector<uint8_t>{};

    Bytes out;
    out.b.resize(sizeof(Elf64_Ehdr));
    auto place = [&](const std::vector<uint8_t>& data, size_t align) {
        while (out.b.size() % align) out.u8(0);
        const size_t at = out.b.size();
        out.raw(data.data(), data.size());
        return at;
    };
    const size_t eh_at = place(eh, 8), sym_at = place(sym.b, 8), str_at = place(str.b, 1),
                 shstr_at = place(shstr.b, 1);
    while (out.b.size() % 8) out.u8(0);
    const size_t sh_at = out.b.size();
    Elf64_Shdr sh[kNumSections] = {};
    sh[kText] = {names[kText], SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, r.address, 0, r.size, 0, 0, 16, 0};
    sh[kEhFrame] = {names[kEhFrame], SHT_PROGBITS, SHF_ALLOC, 0, eh_at, eh.size(), 0, 0, 8, 0};
    sh[kSymtab] = {names[kSymtab], SHT_SYMTAB, 0, 0, sym_at, sym.b.size(), kStrtab, 1, 8, sizeof(Elf64_Sym)};
    sh[kStrtab] = {names[kStrtab], SHT_STRTAB, 0, 0, str_at, str.b.size(), 0, 0, 1, 0};
    sh[kShstrtab] = {names[kShstrtab], SHT_STRTAB, 0, 0, shstr_at, shstr.b.size(), 0, 0, 1, 0};
    out.raw(sh, sizeof sh);

    Elf64_Ehdr h{};
    std::memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    h.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    h.e_type = ET_REL;
    h.e_machine = machine;
    h.e_version = EV_CURRENT;
    h.e_shoff = sh_at;
    h.e_ehsize = sizeof(Elf64_Ehdr);
    h.e_shentsize = sizeof(Elf64_Shdr);
    h.e_shnum = kNumSections;
    h.e_shstrndx = kShstrtab;
    std::memcpy(out.b.data(), &h, sizeof h);
    return out.b;
}

}  // namespace cpjit::jit::profiling
