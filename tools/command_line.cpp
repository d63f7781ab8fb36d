#include "tools/command_line.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace cpjit {

namespace {

constexpr const char* kRunOptions = R"(  --jit=on|uops|off        tier for hot code (default on): off = Tier-1
                           interpreter only; uops = hot code becomes traces of
                           micro-ops run by the uop interpreter; on = those
                           traces compiled to machine code by copy-and-patch
  --jit=llvm-O0|llvm-O2    the same traces compiled by LLVM at -O0 or -O2
                           (only in a build with -DCPJIT_LLVM_BACKEND=ON; see
                           cpjit --version)
  --interp=threaded|switch Tier-1 dispatch: computed goto (default) or switch
  --specialize=on|off      Tier-1 quickening into type-specialized
                           instructions (default on)
  --jit-threshold=N        backward jumps, calls or exits before Tier 2
                           builds a trace there (1-65535, default 64)
  --opt=0|1                Tier-2 optimizer off or on (default 1)
  --local-regs=N           locals a trace's machine code keeps in
                           registers (0-4, default 4; --jit=on)
  --float-local-regs=N     float locals (entry-guarded as floats) a trace's
                           machine code keeps in FP registers (0-4,
                           default 4; --jit=on)
  --max-jit-code=SIZE      Tier 2's size limit: JIT machine code, and one uop
                           kept in traces per 32 bytes, e.g. 256K or 64M (default
                           64M); past it, hot code stays in the interpreter
  --perf-map               write /tmp/perf-PID.map so `perf report` names the
                           machine code of traces, per uop (docs/profiling.md)
  --perf-jitdump[=DIR]     write DIR/jit-PID.dump (default DIR /tmp) for `perf
                           record -k 1` + `perf inject --jit`: per-uop symbols
                           and machine code for `perf annotate`
  --gdb-jit                register traces with GDB's JIT interface: gdb names
                           uops in backtraces and unwinds through traces
  --max-depth=N            call depth limit (default 10000)
  --max-heap=SIZE          heap limit, e.g. 512M or 2G (default 2G); past it
                           a program gets the `out of memory` error
  --stats=FILE             write run statistics as JSON to FILE: which tier
                           ran (tier_used), the work each tier did (Tier-1
                           instructions, trace entries, uops interpreted),
                           the collector's, Tier 2's and the JIT's counters
                           (compile_ns: all the time spent compiling traces
                           to machine code, first use of code memory
                           included; not recording, optimizing or the JIT's
                           set-up at start)
  --stats                  print the same run statistics on stderr at exit
)";

// Run's options that need a value (--stats and --perf-jitdump have an
// optional one, so they take it only after '=').
const std::vector<std::string_view> kRunValueOptions = {
    "--jit", "--opt", "--interp", "--specialize", "--local-regs", "--float-local-regs", "--jit-threshold",
    "--max-depth", "--max-jit-code", "--jit-arena-chunk", "--max-heap"};

constexpr const char* kConvention = "An option that takes a value takes it as --opt=VALUE or --opt VALUE.\n";
constexpr const char* kOptionalValues =
    "--stats[=FILE] and --perf-jitdump[=DIR], whose value is optional, take it\n"
    "only after '='.\n";

constexpr const char* kExitCodes = "exit codes: 0 success, 1 runtime error, 2 usage, load or verification error\n";

