// The jitdump writer (see jitdump.h).
#include "jit/copy_patch/profiling/jitdump.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/copy_patch/profiling/code_symbols.h"
#include "jit/copy_patch/profiling/jitdump_format.h"

namespace cpjit::jit::profiling {

namespace {

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

}  // namespace

std::unique_ptr<JitDump> JitDump::open(const std::string& dir, Arch arch) {
    const std::string path = (dir.empty() ? std::string("/tmp") : dir) + "/jit-" + std::to_string(getpid()) + ".dump";
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
    std::FILE* f = fd >= 0 ? fdopen(fd, "w+") : nullptr;
    if (!f) {
        std::fprintf(stderr, "cpjit: --perf-jitdump: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        if (fd >= 0) close(fd);
        return nullptr;
    }
    jitdump::FileHeader h;
    h.elf_mach = arch == Arch::A64 ? jitdump::kElfMachAArch64 : jitdump::kElfMachX86_64;
    h.pid = uint32_t(getpid());
    h.timestamp = now_ns();
    std::fwrite(&h, sizeof h, 1, f);
    std::fflush(f);
    // The marker: an executable, read-only, private view of the file.
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    void* marker = mmap(nullptr, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (marker == MAP_FAILED) {
        std::fprintf(stderr, "cpjit: --perf-jitdump: cannot map %s: %s\n", path.c_str(), std::strerror(errno));
        std::fclose(f);
        return nullptr;
    }
    return std::unique_ptr<JitDump>(new JitDump(f, marker, page));
}

JitDump::~JitDump() {
    jitdump::RecordHeader close_record{jitdump::kCodeClose, sizeof(jitdump::RecordHeader), now_ns()};
    std::fwrite(&close_record, sizeof close_record, 1, f_);
    std::fclose(f_);
    munmap(marker_, marker_size_);
}

void JitDump::code_load(const std::string& name, const uint8_t* rx, uint32_t size) {
    jitdump::CodeLoad r;
    r.h.id = jitdump::kCodeLoad;
    r.h.total_size = uint32_t(sizeof r + name.size() + 1 + size);
    r.h.timestamp = now_ns();
    r.pid = uint32_t(getpid());
    r.tid = uint32_t(syscall(SYS_gettid));
    r.vma = r.code_addr = uint64_t(uintptr_t(rx));
    r.code_size = size;
    r.code_index = next_index_++;
    std::fwrite(&r, sizeof r, 1, f_);
    std::fwrite(name.c_str(), name.size() + 1, 1, f_);
    std::fwrite(rx, size, 1, f_);  // read through the executable view
}

void JitDump::shim_placed(const uint8_t* rx, uint32_t size) {
    code_load(kEntryShimName, rx, size);
    std::fflush(f_);
}

void JitDump::trace_compiled(const Trace& t, const CompiledTrace& c) {
    code_load(trace_symbol(t), c.rx, c.size);
    for (const CodeSymbol& s : piece_symbols(t, c)) code_load(s.name, c.rx + s.offset, s.size);
    std::fflush(f_);
}

}  // namespace cpjit::jit::profiling
