#include "stencil_model.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "jit/copy_patch/reloc_util.h"

namespace cpjit::stencil_extract {

using jit::Arch;
using jit::HoleValue;
using jit::RelocKind;

std::string region_offset(Region r, uint64_t offset) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s+0x%llx", r == Region::Code ? "code" : "data",
                  (unsigned long long)offset);
    return buf;
}

std::string hole_target(const ModelHole& h) {
    switch (h.value) {
    case HoleValue::Code: return "code";
    case HoleValue::Data: return "data";
    case HoleValue::Helper: return "helper:" + h.helper;
    default: return jit::kHoleValueInfo[size_t(h.value)].symbol;
    }
}

namespace {


struct Builder {
    const std::string& name;
    const ObjFile& obj;
    const ModelOptions& opts;
    std::vector<std::string>* errors;
    StencilModel m;
    // ELF section index -> (region, offset of the section in it)
    std::map<int, std::pair<Region, uint32_t>> placed;

    void error(const std::string& what) { errors->push_back("stencil '" + name + "': " + what); }
    std::string where(const ObjSection& s, const ObjReloc& r) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "+0x%llx", (unsigned long long)r.offset);
        return "at " + s.name + buf + " (" + (r.type_name.empty() ? "?" : r.type_name) + ")";
    }

    static void append(std::vector<uint8_t>* bytes, uint32_t* align, const ObjSection& s, uint8_t pad) {
        uint64_t a = s.align;
        while (bytes->size() % a) bytes->push_back(pad);
        *align = std::max<uint32_t>(*align, uint32_t(a));
        if (s.nobits())
            bytes->resize(bytes->size() + s.size, 0);
        else
            bytes->insert(bytes->end(), s.bytes.begin(), s.bytes.end());
    }

    void layout() {
        const uint8_t code_pad = m.arch == Arch::X64 ? 0xcc : 0x00;  // int3 / udf
        for (size_t i = 0; i < obj.sections.size(); i++) {
            const ObjSection& s = obj.sections[i];
            if (!s.alloc()) continue;  // symtab, strtab, rela, notes, addrsig, debug info
            if (s.name == ".eh_frame" || s.type == 0x70000001 /* SHT_X86_64_UNWIND */) {
                error("unwind tables in " + s.name +
                      " (compile with -fno-asynchronous-unwind-tables -fno-unwind-tables)");
                continue;
            }
            if (s.tls()) {
                error("thread-local section " + s.name);
                continue;
            }
            if (s.write()) {
                if (s.size != 0)
                    error("writable data section " + s.name + " (" + std::to_string(s.size) +
                          " bytes): stencils may only have read-only data");
                continue;
            }
            if (s.size == 0) continue;
            if (s.exec()) {
                append(&m.code, &m.code_align, s, code_pad);
                placed[int(i)] = {Region::Code, uint32_t(m.code.size() - s.size)};
                m.placements.push_back({s.name, Region::Code, uint32_t(m.code.size() - s.size), uint32_t(s.size)});
            } else {
                append(&m.data, &m.data_align, s, 0);
                placed[int(i)] = {Region::Data, uint32_t(m.data.size() - s.size)};
                m.placements.push_back({s.name, Region::Data, uint32_t(m.data.size() - s.size), uint32_t(s.size)});
            }
        }
        if (m.code.empty()) error("no code");
    }

    void check_entry() {
        // Exactly one global function, the stencil itself, at code offset 0.
        int found = 0;
        for (const ObjSymbol& sym : obj.symbols) {
            if (!sym.defined || !sym.global || !sym.function) continue;
            found++;
            auto it = placed.find(sym.section);
            if (it == placed.end() || it->second.first != Region::Code ||
                it->second.second + sym.value != 0)
                error("entry function '" + sym.name + "' is not at code offset 0");
        }
        if (found != 1) error("expected exactly one global function (the stencil), found " + std::to_string(found));
    }

    bool is_helper(const std::string& s) const {
        return std::find(opts.helpers.begin(), opts.helpers.end(), s) != opts.helpers.end();
    }

    void add_holes() {
        for (size_t i = 0; i < obj.sections.size(); i++) {
            const ObjSection& s = obj.sections[i];
            auto pl = placed.find(int(i));
            if (pl == placed.end()) {
                if (s.alloc() && s.write() && !s.relocs.empty())
                    continue;  // already an error (writable section)
                continue;      // relocations of debug or other non-loaded sections
            }
            for (const ObjReloc& r : s.relocs) add_hole(s, pl->second.first, pl->second.second, r);
        }
        auto by_offset = [](const ModelHole& a, const ModelHole& b) { return a.offset < b.offset; };
        std::stable_sort(m.holes.begin(), m.holes.end(), by_offset);
        std::stable_sort(m.data_holes.begin(), m.data_holes.end(), by_offset);
    }

    void add_hole(const ObjSection& s, Region where, uint32_t base, const ObjReloc& r) {
        ModelHole h;
        h.where = where;
        h.offset = uint32_t(base + r.offset);
        h.elf_type = r.type_name;
        if (!jit::reloc_kind_from_elf_name(m.arch, r.type_name, &h.kind)) {
            char off[32];
            std::snprintf(off, sizeof off, "+0x%llx", (unsigned long long)r.offset);
            error("unknown relocation type " + (r.type_name.empty() ? "?" : r.type_name) + " (" +
                  std::to_string(r.type) + ") at " + s.name + off);
            return;
        }
        const jit::RelocInfo& info = jit::reloc_info(h.kind);
        if (!r.has_symbol) {
            error("relocation without a symbol " + where_str(s, r));
            return;
        }
        const ObjSymbol& sym = r.symbol;
        h.addend = r.addend;
        if (sym.defined) {
            auto it = placed.find(sym.section);
            if (it == placed.end() && sym.section >= 0 && size_t(sym.section) < obj.sections.size() &&
                obj.sections[size_t(sym.section)].alloc() && obj.sections[size_t(sym.section)].write())
                return;  // into a writable section: already reported once
            if (it == placed.end()) {
                const std::string sec = sym.section >= 0 && size_t(sym.section) < obj.sections.size()
                                            ? obj.sections[size_t(sym.section)].name
                                            : "?";
                error("relocation against '" + sym.name + "' in section " + sec +
                      ", which is not part of the stencil " + where_str(s, r));
                return;
            }
            h.value = it->second.first == Region::Code ? HoleValue::Code : HoleValue::Data;
            h.addend += int64_t(it->second.second + sym.value);
        } else if (sym.absolute) {
            error("relocation against absolute symbol '" + sym.name + "' " + where_str(s, r));
            return;
        } else {
            bool known = false;
            for (const jit::HoleValueInfo& hv : jit::kHoleValueInfo)
                if (*hv.symbol && sym.name == hv.symbol) {
                    h.value = hv.value;
                    known = true;
                }
            if (!known) {
                if (!is_helper(sym.name)) {
                    error("unexpected external symbol '" + sym.name + "' " + where_str(s, r));
                    return;
                }
                h.value = HoleValue::Helper;
                h.helper = sym.name;
            }
            const jit::HoleValueInfo& hv = jit::kHoleValueInfo[size_t(h.value)];
            // A value hole's "address" is an arbitrary number: PC-relative
            // forms (other than through the GOT) cannot reach it.
            if (!hv.is_jump && h.value != HoleValue::Helper && info.pc_relative && !info.uses_got)
                error("value hole " + sym.name + " is addressed PC-relatively " + where_str(s, r) +
                      ": not patchable with an arbitrary value (see docs/stencils.md)");
            else if (!hv.is_jump && info.width < hv.width && !info.uses_got && info.width != 16)
                error(std::to_string(hv.width) + "-bit value hole " + sym.name + " in a " +
                      std::to_string(info.width) + "-bit field " + where_str(s, r) +
                      (m.arch == Arch::X64 ? " (declare it unsized, extern char " + sym.name + "[], so it is movabs)"
                                           : std::string()));
            if (h.value == HoleValue::Continue) m.continuation_referenced = true;
        }
        // GOTPCRELX rewrites up to 3 bytes before the field.
        if (info.relaxable && m.arch == Arch::X64) {
            uint32_t need = h.kind == RelocKind::X64_REX_GOTPCRELX ? 3 : 2;
            if (where != Region::Code || h.offset < need) {
                error("GOT-relaxable relocation without its instruction bytes " + where_str(s, r));
                return;
            }
        }
        (where == Region::Code ? m.holes : m.data_holes).push_back(h);
    }

    std::string where_str(const ObjSection& s, const ObjReloc& r) { return where(s, r); }

    // adrp xN, :got:S ; ldr xN, [xN, :got_lo12:S]  ->  one A64_GOT_LOAD_PAIR hole.
    void fuse_got_pairs() {
        if (m.arch != Arch::A64) return;
        std::vector<ModelHole> out;
        for (size_t i = 0; i < m.holes.size(); i++) {
            const ModelHole& a = m.holes[i];
            if (a.kind == RelocKind::A64_ADR_GOT_PAGE && i + 1 < m.holes.size()) {
                const ModelHole& b = m.holes[i + 1];
                if (b.kind == RelocKind::A64_LD64_GOT_LO12_NC && b.offset == a.offset + 4 &&
                    b.value == a.value && b.helper == a.helper && b.addend == a.addend &&
                    b.offset + 4 <= m.code.size()) {
                    uint32_t i0 = jit::detail::read32le(&m.code[a.offset]), i1 = jit::detail::read32le(&m.code[b.offset]);
                    uint32_t rd = i0 & 31;
                    if ((i1 & 0xffc00000) == 0xf9400000 && (i1 & 31) == rd && ((i1 >> 5) & 31) == rd) {
                        ModelHole f = a;
                        f.kind = RelocKind::A64_GOT_LOAD_PAIR;
                        f.elf_type = a.elf_type + "+" + b.elf_type;
                        out.push_back(f);
                        m.fused_got_pairs++;
                        i++;
                        continue;
                    }
                }
            }
            out.push_back(a);
        }
        m.holes = std::move(out);
    }

};

}  // namespace

