// The `cpjit` command line (docs/language.md §10).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "runtime/loader.h"
#include "jit/engine.h"
#include "jit/backend.h"
#include "jit/engine.h"
#include "jit/tier2/trace_cache.h"
#include "jit/tier2/trace_printer.h"
#include "jit/copy_patch/stencil_set.h"
#include "tools/bench_command.h"
#include "tools/command_line.h"
#include "tools/profile_command.h"
#include "tools/cross_compile.h"
#include "tools/explore.h"
#include "tools/run_stats.h"
#include "tools/backend_listing.h"
#include "tools/trace_listing.h"
#include "tools/stencils_command.h"

#ifndef CPJIT_VERSION
#define CPJIT_VERSION "0.0.0"
#endif
#ifndef CPJIT_LLVM_VERSION
#define CPJIT_LLVM_VERSION ""
#endif

namespace {

using namespace cpjit;

// Where a usage error sends the reader: "cpjit run --help".
std::string help_hint = "cpjit --help";

// "usage: cpjit NAME SYNOPSIS", from the one table (tools/command_line.h).
std::string usage_line(const char* name) {
    return fmt::format("usage: cpjit {} {}", name, find_subcommand(name)->synopsis);
}

int usage_error(const std::string& msg) {
    std::fprintf(stderr, "error: %s\n(see %s)\n", msg.c_str(), help_hint.c_str());
    return 2;
}

bool parse_uint(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    out = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        out = out * 10 + uint64_t(c - '0');
    }
    return true;
}

bool parse_size(std::string_view s, uint64_t& out) {
    uint64_t mult = 1;
    if (!s.empty()) {
        switch (s.back()) {
        case 'K': case 'k': mult = uint64_t(1) << 10; break;
        case 'M': case 'm': mult = uint64_t(1) << 20; break;
        case 'G': case 'g': mult = uint64_t(1) << 30; break;
        default: break;
        }
        if (mult != 1) s.remove_suffix(1);
    }
    if (!parse_uint(s, out) || out > (uint64_t(1) << 44) / mult) return false;
    out *= mult;
    return true;
}

bool load_or_report(const std::string& path, Program& prog) {
    LoadError err;
    if (load_program(path, prog, err)) return true;
    std::fprintf(stderr, "%s\n", err.format().c_str());
    return false;
}

bool write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), std::streamsize(data.size()));
    out.close();
    return bool(out);
}

// What ran the hot code: "x86_64 machine code", "the uop interpreter".
std::string what_ran(const TraceCache& tc) {
    const jit::StencilSet* host = jit::host_stencils();
    return tc.backend() && host ? std::string(host->short_name) + " machine code" : "the uop interpreter";
}

// The highest tier that ran code: "machine code" when the VM entered a
// trace's machine code, "uops" when it entered only the uop interpreter,
// "interpreter" when no trace ran (whatever tier was enabled).
const char* tier_used(const TraceCache* tc) {
    if (!tc) return "interpreter";
    if (tc->stats.trace_entries_machine_code) return "machine code";
    return tc->stats.trace_entries_uops ? "uops" : "interpreter";
}

// The listing of `cpjit trace`: every trace, with its machine code for
// `target` (nullptr: the code the run made, if any). False (an error said)
// when the target's stencils cannot be used.
bool listing(const Program& prog, const TraceCache& tc, const jit::StencilSet* target, std::string& text) {
    if (tc.backend() && !dynamic_cast<const jit::Jit*>(tc.backend())) {  // an LLVM run: its code beside copy-and-patch's (tools/backend_listing.h)
        text = fmt::format("=== {} traces ===\n", tc.traces().size());
        for (auto& t : tc.traces()) text += print_trace(prog, *t) + tools::print_llvm_machine_code(tc, *t);
        text += tools::print_trace_aborts(prog, tc);
        return true;
    }
    std::unique_ptr<tools::CrossCompiled> cross;
    if (target && !(tc.backend() && target == jit::host_stencils())) {
        std::string error;
        cross = tools::CrossCompiled::create(tc, *target, error);
        if (!cross) {
            std::fprintf(stderr, "error: %s\n", error.c_str());
            return false;
        }
    }
    text = fmt::format("=== {} traces ===\n", tc.traces().size());
    if (cross)
        text += fmt::format("(machine code for {}: compiled into memory that is never executable, for this listing "
                            "only; this run ran {})\n",
                            target->short_name, what_ran(tc));
    for (auto& t : tc.traces()) {
        text += print_trace(prog, *t);
        if (tc.backend() || cross) text += tools::print_machine_code(prog, *t, tc.traces(), cross ? target : nullptr);
    }
    text += tools::print_trace_aborts(prog, tc);
    return true;
}

