// Relocation kinds of the copy-and-patch JIT, described as data
// (jit/copy_patch/reloc_kinds.def), and one small patch function per kind.
//
// Conventions for every patch function:
//   loc       where to write: the stencil's copy in writable memory
//   loc_addr  P, the address the patched bytes will execute at (with a W^X
//             dual mapping it differs from loc)
//   value     S + A for absolute kinds; target = S + A for PC-relative kinds
// They never throw and never truncate silently: a value that does not fit the
// field, a misaligned offset, or bytes that are not the instruction the kind
// applies to leave the code as it was and return an error status.
// Architecture code lives in reloc_x64.cpp and reloc_a64.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cpjit::jit {

enum class Arch : uint8_t { X64, A64 };

enum class RelocKind : uint8_t {
#define CPJIT_RELOC(id, elf, arch, width, pcrel, got, relax) id,
#include "jit/copy_patch/reloc_kinds.def"
#undef CPJIT_RELOC
};

struct RelocInfo {
    RelocKind kind;
    const char* name;      // "X64_PC32"
    const char* elf_name;  // "R_X86_64_PC32"; "" for a fused pseudo-kind
    Arch arch;
    uint8_t width;         // bits of the patched field
    bool pc_relative;
    bool uses_got;
    bool relaxable;
};

