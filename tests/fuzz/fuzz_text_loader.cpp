// libFuzzer target: bytes -> .cpasm assembler -> verifier. Must never crash,
// leak or hit UB; a load error is one line naming the file. A program that
// verifies must round-trip through the disassembler and the binary format,
// and, when it surely ends quickly (forward jumps, no recursion), run the
// same in Tier 1 and Tier 2.
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace cpjit;
    if (size > 64 * 1024) return -1;  // not worth the time: keep the corpus small
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Program prog;
    LoadError err;
    if (!assemble("fuzz.cpasm", text, prog, err) || !verify(prog, err)) {
        cpjit_fuzz::check_load_error(err, "fuzz.cpasm");
        return 0;
    }
    cpjit_fuzz::check_verified(prog, [&](Program& p) {
        LoadError e;
        if (!assemble("fuzz.cpasm", text, p, e) || !verify(p, e)) cpjit_fuzz::fail("second load differs", e.format());
    });
    return 0;
}
