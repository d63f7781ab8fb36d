#include "tools/child_process.h"

#include <cerrno>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cpjit::tools {

int spawn_redirected(const std::vector<std::string>& argv, bool search_path, const std::string& out_path,
                     const std::string& err_path, pid_t* pid) {
    std::vector<char*> cargv;
    for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = search_path ? posix_spawnp(pid, cargv[0], &fa, nullptr, cargv.data(), environ)
                               : posix_spawn(pid, cargv[0], &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int wait_child(pid_t pid, int* status, struct rusage* ru) {
    while (wait4(pid, status, 0, ru) < 0)
        if (errno != EINTR) return errno;
    return 0;
}

}  // namespace cpjit::tools