inline constexpr RelocInfo kRelocInfo[] = {
#define CPJIT_RELOC(id, elf, arch, width, pcrel, got, relax) \
    {RelocKind::id, #id, elf, Arch::arch, width, pcrel, got, relax},
#include "jit/copy_patch/reloc_kinds.def"
#undef CPJIT_RELOC
};
inline constexpr size_t kNumRelocKinds = sizeof(kRelocInfo) / sizeof(kRelocInfo[0]);

inline constexpr const RelocInfo& reloc_info(RelocKind k) { return kRelocInfo[size_t(k)]; }

// The kind for an ELF relocation type name of `arch`, or false.
inline constexpr bool reloc_kind_from_elf_name(Arch arch, std::string_view elf_name, RelocKind* out) {
    if (elf_name.empty()) return false;
    for (const RelocInfo& r : kRelocInfo)
        if (r.arch == arch && elf_name == r.elf_name) {
            *out = r.kind;
            return true;
        }
    return false;
}

enum class PatchStatus : uint8_t {
    Ok,
    OutOfRange,      // the value or displacement does not fit the field
    Misaligned,      // a branch/page offset or scaled load offset is not aligned
    BadInstruction,  // the bytes at loc are not an instruction this kind patches
    NoGotSlot,       // a GOT form could not be relaxed and no GOT slot was given
    WrongArch,       // apply_reloc: kind of the other architecture (never here)
};
const char* patch_status_name(PatchStatus s);

// Counts what the GOT forms became. Pass one per trace (or per JIT) and read
// it for statistics; the functions only increment.
struct RelaxCounter {
    uint64_t relaxed = 0;  // GOT load turned into an immediate/lea/adr/direct branch
    uint64_t got = 0;      // left as a load from the GOT slot
};

// ---- x86-64 (reloc_x64.cpp) -------------------------------------------------
PatchStatus patch_x64_64(uint8_t* loc, uint64_t value);
PatchStatus patch_x64_32(uint8_t* loc, uint64_t value);   // value < 2^32
PatchStatus patch_x64_32s(uint8_t* loc, uint64_t value);  // value in [-2^31, 2^31)
PatchStatus patch_x64_pc32(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_x64_plt32(uint8_t* loc, uint64_t loc_addr, uint64_t target);
// Not relaxable: the field becomes got_slot + addend - loc_addr.
PatchStatus patch_x64_gotpcrel(uint8_t* loc, uint64_t loc_addr, uint64_t got_slot, int64_t addend);
// GOTPCRELX / REX_GOTPCRELX: `symbol` is S (the value the GOT slot would hold),
// `addend` the relocation's addend (-4 for a disp32 that ends the
// instruction). Relaxes, in this order of preference:
//   mov  reg, [rip+G]  -> mov reg, imm32 (sign-extended for REX.W; any value
//                          for a 32-bit mov)  | lea reg, [rip+S]
//   call [rip+G]       -> addr32 call S         (S within +-2 GiB of P)
//   jmp  [rip+G]       -> jmp S; nop
//   test/add/or/adc/sbb/and/sub/xor/cmp reg, [rip+G] -> the op with imm32
// and otherwise patches the GOT load (got_slot != 0 required). The bytes
// before loc (opcode, ModRM, REX) must be in the buffer.
PatchStatus patch_x64_gotpcrelx(uint8_t* loc, uint64_t loc_addr, uint64_t symbol, int64_t addend,
                                uint64_t got_slot, RelaxCounter* counter);
PatchStatus patch_x64_rex_gotpcrelx(uint8_t* loc, uint64_t loc_addr, uint64_t symbol, int64_t addend,
                                    uint64_t got_slot, RelaxCounter* counter);

// ---- AArch64 (reloc_a64.cpp); loc is a 4-byte instruction ------------------
PatchStatus patch_a64_abs64(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g0(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g0_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g1(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g1_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g2(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g2_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_movw_uabs_g3(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_adr_prel_lo21(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_adr_prel_pg_hi21(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_adr_prel_pg_hi21_nc(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_add_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_ldst8_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_ldst16_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_ldst32_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_ldst64_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_ldst128_abs_lo12_nc(uint8_t* loc, uint64_t value);
PatchStatus patch_a64_call26(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_jump26(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_condbr19(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_tstbr14(uint8_t* loc, uint64_t loc_addr, uint64_t target);
PatchStatus patch_a64_adr_got_page(uint8_t* loc, uint64_t loc_addr, uint64_t got_slot);
PatchStatus patch_a64_ld64_got_lo12_nc(uint8_t* loc, uint64_t got_slot);
// `adrp xN, :got:S; ldr xN, [xN, :got_lo12:S]` at loc (8 bytes). Relaxes to,
// in this order: movz xN, #S; nop (S < 2^16) | movz; movk lsl 16 (S < 2^32) |
// adr xN, S; nop (+-1 MiB) | adrp xN, S; add xN, xN, :lo12:S (+-4 GiB);
// otherwise patches both GOT instructions (got_slot != 0 required).
PatchStatus patch_a64_got_load_pair(uint8_t* loc, uint64_t loc_addr, uint64_t symbol,
                                    uint64_t got_slot, RelaxCounter* counter);

// ---- generic ----------------------------------------------------------------
struct RelocArgs {
    uint64_t loc_addr = 0;  // P
    uint64_t symbol = 0;    // S
    int64_t addend = 0;     // A
    uint64_t got_slot = 0;  // G (0: none; GOT forms then must relax)
    RelaxCounter* counter = nullptr;
};
// Calls the patch function of `kind` with the values it takes.
PatchStatus apply_reloc(RelocKind kind, uint8_t* loc, const RelocArgs& args);
// The same as a function pointer, looked up once (per hole of a stencil, at
// start-up) and called per patch: P, S, A, G and the counter in registers.
#define CPJIT_APPLY_PARAMS                                                                          \
    uint8_t *loc, [[maybe_unused]] uint64_t P, [[maybe_unused]] uint64_t S, [[maybe_unused]] int64_t A, \
        [[maybe_unused]] uint64_t G, [[maybe_unused]] RelaxCounter *counter
using PatchFn = PatchStatus (*)(CPJIT_APPLY_PARAMS);
// apply_<Id>: the patch function of kind Id as a PatchFn (defined next to it,
// in reloc_x64.cpp / reloc_a64.cpp).
#define CPJIT_RELOC(id, elf, arch, width, pcrel, got, relax) PatchStatus apply_##id(CPJIT_APPLY_PARAMS);
#include "jit/copy_patch/reloc_kinds.def"
#undef CPJIT_RELOC
// One adapter per kind, in kind order (reloc_kinds.def): the table the JIT's
// patch ops index by kind (stencil_plan.h), so patching a hole is one
// indirect call, no switch.
inline constexpr PatchFn kPatchFns[] = {
#define CPJIT_RELOC(id, elf, arch, width, pcrel, got, relax) apply_##id,
#include "jit/copy_patch/reloc_kinds.def"
#undef CPJIT_RELOC
};

// ---- stencil tables (filled by the generated stencil headers) --------------
enum class HoleValue : uint8_t {
    Code,    // this stencil's own code (S = where its code is copied)
    Data,    // this stencil's read-only data (S = where its data is copied)
    Helper,  // an external helper function (Hole::helper indexes the target's table)
#define CPJIT_HOLE(id, sym, role, width) id,
#include "jit/copy_patch/reloc_holes.def"
#undef CPJIT_HOLE
};

struct HoleValueInfo {
    HoleValue value;
    const char* name;
    const char* symbol;  // "" for Code, Data, Helper
    bool is_jump;
    uint8_t width;
};
inline constexpr HoleValueInfo kHoleValueInfo[] = {
    {HoleValue::Code, "Code", "", false, 64},
    {HoleValue::Data, "Data", "", false, 64},
    {HoleValue::Helper, "Helper", "", true, 64},
#define CPJIT_HOLE(id, sym, role, width) {HoleValue::id, #id, sym, #role[0] == 'J', width},
#include "jit/copy_patch/reloc_holes.def"
#undef CPJIT_HOLE
};

struct Hole {
    uint32_t offset;   // of the patched field in the code (or data) bytes
    RelocKind kind;
    HoleValue value;   // what S is
    uint16_t helper;   // HoleValue::Helper: index into the helper table
    int64_t addend;    // A; for Code/Data it includes the symbol's offset there
};

struct Stencil {
    const char* name;
    const uint8_t* code;
    uint32_t code_size;
    uint32_t code_align;
    const uint8_t* data;  // read-only data, copied next to the code
    uint32_t data_size;
    uint32_t data_align;
    const Hole* holes;    // in the code
    uint32_t num_holes;
    const Hole* data_holes;  // in the data (e.g. a table of addresses)
    uint32_t num_data_holes;
    // The last trailing_jump_size bytes of the code are a jump to
    // _JIT_CONTINUE (hole index trailing_jump_hole): when the next stencil is
    // copied right after this one, copy code_size - trailing_jump_size bytes
    // and skip that hole. 0 / -1: no such jump.
    uint32_t trailing_jump_size;
    int32_t trailing_jump_hole;
};

}  // namespace cpjit::jit
