// The fast differential path: programs from program_gen.cpp, one per seed,
// each run in process in every configuration of differential.h
// (all_configs: --jit=off threaded and switch, --jit=uops and --jit=on at
// threshold 1, the default and a per-seed threshold in 2..99, --opt=0 and
// --specialize=off variants), compared byte for byte with --jit=off under
// the hang budget. Built in the normal (release, unsanitized) build; the
// sanitized, coverage-guided twin is fuzz_differential.
//
//   diff_driver [--seed S] [--count N | --seconds T] [--save DIR] [--state FILE]
//   diff_driver --print SEED          the program for SEED (run_differential.py)
//   diff_driver --program FILE        one .cpasm file through every configuration
//
// Exit: 0 all agreed, 1 a mismatch or generator bug, 2 usage, 3 a hang.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/fuzz/differential.h"
#include "tests/fuzz/program_gen.h"

namespace {

using namespace cpjit_fuzz;

const char kUsage[] =
    "usage: diff_driver [OPTIONS]\n"
    "  Generates a program per seed (tests/fuzz/program_gen.cpp) and runs it in process in\n"
    "  every configuration, compared byte for byte (stdout, stderr, exit code) with --jit=off.\n"
    "  A configuration that takes more than FACTOR x the --jit=off run's CPU time + CONST\n"
    "  seconds is a hang: the program is printed (and saved under --save) and the driver exits 3.\n"
    "options:\n"
    "  --seed S            first seed (default 1)\n"
    "  --count N           programs to run (default 100)\n"
    "  --seconds T         run for T seconds instead of a count\n"
    "  --save DIR          write failing programs to DIR/seed-S.cpasm (and hangs, hang-seed-S.cpasm)\n"
    "  --state FILE        resume from the seed stored in FILE, and keep it up to date\n"
    "  --factor F          hang budget factor (default 10)\n"
    "  --constant C        hang budget constant in CPU seconds (default 1)\n"
    "  --status-every S    a status line on stderr every S seconds (default 10; 0: none)\n"
    "  --print SEED        print the program for SEED and exit\n"
    "  --program FILE      run FILE (.cpasm) through every configuration instead of seeds\n"
    "  --threshold N       the extra Tier-2 threshold for --program (default 7)\n"
    "Last line on stdout: 'diff_driver: seeds A..B, N programs x K configurations, R programs/s,\n"
    "F failures'.\n";

struct Args {
    uint64_t seed = 1, count = 100;
    double seconds = 0, status_every = 10;
    std::string save, state, program_file;
    HangBudget budget;
    bool print = false;
    uint32_t threshold = 7;
};

constexpr size_t kHeap = size_t(64) << 20;
constexpr size_t kInputBytes = 4096;

// splitmix64: the seed's bytes for the generator (same seed, same program).
std::string seed_bytes(uint64_t seed) {
    std::string b(kInputBytes, '\0');
    uint64_t x = seed * 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < b.size(); i += 8) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        std::memcpy(&b[i], &z, 8);
    }
    return b;
}

std::string program_for(uint64_t seed) {
    std::string b = seed_bytes(seed);
    return generate_program(reinterpret_cast<const uint8_t*>(b.data()), b.size());
}

// The per-seed extra threshold: 2..99, where issue 18's hang showed.
uint32_t threshold_for(uint64_t seed) { return uint32_t(2 + seed % 98); }

bool parse(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        if (k == "--help" || k == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) return false;
        const char* v = argv[++i];
        char* end = nullptr;
        if (k == "--seed") a.seed = std::strtoull(v, &end, 10);
        else if (k == "--count") a.count = std::strtoull(v, &end, 10);
        else if (k == "--seconds") a.seconds = std::strtod(v, &end);
        else if (k == "--factor") a.budget.factor = std::strtod(v, &end);
        else if (k == "--constant") a.budget.constant_s = std::strtod(v, &end);
        else if (k == "--status-every") a.status_every = std::strtod(v, &end);
        else if (k == "--threshold") a.threshold = uint32_t(std::strtoul(v, &end, 10));
        else if (k == "--print") a.seed = std::strtoull(v, &end, 10), a.print = true;
        else if (k == "--save") a.save = v;
        else if (k == "--state") a.state = v;
        else if (k == "--program") a.program_file = v;
        else return false;
        if (end && (*end || end == v)) return false;
    }
    return true;
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