void find_trailing_jump(StencilModel& m) {
    m.trailing_jump_size = 0;
    m.trailing_jump_hole = -1;
    for (size_t i = 0; i < m.holes.size(); i++) {
        const ModelHole& h = m.holes[i];
        if (h.where != Region::Code || h.value != HoleValue::Continue || h.offset + 4 != m.code.size()) continue;
        if (m.arch == Arch::X64 && (h.kind == RelocKind::X64_PLT32 || h.kind == RelocKind::X64_PC32) &&
            h.addend == -4 && h.offset >= 1 && m.code[h.offset - 1] == 0xe9) {
            m.trailing_jump_size = 5;  // jmp rel32
            m.trailing_jump_hole = int(i);
        }
        if (m.arch == Arch::A64 && h.kind == RelocKind::A64_JUMP26 && h.addend == 0 &&
            (jit::detail::read32le(&m.code[h.offset]) & 0xfc000000) == 0x14000000) {
            m.trailing_jump_size = 4;  // b imm26
            m.trailing_jump_hole = int(i);
        }
    }
}

StencilModel build_stencil(const std::string& name, const ObjFile& obj, const ModelOptions& opts,
                           std::vector<std::string>* errors) {
    Builder b{name, obj, opts, errors, {}, {}};
    b.m.name = name;
    b.m.arch = obj.arch;
    b.layout();
    b.check_entry();
    b.add_holes();
    b.fuse_got_pairs();
    find_trailing_jump(b.m);
    return std::move(b.m);
}

}  // namespace cpjit::stencil_extract
