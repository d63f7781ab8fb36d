// `cpjit profile` (see profile_command.h).
#include "tools/profile_command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tools/child_process.h"
#include "tools/command_line.h"
#include "tools/profile_summary.h"

extern char** environ;

namespace cpjit {

namespace {

int fail(const std::string& msg) {
    std::fprintf(stderr, "cpjit profile: %s\n", msg.c_str());
    return 2;
}

std::string find_in_path(const char* name) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string d; std::getline(dirs, d, ':');) {
        const std::string p = (d.empty() ? "." : d) + "/" + name;
        if (access(p.c_str(), X_OK) == 0) return p;
    }
    return "";
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs argv with stdout and stderr to files; the exit code, or -1.
int run(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
    pid_t pid;
    const int rc = tools::spawn_redirected(argv, false, out, err, &pid);
    if (rc != 0) return -1;
    int status = 0;
    if (tools::wait_child(pid, &status) != 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string paranoid() {
    std::string s = read_all("/proc/sys/kernel/perf_event_paranoid");
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.empty() ? "?" : s;
}

}  // namespace

int cmd_profile(const std::vector<std::string>& args) {
    size_t top = 10;
    std::string keep;
    std::vector<std::string> run_args;
    for (const std::string& a : args) {
        if (a.rfind("--top=", 0) == 0) {
            char* end = nullptr;
            const unsigned long n = std::strtoul(a.c_str() + 6, &end, 10);
            if (!*(a.c_str() + 6) || *end || n < 1 || n > 1000) return fail("--top takes a number from 1 to 1000");
            top = n;
        } else if (a.rfind("--keep=", 0) == 0) {
            keep = a.substr(7);
            if (keep.empty()) return fail("--keep= needs a directory");
        } else {
            run_args.push_back(a);
        }
    }
    if (run_args.empty()) {
        std::fputs(command_help(*find_subcommand("profile")).c_str(), stderr);
        return 2;
    }
    const std::string perf = find_in_path("perf");
    if (perf.empty())
        return fail("perf is not installed: on Debian, `apt-get install linux-perf` (tools/setup.sh --profiling)");
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) return fail("cannot find the cpjit executable (/proc/self/exe)");
    std::string dir = keep;
    if (dir.empty()) {
        char tmpl[] = "/tmp/cpjit-profile-XXXXXX";
        if (!mkdtemp(tmpl)) return fail(fmt::format("cannot make a temporary directory: {}", std::strerror(errno)));
        dir = tmpl;
    } else if (!std::filesystem::create_directories(dir, ec) && ec) {
        return fail(fmt::format("cannot make {}: {}", dir, ec.message()));
    }
    const std::string data = dir + "/perf.data", out = dir + "/stdout", err = dir + "/stderr";
    std::vector<std::string> rec = {perf, "record", "-q", "-o", data, "--", self, "run", "--perf-map"};
    rec.insert(rec.end(), run_args.begin(), run_args.end());
    const int rc = run(rec, out, err);
    const std::string err_text = read_all(err);
    const bool have_data = std::filesystem::file_size(data, ec) > 0 && !ec;
    int code = 0;
    if (!have_data) {
        std::fprintf(stderr, "%s", err_text.c_str());
        code = fail(fmt::format(
            "perf recorded nothing{}. If perf may not record here (kernel.perf_event_paranoid={}), run as root or "
            "allow it (as root): sysctl kernel.perf_event_paranoid=2",
            rc < 0 ? " (it could not be started)" : "", paranoid()));
    } else if (rc == 2) {  // perf passes the program's exit code on: a usage or load error
        std::fprintf(stderr, "%s", err_text.c_str());
        code = 2;
    } else {
        // A runtime error (1) still profiled what ran; the exit code says so.
        if (rc != 0) std::fprintf(stderr, "cpjit profile: the program exited with %d:\n%s", rc, err_text.c_str());
        code = rc == 1 ? 1 : 0;
        const std::string report = dir + "/report.txt";
        const int rr = run({perf, "report", "-i", data, "--stdio", "--sort", "dso,sym", "-t", "\t"}, report,
                           dir + "/report.err");
        if (rr != 0) {
            code = fail("perf report failed: " + read_all(dir + "/report.err"));
        } else {
            // perf names the executable's own rows by its file name
            const std::string own_dso = std::filesystem::path(self).filename().string();
            const std::string text =
                format_profile(summarize_profile(parse_perf_report(read_all(report)), own_dso), top);
            std::fwrite(text.data(), 1, text.size(), stdout);
            if (!keep.empty()) std::printf("perf.data kept: perf report -i %s\n", data.c_str());
        }
    }
    if (keep.empty()) std::filesystem::remove_all(dir, ec);
    return code;
}

}  // namespace cpjit
