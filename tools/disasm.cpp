#include "tools/disasm.h"

#include <capstone/capstone.h>

#include <fmt/format.h>

namespace cpjit::tools {

Disassembler::Disassembler(jit::Arch arch) : arch_(arch) {
    csh h = 0;
    cs_err err = arch == jit::Arch::X64 ? cs_open(CS_ARCH_X86, CS_MODE_64, &h)
                                        : cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h);
    if (err == CS_ERR_OK) handle_ = h;
}

Disassembler::~Disassembler() {
    if (handle_) {
        csh h = handle_;
        cs_close(&h);
    }
}

std::vector<Insn> Disassembler::run(const uint8_t* code, size_t size, uint64_t address) const {
    std::vector<Insn> out;
    if (!handle_) return out;
    csh h = handle_;
    cs_insn* insn = cs_malloc(h);
    const uint8_t* p = code;
    size_t left = size;
    uint64_t addr = address;
    while (left > 0) {
        if (cs_disasm_iter(h, &p, &left, &addr, insn)) {
            out.push_back({insn->address, insn->size, insn->mnemonic, insn->op_str});
            continue;
        }
        // Not an instruction (padding, data): show it as bytes and go on.
        size_t n = arch_ == jit::Arch::A64 ? std::min<size_t>(4, left) : 1;
        std::string bytes;
        for (size_t i = 0; i < n; ++i) bytes += fmt::format("{}0x{:02x}", i ? ", " : "", p[i]);
        out.push_back({addr, uint32_t(n), ".byte", bytes});
        p += n;
        left -= n;
        addr += n;
    }
    cs_free(insn, 1);
    return out;
}

}  // namespace cpjit::tools
