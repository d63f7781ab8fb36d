// Differential runs shared by fuzz_differential (libFuzzer, sanitizers) and
// diff_driver (release build, seeds): one program in several configurations,
// in process, compared byte for byte with the first, under a hang budget.
//
// Hang budget: a configuration may take at most factor x the reference run's
// time plus a constant, counted in the CPU time of the thread that runs the
// VM (wall time would turn a busy machine, where a niced campaign waits for
// the CPU, into false hangs). A VM cannot be interrupted from outside (no
// instruction budget, and machine code never polls), so a watchdog thread
// enforces it: it samples the running thread's CPU clock every 10 ms, and
// when a run passes its budget it writes the program and the configuration
// to fd 2 (and to a file, when asked), then ends the process. A hung run is
// a failure like a mismatch; with libFuzzer the end is abort(), so libFuzzer
// saves the input as a crash artifact.
#pragma once

#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/fuzz/fuzz_common.h"

namespace cpjit_fuzz {

// The CPU time the calling thread has used, in seconds.
inline double thread_cpu_seconds(clockid_t clock = CLOCK_THREAD_CPUTIME_ID) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct HangBudget {
    double factor = 10.0;     // x the reference run's CPU time
    double constant_s = 1.0;  // plus this (start-up, trace compiles, a busy machine)
    double reference_s = 60;  // the reference itself (a generator bug if it takes longer)
};

class Watchdog {
public:
    enum class OnHang { Abort, Exit3 };
    static Watchdog& instance() {
        static Watchdog* w = new Watchdog;  // never destroyed: its thread outlives main
        return *w;
    }
    // Where a hung program is written (empty: only to fd 2), and how the
    // process ends.
    void configure(std::string save_path, OnHang on_hang) {
        std::lock_guard<std::mutex> l(m_);
        save_path_ = std::move(save_path);
        on_hang_ = on_hang;
    }
    // Called by the thread about to run the program: its CPU time is watched.
    void arm(double seconds, const std::string& program, const std::string& what) {
        std::lock_guard<std::mutex> l(m_);
        if (pthread_getcpuclockid(pthread_self(), &clock_) != 0) clock_ = CLOCK_MONOTONIC;
        deadline_ = thread_cpu_seconds(clock_) + seconds;
        budget_s_ = seconds;
        program_ = program;
        what_ = what;
        armed_ = true;
        cv_.notify_one();
    }
    void disarm() {
        std::lock_guard<std::mutex> l(m_);
        armed_ = false;
    }

private:
    Watchdog() : thread_([this] { watch(); }) { thread_.detach(); }

    void watch() {
        std::unique_lock<std::mutex> l(m_);
        for (;;) {
            if (!armed_) {
                cv_.wait(l);
                continue;
            }
            cv_.wait_for(l, std::chrono::milliseconds(10));
            if (armed_ && thread_cpu_seconds(clock_) >= deadline_) report_and_end();
        }
    }

    // Runs on the watchdog thread while the hung run goes on: plain writes to
    // fd 2 (the run has C stdio's stderr swapped for a memory stream).
    [[noreturn]] void report_and_end() {
        std::string msg = "==== HANG: [" + what_ + "] ran past its budget of " + std::to_string(budget_s_) +
                          " s of CPU time\n==== program:\n" + program_ + "\n";
        if (!save_path_.empty() && write_file(save_path_, program_))
            msg += "==== saved to " + save_path_ + "\n";
        write_all(2, msg);
        if (on_hang_ == OnHang::Abort) std::abort();
        _exit(3);
    }
    static void write_all(int fd, const std::string& s) {
        for (size_t off = 0; off < s.size();) {
            ssize_t n = ::write(fd, s.data() + off, s.size() - off);
            if (n <= 0) return;
            off += size_t(n);
        }
    }
    static bool write_file(const std::string& path, const std::string& text) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) return false;
        write_all(fd, text);
        return ::close(fd) == 0;
    }

    std::mutex m_;
    std::condition_variable cv_;
    bool armed_ = false;
    clockid_t clock_ = CLOCK_MONOTONIC;  // the watched thread's CPU clock
    double deadline_ = 0;               // on that clock, in seconds
    double budget_s_ = 0;
    std::string program_, what_, save_path_;
    OnHang on_hang_ = OnHang::Abort;
    std::thread thread_;
};

