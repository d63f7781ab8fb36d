// x86-64 patch functions. Every field is a little-endian 32- or 64-bit
// immediate or displacement; GOTPCRELX forms may rewrite the opcode bytes in
// front of the field to drop the GOT load (System V psABI, "Linker
// Optimization": the same rewrites lld and GNU ld make).
#include "jit/copy_patch/reloc.h"
#include "jit/copy_patch/reloc_util.h"

namespace cpjit::jit {

using detail::fits_signed;
using detail::write32le;
using detail::write64le;

PatchStatus patch_x64_64(uint8_t* loc, uint64_t value) {
    write64le(loc, value);
    return PatchStatus::Ok;
}

PatchStatus patch_x64_32(uint8_t* loc, uint64_t value) {
    if (value > UINT32_MAX) return PatchStatus::OutOfRange;
    write32le(loc, uint32_t(value));
    return PatchStatus::Ok;
}

PatchStatus patch_x64_32s(uint8_t* loc, uint64_t value) {
    if (!fits_signed(int64_t(value), 32)) return PatchStatus::OutOfRange;
    write32le(loc, uint32_t(value));
    return PatchStatus::Ok;
}

PatchStatus patch_x64_pc32(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    int64_t d = int64_t(target - loc_addr);
    if (!fits_signed(d, 32)) return PatchStatus::OutOfRange;
    write32le(loc, uint32_t(d));
    return PatchStatus::Ok;
}

// A direct call or jump: the JIT has no PLT, the target is the function.
PatchStatus patch_x64_plt32(uint8_t* loc, uint64_t loc_addr, uint64_t target) {
    return patch_x64_pc32(loc, loc_addr, target);
}

PatchStatus patch_x64_gotpcrel(uint8_t* loc, uint64_t loc_addr, uint64_t got_slot, int64_t addend) {
    if (got_slot == 0) return PatchStatus::NoGotSlot;
    return patch_x64_pc32(loc, loc_addr, got_slot + uint64_t(addend));
}

namespace {

constexpr uint8_t kRexW = 0x08, kRexR = 0x04, kRexB = 0x01;

// ModRM of a RIP-relative operand: mod = 00, rm = 101.
bool is_rip_modrm(uint8_t modrm) { return (modrm & 0xc7) == 0x05; }

// The imm32 of a relaxed instruction: sign-extended to 64 bits under REX.W,
// else a 32-bit operation, where the load it replaces read the low 32 bits
// of the GOT slot: any value does (its low half is used).
bool imm32_for(uint64_t symbol, bool rex_w, uint32_t* imm) {
    if (rex_w && !fits_signed(int64_t(symbol), 32)) return false;
    *imm = uint32_t(symbol);
    return true;
}

PatchStatus gotpcrelx(uint8_t* loc, uint64_t loc_addr, uint64_t symbol, int64_t addend,
                      uint64_t got_slot, RelaxCounter* counter, bool rex_form) {
    uint8_t& op = loc[-2];
    uint8_t& modrm = loc[-1];
    uint8_t* rex = rex_form ? &loc[-3] : nullptr;
    if (rex && (*rex & 0xf0) != 0x40) return PatchStatus::BadInstruction;
    const bool rex_w = rex && (*rex & kRexW);
    const int64_t pcrel = int64_t(symbol + uint64_t(addend) - loc_addr);  // S + A - P
    auto relaxed = [&] {
        if (counter) counter->relaxed++;
        return PatchStatus::Ok;
    };
    if (is_rip_modrm(modrm)) {
        const uint8_t reg = (modrm >> 3) & 7;
        uint32_t imm;
        // reg moves from ModRM.reg to ModRM.rm, so REX.R becomes REX.B.
        auto move_rex_r_to_b = [&] {
            if (rex && (*rex & kRexR)) *rex = uint8_t((*rex & ~kRexR) | kRexB);
        };
        if (op == 0x8b) {  // mov reg, [rip + G]
            if (imm32_for(symbol, rex_w, &imm)) {  // -> mov reg, imm32 (C7 /0)
                op = 0xc7;
                modrm = uint8_t(0xc0 | reg);
                move_rex_r_to_b();
                write32le(loc, imm);
                return relaxed();
            }
            if (fits_signed(pcrel, 32)) {  // -> lea reg, [rip + S]
                op = 0x8d;
                write32le(loc, uint32_t(pcrel));
                return relaxed();
            }
        } else if (op == 0xff && modrm == 0x15 && !rex) {  // call [rip + G]
            if (fits_signed(pcrel, 32)) {  // -> addr32 call S
                loc[-2] = 0x67;
                loc[-1] = 0xe8;
                write32le(loc, uint32_t(pcrel));
                return relaxed();
            }
        } else if (op == 0xff && modrm == 0x25 && !rex) {  // jmp [rip + G]
            // -> jmp S; nop. The jmp starts one byte earlier, so its rel32
            // (from the end of the 5-byte jmp) is one more.
            if (fits_signed(pcrel + 1, 32)) {
                loc[-2] = 0xe9;
                write32le(loc - 1, uint32_t(pcrel + 1));
                loc[3] = 0x90;
                return relaxed();
            }
        } else if (op == 0x85) {  // test [rip + G], reg -> test reg, imm32 (F7 /0)
            if (imm32_for(symbol, rex_w, &imm)) {
                op = 0xf7;
                modrm = uint8_t(0xc0 | reg);
                move_rex_r_to_b();
                write32le(loc, imm);
                return relaxed();
            }
        } else if ((op & 0xc7) == 0x03) {  // add/or/adc/sbb/and/sub/xor/cmp reg, [rip + G]
            if (imm32_for(symbol, rex_w, &imm)) {  // -> op reg, imm32 (81 /ext)
                const uint8_t ext = (op >> 3) & 7;
                op = 0x81;
                modrm = uint8_t(0xc0 | (ext << 3) | reg);
                move_rex_r_to_b();
                write32le(loc, imm);
                return relaxed();
            }
        }
    }
    if (got_slot == 0) return PatchStatus::NoGotSlot;
    PatchStatus s = patch_x64_pc32(loc, loc_addr, got_slot + uint64_t(addend));
    if (s == PatchStatus::Ok && counter) counter->got++;
    return s;
}

}  // namespace

PatchStatus patch_x64_gotpcrelx(uint8_t* loc, uint64_t loc_addr, uint64_t symbol, int64_t addend,
                                uint64_t got_slot, RelaxCounter* counter) {
    return gotpcrelx(loc, loc_addr, symbol, addend, got_slot, counter, false);
}

PatchStatus patch_x64_rex_gotpcrelx(uint8_t* loc, uint64_t loc_addr, uint64_t symbol, int64_t addend,
                                    uint64_t got_slot, RelaxCounter* counter) {
    return gotpcrelx(loc, loc_addr, symbol, addend, got_slot, counter, true);
}

// The adapters of jit/copy_patch/reloc.h (apply_<Id>): each kind's patch function with
// the values it takes, in this file so the compiler inlines it into the one
// call the JIT makes per hole. S + A for absolute and PC-relative kinds;
// GOT forms get S, A and G apart.
PatchStatus apply_X64_64(CPJIT_APPLY_PARAMS) { return patch_x64_64(loc, S + uint64_t(A)); }
PatchStatus apply_X64_32(CPJIT_APPLY_PARAMS) { return patch_x64_32(loc, S + uint64_t(A)); }
PatchStatus apply_X64_32S(CPJIT_APPLY_PARAMS) { return patch_x64_32s(loc, S + uint64_t(A)); }
PatchStatus apply_X64_PC32(CPJIT_APPLY_PARAMS) { return patch_x64_pc32(loc, P, S + uint64_t(A)); }
PatchStatus apply_X64_PLT32(CPJIT_APPLY_PARAMS) { return patch_x64_plt32(loc, P, S + uint64_t(A)); }
PatchStatus apply_X64_GOTPCREL(CPJIT_APPLY_PARAMS) { return patch_x64_gotpcrel(loc, P, G, A); }
PatchStatus apply_X64_GOTPCRELX(CPJIT_APPLY_PARAMS) { return patch_x64_gotpcrelx(loc, P, S, A, G, counter); }
PatchStatus apply_X64_REX_GOTPCRELX(CPJIT_APPLY_PARAMS) { return patch_x64_rex_gotpcrelx(loc, P, S, A, G, counter); }

}  // namespace cpjit::jit
