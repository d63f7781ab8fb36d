// Architecture-neutral part of the relocation library: status names and the
// dispatcher from a RelocKind to its patch function.
#include "jit/copy_patch/reloc.h"

namespace cpjit::jit {

const char* patch_status_name(PatchStatus s) {
    switch (s) {
    case PatchStatus::Ok: return "ok";
    case PatchStatus::OutOfRange: return "value out of range";
    case PatchStatus::Misaligned: return "misaligned";
    case PatchStatus::BadInstruction: return "unexpected instruction";
    case PatchStatus::NoGotSlot: return "no GOT slot for an unrelaxable GOT load";
    case PatchStatus::WrongArch: return "wrong architecture";
    }
    return "?";
}

namespace {

// One adapter per kind, in kind order (reloc_kinds.def): the table the JIT's
// patch lists point into, so patching a hole is one indirect call, no switch.
const PatchFn kPatchFns[] = {
#define CPJIT_RELOC(id, elf, arch, width, pcrel, got, relax) apply_##id,
#include "jit/copy_patch/reloc_kinds.def"
#undef CPJIT_RELOC
};

}  // namespace

PatchFn patch_fn(RelocKind kind) { return kPatchFns[size_t(kind)]; }

PatchStatus apply_reloc(RelocKind kind, uint8_t* loc, const RelocArgs& a) {
    if (size_t(kind) >= kNumRelocKinds) return PatchStatus::WrongArch;
    return kPatchFns[size_t(kind)](loc, a.loc_addr, a.symbol, a.addend, a.got_slot, a.counter);
}

}  // namespace cpjit::jit