const std::vector<Subcommand> kSubcommands = {
    {"run", "[OPTIONS] FILE(.cpasm|.cpbc)", "run a program", "", "", true, {}},
    {"asm", "FILE.cpasm -o FILE.cpbc", "assemble text into bytecode (verifies it)",
     "Verifies FILE.cpasm as `run` does and writes its bytecode file.\n",
     "  -o FILE.cpbc             the bytecode file to write\n", false, {}},
    {"dis", "FILE(.cpbc|.cpasm)", "disassemble to text (re-assembles to the same bytes)",
     "Prints the program as .cpasm text; `cpjit asm` of that text gives the same\n"
     "bytecode back.\n",
     "", false, {}},
    {"trace", "[OPTIONS] FILE", "run, then print every trace and its machine code",
     "Runs FILE (run's options, --jit=on by default), then prints every trace:\n"
     "its bytecode, its uops before and after the optimizer, its exits, and\n"
     "(--jit=on) its machine code per uop with each patched hole explained, exit\n"
     "stubs, data, GOT and sizes. --jit=uops: without machine code;\n"
     "--jit=llvm-O0|llvm-O2: LLVM's code beside copy-and-patch's (sizes,\n"
     "instruction counts).\n",
     "  --target=x86_64|aarch64  the machine code for that target, compiled into\n"
     "                           memory that is never executable (never run); a\n"
     "                           line under the trace count says what this run ran\n",
     true, {"--target"}},
    {"explore", "[OPTIONS] FILE -o PAGE.html", "run, then write an HTML page to study the JIT's work",
     "Runs FILE (run's options), then writes one self-contained HTML page: the\n"
     "source, every trace with its bytecode, uops, exits and machine code for both\n"
     "targets with every hole explained, a graph of traces and links, and the\n"
     "run's --stats.\n",
     "  -o PAGE.html             the page to write\n", true, {}},
    {"bench", "[FILES...] [OPTIONS]", "time programs in each tier and dispatch mode",
     "Runs each program (default: the ones listed in examples/BENCHMARKS) in a\n"
     "fresh process per run, in every combination of the given tiers and Tier-1\n"
     "dispatch modes; one warm-up run per combination is discarded. Prints median\n"
     "and minimum wall time, speedup over Tier 1 (--jit=off --interp=threaded,\n"
     "always measured), speedup over CPython (with --python), peak RSS, and the JIT\n"
     "compile figures from the warm-up run's --stats. Every run's exit status and\n"
     "stdout are checked against NAME.stdout when it exists; a mismatch is\n"
     "reported and makes the exit code 1.\n",
     "  --tiers=LIST             of off,uops,on,llvm-O0,llvm-O2 (default off,uops,on;\n"
     "                           llvm-* only in a build with -DCPJIT_LLVM_BACKEND=ON)\n"
     "  --interp=LIST            of threaded,switch (default threaded)\n"
     "  --repeat=N               measured runs per combination (default 3)\n"
     "  --python                 also time NAME.py next to each program with python3\n"
     "  --json=FILE              write every sample and a machine description as JSON\n"
     "  --chart=FILE.svg         draw the speedups over Tier 1 as an SVG bar chart\n"
     "  --compile                measure compile speed instead: run each program once\n"
     "                           in this process with --jit=on, keep its traces,\n"
     "                           compile them again --repeat times (default 100)\n"
     "                           after a warm-up round; ns/uop, ns/trace (median,\n"
     "                           min), MB/s of code, executable memory mapped per\n"
     "                           byte of code; one table per compiling tier of\n"
     "                           --tiers (on, llvm-O0, llvm-O2); a program that\n"
     "                           makes no trace is a row that says so\n",
     false, {"--tiers", "--interp", "--repeat", "--json", "--chart"}},
    {"profile", "[--top=N] [--keep=DIR] [run options] FILE", "run under `perf record`: time per part, hottest uops",
     "Runs FILE under `perf record` (with --perf-map), then prints the time per\n"
     "part of cpjit (Tier 1, machine code, helpers, collector, ...) and the\n"
     "hottest uops (docs/profiling.md); the program's output is discarded.\n",
     "  --top=N                  uops listed (default 10)\n"
     "  --keep=DIR               keep perf.data (and the program's stdout, stderr)\n"
     "                           in DIR\n",
     true, {"--top", "--keep"}},
    {"stencils", "[--target=x86_64|aarch64] [--disasm] [NAME...]", "the JIT's stencils: sizes, holes, their code",
     "Shows the stencils compiled into cpjit, as jit/copy_patch/stencil_variants.h\n"
     "lists them: one per micro-op of jit/tier2/uops.def, ENTRY (the entry shim),\n"
     "EXIT (the exit stub), then the variants for values cached in registers\n"
     "(NAME_rN, SPILL_rN, EXIT_rN), for locals in registers (..._Lk) and for\n"
     "cached floats in FP registers (..._fM, BOX_rN_fM).\n"
     "Both targets' stencils are in every build; the default target is the\n"
     "host's. Without --disasm: a table of code and data bytes, holes by\n"
     "relocation kind, and whether the trailing jump to the next stencil can be\n"
     "dropped; then totals, medians and the set's digest and clang flags.\n"
     "Exit code 1: the disassembler is not available.\n",
     "  --target=x86_64|aarch64  whose stencils (default: the host's)\n"
     "  --disasm                 each stencil's machine code (offsets from its\n"
     "                           start) with every hole marked under the byte where\n"
     "                           its field starts, the removable trailing jump, and\n"
     "                           the read-only data in hex\n"
     "  NAME...                  only these stencils (e.g. CONST GUARD_INT_TOS EXIT)\n",
     false, {"--target"}},
};

