// The size line of `cpjit trace`'s machine code listing (tools/trace_listing.cpp)
// adds up: hot code, stubs, data, GOT and padding make the trace's size; and
// the GOT holds a slot for each helper the trace calls and no other; an
// exit has a stub when a uop takes it. Checked
// on the host's code and on the other target's (compiled for listing only).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "jit/copy_patch/trace_compiler.h"
#include "tests/unit/test_support.h"
#include "tools/cross_compile.h"
#include "tools/trace_listing.h"

using namespace cpjit;

namespace {

// A loop that concatenates strings (a helper call) with a branch that
// becomes a side trace doing only arithmetic (no helper), so the run has
// traces with and without a GOT.
constexpr const char* kProgram = R"(.func main
.locals i s n
    const 0
    store i
    const ""
    store s
    const 0
    store n
loop:
    load i
    const 4
    mod
    jt plain
    load s
    const "ab"
    concat
    len
    pop
plain:
    load n
    const 3
    add
    store n
    load i
    const 1
    add
    dup
    store i
    const 400
    lt
    jt loop
    const nil
    ret
.end
)";

uint64_t number(const std::smatch& m, size_t i) { return m[i].matched ? std::stoull(m[i].str()) : 0; }

// Checks the listing of every compiled trace (its `machine` as it is now);
// returns how many traces had no GOT.
size_t check_traces(const Program& prog, const TraceCache& tc, const jit::StencilSet& set) {
    static const std::regex kSizes(
        R"(machine code \(\w+\): hot (\d+) bytes, stubs (?:0 bytes|(\d+) (?:x \d+|of \d+ to \d+) = (\d+) bytes), )"
        R"(exit tail (\d+) bytes, data (\d+) bytes, GOT (?:0 bytes|(\d+) x 8 = (\d+) bytes), padding (\d+) bytes; )"
        R"((\d+) bytes in all)");
    size_t without_got = 0, compiled = 0;
    for (const auto& t : tc.traces()) {
        if (!t->machine) continue;
        ++compiled;
        const jit::CompiledTrace& c = *jit::copy_patch_code(*t);
        const std::string text = tools::print_machine_code(prog, *t, tc.traces(), &set);
        INFO(set.short_name, " trace ", t->id, ":\n", text);
        std::smatch m;
        REQUIRE(std::regex_search(text, m, kSizes));
        const uint64_t hot = number(m, 1), stubs = number(m, 2), stub_bytes = number(m, 3), tail = number(m, 4),
                       data = number(m, 5), slots = number(m, 6), got = number(m, 7), padding = number(m, 8),
                       total = number(m, 9);
        CHECK(hot + stub_bytes + tail + data + got + padding == total);
        CHECK((tail != 0) == (stubs != 0));  // one exit tail per trace with stubs
        CHECK(total == c.size);
        CHECK(hot == c.hot_size);
        // One stub per record that a uop (or a LINK_TRACE) takes, none for the others.
        CHECK(stubs == size_t(std::count_if(c.records.begin(), c.records.end(),
                                            [](const jit::JitExitRecord& r) { return r.has_stub(); })));
        std::vector<bool> taken(t->exits.size());
        for (const Uop& u : t->uops)
            if (has_exit(u) && u.exit < taken.size()) taken[u.exit] = true;
        for (size_t e = 0; e < taken.size(); ++e) CHECK(c.records[e].has_stub() == taken[e]);
        for (size_t k = taken.size(); k < c.records.size(); ++k) CHECK(c.records[k].has_stub());  // LINK_TRACEs
        CHECK(got == 8 * slots);
        // The GOT: one slot per helper a hole calls, none for the others.
        std::set<uint16_t> called;
        for (const jit::PatchedHole& h : c.holes)
            if (h.value == jit::HoleValue::Helper) called.insert(h.helper);
        CHECK(slots == called.size());
        for (uint16_t h = 0; h < set.num_helpers; ++h) {
            const bool listed = text.find(fmt::format(": {}\n", set.helpers[h])) != std::string::npos;
            CHECK_MESSAGE(listed == (called.count(h) != 0), set.helpers[h]);
        }
        if (slots == 0) {
            ++without_got;
            CHECK(text.find("GOT: none") != std::string::npos);
        }
    }
    CHECK(compiled >= 2);
    return without_got;
}

}  // namespace

TEST_CASE("trace listing: the size line's parts add up, the GOT lists the helpers the trace calls") {
    test::RanProgram r;
    test::load_text("sums.cpasm", kProgram, r.prog);
    test::run_loaded(r, test::jit_listing_options(8));
    REQUIRE(r.exit_code == 0);
    const TraceCache& tc = r.traces();
    const Program& prog = r.prog;
    for (const char* target : {"x86_64", "aarch64"}) {
        const jit::StencilSet* set = jit::stencils_for(target);
        REQUIRE(set);
        std::unique_ptr<tools::CrossCompiled> cross;
        if (!(tc.backend() && set == jit::host_stencils())) {
            std::string error;
            cross = tools::CrossCompiled::create(tc, *set, error);
            REQUIRE_MESSAGE(cross, error);
        }
        CHECK(check_traces(prog, tc, *set) >= 1);  // the side trace calls no helper
    }
}
