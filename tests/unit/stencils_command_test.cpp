// `cpjit stencils` formatting on hand-made stencils: what the committed
// stencils never exercise (read-only data and its holes, a helper name) and
// where each hole mark lands. The golden tests (tests/golden/stencils) cover
// the real tables.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "jit/copy_patch/reloc.h"
#include "jit/copy_patch/stencil_set.h"
#include "tools/disasm.h"
#include "tools/stencils_command.h"

using namespace cpjit;
using namespace cpjit::jit;

namespace {

// movabs rax, OPERAND64 ; jmp _JIT_CONTINUE
const uint8_t kCode[] = {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0};
const Hole kHoles[] = {
    {2, RelocKind::X64_64, HoleValue::Operand64, 0, 0},
    {11, RelocKind::X64_PLT32, HoleValue::Continue, 0, -4},
};
// 16 bytes of data whose second word is the address of code+0x10.
const uint8_t kData[] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0};
const Hole kDataHoles[] = {{8, RelocKind::X64_64, HoleValue::Code, 0, 0x10}};
// call [rip + GOT(helper 0)] ; ret
const uint8_t kCallCode[] = {0xff, 0x15, 0, 0, 0, 0, 0xc3};
const Hole kCallHoles[] = {{2, RelocKind::X64_GOTPCRELX, HoleValue::Helper, 0, -4}};
const char* const kHelpers[] = {"helper_one"};

const Stencil kStencils[] = {
    {"WITH_DATA", kCode, sizeof kCode, 16, kData, sizeof kData, 8, kHoles, 2, kDataHoles, 1, 5, 1},
    {"CALLS", kCallCode, sizeof kCallCode, 16, nullptr, 0, 1, kCallHoles, 1, nullptr, 0, 0, -1},
};
const StencilSet kSet{"x86_64-unknown-linux-gnu", "x86_64", Arch::X64, "sha256:test", "--flags", kHelpers, 1,
                      kStencils, 2};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(text.substr(start, nl - start));
    return out;
}

// The line after the first one containing `what`, or "".
std::string line_after(const std::vector<std::string>& ls, const std::string& what) {
    for (size_t i = 0; i + 1 < ls.size(); ++i)
        if (ls[i].find(what) != std::string::npos) return ls[i + 1];
    return "";
}

}  // namespace

TEST_CASE("stencil listing marks each hole under the first byte of its field, and the data") {
    tools::Disassembler dis(Arch::X64);
    REQUIRE(dis.ok());
    const std::vector<std::string> ls = lines(stencil_listing(kSet, kStencils[0], dis));
    const std::string movabs = line_after(ls, "(align 8), 3 holes");
    CHECK(movabs.find("0000  48 b8 00 00") != std::string::npos);
    CHECK(movabs.find("movabs rax, 0") != std::string::npos);
    // The operand field starts at byte 2 of the instruction: its caret sits
    // under that byte's hex digits.
    const std::string mark = line_after(ls, "movabs rax, 0");
    CHECK(mark.find("^ hole 0 at 0x2: R_X86_64_64 _JIT_OPERAND64+0") != std::string::npos);
    CHECK(mark.find('^') == movabs.find("48 b8") + 3 * 2);
    const std::string jmp = line_after(ls, "hole 0 at");
    CHECK(jmp.find("000a  e9") != std::string::npos);
    CHECK(line_after(ls, "000a  e9").find("^ hole 1 at 0xb: R_X86_64_PLT32 _JIT_CONTINUE-4") != std::string::npos);
    CHECK(line_after(ls, "hole 1 at").find("^ trailing jump (5 bytes)") != std::string::npos);
    // The data: 8 bytes a line, the data hole under its line's first byte.
    CHECK(line_after(ls, "read-only data (16 bytes").find("0000  01 02 03 04 05 06 07 08") != std::string::npos);
    const std::string data2 = line_after(ls, "0000  01 02 03");
    CHECK(data2.find("0008  00 00") != std::string::npos);
    const std::string data_mark = line_after(ls, "0008  00 00");
    CHECK(data_mark.find("^ data hole 0 at 0x8: R_X86_64_64 code+16") != std::string::npos);
    CHECK(data_mark.find('^') == data2.find("00 00"));
}

TEST_CASE("stencil listing names helpers and GOT forms, and says when no jump is removable") {
    tools::Disassembler dis(Arch::X64);
    REQUIRE(dis.ok());
    const std::string text = stencil_listing(kSet, kStencils[1], dis);
    CHECK(text.find("hole 0 at 0x2: R_X86_64_GOTPCRELX helper_one-4 (GOT, relaxed when in range)") != std::string::npos);
    CHECK(text.find("(no removable trailing jump)") != std::string::npos);
    CHECK(text.find("read-only data: none") != std::string::npos);
}

TEST_CASE("stencils table: holes by kind per row, figures over the stencils shown") {
    const std::string all = stencils_table(kSet, {&kStencils[0], &kStencils[1]});
    const std::vector<std::string> ls = lines(all);
    // Data holes count with the code holes (the data hole is one more X64_64).
    const std::string row = line_after(ls, "holes by relocation kind");
    CHECK(row.find("WITH_DATA     15     16      3  5 bytes") == 0);
    CHECK(row.find("64 x2, PLT32 x1") != std::string::npos);
    CHECK(line_after(ls, "WITH_DATA").find("CALLS          7      0      1  no") == 0);
    CHECK(all.find("2 stencils\n") != std::string::npos);
    // Code sizes 15 and 7: the median of two is their mean.
    CHECK(all.find("code bytes:  22 in all, median 11, mean 11.0, smallest 7 (CALLS), largest 15 (WITH_DATA)") !=
          std::string::npos);
    CHECK(all.find("data bytes:  16 in all") != std::string::npos);
    CHECK(all.find("holes:       4 in all; per stencil mean 2.00, median 2, max 3 (WITH_DATA)") != std::string::npos);
    CHECK(all.find("removable: 1 of 2 stencils (5 bytes each)") != std::string::npos);
    CHECK(all.find("helpers:     helper_one") != std::string::npos);

    const std::string one = stencils_table(kSet, {&kStencils[1]});
    CHECK(one.find("1 of 2 stencils shown") != std::string::npos);
    CHECK(one.find("removable: 0 of 1 stencils\n") != std::string::npos);
}
