#include "disasm.h"

#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCInstrAnalysis.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

namespace cpjit::stencil_extract {

const char* triple_for(jit::Arch arch) {
    return arch == jit::Arch::X64 ? "x86_64-unknown-linux-gnu" : "aarch64-unknown-linux-gnu";
}

namespace {

class McDisassembler final : public Disassembler {
public:
    std::unique_ptr<llvm::MCRegisterInfo> mri;
    std::unique_ptr<llvm::MCAsmInfo> mai;
    std::unique_ptr<llvm::MCSubtargetInfo> sti;
    std::unique_ptr<llvm::MCInstrInfo> mii;
    std::unique_ptr<llvm::MCContext> ctx;
    std::unique_ptr<llvm::MCDisassembler> dis;
    std::unique_ptr<llvm::MCInstPrinter> printer;
    std::unique_ptr<llvm::MCInstrAnalysis> analysis;
    llvm::MCTargetOptions options;

    std::vector<DisasmLine> run(const std::vector<uint8_t>& code) override {
        std::vector<DisasmLine> out;
        llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
        uint64_t off = 0;
        while (off < code.size()) {
            llvm::MCInst inst;
            uint64_t size = 0;
            std::string text;
            llvm::raw_string_ostream os(text);
            auto status = dis->getInstruction(inst, size, bytes.slice(off), off, llvm::nulls());
            int64_t branch_target = -1;
            if (status == llvm::MCDisassembler::Success && size > 0) {
                printer->printInst(&inst, off, "", *sti, os);
                uint64_t target = 0;
                if (analysis && analysis->isBranch(inst) && analysis->evaluateBranch(inst, off, size, target))
                    branch_target = int64_t(target);
            } else {
                size = 1;
                os << "<unknown>";
            }
            os.flush();
            // The printer indents with a tab; keep one space between mnemonic and operands.
            std::string clean;
            for (char c : text) clean += c == '\t' ? ' ' : c;
            size_t start = clean.find_first_not_of(' ');
            clean = start == std::string::npos ? "" : clean.substr(start);
            out.push_back({uint32_t(off), uint32_t(size), clean, branch_target});
            off += size;
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Disassembler> Disassembler::create(jit::Arch arch, std::string* error) {
    static bool initialized = [] {
        llvm::InitializeAllTargetInfos();
        llvm::InitializeAllTargetMCs();
        llvm::InitializeAllDisassemblers();
        return true;
    }();
    (void)initialized;
    llvm::Triple triple(triple_for(arch));
    std::string lookup_error;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple.str(), lookup_error);
    if (!target) {
        *error = "LLVM has no target for " + triple.str() + ": " + lookup_error;
        return nullptr;
    }
    auto d = std::make_unique<McDisassembler>();
    d->mri.reset(target->createMCRegInfo(triple.str()));
    d->mai.reset(target->createMCAsmInfo(*d->mri, triple.str(), d->options));
    d->sti.reset(target->createMCSubtargetInfo(triple.str(), "", ""));
    d->mii.reset(target->createMCInstrInfo());
    if (!d->mri || !d->mai || !d->sti || !d->mii) {
        *error = "cannot set up the MC layer for " + triple.str();
        return nullptr;
    }
    d->ctx = std::make_unique<llvm::MCContext>(triple, d->mai.get(), d->mri.get(), d->sti.get());
    d->dis.reset(target->createMCDisassembler(*d->sti, *d->ctx));
    // Variant 0: AT&T on x86-64 (as llvm-objdump prints), the generic printer on AArch64.
    d->printer.reset(target->createMCInstPrinter(triple, 0, *d->mai, *d->mii, *d->mri));
    if (!d->dis || !d->printer) {
        *error = "no disassembler for " + triple.str();
        return nullptr;
    }
    d->analysis.reset(target->createMCInstrAnalysis(d->mii.get()));
    d->printer->setPrintImmHex(true);
    // Branch targets as code offsets ("b.eq 0x80"), like llvm-objdump.
    d->printer->setPrintBranchImmAsAddress(true);
    return d;
}

}  // namespace cpjit::stencil_extract
