// Parses an ELF64 little-endian relocatable object (x86-64 or AArch64) with
// LLVM's Object library into the plain ObjFile model: sections with bytes and
// flags, symbols, and relocations with their signed addends.
#include <memory>

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>

#include "object_file.h"

namespace cpjit::stencil_extract {

namespace {

using llvm::object::ELF64LEObjectFile;

std::string take(llvm::Error e) { return llvm::toString(std::move(e)); }

bool read_symbol(const ELF64LEObjectFile& obj, const llvm::object::ELFSymbolRef& sym,
                 ObjSymbol* out, std::string* error) {
    auto name = sym.getName();
    if (!name) {
        *error = take(name.takeError());
        return false;
    }
    auto type = sym.getType();
    if (!type) {
        *error = take(type.takeError());
        return false;
    }
    const uint8_t binding = sym.getBinding();
    out->global = binding == llvm::ELF::STB_GLOBAL || binding == llvm::ELF::STB_WEAK;
    out->weak = binding == llvm::ELF::STB_WEAK;
    out->function = sym.getELFType() == llvm::ELF::STT_FUNC;
    out->is_section = sym.getELFType() == llvm::ELF::STT_SECTION;
    out->visibility = sym.getOther() & 3;
    auto sec = sym.getSection();
    if (!sec) {
        *error = take(sec.takeError());
        return false;
    }
    auto flags = sym.getFlags();
    if (!flags) {
        *error = take(flags.takeError());
        return false;
    }
    out->absolute = *flags & llvm::object::SymbolRef::SF_Absolute;
    if (*sec != obj.section_end()) {
        out->defined = true;
        out->section = int((*sec)->getIndex());
        auto value = sym.getValue();
        if (!value) {
            *error = take(value.takeError());
            return false;
        }
        out->value = *value;
        // Section symbols have no name of their own: use the section's.
        if (out->is_section) {
            auto sname = (*sec)->getName();
            out->name = sname ? sname->str() : std::string();
            if (!sname) llvm::consumeError(sname.takeError());
            return true;
        }
    }
    out->name = name->str();
    return true;
}

}  // namespace

bool read_object_file(const std::string& path, ObjFile* out, std::string* error) {
    auto binary = llvm::object::ObjectFile::createObjectFile(path);
    if (!binary) {
        *error = path + ": " + take(binary.takeError());
        return false;
    }
    auto* obj = llvm::dyn_cast<ELF64LEObjectFile>(binary->getBinary());
    if (!obj || !obj->isRelocatableObject()) {
        *error = path + ": not an ELF64 little-endian relocatable object";
        return false;
    }
    out->path = path;
    switch (obj->getELFFile().getHeader().e_machine) {
    case llvm::ELF::EM_X86_64: out->arch = jit::Arch::X64; break;
    case llvm::ELF::EM_AARCH64: out->arch = jit::Arch::A64; break;
    default:
        *error = path + ": unsupported machine (x86-64 and AArch64 only)";
        return false;
    }

    // Sections, indexed by their ELF section index (index 0 stays empty).
    for (const llvm::object::ELFSectionRef sec : obj->sections()) {
        size_t idx = sec.getIndex();
        if (out->sections.size() <= idx) out->sections.resize(idx + 1);
        ObjSection& s = out->sections[idx];
        auto name = sec.getName();
        if (!name) {
            *error = path + ": " + take(name.takeError());
            return false;
        }
        s.name = name->str();
        s.type = sec.getType();
        s.flags = sec.getFlags();
        s.align = std::max<uint64_t>(1, sec.getAlignment().value());
        s.size = sec.getSize();
        if (s.type != llvm::ELF::SHT_NOBITS && s.alloc()) {
            auto contents = sec.getContents();
            if (!contents) {
                *error = path + ": " + take(contents.takeError());
                return false;
            }
            s.bytes.assign(contents->begin(), contents->end());
        }
    }

    for (const llvm::object::ELFSymbolRef sym : obj->symbols()) {
        ObjSymbol s;
        if (!read_symbol(*obj, sym, &s, error)) {
            *error = path + ": " + *error;
            return false;
        }
        out->symbols.push_back(std::move(s));
    }

    // Relocations live in SHT_RELA sections naming the section they patch.
    for (const llvm::object::ELFSectionRef rsec : obj->sections()) {
        auto target = rsec.getRelocatedSection();
        if (!target) {
            *error = path + ": " + take(target.takeError());
            return false;
        }
        if (*target == obj->section_end()) continue;
        ObjSection& patched = out->sections[(*target)->getIndex()];
        for (const llvm::object::ELFRelocationRef rel : rsec.relocations()) {
            ObjReloc r;
            r.offset = rel.getOffset();
            r.type = uint32_t(rel.getType());
            llvm::SmallString<32> tname;
            rel.getTypeName(tname);
            r.type_name = tname.str().str();
            if (rsec.getType() == llvm::ELF::SHT_RELA) {
                auto addend = rel.getAddend();
                if (!addend) {
                    *error = path + ": " + take(addend.takeError());
                    return false;
                }
                r.addend = *addend;
            } else {
                *error = path + ": REL (implicit addend) relocations in " + patched.name + " are not supported";
                return false;
            }
            auto sym = rel.getSymbol();
            if (sym != obj->symbol_end()) {
                r.has_symbol = true;
                if (!read_symbol(*obj, llvm::object::ELFSymbolRef(*sym), &r.symbol, error)) {
                    *error = path + ": " + *error;
                    return false;
                }
            }
            patched.relocs.push_back(std::move(r));
        }
    }
    return true;
}

}  // namespace cpjit::stencil_extract
