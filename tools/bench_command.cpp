// `cpjit bench`: times programs in each requested tier and Tier-1 dispatch
// mode, and optionally their CPython twins, one fresh child process per run.
//
// Method: for every program, every configuration runs once as a warm-up (its
// time is discarded; it is the run that writes --stats, because counting for
// --stats takes a different interpreter instantiation than a plain run),
// then --repeat measured runs. Each run is a child spawned without a copy of
// this process (posix_spawn, vfork-like); wall time is measured with the
// steady clock around spawn and wait4, peak RSS is the child's ru_maxrss.
// Every run's exit status and stdout (captured to a file) are checked
// against NAME.stdout when it exists.
#include "tools/bench_command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "jit/engine.h"
#include "tools/bench_compile.h"
#include "tools/child_process.h"
#include "tools/run_stats.h"

#ifndef CPJIT_VERSION
#define CPJIT_VERSION "0.0.0"
#endif

extern char** environ;

namespace cpjit {

double geomean(const std::vector<double>& xs) {
    double sum = 0;
    size_t n = 0;
    for (double x : xs)
        if (x > 0 && std::isfinite(x)) sum += std::log(x), ++n;
    return n ? std::exp(sum / double(n)) : NAN;
}

namespace {


struct Config {
    std::string label;   // "uops+threaded", "python3"
    std::string tier;    // a --jit value, empty for python
    std::string interp;  // threaded|switch, empty for python
    bool python = false;
};

struct Sample {
    double wall_s = 0;
    long rss_kib = 0;
    int exit_code = 0;   // -1 when killed by a signal
    int signal = 0;
    std::string problem; // empty when the run checked out
};

struct Cell {
    Config cfg;
    std::vector<std::string> argv;
    Sample warmup;
    std::vector<Sample> samples;
    std::optional<StatFields> stats;  // the warm-up run's --stats
    double median_s = NAN, min_s = NAN;
    long peak_rss_kib = 0;
    bool failed = false;
};

struct Bench {
    std::string name, path;
    std::optional<std::string> expected_stdout;  // path of NAME.stdout
    std::optional<std::string> python_twin;      // path of NAME.py
    std::vector<Cell> cells;                      // in config order; python last
};

int usage(const std::string& msg) {
    std::fprintf(stderr, "error: %s\n(see cpjit bench --help)\n", msg.c_str());
    return 2;
}

bool exists(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), std::streamsize(data.size()));
    out.close();
    return bool(out);
}

std::string dirname_of(const std::string& p) {
    size_t slash = p.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : p.substr(0, slash);
}

std::string absolute(const std::string& p) {
    if (!p.empty() && p[0] == '/') return p;
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) return p;
    return std::string(buf) + "/" + p;
}

std::string self_exe() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    return std::string(buf, size_t(n));
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t i = s.find(sep, start);
        out.emplace_back(s.substr(start, i == std::string_view::npos ? std::string_view::npos : i - start));
        if (i == std::string_view::npos) return out;
        start = i + 1;
    }
}

// examples/ (holding BENCHMARKS) next to the binary, one level up from it
// (build/cpjit), or in the current folder or its parent.
std::optional<std::string> find_examples_dir(std::string& tried) {
    std::vector<std::string> bases;
    std::string exe = self_exe();
    if (!exe.empty()) {
        bases.push_back(dirname_of(exe));
        bases.push_back(dirname_of(exe) + "/..");
    }
    char buf[4096];
    if (getcwd(buf, sizeof buf)) {
        bases.push_back(buf);
        bases.push_back(std::string(buf) + "/..");
    }
    for (const std::string& b : bases) {
        std::string d = b + "/examples";
        if (!tried.empty()) tried += ", ";
        tried += d;
        if (exists(d + "/BENCHMARKS")) return d;
    }
    return std::nullopt;
}

