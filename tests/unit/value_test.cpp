#include <doctest/doctest.h>

#include <initializer_list>

#include "runtime/value.h"

using cpjit::Value;

TEST_CASE("small ints round-trip through the NaN box at the 48-bit edges") {
    for (int64_t i : {int64_t(0), int64_t(-1), cpjit::kSmallIntMin, cpjit::kSmallIntMax}) {
        Value v = Value::small_int(i);
        CHECK(v.is_small_int());
        CHECK_FALSE(v.is_float());
        CHECK(v.as_small_int() == i);
    }
    CHECK_FALSE(Value::fits_small(cpjit::kSmallIntMax + 1));
    CHECK_FALSE(Value::fits_small(cpjit::kSmallIntMin - 1));
}
