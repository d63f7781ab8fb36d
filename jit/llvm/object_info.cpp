// Reads sizes from an object file (jit/llvm/object_info.h).
#include "jit/llvm/object_info.h"

#include <unistd.h>

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/Error.h>

namespace cpjit::jit {

bool read_object_info(const llvm::MemoryBufferRef& object, ObjectInfo& out) {
    auto file = llvm::object::ObjectFile::createObjectFile(object);
    if (!file) {
        llvm::consumeError(file.takeError());
        return false;
    }
    if (!llvm::isa<llvm::object::ELFObjectFileBase>(file->get())) return false;  // sizes come from ELF
    const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    auto pages = [&](uint64_t n) { return (n + page - 1) / page * page; };
    uint64_t code = 0, rodata = 0;
    for (const llvm::object::SectionRef& s : (*file)->sections()) {
        const bool alloc = (llvm::object::ELFSectionRef(s).getFlags() & llvm::ELF::SHF_ALLOC) != 0;
        if (!alloc || s.getSize() == 0) continue;
        (s.isText() ? code : rodata) += s.getSize();
    }
    out.code_bytes = code;
    out.rodata_bytes = rodata;
    out.mapped_bytes = pages(code) + pages(rodata);
    for (const llvm::object::SymbolRef& sym : (*file)->symbols()) {
        auto type = sym.getType();
        auto name = sym.getName();
        if (!type || !name) {
            if (!type) llvm::consumeError(type.takeError());
            if (!name) llvm::consumeError(name.takeError());
            continue;
        }
        if (*type != llvm::object::SymbolRef::ST_Function) continue;
        out.function_sizes[name->str()] = llvm::object::ELFSymbolRef(sym).getSize();
    }
    return true;
}

}  // namespace cpjit::jit
