// fmt's compiled part (what libfmt.so holds), built into cpjit: the binary
// then loads no libfmt.so, nor the libstdc++.so that libfmt.so needs, at
// every start (docs/compile_time.md, "Start-up").
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// The two templates format.h declares but leaves to the library to instantiate.
template auto decimal_point_impl<char>(locale_ref) -> char;
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
}  // namespace detail
FMT_END_NAMESPACE
