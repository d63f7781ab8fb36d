// AArch64 patch functions. Every instruction is a little-endian 32-bit word;
// each function checks that the word is an instruction its kind applies to,
// then writes the immediate field and nothing else.
#include "jit/copy_patch/reloc.h"
#include "jit/copy_patch/reloc_util.h"

namespace cpjit::jit {

using detail::fits_signed;
using detail::read32le;
using detail::write32le;
using detail::write64le;

namespace {

constexpr uint32_t kNop = 0xd503201f;

bool is_movw(uint32_t i) { return (i & 0x1f800000) == 0x12800000; }  // movn/movz/movk (32/64)
bool is_adr(uint32_t i) { return (i & 0x9f000000) == 0x10000000; }
bool is_adrp(uint32_t i) { return (i & 0x9f000000) == 0x90000000; }
bool is_add_imm(uint32_t i) { return (i & 0x7f800000) == 0x11000000; }  // add (32/64), shift 0
bool is_ldst_uimm(uint32_t i) { return (i & 0x3b000000) == 0x39000000; }  // ldr/str [Xn, #uimm]
bool is_ldr_x_uimm(uint32_t i) { return (i & 0xffc00000) == 0xf9400000; }  // ldr Xt, [Xn, #uimm]
bool is_b_or_bl(uint32_t i) { return (i & 0x7c000000) == 0x14000000; }
bool is_bcond_cbz(uint32_t i) {
    return (i & 0xff000010) == 0x54000000 || (i & 0x7e000000) == 0x34000000;
}
bool is_tbz(uint32_t i) { return (i & 0x7e000000) == 0x36000000; }

uint32_t set_imm16(uint32_t i, uint64_t v) { return (i & ~(0xffffu << 5)) | uint32_t(v & 0xffff) << 5; }
uint32_t set_imm12(uint32_t i, uint64_t v) { return (i & ~(0xfffu << 10)) | uint32_t(v & 0xfff) << 10; }
// adr/adrp: immlo in bits 29-30, immhi in bits 5-23.
uint32_t set_imm21(uint32_t i, int64_t v) {
    uint32_t u = uint32_t(v) & 0x1fffff;
    return (i & ~(0x3u << 29) & ~(0x7ffffu << 5)) | (u & 3) << 29 | (u >> 2) << 5;
}

PatchStatus movw(uint8_t* loc, uint64_t value, unsigned shift, bool checked) {
    uint32_t i = read32le(loc);
    if (!is_movw(i)) return PatchStatus::BadInstruction;
    if (checked && shift < 48 && (value >> (shift + 16)) != 0) return PatchStatus::OutOfRange;
    write32le(loc, set_imm16(i, value >> shift));
    return PatchStatus::Ok;
}

PatchStatus adrp(uint8_t* loc, uint64_t loc_addr, uint64_t target, bool checked) {
    uint32_t i = read32le(loc);
    if (!is_adrp(i)) return PatchStatus::BadInstruction;
    int64_t pages = int64_t((target & ~uint64_t(0xfff)) - (loc_addr & ~uint64_t(0xfff))) >> 12;
    if (checked && !fits_signed(pages, 21)) return PatchStatus::OutOfRange;
    write32le(loc, set_imm21(i, pages));
    return PatchStatus::Ok;
}

PatchStatus ldst_lo12(uint8_t* loc, uint64_t value, unsigned scale) {
    uint32_t i = read32le(loc);
    if (!is_ldst_uimm(i)) return PatchStatus::BadInstruction;
    uint64_t lo = value & 0xfff;
    if (lo & ((uint64_t(1) << scale) - 1)) return PatchStatus::Misaligned;
    write32le(loc, set_imm12(i, lo >> scale));
    return PatchStatus::Ok;
}

// A PC-relative branch with a `bits`-bit word offset at bit `lsb`.
PatchStatus branch(uint8_t* loc, uint64_t loc_addr, uint64_t target, unsigned bits, unsigned lsb) {
    int64_t d = int64_t(target - loc_addr);
    if (d & 3) return PatchStatus::Misaligned;
    if (!fits_signed(d >> 2, bits)) return PatchStatus::OutOfRange;
    uint32_t mask = ((uint32_t(1) << bits) - 1) << lsb;
    uint32_t i = read32le(loc);
    write32le(loc, (i & ~mask) | ((uint32_t(d >> 2) << lsb) & mask));
    return PatchStatus::Ok;
}

}  // namespace

PatchStatus patch_a64_abs64(uint8_t* loc, uint64_t value) {
    write64le(loc, value);
    return PatchStatus::Ok;
}

PatchStatus patch_a64_movw_uabs_g0(uint8_t* loc, uint64_t v) { return movw(loc, v, 0, true); }
PatchStatus patch_a64_movw_uabs_g0_nc(uint8_t* loc, uint64_t v) { return movw(loc, v, 0, false); }
PatchStatus patch_a64_movw_uabs_g1(uint8_t* loc, uint64_t v) { return movw(loc, v, 16, true); }
PatchStatus patch_a64_movw_uabs_g1_nc(uint8_t* loc, uint64_t v) { return movw(loc, v, 16, false); }
PatchStatus patch_a64_movw_uabs_g2(uint8_t* loc, uint64_t v) { return movw(loc, v, 32, true); }
PatchStatus patch_a64_movw_uabs_g2_nc(uint8_t* loc, uint64_t v) { return movw(loc, v, 32, false); }
PatchStatus patch_a64_movw_uabs_g3(uint8_t* loc, uint64_t v) { return movw(loc, v, 48, true); }

PatchStatus patch_a64_adr_prel_lo21(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    uint32_t i = read32le(loc);
    if (!is_adr(i)) return PatchStatus::BadInstruction;
    int64_t d = int64_t(target - loc_addr);
    if (!fits_signed(d, 21)) return PatchStatus::OutOfRange;
    write32le(loc, set_imm21(i, d));
    return PatchStatus::Ok;
}

PatchStatus patch_a64_adr_prel_pg_hi21(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    return adrp(loc, loc_addr, target, true);
}
PatchStatus patch_a64_adr_prel_pg_hi21_nc(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    return adrp(loc, loc_addr, target, false);
}

PatchStatus patch_a64_add_abs_lo12_nc(uint8_t* loc, uint64_t value) {
    uint32_t i = read32le(loc);
    if (!is_add_imm(i)) return PatchStatus::BadInstruction;
    write32le(loc, set_imm12(i, value));
    return PatchStatus::Ok;
}

PatchStatus patch_a64_ldst8_abs_lo12_nc(uint8_t* loc, uint64_t v) { return ldst_lo12(loc, v, 0); }
PatchStatus patch_a64_ldst16_abs_lo12_nc(uint8_t* loc, uint64_t v) { return ldst_lo12(loc, v, 1); }
PatchStatus patch_a64_ldst32_abs_lo12_nc(uint8_t* loc, uint64_t v) { return ldst_lo12(loc, v, 2); }
PatchStatus patch_a64_ldst64_abs_lo12_nc(uint8_t* loc, uint64_t v) { return ldst_lo12(loc, v, 3); }
PatchStatus patch_a64_ldst128_abs_lo12_nc(uint8_t* loc, uint64_t v) { return ldst_lo12(loc, v, 4); }

PatchStatus patch_a64_call26(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    if (!is_b_or_bl(read32le(loc))) return PatchStatus::BadInstruction;
    return branch(loc, loc_addr, target, 26, 0);
}
PatchStatus patch_a64_jump26(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    return patch_a64_call26(loc, loc_addr, target);
}
PatchStatus patch_a64_condbr19(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    if (!is_bcond_cbz(read32le(loc))) return PatchStatus::BadInstruction;
    return branch(loc, loc_addr, target, 19, 5);
}
PatchStatus patch_a64_tstbr14(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    if (!is_tbz(read32le(loc))) return PatchStatus::BadInstruction;
    return branch(loc, loc_addr, target, 14, 5);
}

PatchStatus patch_a64_adr_got_page(uint8_t* loc, uint64_t loc_addr, uint64_t got_slot) {
    if (got_slot == 0) return PatchStatus::NoGotSlot;
    return adrp(loc, loc_addr, got_slot, true);
}

PatchStatus patch_a64_ld64_got_lo12_nc(uint8_t* loc, uint64_t got_slot) {
    if (got_slot == 0) return PatchStatus::NoGotSlot;
    if (!is_ldr_x_uimm(read32le(loc))) return PatchStatus::BadInstruction;
    return ldst_lo12(loc, got_slot, 3);
}

PatchStatus patch_a64_got_load_pair(uint8_t* loc, uint64_t loc_addr, uint64_t symbol,
                                    uint64_t got_slot, RelaxCounter* counter) {
    const uint32_t i0 = read32le(loc), i1 = read32le(loc + 4);
    const uint32_t rd = i0 & 31;
    if (!is_adrp(i0) || !is_ldr_x_uimm(i1) || (i1 & 31) != rd || ((i1 >> 5) & 31) != rd)
        return PatchStatus::BadInstruction;
    auto relaxed = [&](uint32_t a, uint32_t b) {
        write32le(loc, a);
        write32le(loc + 4, b);
        if (counter) counter->relaxed++;
        return PatchStatus::Ok;
    };
    const uint32_t movz = 0xd2800000 | rd, movk16 = 0xf2a00000 | rd;
    if (symbol < (uint64_t(1) << 16)) return relaxed(set_imm16(movz, symbol), kNop);
    if (symbol < (uint64_t(1) << 32))
        return relaxed(set_imm16(movz, symbol), set_imm16(movk16, symbol >> 16));
    const int64_t d = int64_t(symbol - loc_addr);
    if (fits_signed(d, 21)) return relaxed(set_imm21(0x10000000 | rd, d), kNop);  // adr
    const int64_t pages = int64_t((symbol & ~uint64_t(0xfff)) - (loc_addr & ~uint64_t(0xfff))) >> 12;
    if (fits_signed(pages, 21))  // adrp xN, S; add xN, xN, :lo12:S
        return relaxed(set_imm21(0x90000000 | rd, pages), set_imm12(0x91000000 | rd << 5 | rd, symbol));
    if (got_slot == 0) return PatchStatus::NoGotSlot;
    if (got_slot & 7) return PatchStatus::Misaligned;
    const int64_t got_pages = int64_t((got_slot & ~uint64_t(0xfff)) - (loc_addr & ~uint64_t(0xfff))) >> 12;
    if (!fits_signed(got_pages, 21)) return PatchStatus::OutOfRange;
    write32le(loc, set_imm21(i0, got_pages));
    write32le(loc + 4, set_imm12(i1, (got_slot & 0xfff) >> 3));
    if (counter) counter->got++;
    return PatchStatus::Ok;
}

// The adapters of jit/copy_patch/reloc.h (apply_<Id>): each kind's patch function with
// the values it takes, in this file so the compiler inlines it into the one
// call the JIT makes per hole. S + A for absolute and PC-relative kinds;
// GOT forms get S, A and G apart.
PatchStatus apply_A64_ABS64(CPJIT_APPLY_PARAMS) { return patch_a64_abs64(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G0(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g0(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G0_NC(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g0_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G1(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g1(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G1_NC(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g1_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G2(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g2(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G2_NC(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g2_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_MOVW_UABS_G3(CPJIT_APPLY_PARAMS) { return patch_a64_movw_uabs_g3(loc, S + uint64_t(A)); }
PatchStatus apply_A64_ADR_PREL_LO21(CPJIT_APPLY_PARAMS) { return patch_a64_adr_prel_lo21(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_ADR_PREL_PG_HI21(CPJIT_APPLY_PARAMS) { return patch_a64_adr_prel_pg_hi21(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_ADR_PREL_PG_HI21_NC(CPJIT_APPLY_PARAMS) { return patch_a64_adr_prel_pg_hi21_nc(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_ADD_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_add_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_LDST8_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ldst8_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_LDST16_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ldst16_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_LDST32_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ldst32_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_LDST64_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ldst64_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_LDST128_ABS_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ldst128_abs_lo12_nc(loc, S + uint64_t(A)); }
PatchStatus apply_A64_CALL26(CPJIT_APPLY_PARAMS) { return patch_a64_call26(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_JUMP26(CPJIT_APPLY_PARAMS) { return patch_a64_jump26(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_CONDBR19(CPJIT_APPLY_PARAMS) { return patch_a64_condbr19(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_TSTBR14(CPJIT_APPLY_PARAMS) { return patch_a64_tstbr14(loc, P, S + uint64_t(A)); }
PatchStatus apply_A64_ADR_GOT_PAGE(CPJIT_APPLY_PARAMS) { return patch_a64_adr_got_page(loc, P, G); }
PatchStatus apply_A64_LD64_GOT_LO12_NC(CPJIT_APPLY_PARAMS) { return patch_a64_ld64_got_lo12_nc(loc, G); }
PatchStatus apply_A64_GOT_LOAD_PAIR(CPJIT_APPLY_PARAMS) { return patch_a64_got_load_pair(loc, P, S + uint64_t(A), G, counter); }

}  // namespace cpjit::jit
