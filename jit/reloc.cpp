// Architecture-neutral part of the relocation library: status names and the
// dispatcher from a RelocKind to its patch function.
#include "jit/reloc.h"

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

// One adapter per kind, in kind order: the table jit.cpp's patch lists index,
// so patching a hole is one indirect call, no switch. AArch64 GOT forms
// address the slot G that holds S + A; x86-64 GOT forms use A as the
// displacement's PC adjustment (G + A - P).
#define P a.loc_addr
#define S a.symbol
#define G a.got_slot
#define SA (a.symbol + uint64_t(a.addend))
const PatchFn kPatchFns[] = {
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_64(loc, SA); },  // X64_64
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_32(loc, SA); },  // X64_32
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_32s(loc, SA); },  // X64_32S
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_pc32(loc, P, SA); },  // X64_PC32
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_plt32(loc, P, SA); },  // X64_PLT32
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_gotpcrel(loc, P, G, a.addend); },  // X64_GOTPCREL
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_gotpcrelx(loc, P, S, a.addend, G, a.counter); },  // X64_GOTPCRELX
    [](uint8_t* loc, const RelocArgs& a) { return patch_x64_rex_gotpcrelx(loc, P, S, a.addend, G, a.counter); },  // X64_REX_GOTPCRELX
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_abs64(loc, SA); },  // A64_ABS64
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g0(loc, SA); },  // A64_MOVW_UABS_G0
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g0_nc(loc, SA); },  // A64_MOVW_UABS_G0_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g1(loc, SA); },  // A64_MOVW_UABS_G1
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g1_nc(loc, SA); },  // A64_MOVW_UABS_G1_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g2(loc, SA); },  // A64_MOVW_UABS_G2
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g2_nc(loc, SA); },  // A64_MOVW_UABS_G2_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_movw_uabs_g3(loc, SA); },  // A64_MOVW_UABS_G3
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_adr_prel_lo21(loc, P, SA); },  // A64_ADR_PREL_LO21
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_adr_prel_pg_hi21(loc, P, SA); },  // A64_ADR_PREL_PG_HI21
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_adr_prel_pg_hi21_nc(loc, P, SA); },  // A64_ADR_PREL_PG_HI21_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_add_abs_lo12_nc(loc, SA); },  // A64_ADD_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ldst8_abs_lo12_nc(loc, SA); },  // A64_LDST8_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ldst16_abs_lo12_nc(loc, SA); },  // A64_LDST16_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ldst32_abs_lo12_nc(loc, SA); },  // A64_LDST32_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ldst64_abs_lo12_nc(loc, SA); },  // A64_LDST64_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ldst128_abs_lo12_nc(loc, SA); },  // A64_LDST128_ABS_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_call26(loc, P, SA); },  // A64_CALL26
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_jump26(loc, P, SA); },  // A64_JUMP26
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_condbr19(loc, P, SA); },  // A64_CONDBR19
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_tstbr14(loc, P, SA); },  // A64_TSTBR14
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_adr_got_page(loc, P, G); },  // A64_ADR_GOT_PAGE
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_ld64_got_lo12_nc(loc, G); },  // A64_LD64_GOT_LO12_NC
    [](uint8_t* loc, const RelocArgs& a) { return patch_a64_got_load_pair(loc, P, SA, G, a.counter); },  // A64_GOT_LOAD_PAIR
};
#undef P
#undef S
#undef G
#undef SA
static_assert(sizeof(kPatchFns) / sizeof(kPatchFns[0]) == kNumRelocKinds, "one adapter per kind of reloc_kinds.def");

}  // namespace

PatchFn patch_fn(RelocKind kind) { return kPatchFns[size_t(kind)]; }

PatchStatus apply_reloc(RelocKind kind, uint8_t* loc, const RelocArgs& a) {
    if (size_t(kind) >= kNumRelocKinds) return PatchStatus::WrongArch;
    return kPatchFns[size_t(kind)](loc, a);
}

}  // namespace cpjit::jit