// The program's text for the explorer: the file, or the disassembly of a
// binary one (whose lines are the lines it records).
std::string source_text(const std::string& path, const Program& prog) {
    if (prog.binary) return disassemble(prog);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

enum class Mode { Run, Trace, Explore };

// `run`; `trace` (a run with Tier 2 that prints every trace at the end);
// `explore` (a run that writes the explorer page to `page`).
int cmd_run(const std::vector<std::string>& args, Mode mode, const std::string& page = "") {
    const bool trace_mode = mode == Mode::Trace;
    RunOptions opts;
    std::optional<std::string> file, stats_file;
    bool stats_summary = false;
    const jit::StencilSet* target = nullptr;  // trace --target=T
    std::string jit = "on";
    for (const std::string& a : args) {
        auto value = [&](const char* prefix) -> std::optional<std::string_view> {
            size_t n = std::strlen(prefix);
            if (a.compare(0, n, prefix) == 0) return std::string_view(a).substr(n);
            return std::nullopt;
        };
        uint64_t n;
        if (auto v = value("--jit=")) {
            const TierChoice* c = tier_named(*v);
            if (!c) return usage_error(fmt::format("--jit takes {}, not '{}'", tier_names(), *v));
            if (c->needs_llvm() && !jit::llvm_backend_built())
                return usage_error(fmt::format("--jit={}: this cpjit was built without the LLVM backend "
                                               "(configure with -DCPJIT_LLVM_BACKEND=ON)", *v));
            jit = std::string(*v);
        } else if (auto v = value("--opt=")) {
            if (*v != "0" && *v != "1") return usage_error(fmt::format("--opt takes 0 or 1, not '{}'", *v));
            opts.tier2.opt_level = *v == "1";
        } else if (auto v = value("--interp=")) {
            if (*v == "threaded") opts.dispatch = Dispatch::Threaded;
            else if (*v == "switch") opts.dispatch = Dispatch::Switch;
            else return usage_error(fmt::format("--interp takes threaded or switch, not '{}'", *v));
        } else if (auto v = value("--specialize=")) {
            if (*v != "on" && *v != "off") return usage_error(fmt::format("--specialize takes on or off, not '{}'", *v));
            opts.specialize = *v == "on";
        } else if (auto v = value("--local-regs=")) {
            if (!parse_uint(*v, n) || n > 4) return usage_error("--local-regs takes a whole number from 0 to 4");
            opts.tier2.local_regs = uint32_t(n);
        } else if (auto v = value("--float-local-regs=")) {
            if (!parse_uint(*v, n) || n > 4) return usage_error("--float-local-regs takes a whole number from 0 to 4");
            opts.tier2.float_local_regs = uint32_t(n);
        } else if (auto v = value("--jit-threshold=")) {
            if (!parse_uint(*v, n) || n < 1 || n > 65535) return usage_error("--jit-threshold takes a whole number from 1 to 65535");
            opts.tier2.threshold = uint32_t(n);
        } else if (auto v = value("--max-depth=")) {
            if (!parse_uint(*v, n) || n < 1 || n > 10000000) return usage_error("--max-depth takes a whole number from 1 to 10000000");
            opts.max_depth = uint32_t(n);
        } else if (auto v = value("--max-jit-code=")) {
            if (!parse_size(*v, n) || n < 4096) return usage_error("--max-jit-code takes a size of at least 4K, e.g. 256K or 64M");
            opts.tier2.max_code_bytes = n;
        } else if (auto v = value("--jit-arena-chunk=")) {  // for tests: traces spread over tiny chunks
            if (!parse_size(*v, n) || n < 1) return usage_error("--jit-arena-chunk takes a size, e.g. 4K");
            opts.tier2.arena_chunk_bytes = n;
        } else if (a == "--jit-far-links") {  // for tests: every exit link through the exit tail
            opts.tier2.far_links = true;
        } else if (a == "--perf-map") {
            opts.tier2.perf_map = true;
        } else if (a == "--gdb-jit") {
            opts.tier2.gdb_jit = true;
        } else if (a == "--perf-jitdump") {
            opts.tier2.perf_jitdump = true;
        } else if (auto v = value("--perf-jitdump=")) {
            if (v->empty()) return usage_error("--perf-jitdump= needs a directory");
            opts.tier2.perf_jitdump = true;
            opts.tier2.perf_jitdump_dir = std::string(*v);
        } else if (auto v = value("--max-heap=")) {
            if (!parse_size(*v, n) || n < (uint64_t(1) << 20)) return usage_error("--max-heap takes a size of at least 1M, e.g. 64M or 2G");
            opts.max_heap = size_t(n);
        } else if (auto v = value("--stats=")) {
            if (v->empty()) return usage_error("--stats needs a file name");
            stats_file = std::string(*v);
        } else if (a == "--stats") {
            stats_summary = true;
        } else if (auto v = value("--target="); v && mode == Mode::Trace) {
            target = jit::stencils_for(*v);
            if (!target) return usage_error(fmt::format("--target takes x86_64 or aarch64, not '{}'", *v));
        } else if (a.size() > 1 && a[0] == '-') {
            return usage_error(fmt::format("unknown option '{}'", a));
        } else if (file) {
            return usage_error("run takes one program file");
        } else {
            file = a;
        }
    }
    if (!file) return usage_error("run needs a program file");
    // --gdb-jit flips the code's pages RW/RX around each write; perf logs
    // each flip as a new mapping, hiding the jitdump's code loads.
    if (opts.tier2.gdb_jit && opts.tier2.perf_jitdump)
        return usage_error("--gdb-jit and --perf-jitdump do not go together (use --perf-map with --gdb-jit)");
    opts.count_instructions = stats_file || stats_summary || mode == Mode::Explore;
    opts.choose(*tier_named(jit));
    if (opts.tier2.backend != JitBackend::CopyPatch && (target || mode == Mode::Explore))
        return usage_error(fmt::format("--jit={} cannot be combined with {}: it shows copy-and-patch's code "
                                       "(use --jit=on or uops)", jit, target ? "--target" : "explore"));
    opts.tier2.keep_listing = mode != Mode::Run;  // the machine code listing
    Program prog;
    if (!load_or_report(*file, prog)) return 2;
    auto start = std::chrono::steady_clock::now();
    Engine engine(prog, opts);
    VM& vm = engine.vm();
    int code = vm.run();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    if (trace_mode && engine.traces()) {
        std::string text;
        if (!listing(prog, *engine.traces(), target, text)) return 2;
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    }
    if (stats_file || stats_summary || mode == Mode::Explore) {
        StatFields f;
        f["tier"] = jit;
        f["tier_used"] = tier_used(engine.traces());
        f["interp"] = opts.dispatch == Dispatch::Threaded ? "threaded" : "switch";
        f["specialize"] = opts.specialize;
        f["exit_code"] = code;
        f["instructions_executed"] = vm.stats().instructions_executed;
        f["gc_collections"] = vm.heap().collections();
        f["heap_bytes_allocated"] = vm.heap().total_allocated();
        f["run_ns"] = int64_t(ns);
        if (const TraceCache* tc = engine.traces()) {
            const Tier2Stats& t = tc->stats;
            f["jit_threshold"] = opts.tier2.threshold;
            f["opt"] = opts.tier2.opt_level;
            f["machine_code"] = tc->backend() != nullptr;
#define X(name) f[#name] = t.name;
            CPJIT_TIER2_STATS(X)
#undef X
        }
        if (mode == Mode::Explore) {
            nlohmann::ordered_json data;
            std::string error;
            if (!tools::explore_data(prog, engine.traces(), *file, source_text(*file, prog), f, data, error)) {
                std::fprintf(stderr, "error: %s\n", error.c_str());
                return 2;
            }
            if (!write_file(page, tools::explore_page(data))) {
                std::fprintf(stderr, "error: cannot write '%s'\n", page.c_str());
                return 2;
            }
        }
        if (stats_summary) std::fputs(stats_to_summary(f).c_str(), stderr);
        if (stats_file && !write_file(*stats_file, stats_to_json(f))) {
            std::fprintf(stderr, "error: cannot write stats file '%s'\n", stats_file->c_str());
            return code ? code : 2;
        }
    }
    return code;
}

// `explore [OPTIONS] FILE -o PAGE.html`: run's options, then the page.
int cmd_explore(const std::vector<std::string>& args) {
    std::vector<std::string> rest;
    std::optional<std::string> page;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-o") {
            if (i + 1 >= args.size()) return usage_error("-o needs a file name");
            page = args[++i];
        } else {
            rest.push_back(args[i]);
        }
    }
    if (!page) return usage_error(usage_line("explore"));
    return cmd_run(rest, Mode::Explore, *page);
}

