// Structure-aware generator for fuzz_differential: fuzzer bytes -> the text
// of a VALID, TERMINATING .cpasm program (it always assembles and verifies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace cpjit_fuzz {

// The same bytes always give the same program. Running out of bytes reads
// as zeros, and choice 0 is always the smallest (leaf expression, no more
// statements), so any input gives a finished program.
std::string generate_program(const uint8_t* data, size_t size);

}  // namespace cpjit_fuzz
