// Patch functions of jit/copy_patch/reloc.h on hand-checked instruction bytes. Every
// expected encoding below was worked out from the ISA manuals and checked
// with `llvm-mc-19 --disassemble` (the disassembly is in the comments).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"

using namespace cpjit::jit;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes le32(std::initializer_list<uint32_t> words) {
    Bytes b;
    for (uint32_t w : words)
        for (int i = 0; i < 4; i++) b.push_back(uint8_t(w >> (8 * i)));
    return b;
}

uint32_t word(const Bytes& b, size_t off = 0) {
    return uint32_t(b[off]) | uint32_t(b[off + 1]) << 8 | uint32_t(b[off + 2]) << 16 |
           uint32_t(b[off + 3]) << 24;
}

constexpr int64_t kPc = -4;  // the usual x86-64 addend: disp32 ends the instruction

}  // namespace

TEST_CASE("reloc kind table: one entry per kind, ELF names unique per arch") {
    std::set<std::string> names;
    for (size_t i = 0; i < kNumRelocKinds; i++) {
        const RelocInfo& r = kRelocInfo[i];
        CHECK(size_t(r.kind) == i);
        if (*r.elf_name) CHECK(names.insert(r.elf_name).second);
        RelocKind k{};
        if (*r.elf_name) {
            CHECK(reloc_kind_from_elf_name(r.arch, r.elf_name, &k));
            CHECK(k == r.kind);
        }
    }
    RelocKind k{};
    CHECK(reloc_kind_from_elf_name(Arch::X64, "R_X86_64_PLT32", &k));
    CHECK(k == RelocKind::X64_PLT32);
    CHECK(reloc_info(k).pc_relative);
    CHECK(reloc_info(k).width == 32);
    CHECK_FALSE(reloc_kind_from_elf_name(Arch::A64, "R_X86_64_PLT32", &k));  // other arch
    CHECK_FALSE(reloc_kind_from_elf_name(Arch::X64, "R_X86_64_PC64", &k));   // unsupported
    CHECK_FALSE(reloc_kind_from_elf_name(Arch::A64, "", &k));  // the fused pseudo-kind has no ELF name
    CHECK(reloc_info(RelocKind::A64_GOT_LOAD_PAIR).relaxable);
    CHECK(reloc_info(RelocKind::A64_MOVW_UABS_G3).width == 16);
}

// ---------------------------------------------------------------- x86-64 ----

