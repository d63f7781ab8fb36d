// Starting a child process for the commands that run programs (bench,
// profile): stdin from /dev/null, stdout and stderr to files.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace cpjit::tools {

// Starts argv (argv[0] searched in PATH when `search_path`). Returns 0 and
// the child's pid, or the error number of posix_spawn.
int spawn_redirected(const std::vector<std::string>& argv, bool search_path, const std::string& out_path,
                     const std::string& err_path, pid_t* pid);

// Waits for the child to end (through EINTR), with its resource usage when
// `ru` is given. Returns 0, or the error number of wait4.
int wait_child(pid_t pid, int* status, struct rusage* ru = nullptr);

}  // namespace cpjit::tools
