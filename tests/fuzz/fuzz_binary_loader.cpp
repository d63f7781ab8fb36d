// libFuzzer target: bytes -> .cpbc reader -> verifier (docs/language.md §9: the binary
// form is untrusted input). Must never crash, leak or hit UB; a load error is
// one line naming the file. A program that verifies must round-trip through
// the disassembler and the binary format, and, when it surely ends quickly
// (forward jumps, no recursion), run in a 4 MiB heap the same in Tier 1 and
// Tier 2. Inputs are raw: a seed's first bytes are the "CPBC" magic.
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cpjit;
    if (size > 64 * 1024) return -1;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    Program prog;
    LoadError err;
    if (!read_bytecode("fuzz.cpbc", bytes, prog, err) || !verify(prog, err)) {
        cpjit_fuzz::check_load_error(err, "fuzz.cpbc");
        return 0;
    }
    cpjit_fuzz::check_verified(prog, [&](Program& p) {
        LoadError e;
        if (!read_bytecode("fuzz.cpbc", bytes, p, e) || !verify(p, e)) cpjit_fuzz::fail("second load differs", e.format());
    });
    return 0;
}