TEST_CASE("x64_64: movabs imm64") {
    Bytes b = {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0};  // movabsq $0, %rax
    CHECK(patch_x64_64(&b[2], 0x1122334455667788) == PatchStatus::Ok);
    CHECK(b == Bytes{0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
}

TEST_CASE("x64_32: zero-extended imm32, range-checked") {
    Bytes b = {0xb8, 0, 0, 0, 0};  // movl $0, %eax
    CHECK(patch_x64_32(&b[1], 0xdeadbeef) == PatchStatus::Ok);
    CHECK(b == Bytes{0xb8, 0xef, 0xbe, 0xad, 0xde});
    Bytes before = b;
    CHECK(patch_x64_32(&b[1], 0x100000000) == PatchStatus::OutOfRange);
    CHECK(b == before);  // never truncated
}

TEST_CASE("x64_32s: sign-extended imm32, range-checked") {
    Bytes b = {0x48, 0xc7, 0xc0, 0, 0, 0, 0};  // movq $0, %rax
    CHECK(patch_x64_32s(&b[3], uint64_t(-0x80000000LL)) == PatchStatus::Ok);
    CHECK(b == Bytes{0x48, 0xc7, 0xc0, 0x00, 0x00, 0x00, 0x80});  // movq $-0x80000000, %rax
    CHECK(patch_x64_32s(&b[3], 0x80000000) == PatchStatus::OutOfRange);
    CHECK(patch_x64_32s(&b[3], 0x7fffffff) == PatchStatus::Ok);
    CHECK(b == Bytes{0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0x7f});
}

TEST_CASE("x64_pc32 / x64_plt32: rel32 = S + A - P, range-checked") {
    // call at 0x1000 to 0x2000: e8 fb 0f 00 00 (callq 0x2000)
    Bytes b = {0xe8, 0, 0, 0, 0};
    CHECK(patch_x64_pc32(&b[1], 0x1001, 0x2000 + kPc) == PatchStatus::Ok);
    CHECK(b == Bytes{0xe8, 0xfb, 0x0f, 0x00, 0x00});
    // jmp at 0x1000 backwards to 0xf00: e9 fb fe ff ff
    Bytes j = {0xe9, 0, 0, 0, 0};
    CHECK(patch_x64_plt32(&j[1], 0x1001, 0xf00 + kPc) == PatchStatus::Ok);
    CHECK(j == Bytes{0xe9, 0xfb, 0xfe, 0xff, 0xff});
    // +-2 GiB
    Bytes before = j;
    CHECK(patch_x64_plt32(&j[1], 0x1001, 0x1001 + 0x80000000ULL) == PatchStatus::OutOfRange);
    CHECK(patch_x64_pc32(&j[1], 0x80001001ULL, 0x1000) == PatchStatus::OutOfRange);
    CHECK(j == before);
    CHECK(patch_x64_pc32(&j[1], 0x80001001ULL, 0x1001) == PatchStatus::Ok);  // exactly -2^31
    CHECK(j == Bytes{0xe9, 0x00, 0x00, 0x00, 0x80});
}

TEST_CASE("x64_gotpcrel: GOT slot displacement, never relaxed") {
    // movzwl x@GOTPCREL(%rip), %eax at 0x1000, slot at 0x3000
    Bytes b = {0x0f, 0xb7, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrel(&b[3], 0x1003, 0x3000, kPc) == PatchStatus::Ok);
    CHECK(b == Bytes{0x0f, 0xb7, 0x05, 0xf9, 0x1f, 0x00, 0x00});  // (%rip) = 0x1007 + 0x1ff9
    CHECK(patch_x64_gotpcrel(&b[3], 0x1003, 0, kPc) == PatchStatus::NoGotSlot);
}

TEST_CASE("x64_gotpcrelx: call and jmp through the GOT become direct") {
    RelaxCounter c;
    // call *f@GOTPCREL(%rip) at 0x1000, f at 0x5000 -> addr32 call 0x5000
    Bytes call = {0xff, 0x15, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&call[2], 0x1002, 0x5000, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(call == Bytes{0x67, 0xe8, 0xfa, 0x3f, 0x00, 0x00});  // 0x1006 + 0x3ffa = 0x5000
    CHECK(c.relaxed == 1);
    // jmp *f@GOTPCREL(%rip) at 0x1000 -> jmp 0x5000; nop
    Bytes jmp = {0xff, 0x25, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&jmp[2], 0x1002, 0x5000, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(jmp == Bytes{0xe9, 0xfb, 0x3f, 0x00, 0x00, 0x90});  // 0x1005 + 0x3ffb = 0x5000
    CHECK(c.relaxed == 2);
    // Out of rel32 range: stays a GOT call, displacement to the slot at 0x3000.
    Bytes far = {0xff, 0x15, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&far[2], 0x1002, 0x7f0000000000, kPc, 0x3000, &c) == PatchStatus::Ok);
    CHECK(far == Bytes{0xff, 0x15, 0xfa, 0x1f, 0x00, 0x00});
    CHECK(c.got == 1);
    // ... and with no GOT slot it is an error, bytes untouched.
    Bytes nogot = {0xff, 0x15, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&nogot[2], 0x1002, 0x7f0000000000, kPc, 0, &c) == PatchStatus::NoGotSlot);
    CHECK(nogot == Bytes{0xff, 0x15, 0, 0, 0, 0});
    CHECK(c.relaxed == 2);
}

TEST_CASE("x64_gotpcrelx: 32-bit mov from the GOT becomes mov imm32") {
    RelaxCounter c;
    // movl x@GOTPCREL(%rip), %eax -> movl $0x12345, %eax (c7 c0 imm32, same 6 bytes)
    Bytes b = {0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&b[2], 0x1002, 0x12345, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(b == Bytes{0xc7, 0xc0, 0x45, 0x23, 0x01, 0x00});
    // movl x@GOTPCREL(%rip), %ecx: the load read the slot's low half, so any S works
    Bytes e = {0x8b, 0x0d, 0, 0, 0, 0};
    CHECK(patch_x64_gotpcrelx(&e[2], 0x1002, 0x7f00deadbeef, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(e == Bytes{0xc7, 0xc1, 0xef, 0xbe, 0xad, 0xde});  // movl $0xdeadbeef, %ecx
    CHECK(c.relaxed == 2);
}

TEST_CASE("x64_rex_gotpcrelx: mov becomes mov imm32 (sign-extended), else lea, else GOT") {
    RelaxCounter c;
    // movq x@GOTPCREL(%rip), %rax -> movq $0x1234, %rax
    Bytes b = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&b[3], 0x1003, 0x1234, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(b == Bytes{0x48, 0xc7, 0xc0, 0x34, 0x12, 0x00, 0x00});
    // movq x@GOTPCREL(%rip), %r8 (REX.R) -> movq $0x10, %r8 (REX.B)
    Bytes r8 = {0x4c, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&r8[3], 0x1003, 0x10, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(r8 == Bytes{0x49, 0xc7, 0xc0, 0x10, 0x00, 0x00, 0x00});
    // a negative value that fits the sign-extended imm32: movq $-256, %rax
    Bytes neg = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&neg[3], 0x1003, uint64_t(-256), kPc, 0, &c) == PatchStatus::Ok);
    CHECK(neg == Bytes{0x48, 0xc7, 0xc0, 0x00, 0xff, 0xff, 0xff});
    // an address near the code: leaq 0xff9(%rip), %rax
    const uint64_t P = 0x7f0000000003;
    Bytes lea = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&lea[3], P, 0x7f0000001000, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(lea == Bytes{0x48, 0x8d, 0x05, 0xf9, 0x0f, 0x00, 0x00});
    CHECK(c.relaxed == 4);
    // neither: the GOT load stays, to the slot at P + 0x1000 - 3
    Bytes got = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&got[3], P, 0x100000000000, kPc, P + 0x1000 - 3, &c) == PatchStatus::Ok);
    CHECK(got == Bytes{0x48, 0x8b, 0x05, 0xf9, 0x0f, 0x00, 0x00});
    CHECK(c.got == 1);
    CHECK(patch_x64_rex_gotpcrelx(&got[3], P, 0x100000000000, kPc, 0, &c) == PatchStatus::NoGotSlot);
}

TEST_CASE("x64_rex_gotpcrelx: cmp and test take the value as imm32") {
    RelaxCounter c;
    // cmpq x@GOTPCREL(%rip), %rdi -> cmpq $42, %rdi (81 /7)
    Bytes cmp = {0x48, 0x3b, 0x3d, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&cmp[3], 0x1003, 42, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(cmp == Bytes{0x48, 0x81, 0xff, 0x2a, 0x00, 0x00, 0x00});
    // testq %rax, x@GOTPCREL(%rip) -> testq $7, %rax (f7 /0)
    Bytes test = {0x48, 0x85, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&test[3], 0x1003, 7, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(test == Bytes{0x48, 0xf7, 0xc0, 0x07, 0x00, 0x00, 0x00});
    // addq x@GOTPCREL(%rip), %r9 (REX.WR) -> addq $5, %r9 (REX.WB, 81 /0)
    Bytes add = {0x4c, 0x03, 0x0d, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&add[3], 0x1003, 5, kPc, 0, &c) == PatchStatus::Ok);
    CHECK(add == Bytes{0x49, 0x81, 0xc1, 0x05, 0x00, 0x00, 0x00});
    CHECK(c.relaxed == 3);
    // not a REX prefix where REX_GOTPCRELX says there is one
    Bytes bad = {0x90, 0x8b, 0x05, 0, 0, 0, 0};
    CHECK(patch_x64_rex_gotpcrelx(&bad[3], 0x1003, 5, kPc, 0x3000, &c) == PatchStatus::BadInstruction);
}

// --------------------------------------------------------------- AArch64 ----

TEST_CASE("a64_abs64") {
    Bytes b(8, 0);
    CHECK(patch_a64_abs64(b.data(), 0x1122334455667788) == PatchStatus::Ok);
    CHECK(b == Bytes{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
}

TEST_CASE("a64_movw_uabs_g0..g3: movz + 3 movk build a 64-bit value") {
    const uint64_t v = 0x1122334455667788;
    Bytes b = le32({0xd2800009, 0xf2a00009, 0xf2c00009, 0xf2e00009});  // movz x9, #0; movk x9, #0, lsl 16/32/48
    CHECK(patch_a64_movw_uabs_g0_nc(&b[0], v) == PatchStatus::Ok);
    CHECK(patch_a64_movw_uabs_g1_nc(&b[4], v) == PatchStatus::Ok);
    CHECK(patch_a64_movw_uabs_g2_nc(&b[8], v) == PatchStatus::Ok);
    CHECK(patch_a64_movw_uabs_g3(&b[12], v) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xd28ef109);   // mov  x9, #0x7788
    CHECK(word(b, 4) == 0xf2aaacc9);   // movk x9, #0x5566, lsl #16
    CHECK(word(b, 8) == 0xf2c66889);   // movk x9, #0x3344, lsl #32
    CHECK(word(b, 12) == 0xf2e22449);  // movk x9, #0x1122, lsl #48
}

TEST_CASE("a64_movw_uabs checked forms reject values that do not fit") {
    Bytes b = le32({0xd2800009});
    CHECK(patch_a64_movw_uabs_g0(&b[0], 0xffff) == PatchStatus::Ok);
    CHECK(word(b) == 0xd29fffe9);  // mov x9, #0xffff
    CHECK(patch_a64_movw_uabs_g0(&b[0], 0x10000) == PatchStatus::OutOfRange);
    CHECK(word(b) == 0xd29fffe9);
    Bytes k = le32({0xf2a00009});
    CHECK(patch_a64_movw_uabs_g1(&k[0], 0xabcd0000) == PatchStatus::Ok);
    CHECK(word(k) == 0xf2b579a9);  // movk x9, #0xabcd, lsl #16
    CHECK(patch_a64_movw_uabs_g1(&k[0], 0x100000000) == PatchStatus::OutOfRange);
    Bytes k2 = le32({0xf2c00009});
    CHECK(patch_a64_movw_uabs_g2(&k2[0], 0xffff00000000) == PatchStatus::Ok);
    CHECK(word(k2) == 0xf2dfffe9);  // movk x9, #0xffff, lsl #32
    CHECK(patch_a64_movw_uabs_g2(&k2[0], 0x1000000000000) == PatchStatus::OutOfRange);
    Bytes nop = le32({0xd503201f});
    CHECK(patch_a64_movw_uabs_g0_nc(&nop[0], 1) == PatchStatus::BadInstruction);
    CHECK(word(nop) == 0xd503201f);
}

TEST_CASE("a64_jump26 / call26: b and bl, +-128 MiB, word aligned") {
    Bytes b = le32({0x14000000});  // b .
    CHECK(patch_a64_jump26(&b[0], 0x1000, 0x1040) == PatchStatus::Ok);
    CHECK(word(b) == 0x14000010);  // b #+0x40
    Bytes bl = le32({0x94000000});  // bl .
    CHECK(patch_a64_call26(&bl[0], 0x1000, 0xffc) == PatchStatus::Ok);
    CHECK(word(bl) == 0x97ffffff);  // bl #-4
    CHECK(patch_a64_call26(&bl[0], 0x1000, 0x1000 - 0x8000000) == PatchStatus::Ok);
    CHECK(word(bl) == 0x96000000);  // bl #-128MiB, the far end
    CHECK(patch_a64_jump26(&b[0], 0x1000, 0x1000 + 0x8000000) == PatchStatus::OutOfRange);
    CHECK(patch_a64_jump26(&b[0], 0x1000, 0x1002) == PatchStatus::Misaligned);
    CHECK(word(b) == 0x14000010);
    Bytes notb = le32({0xd503201f});
    CHECK(patch_a64_jump26(&notb[0], 0x1000, 0x1040) == PatchStatus::BadInstruction);
}

TEST_CASE("a64_condbr19: b.cond and cbz, +-1 MiB") {
    Bytes bne = le32({0x54000001});  // b.ne .
    CHECK(patch_a64_condbr19(&bne[0], 0x1000, 0x1040) == PatchStatus::Ok);
    CHECK(word(bne) == 0x54000201);  // b.ne #+0x40
    Bytes cbz = le32({0xb4000000});  // cbz x0, .
    CHECK(patch_a64_condbr19(&cbz[0], 0x1000, 0xff8) == PatchStatus::Ok);
    CHECK(word(cbz) == 0xb4ffffc0);  // cbz x0, #-8
    CHECK(patch_a64_condbr19(&cbz[0], 0x1000, 0x1000 + 0x100000) == PatchStatus::OutOfRange);
    CHECK(patch_a64_condbr19(&cbz[0], 0x1000, 0x1000 - 0x100000) == PatchStatus::Ok);
    CHECK(word(cbz) == 0xb4800000);  // cbz x0, #-1MiB
    Bytes b = le32({0x14000000});
    CHECK(patch_a64_condbr19(&b[0], 0x1000, 0x1040) == PatchStatus::BadInstruction);
}

TEST_CASE("a64_tstbr14: tbz, +-32 KiB") {
    Bytes t = le32({0x36000000});  // tbz w0, #0, .
    CHECK(patch_a64_tstbr14(&t[0], 0x1000, 0x1020) == PatchStatus::Ok);
    CHECK(word(t) == 0x36000100);  // tbz w0, #0, #+0x20
    CHECK(patch_a64_tstbr14(&t[0], 0x1000, 0x1000 + 0x8000) == PatchStatus::OutOfRange);
}

TEST_CASE("a64_adr_prel_lo21 and adr_prel_pg_hi21") {
    Bytes adr = le32({0x10000000});  // adr x0, .
    CHECK(patch_a64_adr_prel_lo21(&adr[0], 0x1000, 0x11005) == PatchStatus::Ok);
    CHECK(word(adr) == 0x30080020);  // adr x0, #+0x10005
    CHECK(patch_a64_adr_prel_lo21(&adr[0], 0x1000, 0x1000 + 0x100000) == PatchStatus::OutOfRange);
    Bytes adrp = le32({0x90000008});  // adrp x8, .
    CHECK(patch_a64_adr_prel_pg_hi21(&adrp[0], 0x400123, 0x12345678) == PatchStatus::Ok);
    CHECK(word(adrp) == 0xb008fa28);  // adrp x8, #+0x11f45000 (0x12345000 - 0x400000)
    CHECK(patch_a64_adr_prel_pg_hi21(&adrp[0], 0x1000, 0x1000 + (1ULL << 32)) == PatchStatus::OutOfRange);
    CHECK(word(adrp) == 0xb008fa28);
    CHECK(patch_a64_adr_prel_pg_hi21_nc(&adrp[0], 0x1000, 0x1000 + (1ULL << 33)) == PatchStatus::Ok);
    CHECK(word(adrp) == 0x90000008);  // _NC: the page offset wraps
    Bytes add = le32({0x91000108});
    CHECK(patch_a64_adr_prel_pg_hi21(&add[0], 0x1000, 0x2000) == PatchStatus::BadInstruction);
}

TEST_CASE("a64_add_abs_lo12_nc and ldst*_abs_lo12_nc (scaled, alignment-checked)") {
    Bytes add = le32({0x91000108});  // add x8, x8, #0
    CHECK(patch_a64_add_abs_lo12_nc(&add[0], 0x12345678) == PatchStatus::Ok);
    CHECK(word(add) == 0x9119e108);  // add x8, x8, #0x678
    Bytes ldr = le32({0xfd400100});  // ldr d0, [x8]
    CHECK(patch_a64_ldst64_abs_lo12_nc(&ldr[0], 0x12345678) == PatchStatus::Ok);
    CHECK(word(ldr) == 0xfd433d00);  // ldr d0, [x8, #0x678]
    CHECK(patch_a64_ldst64_abs_lo12_nc(&ldr[0], 0x12345674) == PatchStatus::Misaligned);
    CHECK(word(ldr) == 0xfd433d00);
    Bytes l8 = le32({0x39400020});  // ldrb w0, [x1]
    CHECK(patch_a64_ldst8_abs_lo12_nc(&l8[0], 0xabc123) == PatchStatus::Ok);
    CHECK(word(l8) == 0x39448c20);  // ldrb w0, [x1, #0x123]
    Bytes l16 = le32({0x79400020});  // ldrh w0, [x1]
    CHECK(patch_a64_ldst16_abs_lo12_nc(&l16[0], 0x246) == PatchStatus::Ok);
    CHECK(word(l16) == 0x79448c20);  // ldrh w0, [x1, #0x246]
    CHECK(patch_a64_ldst16_abs_lo12_nc(&l16[0], 0x247) == PatchStatus::Misaligned);
    Bytes l32 = le32({0xb9400020});  // ldr w0, [x1]
    CHECK(patch_a64_ldst32_abs_lo12_nc(&l32[0], 0x48c) == PatchStatus::Ok);
    CHECK(word(l32) == 0xb9448c20);  // ldr w0, [x1, #0x48c]
    Bytes l128 = le32({0x3dc00020});  // ldr q0, [x1]
    CHECK(patch_a64_ldst128_abs_lo12_nc(&l128[0], 0x1230) == PatchStatus::Ok);
    CHECK(word(l128) == 0x3dc08c20);  // ldr q0, [x1, #0x230] (the low 12 bits, /16)
    CHECK(patch_a64_ldst128_abs_lo12_nc(&l128[0], 0x1238) == PatchStatus::Misaligned);
    CHECK(patch_a64_add_abs_lo12_nc(&l128[0], 0x10) == PatchStatus::BadInstruction);
}

TEST_CASE("a64_adr_got_page + a64_ld64_got_lo12_nc: unfused GOT load") {
    Bytes b = le32({0x90000008, 0xf9400108});  // adrp x8, :got:x; ldr x8, [x8, :got_lo12:x]
    CHECK(patch_a64_adr_got_page(&b[0], 0x400123, 0x12345678) == PatchStatus::Ok);
    CHECK(patch_a64_ld64_got_lo12_nc(&b[4], 0x12345678) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xb008fa28);  // adrp x8, #+0x11f45000
    CHECK(word(b, 4) == 0xf9433d08);  // ldr x8, [x8, #0x678]
    CHECK(patch_a64_ld64_got_lo12_nc(&b[4], 0x12345674) == PatchStatus::Misaligned);
    CHECK(patch_a64_adr_got_page(&b[0], 0x400123, 0) == PatchStatus::NoGotSlot);
}

TEST_CASE("a64_got_load_pair: relaxed to movz, movz+movk, adr, adrp+add, else GOT") {
    const Bytes pair = le32({0x90000008, 0xf9400108});  // adrp x8, :got:x; ldr x8, [x8, :got_lo12:x]
    const uint64_t P = 0x7f0000000000;
    RelaxCounter c;
    Bytes b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, 0x1234, 0, &c) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xd2824688);  // mov x8, #0x1234
    CHECK(word(b, 4) == 0xd503201f);  // nop
    b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, 0x12345678, 0, &c) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xd28acf08);  // mov  x8, #0x5678
    CHECK(word(b, 4) == 0xf2a24688);  // movk x8, #0x1234, lsl #16
    b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, P + 0x100, 0, &c) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0x10000808);  // adr x8, #+0x100
    CHECK(word(b, 4) == 0xd503201f);
    b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, P + 0x12345678, 0, &c) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xb0091a28);  // adrp x8, #+0x12345000
    CHECK(word(b, 4) == 0x9119e108);  // add  x8, x8, #0x678
    CHECK(c.relaxed == 4);
    b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, P + (1ULL << 40), P + 0x2008, &c) == PatchStatus::Ok);
    CHECK(word(b, 0) == 0xd0000008);  // adrp x8, #+0x2000 (the GOT slot's page)
    CHECK(word(b, 4) == 0xf9400508);  // ldr  x8, [x8, #8]
    CHECK(c.got == 1);
    b = pair;
    CHECK(patch_a64_got_load_pair(&b[0], P, P + (1ULL << 40), 0, &c) == PatchStatus::NoGotSlot);
    CHECK(b == pair);
    Bytes other = le32({0x90000008, 0xf9400109});  // ldr x9, [x8]: x8 stays live, not fusable
    CHECK(patch_a64_got_load_pair(&other[0], P, 0x10, 0, &c) == PatchStatus::BadInstruction);
    CHECK(c.relaxed == 4);
}

