// Architecture-neutral part of the relocation library: status names and the
// dispatcher from a RelocKind to its patch function (kPatchFns, reloc.h).
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

PatchStatus apply_reloc(RelocKind kind, uint8_t* loc, const RelocArgs& a) {
    if (size_t(kind) >= kNumRelocKinds) return PatchStatus::WrongArch;
    return kPatchFns[size_t(kind)](loc, a.loc_addr, a.symbol, a.addend, a.got_slot, a.counter);
}

}  // namespace cpjit::jit