// One child: stdin /dev/null, stdout and stderr to files. Returns false (with
// `error`) when it could not be started.
bool run_child(const std::vector<std::string>& argv, bool search_path, const std::string& out_path,
               const std::string& err_path, Sample& s, std::string& error) {
    pid_t pid;
    auto t0 = std::chrono::steady_clock::now();
    int rc = tools::spawn_redirected(argv, search_path, out_path, err_path, &pid);
    if (rc != 0) {
        error = fmt::format("cannot start {}: {}", argv[0], std::strerror(rc));
        return false;
    }
    int status = 0;
    struct rusage ru {};
    const int werr = tools::wait_child(pid, &status, &ru);
    auto t1 = std::chrono::steady_clock::now();
    if (werr != 0) {
        error = fmt::format("wait4: {}", std::strerror(werr));
        return false;
    }
    s.wall_s = std::chrono::duration<double>(t1 - t0).count();
    s.rss_kib = ru.ru_maxrss;
    if (WIFEXITED(status)) {
        s.exit_code = WEXITSTATUS(status);
    } else {
        s.exit_code = -1;
        s.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return true;
}

std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
}

// What is wrong with a finished run, or "".
std::string check_run(const Sample& s, const std::string& out_path, const std::string& err_path,
                      const std::optional<std::string>& expected) {
    if (s.signal) return fmt::format("killed by signal {} ({})", s.signal, strsignal(s.signal));
    if (s.exit_code != 0) {
        std::string err = read_file(err_path).value_or("");
        return fmt::format("exit code {}{}", s.exit_code, err.empty() ? "" : ": " + first_line(err));
    }
    if (expected) {
        std::string got = read_file(out_path).value_or("");
        if (got != *expected) {
            size_t i = 0;
            while (i < got.size() && i < expected->size() && got[i] == (*expected)[i]) ++i;
            return fmt::format("stdout differs from the expected output ({} bytes, expected {}; first difference at byte {})",
                               got.size(), expected->size(), i);
        }
    }
    return "";
}

double median(std::vector<double> xs) {
    if (xs.empty()) return NAN;
    std::sort(xs.begin(), xs.end());
    size_t n = xs.size();
    return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}


const Cell* find_cell(const Bench& b, const std::string& label) {
    for (const Cell& c : b.cells)
        if (c.cfg.label == label) return &c;
    return nullptr;
}

// median(other) / median(c); NaN when either is missing or failed.
double speedup(const Cell* c, const Cell* over) {
    if (!c || !over || c->failed || over->failed) return NAN;
    return over->median_s / c->median_s;
}

std::string fmt_x(double x) { return std::isfinite(x) ? fmt::format("{:.2f}x", x) : "-"; }

// One configuration's speedups over Tier 1 (`base`) and over CPython,
// geometric means over the programs where both ran and checked out.
struct GeomeanSpeedups {
    double vs_tier1, vs_python;
    size_t programs;  // with a speedup over Tier 1
};
GeomeanSpeedups geomean_speedups(const std::vector<Bench>& benches, const std::string& label,
                                 const std::string& base) {
    std::vector<double> v1, vp;
    for (const Bench& b : benches) {
        const Cell* c = find_cell(b, label);
        double s1 = speedup(c, find_cell(b, base)), sp = speedup(c, find_cell(b, "python3"));
        if (std::isfinite(s1)) v1.push_back(s1);
        if (std::isfinite(sp)) vp.push_back(sp);
    }
    return {geomean(v1), geomean(vp), v1.size()};
}

// ---- machine description ----

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

std::string cpu_model() {
    std::string text = read_file("/proc/cpuinfo").value_or("");
    for (const char* key : {"model name", "Hardware", "Model", "CPU part"}) {
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            if (line.compare(0, std::strlen(key), key) == 0) {
                size_t colon = line.find(':');
                if (colon != std::string::npos) return trim(line.substr(colon + 1));
            }
        }
    }
    struct utsname u;
    return uname(&u) == 0 ? u.machine : "unknown";
}

// stdout of a short command, or nullopt when it cannot run or fails.
std::optional<std::string> command_output(const std::vector<std::string>& argv, const std::string& tmp) {
    Sample s;
    std::string err;
    if (!run_child(argv, true, tmp + "/cmd.out", tmp + "/cmd.err", s, err) || s.exit_code != 0) return std::nullopt;
    std::string out = read_file(tmp + "/cmd.out").value_or("");
    if (out.empty()) out = read_file(tmp + "/cmd.err").value_or("");  // python2 wrote --version to stderr
    return trim(out);
}