TEST_CASE("apply_reloc dispatches S + A, P and the GOT slot to each kind") {
    Bytes b = {0xe8, 0, 0, 0, 0};
    RelocArgs a;
    a.loc_addr = 0x1001;
    a.symbol = 0x2000;
    a.addend = -4;
    CHECK(apply_reloc(RelocKind::X64_PLT32, &b[1], a) == PatchStatus::Ok);
    CHECK(b == Bytes{0xe8, 0xfb, 0x0f, 0x00, 0x00});
    Bytes m = le32({0xf2e00009});
    RelocArgs v;
    v.symbol = 0x1122000000000000;
    v.addend = 0x0000334455667788;
    CHECK(apply_reloc(RelocKind::A64_MOVW_UABS_G3, &m[0], v) == PatchStatus::Ok);
    CHECK(word(m) == 0xf2e22449);
    RelaxCounter c;
    Bytes pair = le32({0x90000008, 0xf9400108});
    RelocArgs g;
    g.loc_addr = 0x7f0000000000;
    g.symbol = 0x1234;
    g.counter = &c;
    CHECK(apply_reloc(RelocKind::A64_GOT_LOAD_PAIR, &pair[0], g) == PatchStatus::Ok);
    CHECK(word(pair) == 0xd2824688);
    CHECK(c.relaxed == 1);
    CHECK(std::string(patch_status_name(PatchStatus::OutOfRange)) == "value out of range");
}