constexpr size_t kSummaryColumn = 43;  // where the summaries start in the table

std::string table_line(const std::string& usage, const char* summary) {
    if (usage.size() + 1 >= kSummaryColumn)
        return usage + "\n" + std::string(kSummaryColumn, ' ') + summary + "\n";
    return fmt::format("{:<{}}{}\n", usage, kSummaryColumn, summary);
}

std::string indent(const std::string& text, const std::string& by) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out += by;
        out += text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

}  // namespace

const std::vector<Subcommand>& subcommands() { return kSubcommands; }

const Subcommand* find_subcommand(std::string_view name) {
    for (const Subcommand& c : kSubcommands)
        if (name == c.name) return &c;
    return nullptr;
}

std::string command_table() {
    std::string out;
    for (const Subcommand& c : kSubcommands) out += table_line(fmt::format("cpjit {} {}", c.name, c.synopsis), c.summary);
    out += table_line("cpjit --help | --version", "the commands and run's options; the version and JIT backends");
    return out;
}

std::string main_help() {
    std::string out = "usage: cpjit COMMAND [ARGS...]\n\ncommands:\n" + indent(command_table(), "  ") + "\n";
    out += std::string("`cpjit COMMAND --help` shows a command's usage and options.\n") + kConvention + kOptionalValues;
    std::string takers;
    for (const Subcommand& c : kSubcommands)
        if (c.run_options && std::string_view(c.name) != "run") takers += std::string(takers.empty() ? "" : ", ") + c.name;
    out += fmt::format("\nrun options (also taken by {}):\n", takers);
    out += kRunOptions;
    out += std::string("\n") + kExitCodes;
    return out;
}

std::string command_help(const Subcommand& c) {
    std::string out = fmt::format("usage: cpjit {} {}\n{}.\n", c.name, c.synopsis, c.summary);
    out[out.find('\n') + 1] = char(std::toupper(out[out.find('\n') + 1]));
    if (*c.details) out += std::string("\n") + c.details;
    if (*c.options) out += std::string("\noptions:\n") + c.options;
    if (c.run_options) out += std::string("\n") + (std::string_view(c.name) == "run" ? "options:\n" : "run options:\n") + kRunOptions;
    if (c.run_options) out += std::string("\n") + kConvention + kOptionalValues + "\n" + kExitCodes;
    else if (!c.value_options.empty()) out += std::string("\n") + kConvention;
    return out;
}

bool normalize_options(const Subcommand& cmd, std::vector<std::string>& args, std::string& error) {
    auto takes_value = [&](std::string_view a) {
        auto in = [&](const std::vector<std::string_view>& names) {
            return std::find(names.begin(), names.end(), a) != names.end();
        };
        return in(cmd.value_options) || (cmd.run_options && in(kRunValueOptions));
    };
    std::vector<std::string> out;
    for (size_t i = 0; i < args.size(); ++i) {
        if (!takes_value(args[i])) {
            out.push_back(args[i]);
            continue;
        }
        if (i + 1 >= args.size()) {
            error = args[i] + " needs a value";
            return false;
        }
        out.push_back(args[i] + "=" + args[i + 1]);
        ++i;
    }
    args = std::move(out);
    return true;
}

bool wants_help(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

}  // namespace cpjit
