// `cpjit bench --compile`: how fast the JIT compiles, apart from running.
//
// Method: each program runs once in this process with --jit=on (its output
// goes to /dev/null); its traces are kept. Then a fresh Jit (its own code
// arena) compiles those traces again: one warm-up round, discarded, then N
// measured rounds. Each trace's compile is timed alone with the steady clock
// (the two clock reads, ~40 ns, are included). ns per uop and MB/s come from
// the median round's total time. After each round every trace
// is released, so later rounds reuse the arena's space: steady state, no
// system calls, no fresh pages. Reported per program: ns per uop (all
// compile time / all uops), ns per trace (median and minimum over every
// trace of every round), MB/s of machine code (bytes emitted / compile
// time), and executable memory mapped per byte emitted (after the first
// round).
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

#include "jit/jit.h"
#include "runtime/loader.h"
#include "runtime/vm.h"

namespace cpjit {

namespace {

struct CompileFigures {
    std::string name;
    size_t traces = 0;
    uint64_t uops = 0, bytes = 0;  // per round
    double ns_per_uop = NAN, median_ns = NAN, min_ns = NAN, mb_per_s = NAN, mapped_ratio = NAN;
    std::string problem;
};

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

// Compiles `traces` once with `jit`; appends each compile's ns to `ns`.
bool compile_round(jit::Jit& jit, const std::vector<Trace*>& traces, std::vector<double>& ns, uint64_t& bytes) {
    bytes = 0;
    for (Trace* t : traces) {
        t->machine = nullptr;
        auto t0 = std::chrono::steady_clock::now();
        const bool ok = jit.compile(*t);
        auto t1 = std::chrono::steady_clock::now();
        if (!ok) return false;
        ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
        bytes += t->machine->size;
    }
    return true;
}

CompileFigures measure(const std::string& path, int rounds) {
    CompileFigures f;
    f.name = path.substr(path.rfind('/') + 1);
    f.name = f.name.substr(0, f.name.rfind('.'));
    Program prog;
    LoadError err;
    if (!load_program(path, prog, err)) {
        f.problem = err.format();
        return f;
    }
    RunOptions o;
    o.tier = Tier::Jit;
    VM vm(prog, o);
    if (!run_quietly(vm) || !vm.traces() || !vm.traces()->jit()) {
        f.problem = "no JIT on this host";
        return f;
    }
    std::vector<Trace*> traces;
    std::vector<jit::CompiledTrace*> original;
    for (const auto& t : vm.traces()->traces())
        if (t->machine) {
            traces.push_back(t.get());
            original.push_back(t->machine);
            f.uops += t->uops.size();
        }
    f.traces = traces.size();
    Tier2Options opts = vm.traces()->options();
    opts.perf_map = false;
    opts.keep_listing = false;
    opts.on_code_written = nullptr;
    Tier2Stats stats;
    std::unique_ptr<jit::Jit> jit = jit::Jit::create(opts, stats);
    std::vector<double> ns, warm, round_ns;
    for (int r = 0; r <= rounds && jit && f.problem.empty(); ++r) {
        const size_t before = ns.size();
        if (!compile_round(*jit, traces, r ? ns : warm, f.bytes)) f.problem = "a trace did not compile again";
        if (r) {
            double sum = 0;
            for (size_t i = before; i < ns.size(); ++i) sum += ns[i];
            round_ns.push_back(sum);
        }
        if (r == 0) f.mapped_ratio = double(jit->mapped_bytes()) / double(f.bytes);
        for (Trace* t : traces) jit->release(*t);
    }
    for (size_t i = 0; i < traces.size(); ++i) traces[i]->machine = original[i];  // the run's own code
    if (!f.problem.empty() || ns.empty()) return f;
    // Per uop and per byte from the median round: a round the scheduler
    // preempted (2 shared cores) does not count more than any other.
    std::sort(round_ns.begin(), round_ns.end());
    const double round = round_ns[round_ns.size() / 2];
    std::sort(ns.begin(), ns.end());
    f.ns_per_uop = round / double(f.uops);
    f.median_ns = ns[ns.size() / 2];
    f.min_ns = ns.front();
    f.mb_per_s = double(f.bytes) * 1e3 / round;
    return f;
}

double geomean(const std::vector<double>& xs) {
    double s = 0;
    size_t n = 0;
    for (double x : xs)
        if (x > 0 && std::isfinite(x)) s += std::log(x), ++n;
    return n ? std::exp(s / double(n)) : NAN;
}

}  // namespace

int bench_compile(const std::vector<std::string>& files, int rounds) {
    std::vector<CompileFigures> all;
    for (const std::string& f : files) {
        std::fprintf(stderr, "bench --compile: %s\n", f.c_str());
        all.push_back(measure(f, rounds));
    }
    std::string out = fmt::format(
        "\ncompile: traces recorded from one --jit=on run, compiled again in process; 1 warm-up round, "
        "then {} rounds (arena space reused)\n",
        rounds);
    out += fmt::format("{:<16} {:>7} {:>8} {:>9} {:>8} {:>10} {:>10} {:>8} {:>8} {:>13}\n", "program", "traces",
                       "uops", "code KiB", "ns/uop", "ns/trace", "min ns", "MB/s", "uops/tr", "mapped/code");
    std::vector<double> per_uop, mbps;
    int status = 0;
    for (const CompileFigures& f : all) {
        if (!f.problem.empty()) {
            out += fmt::format("{:<16} FAILED: {}\n", f.name, f.problem);
            status = 1;
            continue;
        }
        out += fmt::format("{:<16} {:>7} {:>8} {:>9.1f} {:>8.1f} {:>10.0f} {:>10.0f} {:>8.0f} {:>8.1f} {:>12.2f}x\n",
                           f.name, f.traces, f.uops, double(f.bytes) / 1024, f.ns_per_uop, f.median_ns, f.min_ns,
                           f.mb_per_s, f.traces ? double(f.uops) / double(f.traces) : 0.0, f.mapped_ratio);
        per_uop.push_back(f.ns_per_uop);
        mbps.push_back(f.mb_per_s);
    }
    out += fmt::format("geometric mean: {:.1f} ns/uop, {:.0f} MB/s\n", geomean(per_uop), geomean(mbps));
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return status;
}

}  // namespace cpjit
