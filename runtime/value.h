// A cpjit value is one 64-bit word (NaN-boxing).
//
// Why NaN-boxing: floats are the hot type of numeric benchmarks (nbody,
// spectral norm, mandelbrot) and stay unboxed; every other type is a tag in
// the top 16 bits, so a stencil tests a type with one shift and one compare
// and unboxes an int with one sign-extending shift pair.
//
//   top 16 bits      meaning
//   < 0xFFF9         a double, stored as its own bits (all NaNs the runtime
//                    makes are 0x7FF8... or 0xFFF8..., never a tag)
//   0xFFF9           nil (payload 0), false (2), true (3)
//   0xFFFA           int that fits in 48 bits, payload sign-extended
//   0xFFFB           string   (payload = 48-bit pointer)
//   0xFFFC           array    (payload = 48-bit pointer)
//   0xFFFD           boxed int: an int64 that does not fit in 48 bits
//
// Ints are canonical: an int is inline exactly when it fits in 48 bits, so
// two ints are equal iff their words are equal or both are boxed and hold
// the same int64.
#pragma once

// Freestanding on purpose (stdint.h only): the stencils include it too.
#include <stdint.h>

namespace cpjit {

enum class Type : uint8_t { Nil, Bool, Int, Float, String, Array };
const char* type_name(Type t);

struct StringObj;
struct ArrayObj;
struct BoxedInt;

namespace tag {
inline constexpr uint64_t kShift = 48;
inline constexpr uint64_t kSpecial = 0xFFF9;
inline constexpr uint64_t kInt = 0xFFFA;
inline constexpr uint64_t kString = 0xFFFB;
inline constexpr uint64_t kArray = 0xFFFC;
inline constexpr uint64_t kBoxedInt = 0xFFFD;
inline constexpr uint64_t kFirstTag = kSpecial;
inline constexpr uint64_t kFirstHeapTag = kString;
inline constexpr uint64_t kPayloadMask = (uint64_t(1) << kShift) - 1;
}  // namespace tag

inline constexpr int64_t kSmallIntMin = -(int64_t(1) << 47);
inline constexpr int64_t kSmallIntMax = (int64_t(1) << 47) - 1;

struct Value {
    uint64_t bits;

    static constexpr Value from_bits(uint64_t b) { return Value{b}; }
    static constexpr Value nil() { return Value{tag::kSpecial << tag::kShift}; }
    static constexpr Value boolean(bool b) { return Value{(tag::kSpecial << tag::kShift) | (b ? 3u : 2u)}; }
    static Value number(double d) {
        Value v;
        __builtin_memcpy(&v.bits, &d, 8);
        return v;
    }
    // Only for ints known to fit in 48 bits (see fits_small).
    static constexpr Value small_int(int64_t i) {
        return Value{(uint64_t(i) & tag::kPayloadMask) | (tag::kInt << tag::kShift)};
    }
    static Value string(StringObj* s) { return Value{uint64_t(reinterpret_cast<uintptr_t>(s)) | (tag::kString << tag::kShift)}; }
    static Value array(ArrayObj* a) { return Value{uint64_t(reinterpret_cast<uintptr_t>(a)) | (tag::kArray << tag::kShift)}; }
    static Value boxed_int(BoxedInt* b) { return Value{uint64_t(reinterpret_cast<uintptr_t>(b)) | (tag::kBoxedInt << tag::kShift)}; }
    static constexpr bool fits_small(int64_t i) { return i >= kSmallIntMin && i <= kSmallIntMax; }

    constexpr uint64_t top() const { return bits >> tag::kShift; }
    constexpr bool is_float() const { return top() < tag::kFirstTag; }
    constexpr bool is_small_int() const { return top() == tag::kInt; }
    constexpr bool is_boxed_int() const { return top() == tag::kBoxedInt; }
    constexpr bool is_int() const { return is_small_int() || is_boxed_int(); }
    constexpr bool is_nil() const { return bits == nil().bits; }
    constexpr bool is_bool() const { return (bits | 1) == boolean(true).bits; }
    constexpr bool is_true() const { return bits == boolean(true).bits; }
    constexpr bool is_string() const { return top() == tag::kString; }
    constexpr bool is_array() const { return top() == tag::kArray; }
    constexpr bool is_heap() const { return top() >= tag::kFirstHeapTag; }
    constexpr bool is_number() const { return is_float() || is_int(); }
    // a float or a small int: what `div` handles without the slow path
    constexpr bool is_small_number() const { return is_float() || is_small_int(); }

    double as_float() const {
        double d;
        __builtin_memcpy(&d, &bits, 8);
        return d;
    }
    constexpr int64_t as_small_int() const { return int64_t(bits << 16) >> 16; }
    // Only for is_small_number() values.
    double small_number_as_double() const { return is_float() ? as_float() : double(as_small_int()); }
    void* as_pointer() const { return reinterpret_cast<void*>(uintptr_t(bits & tag::kPayloadMask)); }
    StringObj* as_string() const { return static_cast<StringObj*>(as_pointer()); }
    ArrayObj* as_array() const { return static_cast<ArrayObj*>(as_pointer()); }
    BoxedInt* as_boxed_int() const { return static_cast<BoxedInt*>(as_pointer()); }
    inline int64_t as_int() const;  // small or boxed

    Type type() const {
        switch (top()) {
        case tag::kSpecial: return bits == nil().bits ? Type::Nil : Type::Bool;
        case tag::kInt:
        case tag::kBoxedInt: return Type::Int;
        case tag::kString: return Type::String;
        case tag::kArray: return Type::Array;
        default: return Type::Float;
        }
    }

    friend constexpr bool operator==(Value a, Value b) { return a.bits == b.bits; }
};

static_assert(sizeof(Value) == 8);

}  // namespace cpjit
