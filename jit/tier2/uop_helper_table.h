// The uop helpers (uop_helpers.h) by name, for the backends: kept apart
// from uop_helpers.h, which the freestanding stencils include.
#pragma once

#include <span>

namespace cpjit {
// Every helper (uop_helpers.def) by name: how the backends fill the holes
// and symbols naming them.
struct UopHelper {
    const char* name;
    const void* address;
};
std::span<const UopHelper> uop_helpers();
// The address of the helper called `name`, nullptr when there is none.
const void* uop_helper_address(const char* name);
}  // namespace cpjit