// A failed program: the report on stderr, the program (and --jit=off's
// output, the expected one) under --save.
void record_failure(const Args& a, const std::string& name, const std::string& text, const Config& ref_cfg,
                    const Outcome& ref, const Config* bad_cfg, const Outcome& got) {
    if (bad_cfg) report_mismatch(text, ref_cfg.name.c_str(), ref, bad_cfg->name.c_str(), got);
    else std::fprintf(stderr, "==== GENERATOR BUG: --jit=off exit %d\n%s\n%s\n", ref.code, text.c_str(), ref.err.c_str());
    if (a.save.empty()) return;
    std::string base = a.save + "/" + name;
    write_text(base + ".cpasm", text);
    write_text(base + ".stdout", ref.out);
    write_text(base + ".stderr", ref.err);
    write_text(base + ".exitcode", std::to_string(ref.code) + "\n");
    std::fprintf(stderr, "==== saved to %s.cpasm (expected output: --jit=off)\n", base.c_str());
}

// One program through every configuration; false on a failure.
bool check(const Args& a, const std::string& name, const std::string& text, uint32_t threshold) {
    auto load = [&](cpjit::Program& p) {
        cpjit::LoadError err;
        if (!cpjit::assemble(name + ".cpasm", text, p, err) || !cpjit::verify(p, err))
            fail("the generator wrote an invalid program", err.format() + "\n" + text);
    };
    std::vector<Config> configs = all_configs(threshold, kHeap);
    if (!a.save.empty())
        Watchdog::instance().configure(a.save + "/hang-" + name + ".cpasm", Watchdog::OnHang::Exit3);
    Outcome ref, got;
    int bad = compare_configs(text, configs, a.budget, load, ref, got);
    if (ref.code != 0 && ref.code != 1) {
        record_failure(a, name, text, configs[0], ref, nullptr, got);
        return false;
    }
    if (bad < 0) return true;
    record_failure(a, name, text, configs[0], ref, &configs[size_t(bad)], got);
    return false;
}

uint64_t read_state(const std::string& path, uint64_t fallback) {
    std::ifstream f(path);
    uint64_t s;
    return f >> s ? s : fallback;
}

int run_seeds(Args& a) {
    if (!a.state.empty()) a.seed = read_state(a.state, a.seed);
    using clock = std::chrono::steady_clock;
    auto start = clock::now(), last_status = start;
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };
    uint64_t done = 0, failures = 0, seed = a.seed;
    size_t nconfigs = all_configs(2, kHeap).size();
    for (; a.seconds > 0 ? elapsed() < a.seconds : done < a.count; ++seed, ++done) {
        if (!check(a, "seed-" + std::to_string(seed), program_for(seed), threshold_for(seed))) ++failures;
        if (a.status_every > 0 && std::chrono::duration<double>(clock::now() - last_status).count() >= a.status_every) {
            last_status = clock::now();
            std::fprintf(stderr, "#%llu programs, %.1f programs/s, %llu failures\n", (unsigned long long)done + 1,
                         double(done + 1) / elapsed(), (unsigned long long)failures);
            if (!a.state.empty()) write_text(a.state, std::to_string(seed + 1) + "\n");
        }
    }
    if (!a.state.empty()) write_text(a.state, std::to_string(seed) + "\n");
    double t = elapsed();
    std::printf("diff_driver: seeds %llu..%llu, %llu programs x %zu configurations, %.1f s, %.1f programs/s, %llu failures\n",
                (unsigned long long)a.seed, (unsigned long long)seed - 1, (unsigned long long)done, nconfigs, t,
                t > 0 ? double(done) / t : 0.0, (unsigned long long)failures);
    return failures ? 1 : 0;
}

int run_file(const Args& a) {
    std::ifstream f(a.program_file, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "diff_driver: cannot read %s\n", a.program_file.c_str());
        return 2;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    bool ok = check(a, "program", ss.str(), a.threshold);
    std::printf("diff_driver: %s: %s\n", a.program_file.c_str(), ok ? "all configurations agree" : "FAILED");
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (!parse(argc, argv, a)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    if (a.print) {
        std::fputs(program_for(a.seed).c_str(), stdout);
        return 0;
    }
    Watchdog::instance().configure("", Watchdog::OnHang::Exit3);
    return a.program_file.empty() ? run_seeds(a) : run_file(a);
}
