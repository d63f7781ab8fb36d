// `cpjit profile`'s reading of perf report text (tools/profile_summary.cpp):
// rows parsed from the tab-separated form, malformed lines skipped, each
// row put in its part of cpjit, uops summed over traces.
#include <doctest/doctest.h>

#include "tools/profile_summary.h"

using namespace cpjit;

TEST_CASE("profile summary: parts of cpjit and hottest uops from perf report rows") {
    const std::string text =
        "# Samples: 1K of event 'cpu-clock'\n"
        " 30.00% \t[JIT] tid 7          \t[.] cpjit:t0:fib@2:GUARD_INT_NOS\n"
        " 20.00% \tjitted-7-4.so        \t[.] cpjit:t3:fib@12:GUARD_INT_NOS\n"
        " 10.00% \t[JIT] tid 7          \t[.] cpjit:t1:fib@5:ADD_INT\n"
        "  5.00% \t[JIT] tid 7          \t[.] cpjit:t1:exit\n"
        "  8.00% \tcpjit                \t[.] cpjit_uop_generic\n"
        "  7.00% \tcpjit                \t[.] cpjit::VM::interpret_threaded<2u>\n"
        "  6.00% \tcpjit                \t[.] cpjit::Heap::drain_mark_stack\n"
        "  5.00% \tcpjit                \t[.] cpjit::Heap::allocate\n"
        "  4.00% \t[kernel.kallsyms]    \t[k] clear_page_erms\n"
        "  3.00% \tlibc.so.6            \t[.] memcpy\n"
        "  2.00% \tcpjit                \t[.] cpjit::Tier2::run_uops\n"
        "garbage line\n"
        "x% \ta\tb\n";
    ProfileSummary s = summarize_profile(parse_perf_report(text));
    REQUIRE(s.rows.size() == 11);
    auto part = [&](const char* name) {
        for (auto& [n, p] : s.parts)
            if (n == name) return p;
        FAIL("no part " << name);
        return -1.0;
    };
    CHECK(part("machine code (JIT traces)") == doctest::Approx(65));
    CHECK(part("helpers called from machine code") == doctest::Approx(8));
    CHECK(part("Tier 1 interpreter") == doctest::Approx(7));
    CHECK(part("garbage collector") == doctest::Approx(6));
    CHECK(part("runtime (allocation, values, calls)") == doctest::Approx(5));
    CHECK(part("kernel") == doctest::Approx(4));
    CHECK(part("other (libc, loader)") == doctest::Approx(3));
    CHECK(part("Tier 2 uop interpreter and exits") == doctest::Approx(2));
    REQUIRE(s.uop_kinds.size() == 2);  // the exit stub is no uop
    CHECK(s.uop_kinds[0].first == "GUARD_INT_NOS");
    CHECK(s.uop_kinds[0].second == doctest::Approx(50));
    CHECK(s.uop_symbols[0].first == "cpjit:t0:fib@2:GUARD_INT_NOS");
    const std::string out = format_profile(s, 1);
    CHECK(out.find("ADD_INT") == std::string::npos);  // --top=1
    CHECK(out.find("50.00%  GUARD_INT_NOS") != std::string::npos);
}

TEST_CASE("profile summary: the runtime part is the executable's own rows, whatever its file name") {
    const std::string text =
        " 60.00% \tcpjit-copy          \t[.] cpjit::VM::run_generic\n"
        " 30.00% \tlibc.so.6           \t[.] memcpy\n"
        " 10.00% \tcpjit               \t[.] cpjit::Heap::allocate\n";
    auto part = [](const ProfileSummary& s, const char* name) {
        for (auto& [n, p] : s.parts)
            if (n == name) return p;
        return -1.0;
    };
    const ProfileSummary copy = summarize_profile(parse_perf_report(text), "cpjit-copy");
    CHECK(part(copy, "runtime (allocation, values, calls)") == doctest::Approx(60));
    CHECK(part(copy, "other (libc, loader)") == doctest::Approx(40));  // a file named cpjit is another binary here
    const ProfileSummary usual = summarize_profile(parse_perf_report(text));
    CHECK(part(usual, "runtime (allocation, values, calls)") == doctest::Approx(10));
}