nlohmann::ordered_json command_line_json() {
    std::string raw = read_file("/proc/self/cmdline").value_or("");
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (size_t start = 0; start < raw.size();) {
        size_t end = raw.find('\0', start);
        if (end == std::string::npos) end = raw.size();
        out.push_back(raw.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string utc_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// ---- output ----

void print_table(const std::vector<Bench>& benches, const std::vector<Config>& configs, bool python, int repeat,
                 long parent_rss_kib) {
    const std::string base = "off+threaded";
    // Columns as wide as the longest name and config (llvm-O0+threaded).
    size_t pw = 16, cw = 15;
    for (const Bench& b : benches) pw = std::max(pw, b.name.size());
    for (const Config& c : configs) cw = std::max(cw, c.label.size());
    std::string out;
    out += fmt::format("\nwall time: median and minimum of {} runs (after 1 warm-up run), seconds; "
                       "speedup = other median / this median (higher is faster)\n",
                       repeat);
    out += fmt::format("{:<{}} {:<{}} {:>9} {:>9} {:>8} {:>8} {:>9}  {}\n", "program", pw, "config", cw, "median s", "min s",
                       "vs T1", "vs py", "RSS MiB", "check");
    for (const Bench& b : benches) {
        const Cell* t1 = find_cell(b, base);
        const Cell* py = find_cell(b, "python3");
        for (const Cell& c : b.cells) {
            out += fmt::format("{:<{}} {:<{}} {:>9.3f} {:>9.3f} {:>8} {:>8} {:>9.1f}  {}\n", b.name, pw, c.cfg.label, cw,
                               c.median_s, c.min_s, fmt_x(speedup(&c, t1)), fmt_x(speedup(&c, py)),
                               double(c.peak_rss_kib) / 1024.0, c.failed ? "FAILED (see below)" : "ok");
        }
    }
    out += "\ngeometric mean of the speedups (over the programs where both ran and checked out):\n";
    out += fmt::format("{:<{}} {:>8} {:>8}  {}\n", "config", cw, "vs T1", "vs py", "programs");
    std::vector<Config> all = configs;
    if (python) all.push_back(Config{"python3", "", "", true});
    for (const Config& cfg : all) {
        const GeomeanSpeedups g = geomean_speedups(benches, cfg.label, base);
        out += fmt::format("{:<{}} {:>8} {:>8}  {}\n", cfg.label, cw, fmt_x(g.vs_tier1), fmt_x(g.vs_python), g.programs);
    }

    // JIT compile figures, from the warm-up runs' --stats.
    auto num = [](const Cell& c, const char* k) { return c.stats ? stat_number(*c.stats, k) : std::nullopt; };
    std::string jit;
    for (const Bench& b : benches) {
        for (const Cell& c : b.cells) {
            if (c.cfg.python || c.cfg.tier == "off") continue;
            auto traces = num(c, "traces"), uops = num(c, "uops_in_traces"), bytes = num(c, "code_bytes"),
                 ns = num(c, "compile_ns"), compiled = num(c, "traces_compiled"),
                 mapped = num(c, "code_mapped_bytes");
            auto cell = [](std::optional<double> x, const char* f, double scale = 1) {
                return x && std::isfinite(*x * scale) ? fmt::format(fmt::runtime(f), *x * scale) : std::string("-");
            };
            std::optional<double> per_trace, per_uop, mbps, ratio;
            if (mapped && bytes && *bytes > 0) ratio = *mapped / *bytes;
            std::optional<double> n_traces = compiled ? compiled : traces;
            if (ns && *ns > 0 && (!compiled || *compiled > 0)) {  // nothing compiled (--jit=uops): "-"
                if (n_traces && *n_traces > 0) per_trace = *ns / 1e3 / *n_traces;
                if (uops && *uops > 0) per_uop = *ns / *uops;
                if (bytes) mbps = *bytes * 1e3 / *ns;
            }
            jit += fmt::format("{:<{}} {:<{}} {:>7} {:>8} {:>9} {:>9} {:>9} {:>11} {:>9} {:>8} {:>10} {:>9}\n",
                               b.name, pw, c.cfg.label, cw, cell(traces, "{:.0f}"), cell(uops, "{:.0f}"), cell(compiled, "{:.0f}"),
                               cell(bytes, "{:.1f}", 1.0 / 1024), cell(ns, "{:.3f}", 1e-6), cell(per_trace, "{:.1f}"),
                               cell(per_uop, "{:.0f}"), cell(mbps, "{:.0f}"), cell(mapped, "{:.1f}", 1.0 / 1024),
                               cell(ratio, "{:.2f}x"));
        }
    }
    if (!jit.empty()) {
        out += "\nJIT (from each warm-up run's --stats; - = not reported by this build):\n";
        out += fmt::format("{:<{}} {:<{}} {:>7} {:>8} {:>9} {:>9} {:>9} {:>11} {:>9} {:>8} {:>10} {:>9}\n", "program",
                           pw, "config", cw, "traces", "uops", "compiled", "code KiB", "compile ms", "us/trace", "ns/uop", "MB/s",
                           "mapped KiB", "map/code");
        out += jit;
    }
    out += fmt::format("\n(peak RSS of a child cannot be below this bench process's own, {:.1f} MiB: "
                       "exec keeps the larger of the two)\n",
                       double(parent_rss_kib) / 1024.0);

    std::string failures;
    for (const Bench& b : benches)
        for (const Cell& c : b.cells) {
            auto note = [&](const Sample& s, const std::string& which) {
                if (!s.problem.empty()) failures += fmt::format("  {} {} {}: {}\n", b.name, c.cfg.label, which, s.problem);
            };
            note(c.warmup, "warm-up run");
            for (size_t i = 0; i < c.samples.size(); ++i) note(c.samples[i], fmt::format("run {}", i + 1));
        }
    if (!failures.empty()) out += "\n*** FAILED RUNS (left out of the geometric means):\n" + failures;
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

using Json = nlohmann::ordered_json;

// A number, or null when it is not finite (JSON has no NaN).
Json jnum(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json sample_json(const Sample& s) {
    return {{"wall_s", jnum(s.wall_s)}, {"rss_kib", s.rss_kib},   {"exit_code", s.exit_code},
            {"signal", s.signal},       {"ok", s.problem.empty()}, {"problem", s.problem.empty() ? Json(nullptr) : Json(s.problem)}};
}

Json optional_json(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

std::string bench_json(const std::vector<Bench>& benches, const std::vector<Config>& configs, bool python, int repeat,
                       const Json& machine) {
    const std::string base = "off+threaded";
    Json out;
    out["machine"] = machine;
    out["method"] = fmt::format("fresh child process per run (posix_spawn), 1 warm-up run discarded (it "
                                "writes --stats), {} measured runs; wall time by the steady clock around "
                                "spawn and wait4; peak RSS = wait4 ru_maxrss; stdout checked against "
                                "NAME.stdout",
                                repeat);
    out["repeat"] = repeat;
    out["baseline"] = base;
    std::vector<Config> all = configs;
    if (python) all.push_back(Config{"python3", "", "", true});
    out["configs"] = Json::array();
    for (const Config& c : all) out["configs"].push_back(c.label);
    out["benchmarks"] = Json::array();
    bool all_ok = true;
    for (const Bench& b : benches) {
        Json bj = {{"name", b.name}, {"file", b.path}, {"expected_stdout", optional_json(b.expected_stdout)},
                   {"python_twin", optional_json(b.python_twin)}, {"runs", Json::array()}};
        const Cell* t1 = find_cell(b, base);
        const Cell* py = find_cell(b, "python3");
        for (const Cell& c : b.cells) {
            all_ok = all_ok && !c.failed;
            Json run = {{"config", c.cfg.label},
                        {"tier", c.cfg.python ? Json(nullptr) : Json(c.cfg.tier)},
                        {"interp", c.cfg.python ? Json(nullptr) : Json(c.cfg.interp)},
                        {"command", c.argv},
                        {"ok", !c.failed},
                        {"median_s", jnum(c.median_s)},
                        {"min_s", jnum(c.min_s)},
                        {"peak_rss_kib", c.peak_rss_kib},
                        {"speedup_vs_tier1", jnum(speedup(&c, t1))},
                        {"speedup_vs_python", jnum(speedup(&c, py))},
                        {"warmup", sample_json(c.warmup)},
                        {"samples", Json::array()},
                        {"stats", c.stats ? *c.stats : Json(nullptr)}};
            for (const Sample& s : c.samples) run["samples"].push_back(sample_json(s));
            bj["runs"].push_back(std::move(run));
        }
        out["benchmarks"].push_back(std::move(bj));
    }
    Json& geo = out["geomean"] = Json::object();
    for (const Config& cfg : all) {
        const GeomeanSpeedups g = geomean_speedups(benches, cfg.label, base);
        geo[cfg.label] = {{"speedup_vs_tier1", jnum(g.vs_tier1)}, {"speedup_vs_python", jnum(g.vs_python)},
                          {"programs", g.programs}};
    }
    out["ok"] = all_ok;
    return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// A step of 1, 2 or 5 times a power of ten giving at most about 8 ticks.
double nice_step(double max) {
    double raw = max / 8, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

std::string bench_svg(const std::vector<Bench>& benches, const std::vector<Config>& configs, bool python, int repeat,
                      const std::string& subtitle) {
    const std::string base = "off+threaded";
    std::vector<Config> series;
    for (const Config& c : configs)
        if (c.label != base) series.push_back(c);
    if (python) series.push_back(Config{"python3", "", "", true});
    static const char* kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f"};

    // groups: each program, then the geometric mean
    struct Bar { double value; bool failed; std::string tip; };
    std::vector<std::string> groups;
    std::vector<std::vector<std::optional<Bar>>> bars;
    for (const Bench& b : benches) {
        groups.push_back(b.name);
        std::vector<std::optional<Bar>> row;
        const Cell* t1 = find_cell(b, base);
        for (const Config& s : series) {
            const Cell* c = find_cell(b, s.label);
            if (!c || !t1 || t1->failed) {
                row.push_back(std::nullopt);
                continue;
            }
            double v = t1->median_s / c->median_s;
            row.push_back(Bar{v, c->failed,
                              fmt::format("{} {}: {:.2f}x over Tier 1 (median {:.3f} s vs {:.3f} s){}", b.name, s.label, v,
                                          c->median_s, t1->median_s, c->failed ? " FAILED CHECK" : "")});
        }
        bars.push_back(row);
    }
    if (benches.size() > 1) {
        groups.push_back("geometric mean");
        std::vector<std::optional<Bar>> row;
        for (const Config& s : series) {
            std::vector<double> v;
            for (const Bench& b : benches) {
                double x = speedup(find_cell(b, s.label), find_cell(b, base));
                if (std::isfinite(x)) v.push_back(x);
            }
            double g = geomean(v);
            if (std::isfinite(g)) row.push_back(Bar{g, false, fmt::format("geometric mean {}: {:.2f}x over {} programs", s.label, g, v.size())});
            else row.push_back(std::nullopt);
        }
        bars.push_back(row);
    }

    double ymax = 1;
    for (auto& row : bars)
        for (auto& b : row)
            if (b && std::isfinite(b->value)) ymax = std::max(ymax, b->value);
    double step = nice_step(ymax * 1.1);
    double top = std::ceil(ymax * 1.1 / step) * step;

    const double bar_w = 16, gap = 22, left = 64, plot_top = 70, plot_h = 300;
    double group_w = double(std::max<size_t>(series.size(), 1)) * bar_w + gap;
    double plot_w = std::max(group_w * double(groups.size()), 200.0);
    double legend_x = left + plot_w + 24, width = std::max(legend_x + 230, 800.0), height = plot_top + plot_h + 120;
    auto y_of = [&](double v) { return plot_top + plot_h - std::min(v, top) / top * plot_h; };

    std::string s;
    s += fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
                     "font-family=\"sans-serif\" font-size=\"12\">\n",
                     width, height);
    s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{:.0f}\" height=\"{:.0f}\" fill=\"white\"/>\n", width, height);
    s += fmt::format("<text x=\"{:.0f}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">cpjit: speedup over Tier 1 "
                     "(--jit=off --interp=threaded), higher is faster</text>\n",
                     left);
    s += fmt::format("<text x=\"{:.0f}\" y=\"42\" font-size=\"11\" fill=\"#555\">{}</text>\n", left,
                     xml_escape(fmt::format("median wall time of {} runs per bar (fresh process per run, after 1 warm-up run)", repeat)));
    s += fmt::format("<text x=\"{:.0f}\" y=\"56\" font-size=\"11\" fill=\"#555\">{}</text>\n", left, xml_escape(subtitle));
    // y grid, ticks and labels
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = y_of(v);
        s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n", left, y,
                         left + plot_w, y);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}x</text>\n", left - 6, y + 4,
                         fmt::format("{:g}", std::round(v * 1000) / 1000));
    }
    s += fmt::format("<text transform=\"translate(18 {:.1f}) rotate(-90)\" text-anchor=\"middle\">speedup over Tier 1</text>\n",
                     plot_top + plot_h / 2);
    // bars
    for (size_t g = 0; g < groups.size(); ++g) {
        double gx = left + double(g) * group_w + gap / 2;
        if (g + 1 == groups.size() && benches.size() > 1)
            s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f4f4f4\"/>\n",
                             gx - gap / 2 + 2, plot_top, group_w - 4, plot_h);
        for (size_t i = 0; i < series.size(); ++i) {
            const auto& b = bars[g][i];
            if (!b) continue;
            double x = gx + double(i) * bar_w, y = y_of(b->value), h = plot_top + plot_h - y;
            s += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"{}>"
                             "<title>{}</title></rect>\n",
                             x + 1, y, bar_w - 2, h, kColors[i % 8],
                             b->failed ? " stroke=\"red\" stroke-width=\"2\" fill-opacity=\"0.35\"" : "", xml_escape(b->tip));
            s += fmt::format("<text transform=\"translate({:.1f} {:.1f}) rotate(-90)\" font-size=\"9\">{}</text>\n",
                             x + bar_w / 2 + 3, y - 3, b->failed ? "FAILED" : fmt::format("{:.2f}", b->value));
        }
        double lx = gx + double(series.size()) * bar_w / 2, ly = plot_top + plot_h + 14;
        s += fmt::format("<text transform=\"translate({:.1f} {:.1f}) rotate(-35)\" text-anchor=\"end\"{}>{}</text>\n", lx,
                         ly, g + 1 == groups.size() && benches.size() > 1 ? " font-weight=\"bold\"" : "",
                         xml_escape(groups[g]));
    }
    // axes and the Tier-1 line
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"black\"/>\n", left, plot_top,
                     plot_top + plot_h);
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"black\"/>\n", left,
                     plot_top + plot_h, left + plot_w);
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#333\" stroke-dasharray=\"5 3\"/>\n",
                     left, y_of(1), left + plot_w);
    // legend
    double ly = plot_top;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-weight=\"bold\">configuration</text>\n", legend_x, ly);
    for (size_t i = 0; i < series.size(); ++i) {
        ly += 20;
        s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", legend_x, ly - 10,
                         kColors[i % 8]);
        std::string label = series[i].python ? "CPython (python3 twin)"
                                              : fmt::format("--jit={} --interp={}", series[i].tier, series[i].interp);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", legend_x + 18, ly, xml_escape(label));
    }
    ly += 20;
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#333\" stroke-dasharray=\"5 3\"/>\n",
                     legend_x, ly - 4, legend_x + 12);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">Tier 1 (1x)</text>\n", legend_x + 18, ly);
    s += "</svg>\n";
    return s;
}

}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    std::string tiers_arg = "off,uops,on", interp_arg = "threaded";
    int repeat = 3;
    bool python = false, compile = false, repeat_given = false;
    std::optional<std::string> json_file, chart_file;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--python" || a == "--compile") {
            (a == "--python" ? python : compile) = true;
            continue;
        }
        if (a.size() > 1 && a[0] == '-') {
            std::string name = a, value;
            size_t eq = a.find('=');
            if (eq != std::string::npos) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
            } else if (name == "--tiers" || name == "--interp" || name == "--repeat" || name == "--json" || name == "--chart") {
                if (i + 1 >= args.size()) return usage(name + " needs a value");
                value = args[++i];
            } else {
                return usage(fmt::format("unknown option '{}'", a));
            }
            if (name == "--tiers") tiers_arg = value;
            else if (name == "--interp") interp_arg = value;
            else if (name == "--repeat") {
                char* end = nullptr;
                long n = std::strtol(value.c_str(), &end, 10);
                if (value.empty() || *end || n < 1 || n > 1000) return usage("--repeat takes a whole number from 1 to 1000");
                repeat = int(n);
                repeat_given = true;
            } else if (name == "--json") json_file = value;
            else if (name == "--chart") chart_file = value;
            else return usage(fmt::format("unknown option '{}'", a));
            if (value.empty()) return usage(name + " needs a value");
            continue;
        }
        files.push_back(a);
    }

    // Configurations: tiers x dispatch modes, Tier 1 (off+threaded) first.
    std::vector<Config> configs;
    auto tiers = split(tiers_arg, ','), interps = split(interp_arg, ',');
    for (const std::string& t : tiers) {
        const TierChoice* c = tier_named(t);
        if (!c) return usage(fmt::format("--tiers takes {}, not '{}'", tier_names(" and "), t));
        if (c->needs_llvm() && !jit::llvm_backend_built())
            return usage(fmt::format("--tiers {}: this cpjit was built without the LLVM backend "
                                     "(configure with -DCPJIT_LLVM_BACKEND=ON)", t));
    }
    for (const std::string& d : interps)
        if (d != "threaded" && d != "switch") return usage(fmt::format("--interp takes threaded and switch, not '{}'", d));
    configs.push_back(Config{"off+threaded", "off", "threaded"});
    for (const std::string& t : tiers)
        for (const std::string& d : interps) {
            std::string label = t + "+" + d;
            bool seen = false;
            for (const Config& c : configs) seen = seen || c.label == label;
            if (!seen) configs.push_back(Config{label, t, d});
        }

    // Programs.
    std::vector<Bench> benches;
    if (files.empty()) {
        std::string tried;
        auto dir = find_examples_dir(tried);
        if (!dir) {
            std::fprintf(stderr, "error: cannot find examples/BENCHMARKS (looked in %s); name the programs to run\n", tried.c_str());
            return 2;
        }
        auto list = read_file(*dir + "/BENCHMARKS");
        for (const std::string& line : split(list.value_or(""), '\n')) {
            std::string n = trim(line);
            if (!n.empty() && n[0] != '#') files.push_back(*dir + "/" + n + ".cpasm");
        }
        if (files.empty()) {
            std::fprintf(stderr, "error: %s/BENCHMARKS lists no programs\n", dir->c_str());
            return 2;
        }
    }
    for (const std::string& f : files) {
        if (!exists(f)) {
            std::fprintf(stderr, "error: no such file '%s'\n", f.c_str());
            return 2;
        }
        Bench b;
        b.path = absolute(f);
        std::string base = b.path;
        size_t dot = base.rfind('.');
        if (dot != std::string::npos && dot > base.rfind('/')) base = base.substr(0, dot);
        b.name = base.substr(base.rfind('/') + 1);
        if (exists(base + ".stdout")) b.expected_stdout = base + ".stdout";
        if (exists(base + ".py")) b.python_twin = base + ".py";
        benches.push_back(b);
    }

    if (compile) {  // compile speed only, in this process (tools/bench_compile.cpp)
        std::vector<std::string> paths;
        for (const Bench& b : benches) paths.push_back(b.path);
        return bench_compile(paths, repeat_given ? repeat : 100, tiers);
    }

    // A private folder for the children's stdout, stderr and stats.
    const char* tmpenv = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpenv && *tmpenv ? tmpenv : "/tmp") + "/cpjit-bench-XXXXXX";
    std::vector<char> tbuf(tmpl.begin(), tmpl.end());
    tbuf.push_back('\0');
    if (!mkdtemp(tbuf.data())) {
        std::fprintf(stderr, "error: cannot create a temporary folder %s: %s\n", tmpl.c_str(), std::strerror(errno));
        return 2;
    }
    const std::string tmp = tbuf.data();
    const std::string out_path = tmp + "/stdout", err_path = tmp + "/stderr", stats_path = tmp + "/stats.json";
    const std::string exe = "/proc/self/exe";
    const std::string exe_shown = self_exe();

    size_t total = 0, done = 0;
    for (const Bench& b : benches) total += configs.size() + (python && b.python_twin ? 1 : 0);
    bool any_failed = false, python_broken = false;
    for (Bench& b : benches) {
        std::optional<std::string> expected;
        if (b.expected_stdout) expected = read_file(*b.expected_stdout);
        std::vector<Config> todo = configs;
        if (python && b.python_twin && !python_broken) todo.push_back(Config{"python3", "", "", true});
        for (const Config& cfg : todo) {
            Cell c;
            c.cfg = cfg;
            std::vector<std::string> argv;
            if (cfg.python) {
                argv = {"python3", *b.python_twin};
                c.argv = argv;
            } else {
                argv = {exe, "run", "--jit=" + cfg.tier, "--interp=" + cfg.interp, b.path};
                c.argv = argv;
                c.argv[0] = exe_shown.empty() ? "cpjit" : exe_shown;
            }
            std::fprintf(stderr, "bench [%zu/%zu] %s %s:", ++done, total, b.name.c_str(), cfg.label.c_str());
            std::fflush(stderr);
            std::string error;
            bool started = true;
            for (int r = 0; r <= repeat && started; ++r) {
                Sample s;
                std::vector<std::string> run_argv = argv;
                if (r == 0 && !cfg.python) {
                    ::unlink(stats_path.c_str());
                    run_argv.insert(run_argv.end() - 1, "--stats=" + stats_path);
                }
                started = run_child(run_argv, cfg.python, out_path, err_path, s, error);
                if (!started) break;
                s.problem = check_run(s, out_path, err_path, expected);
                std::fprintf(stderr, "%s %.3fs", r == 0 ? " warm-up" : (r == 1 ? " |" : ""), s.wall_s);
                if (!s.problem.empty()) {
                    c.failed = true;
                    std::fprintf(stderr, "\n*** MISMATCH: %s %s %s: %s\n", b.name.c_str(), cfg.label.c_str(),
                                 r == 0 ? "warm-up run" : fmt::format("run {}", r).c_str(), s.problem.c_str());
                }
                std::fflush(stderr);
                if (r == 0) {
                    c.warmup = s;
                    if (!cfg.python)
                        if (auto text = read_file(stats_path)) c.stats = parse_stats_json(*text);
                } else {
                    c.samples.push_back(s);
                }
            }
            std::fputc('\n', stderr);
            if (!started) {
                std::fprintf(stderr, "error: %s\n", error.c_str());
                if (cfg.python) {
                    python_broken = true;  // no python3: say so once, time the rest
                    continue;
                }
                return 2;
            }
            std::vector<double> walls;
            for (const Sample& s : c.samples) {
                walls.push_back(s.wall_s);
                c.peak_rss_kib = std::max(c.peak_rss_kib, s.rss_kib);
            }
            c.median_s = median(walls);
            c.min_s = *std::min_element(walls.begin(), walls.end());
            any_failed = any_failed || c.failed;
            b.cells.push_back(std::move(c));
        }
    }

    struct rusage self {};
    getrusage(RUSAGE_SELF, &self);
    print_table(benches, configs, python && !python_broken, repeat, self.ru_maxrss);

    struct utsname u {};
    uname(&u);
    std::string cpu = cpu_model();
    std::optional<std::string> pyver = command_output({"python3", "--version"}, tmp);
    std::string date = utc_now();
    int status = any_failed ? 1 : 0;
    if (json_file) {
        Json machine = {{"cpu_model", cpu},
                        {"nproc", sysconf(_SC_NPROCESSORS_ONLN)},
                        {"kernel", fmt::format("{} {} {}", u.sysname, u.release, u.version)},
                        {"arch", u.machine},
                        {"cpjit_version", CPJIT_VERSION},
                        {"cpjit_binary", exe_shown},
                        {"python_version", optional_json(pyver)},
                        {"date", date},
                        {"command_line", command_line_json()},
                        {"bench_process_rss_kib", self.ru_maxrss}};
        if (!write_file(*json_file, bench_json(benches, configs, python && !python_broken, repeat, machine))) {
            std::fprintf(stderr, "error: cannot write '%s'\n", json_file->c_str());
            status = 2;
        } else {
            std::fprintf(stderr, "bench: wrote %s\n", json_file->c_str());
        }
    }
    if (chart_file) {
        std::string subtitle = fmt::format("{}, {} CPUs, {} {}, {}", cpu, sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release, date);
        if (!write_file(*chart_file, bench_svg(benches, configs, python && !python_broken, repeat, subtitle))) {
            std::fprintf(stderr, "error: cannot write '%s'\n", chart_file->c_str());
            status = 2;
        } else {
            std::fprintf(stderr, "bench: wrote %s\n", chart_file->c_str());
        }
    }
    for (const char* f : {"stdout", "stderr", "stats.json", "cmd.out", "cmd.err"}) ::unlink((tmp + "/" + f).c_str());
    ::rmdir(tmp.c_str());
    if (any_failed) std::fputs("bench: *** some runs failed their checks (see FAILED RUNS above)\n", stderr);
    return status;
}

}  // namespace cpjit
