// Asks the kernel to map in, at once, the pages of fresh memory a caller is
// about to write: one system call instead of a page fault per page. On this
// kind of virtual machine a first-touch fault costs about 10-15 µs and
// MADV_POPULATE_WRITE about 1-2 µs a page (docs/compile_time.md). Only the
// whole pages inside [p, p + n) are populated; the contents do not change.
// A kernel without MADV_POPULATE_WRITE (before Linux 5.14), or an emulator
// that refuses it, leaves the pages to be faulted in as they are touched.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace cpjit {

inline void populate_pages(void* p, size_t n) {
#ifdef MADV_POPULATE_WRITE
    static const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = (uintptr_t(p) + page - 1) / page * page;
    const uintptr_t end = (uintptr_t(p) + n) / page * page;
    if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

}  // namespace cpjit
