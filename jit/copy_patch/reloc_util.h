// Internal helpers for the patch functions (little-endian fields on both
// targets, unaligned access through bytes, signed range checks).
#pragma once

#include <cstdint>

namespace cpjit::jit::detail {

inline uint32_t read32le(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline void write32le(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
    p[3] = uint8_t(v >> 24);
}
inline void write64le(uint8_t* p, uint64_t v) {
    write32le(p, uint32_t(v));
    write32le(p + 4, uint32_t(v >> 32));
}
// v fits in a two's complement field of `bits` bits.
inline bool fits_signed(int64_t v, unsigned bits) {
    int64_t lim = int64_t(1) << (bits - 1);
    return v >= -lim && v < lim;
}

}  // namespace cpjit::jit::detail
