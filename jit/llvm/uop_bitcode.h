// The LLVM bitcode of the uop functions (jit/llvm/uop_functions.cpp).
#pragma once

#include <string_view>

namespace cpjit::jit {

std::string_view uop_bitcode();

}  // namespace cpjit::jit