// Every configuration the differential runs compare; the first is the
// reference. `threshold` is a third Tier-2 threshold besides 1 and the
// default (the caller picks it per program, e.g. 2..99, where issue 18 hung).
inline std::vector<Config> all_configs(uint32_t threshold, size_t heap) {
    using cpjit::Tier;
    std::string n = std::to_string(threshold);
    auto with = [&](std::string name, Tier tier, uint32_t t, auto tweak) {
        size_t at = name.find("=N");
        if (at != std::string::npos) name.replace(at + 1, 1, n);
        Config c{name, make_opts(tier, t, heap)};
        tweak(c.opts);
        return c;
    };
    auto none = [](cpjit::RunOptions&) {};
    auto sw = [](cpjit::RunOptions& o) { o.dispatch = cpjit::Dispatch::Switch; };
    auto opt0 = [](cpjit::RunOptions& o) { o.tier2.opt_level = 0; };
    auto nospec = [](cpjit::RunOptions& o) { o.specialize = false; };
    std::vector<Config> c = {
        with("--jit=off", Tier::Interp, 64, none),
        with("--jit=off --interp=switch", Tier::Interp, 64, sw),
        with("--jit=uops --jit-threshold=1", Tier::Uops, 1, none),
        with("--jit=uops", Tier::Uops, 64, none),
        with("--jit=uops --jit-threshold=N", Tier::Uops, threshold, none),
        with("--jit=uops --jit-threshold=1 --opt=0", Tier::Uops, 1, opt0),
        with("--specialize=off --jit=uops --jit-threshold=1", Tier::Uops, 1, nospec),
    };
    if (!kJitOnIsUops) {
        c.push_back(with("--jit=on --jit-threshold=1", kJitOnTier, 1, none));
        c.push_back(with("--jit=on", kJitOnTier, 64, none));
        c.push_back(with("--jit=on --jit-threshold=N", kJitOnTier, threshold, none));
        c.push_back(with("--jit=on --jit-threshold=1 --opt=0", kJitOnTier, 1, opt0));
        c.push_back(with("--specialize=off --jit=on --jit-threshold=1", kJitOnTier, 1, nospec));
    }
    return c;
}

// How a program went in one configuration.
struct Run {
    Outcome outcome;
    double seconds = 0;  // CPU time of the running thread
};

// Loads `text` afresh (running mutates a program) and runs it under the
// watchdog with `budget_s`. `load` fills a Program or fails the check.
template <class Load>
Run run_watched(const std::string& text, const Config& cfg, double budget_s, Load load) {
    cpjit::Program p;
    load(p);
    Watchdog::instance().arm(budget_s, text, cfg.name);
    double t0 = thread_cpu_seconds();
    Run r;
    r.outcome = run_captured(p, cfg.opts);
    r.seconds = thread_cpu_seconds() - t0;
    Watchdog::instance().disarm();
    return r;
}

// Runs `text` in every configuration; returns the index of the first one
// whose outcome differs from configs[0]'s (and fills `ref`, `got`), or -1.
// A configuration that exceeds the budget never returns (the watchdog).
template <class Load>
int compare_configs(const std::string& text, const std::vector<Config>& configs, const HangBudget& budget, Load load,
                    Outcome& ref, Outcome& got) {
    Run r0 = run_watched(text, configs[0], budget.reference_s, load);
    ref = std::move(r0.outcome);
    double limit = budget.factor * r0.seconds + budget.constant_s;
    for (size_t i = 1; i < configs.size(); ++i) {
        Run r = run_watched(text, configs[i], limit, load);
        if (!(r.outcome == ref)) {
            got = std::move(r.outcome);
            return int(i);
        }
    }
    return -1;
}

}  // namespace cpjit_fuzz
