// `cpjit trace` for the LLVM backend (tools/backend_listing.h).
#include "tools/backend_listing.h"

#ifdef CPJIT_LLVM_BACKEND

#include <fmt/format.h>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/llvm/llvm_backend.h"
#include "tools/disasm.h"

namespace cpjit::tools {

namespace {

jit::Arch host_arch() {
#if defined(__aarch64__)
    return jit::Arch::A64;
#else
    return jit::Arch::X64;
#endif
}

struct CopyPatchFigures {
    bool ok = false;
    uint32_t hot = 0, total = 0;
    size_t insns = 0;
};

// Copy-and-patch's code for `t`, compiled by a Jit of its own and freed
// again (t keeps its LLVM code).
CopyPatchFigures copy_and_patch(Trace& t, const Disassembler& dis) {
    static Tier2Stats stats;
    static std::unique_ptr<jit::Jit> cp = jit::Jit::create(Tier2Options{}, stats);
    CopyPatchFigures f;
    if (!cp) return f;
    jit::MachineCode* llvm = t.machine;
    t.machine = nullptr;
    if (cp->compile(t)) {
        f.ok = true;
        f.hot = t.machine->hot_size;
        f.total = t.machine->size;
        f.insns = dis.run(t.machine->rx, t.machine->hot_size, 0).size();
        cp->release(t);
    }
    t.machine = llvm;
    return f;
}

}  // namespace

std::string print_llvm_machine_code(const TraceCache& cache, Trace& t) {
    const auto* llvm = static_cast<const jit::LlvmBackend*>(cache.backend());
    if (!llvm || !t.machine) return "  machine code: none (not compiled)\n";
    Disassembler dis(host_arch());
    if (!dis.ok()) return "  machine code: (no disassembler)\n";
    const jit::MachineCode& c = *t.machine;
    std::vector<Insn> insns = dis.run(c.rx, c.size, 0);
    std::string out = fmt::format(
        "  machine code ({}): trace function {} bytes, {} instructions; its object: code {} bytes, "
        "read-only data {} bytes\n",
        llvm->name(), c.size, insns.size(), llvm->code_bytes(t), llvm->rodata_bytes(t));
    CopyPatchFigures cp = copy_and_patch(t, dis);
    if (cp.ok) {
        out += fmt::format("  copy-and-patch, same trace: hot code {} bytes, {} instructions ({} bytes with exit "
                           "stubs, data and GOT)\n",
                           cp.hot, cp.insns, cp.total);
        out += fmt::format("  {} / copy-and-patch: {:.2f}x the bytes, {:.2f}x the instructions\n", llvm->name(),
                           double(c.size) / double(cp.hot), double(insns.size()) / double(cp.insns));
    } else {
        out += "  copy-and-patch, same trace: not compiled\n";
    }
    for (const Insn& i : insns) out += fmt::format("           {:04x}  {:<8} {}\n", i.address, i.mnemonic, i.operands);
    return out;
}

}  // namespace cpjit::tools

#else

namespace cpjit::tools {
std::string print_llvm_machine_code(const TraceCache&, Trace&) { return {}; }
}  // namespace cpjit::tools

#endif
