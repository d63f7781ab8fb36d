// `cpjit bench --compile`: how fast the JIT compiles, apart from running.
//
// Method: each program runs once in this process with --jit=on (its output
// goes to /dev/null); its traces are kept. Then a fresh backend (its own code
// memory; copy-and-patch, or with --tiers llvm-O0/llvm-O2 the LLVM backend)
// compiles those traces again: one warm-up round, discarded, then N
// rounds timed as a whole (two clock reads per round; the Jit's own
// compile_ns timing is off), then N rounds timing each trace alone (less the
// cost of a pair of clock reads, measured first: 20-80 ns on this VM).
// After each round every trace is released, so later rounds reuse the
// arena's space: steady state, no system calls, no fresh pages. Reported
// per program: ns per uop and MB/s of machine code from the median whole
// round ("best": the fastest round, the cost without preemption on a shared
// machine), ns per trace (median and minimum over every timed compile), and
// executable memory mapped per byte placed (after the warm-up round).
//
// Beside it, the cold figure: what a real run pays. Each program runs in a
// fresh child process (`cpjit run --jit=TIER --stats=FILE`, 3 times), and the
// least compile_ns of those runs is reported with the child's traces_compiled
// and uops_in_traces: every trace compiled once, with the arena's first pages,
// first use of each stencil and the compiler's own code cold.
#include "tools/bench_compile.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <fstream>

#include "jit/backend.h"
#include "jit/engine.h"
#include "jit/tier2/trace_cache.h"
#include "runtime/loader.h"
#include "jit/engine.h"
#include "tools/bench_command.h"
#include "tools/child_process.h"

