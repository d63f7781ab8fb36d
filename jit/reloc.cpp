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

PatchStatus apply_reloc(RelocKind kind, uint8_t* loc, const RelocArgs& a) {
    const uint64_t P = a.loc_addr, S = a.symbol, G = a.got_slot;
    const uint64_t SA = S + uint64_t(a.addend);
    // AArch64 GOT forms address the slot G that holds S + A; x86-64 GOT forms
    // use A as the displacement's PC adjustment (G + A - P).
    switch (kind) {
    case RelocKind::X64_64: return patch_x64_64(loc, SA);
    case RelocKind::X64_32: return patch_x64_32(loc, SA);
    case RelocKind::X64_32S: return patch_x64_32s(loc, SA);
    case RelocKind::X64_PC32: return patch_x64_pc32(loc, P, SA);
    case RelocKind::X64_PLT32: return patch_x64_plt32(loc, P, SA);
    case RelocKind::X64_GOTPCREL: return patch_x64_gotpcrel(loc, P, G, a.addend);
    case RelocKind::X64_GOTPCRELX: return patch_x64_gotpcrelx(loc, P, S, a.addend, G, a.counter);
    case RelocKind::X64_REX_GOTPCRELX: return patch_x64_rex_gotpcrelx(loc, P, S, a.addend, G, a.counter);
    case RelocKind::A64_ABS64: return patch_a64_abs64(loc, SA);
    case RelocKind::A64_MOVW_UABS_G0: return patch_a64_movw_uabs_g0(loc, SA);
    case RelocKind::A64_MOVW_UABS_G0_NC: return patch_a64_movw_uabs_g0_nc(loc, SA);
    case RelocKind::A64_MOVW_UABS_G1: return patch_a64_movw_uabs_g1(loc, SA);
    case RelocKind::A64_MOVW_UABS_G1_NC: return patch_a64_movw_uabs_g1_nc(loc, SA);
    case RelocKind::A64_MOVW_UABS_G2: return patch_a64_movw_uabs_g2(loc, SA);
    case RelocKind::A64_MOVW_UABS_G2_NC: return patch_a64_movw_uabs_g2_nc(loc, SA);
    case RelocKind::A64_MOVW_UABS_G3: return patch_a64_movw_uabs_g3(loc, SA);
    case RelocKind::A64_ADR_PREL_LO21: return patch_a64_adr_prel_lo21(loc, P, SA);
    case RelocKind::A64_ADR_PREL_PG_HI21: return patch_a64_adr_prel_pg_hi21(loc, P, SA);
    case RelocKind::A64_ADR_PREL_PG_HI21_NC: return patch_a64_adr_prel_pg_hi21_nc(loc, P, SA);
    case RelocKind::A64_ADD_ABS_LO12_NC: return patch_a64_add_abs_lo12_nc(loc, SA);
    case RelocKind::A64_LDST8_ABS_LO12_NC: return patch_a64_ldst8_abs_lo12_nc(loc, SA);
    case RelocKind::A64_LDST16_ABS_LO12_NC: return patch_a64_ldst16_abs_lo12_nc(loc, SA);
    case RelocKind::A64_LDST32_ABS_LO12_NC: return patch_a64_ldst32_abs_lo12_nc(loc, SA);
    case RelocKind::A64_LDST64_ABS_LO12_NC: return patch_a64_ldst64_abs_lo12_nc(loc, SA);
    case RelocKind::A64_LDST128_ABS_LO12_NC: return patch_a64_ldst128_abs_lo12_nc(loc, SA);
    case RelocKind::A64_CALL26: return patch_a64_call26(loc, P, SA);
    case RelocKind::A64_JUMP26: return patch_a64_jump26(loc, P, SA);
    case RelocKind::A64_CONDBR19: return patch_a64_condbr19(loc, P, SA);
    case RelocKind::A64_TSTBR14: return patch_a64_tstbr14(loc, P, SA);
    case RelocKind::A64_ADR_GOT_PAGE: return patch_a64_adr_got_page(loc, P, G);
    case RelocKind::A64_LD64_GOT_LO12_NC: return patch_a64_ld64_got_lo12_nc(loc, G);
    case RelocKind::A64_GOT_LOAD_PAIR: return patch_a64_got_load_pair(loc, P, SA, G, a.counter);
    }
    return PatchStatus::WrongArch;
}

}  // namespace cpjit::jit