int cmd_asm(const std::vector<std::string>& args) {
    std::optional<std::string> in, out;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-o") {
            if (i + 1 >= args.size()) return usage_error("-o needs a file name");
            out = args[++i];
        } else if (args[i].size() > 1 && args[i][0] == '-') {
            return usage_error(fmt::format("unknown option '{}'", args[i]));
        } else if (in) {
            return usage_error("asm takes one input file");
        } else {
            in = args[i];
        }
    }
    if (!in || !out) return usage_error(usage_line("asm"));
    Program prog;
    if (!load_or_report(*in, prog)) return 2;
    if (!write_file(*out, write_bytecode(prog))) {
        std::fprintf(stderr, "error: cannot write '%s'\n", out->c_str());
        return 2;
    }
    return 0;
}

int cmd_dis(const std::vector<std::string>& args) {
    if (args.size() != 1 || (args[0].size() > 1 && args[0][0] == '-')) return usage_error(usage_line("dis"));
    Program prog;
    if (!load_or_report(args[0], prog)) return 2;
    std::string text = disassemble(prog);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(main_help().c_str(), stderr);
        return 2;
    }
    std::string cmd = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::fputs(main_help().c_str(), stdout);
        return 0;
    }
    if (cmd == "--version") {
        std::printf("cpjit %s\nbackends: copy-and-patch%s\n", CPJIT_VERSION,
                    jit::llvm_backend_built() ? ", llvm-O0, llvm-O2 (LLVM " CPJIT_LLVM_VERSION ")" : "");
        return 0;
    }
    const Subcommand* sub = find_subcommand(cmd);
    if (!sub) return usage_error(fmt::format("unknown command '{}'", cmd));
    if (wants_help(args)) {
        std::fputs(command_help(*sub).c_str(), stdout);
        return 0;
    }
    help_hint = fmt::format("cpjit {} --help", cmd);
    std::string error;
    if (!normalize_options(*sub, args, error)) return usage_error(error);
    if (cmd == "run") return cmd_run(args, Mode::Run);
    if (cmd == "trace") return cmd_run(args, Mode::Trace);
    if (cmd == "explore") return cmd_explore(args);
    if (cmd == "asm") return cmd_asm(args);
    if (cmd == "dis") return cmd_dis(args);
    if (cmd == "bench") return cmd_bench(args);
    if (cmd == "profile") return cmd_profile(args);
    return cmd_stencils(args);
}