namespace cpjit {

namespace {

struct CompileFigures {
    std::string name;
    size_t traces = 0;
    uint64_t uops = 0, bytes = 0;  // per round
    double ns_per_uop = NAN, median_ns = NAN, min_ns = NAN, mb_per_s = NAN, mapped_ratio = NAN;
    double best_ns_per_uop = NAN, best_mb_per_s = NAN;  // from the fastest round
    std::string problem;
    bool no_trace = false;  // the program never got hot: nothing to compile
    // Cold: a fresh `cpjit run --stats` (least compile_ns of kColdRuns runs).
    uint64_t cold_traces = 0, cold_uops = 0;
    double cold_ns = NAN;
};

constexpr int kColdRuns = 3;

// Runs this executable as `cpjit run --jit=TIER --stats=...` on `path`
// kColdRuns times and keeps the least compile_ns. False when a child
// could not run or wrote no stats.
bool measure_cold(const std::string& path, const std::string& tier, CompileFigures& f) {
    char dir[] = "/tmp/cpjit-cold-XXXXXX";
    if (!mkdtemp(dir)) return false;
    const std::string stats = std::string(dir) + "/stats.json";
    bool ok = true;
    for (int i = 0; ok && i < kColdRuns; ++i) {
        pid_t pid;
        ok = tools::spawn_redirected({"/proc/self/exe", "run", "--jit=" + tier, "--stats=" + stats, path}, false,
                                     "/dev/null", "/dev/null", &pid) == 0;
        int status = 0;
        ok = ok && tools::wait_child(pid, &status) == 0;
        std::ifstream in(stats);
        const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
        ok = ok && j.is_object() && j.contains("compile_ns") && j["compile_ns"].is_number();
        if (!ok) break;
        const double ns = j["compile_ns"].get<double>();
        if (!(ns >= f.cold_ns)) {  // also replaces NAN
            f.cold_ns = ns;
            f.cold_traces = j.value("traces_compiled", uint64_t(0));
            f.cold_uops = j.value("uops_in_traces", uint64_t(0));
        }
    }
    std::remove(stats.c_str());
    rmdir(dir);
    return ok;
}

// Runs `prog` with the JIT, stdout sent to /dev/null.
bool run_quietly(VM& vm) {
    std::fflush(stdout);
    const int saved = dup(1), null = open("/dev/null", O_WRONLY);
    if (saved < 0 || null < 0) return false;
    dup2(null, 1);
    close(null);
    vm.run();
    std::fflush(stdout);
    dup2(saved, 1);
    close(saved);
    return true;
}

using Clock = std::chrono::steady_clock;
double ns_since(Clock::time_point t0) { return std::chrono::duration<double, std::nano>(Clock::now() - t0).count(); }

// What one pair of clock reads costs here (the least of many): taken off
// each timed trace.
double clock_pair_ns() {
    double best = 1e9;
    for (int i = 0; i < 1000; ++i) {
        Clock::time_point t0 = Clock::now();
        best = std::min(best, ns_since(t0));
    }
    return best;
}

// Compiles `traces` once with `jit` and releases them again. With `each`,
// appends each compile's ns (less `clock_ns`) to it; returns the round's ns.
double compile_round(jit::Backend& jit, const std::vector<Trace*>& traces, std::vector<double>* each, double clock_ns,
                     uint64_t& bytes, bool& ok) {
    bytes = 0;
    ok = true;
    Clock::time_point round = Clock::now();
    for (Trace* t : traces) {
        t->machine = nullptr;
        Clock::time_point t0 = each ? Clock::now() : Clock::time_point{};
        ok = ok && jit.compile(*t);
        if (each) each->push_back(std::max(0.0, ns_since(t0) - clock_ns));
        if (t->machine) bytes += t->machine->size;
    }
    const double ns = ns_since(round);
    for (Trace* t : traces) jit.release(*t);
    return ns;
}

CompileFigures measure(const std::string& path, int rounds, const std::string& tier, JitBackend backend) {
    CompileFigures f;
    f.name = path.substr(path.rfind('/') + 1);
    f.name = f.name.substr(0, f.name.rfind('.'));
    // Under a user-mode emulator /proc/self/exe cannot be started again: no
    // cold figure then (shown as "-"), the steady one still.
    if (!measure_cold(path, tier, f)) f.cold_ns = NAN;
    Program prog;
    LoadError err;
    if (!load_program(path, prog, err)) {
        f.problem = err.format();
        return f;
    }
    RunOptions o;
    o.tier = Tier::Jit;
    Engine engine(prog, o);
    VM& vm = engine.vm();
    if (!run_quietly(vm) || !engine.traces() || !engine.traces()->backend()) {
        f.problem = "no JIT on this host";
        return f;
    }
    std::vector<Trace*> traces;
    std::vector<jit::MachineCode*> original;
    for (const auto& t : engine.traces()->traces())
        if (t->machine) {
            traces.push_back(t.get());
            original.push_back(t->machine);
            f.uops += t->uops.size();
        }
    f.traces = traces.size();
    if (traces.empty()) {
        f.no_trace = true;
        return f;
    }
    Tier2Options opts = engine.traces()->options();
    opts.perf_map = opts.perf_jitdump = opts.gdb_jit = false;  // the JIT alone
    opts.keep_listing = false;
    opts.on_code_written = nullptr;
    opts.time_compiles = false;  // whole rounds are timed here
    opts.backend = backend;
    Tier2Stats stats;
    jit::BackendFactory make_backend = jit::backend_factory(opts);
    std::unique_ptr<jit::Backend> jit = make_backend ? make_backend(opts, stats) : nullptr;
    if (!jit) f.problem = "no JIT on this host";
    // Warm-up (discarded; it maps the arena), then whole rounds, then
    // rounds timing each trace.
    const double clock_ns = clock_pair_ns();
    std::vector<double> each, round_ns;
    bool ok = true;
    for (int r = 0; jit && ok && r <= 2 * rounds; ++r) {
        const double ns = compile_round(*jit, traces, r > rounds ? &each : nullptr, clock_ns, f.bytes, ok);
        if (r == 0) f.mapped_ratio = double(jit->mapped_bytes()) / double(f.bytes);
        if (r >= 1 && r <= rounds) round_ns.push_back(ns);
    }
    if (!ok) f.problem = "a trace did not compile again";
    for (size_t i = 0; i < traces.size(); ++i) traces[i]->machine = original[i];  // the run's own code
    if (!f.problem.empty() || round_ns.empty()) return f;
    // Per uop and per byte from the median round: a round the scheduler
    // preempted (2 shared cores) does not count more than any other.
    std::sort(round_ns.begin(), round_ns.end());
    const double round = round_ns[round_ns.size() / 2];
    std::sort(each.begin(), each.end());
    f.ns_per_uop = round / double(f.uops);
    f.median_ns = each[each.size() / 2];
    f.min_ns = each.front();
    f.mb_per_s = double(f.bytes) * 1e3 / round;
    f.best_ns_per_uop = round_ns.front() / double(f.uops);
    f.best_mb_per_s = double(f.bytes) * 1e3 / round_ns.front();
    return f;
}

}  // namespace

int bench_compile_backend(const std::vector<std::string>& files, int rounds, const std::string& tier,
                          JitBackend backend);

int bench_compile(const std::vector<std::string>& files, int rounds, const std::vector<std::string>& tiers) {
    int status = 0;
    for (const std::string& tier : tiers) {
        const TierChoice* c = tier_named(tier);
        if (!c || !c->compiles()) continue;  // nothing compiles
        status |= bench_compile_backend(files, rounds, tier, c->backend);
    }
    return status;
}

int bench_compile_backend(const std::vector<std::string>& files, int rounds, const std::string& tier,
                          JitBackend backend) {
    std::vector<CompileFigures> all;
    for (const std::string& f : files) {
        std::fprintf(stderr, "bench --compile (--jit=%s): %s\n", tier.c_str(), f.c_str());
        all.push_back(measure(f, rounds, tier, backend));
    }
    std::string out = fmt::format(
        "\ncompile (--jit={}): traces recorded from one --jit=on run, compiled again in process; 1 warm-up round, "
        "then {} rounds (code memory reused); cold: one fresh `cpjit run --stats` per program, least compile_ns of "
        "{} runs\n",
        tier, rounds, kColdRuns);
    out += fmt::format("{:<16} {:>7} {:>8} {:>9} {:>8} {:>10} {:>10} {:>8} {:>8} {:>8} {:>8} {:>12} {:>11} {:>9} "
                       "{:>9} {:>11}\n",
                       "program", "traces", "uops", "code KiB", "ns/uop", "ns/trace", "min ns", "MB/s", "best ns",
                       "best MB", "uops/tr", "mapped/code", "cold traces", "cold uops", "cold us", "cold ns/uop");
    std::vector<double> per_uop, mbps, best_uop, best_mbps, cold_us, cold_per_uop;
    int status = 0;
    for (const CompileFigures& f : all) {
        if (!f.problem.empty()) {
            out += fmt::format("{:<16} FAILED: {}\n", f.name, f.problem);
            status = 1;
            continue;
        }
        if (f.no_trace) {
            const std::string cold = std::isnan(f.cold_ns) ? "not measured"
                                                           : fmt::format("{} traces, {:.1f} us", f.cold_traces,
                                                                         f.cold_ns / 1e3);
            out += fmt::format("{:<16} {:>7} {:>8}  (made no trace: nothing to compile; cold: {})\n", f.name, 0, 0,
                               cold);
            continue;
        }
        const bool cold_known = !std::isnan(f.cold_ns);
        const double cold_ns_per_uop = f.cold_uops ? f.cold_ns / double(f.cold_uops) : NAN;
        out += fmt::format(
            "{:<16} {:>7} {:>8} {:>9.1f} {:>8.1f} {:>10.0f} {:>10.0f} {:>8.0f} {:>8.1f} {:>8.0f} {:>8.1f} {:>11.2f}x "
            "{:>11} {:>9} {:>9} {:>11}\n",
            f.name, f.traces, f.uops, double(f.bytes) / 1024, f.ns_per_uop, f.median_ns, f.min_ns, f.mb_per_s,
            f.best_ns_per_uop, f.best_mb_per_s, f.traces ? double(f.uops) / double(f.traces) : 0.0, f.mapped_ratio,
            cold_known ? fmt::format("{}", f.cold_traces) : "-", cold_known ? fmt::format("{}", f.cold_uops) : "-",
            cold_known ? fmt::format("{:.1f}", f.cold_ns / 1e3) : "-",
            cold_known ? fmt::format("{:.1f}", cold_ns_per_uop) : "-");
        if (f.cold_ns > 0) cold_us.push_back(f.cold_ns / 1e3);
        if (cold_ns_per_uop > 0) cold_per_uop.push_back(cold_ns_per_uop);
        per_uop.push_back(f.ns_per_uop);
        mbps.push_back(f.mb_per_s);
        best_uop.push_back(f.best_ns_per_uop);
        best_mbps.push_back(f.best_mb_per_s);
    }
    out += fmt::format("geometric mean: {:.1f} ns/uop, {:.0f} MB/s (median round); {:.1f} ns/uop, {:.0f} MB/s "
                       "(fastest round)\n",
                       geomean(per_uop), geomean(mbps), geomean(best_uop), geomean(best_mbps));
    out += fmt::format("geometric mean, cold (a real run): {:.1f} us in the JIT per program, {:.1f} ns/uop; most {:.1f} "
                       "us\n",
                       geomean(cold_us), geomean(cold_per_uop),
                       cold_us.empty() ? 0.0 : *std::max_element(cold_us.begin(), cold_us.end()));
    out += "(ns/uop and MB/s: all compile time of a round / its uops and bytes, stubs included; ns/trace: median of "
           "every trace's compile; mapped/code: executable memory mapped / bytes placed after the first round; cold: the "
           "run's --stats compile_ns, all of Jit::compile for every trace, code memory commits included)\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return status;
}

}  // namespace cpjit
