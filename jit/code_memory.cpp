// The code arena (see code_memory.h). Linux: memfd_create + two mmaps, or
// (perf_visible) a shared anonymous mmap + an mremap twin, or (single_view)
// one private anonymous mmap flipped with mprotect.
#include "jit/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <asmjit/core.h>

namespace cpjit::jit {

namespace {

size_t page_size() {
    static const size_t p = size_t(sysconf(_SC_PAGESIZE));
    return p;
}
size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

}  // namespace

std::unique_ptr<CodeMemory> CodeMemory::create(const CodeMemoryOptions& opts) {
    std::unique_ptr<CodeMemory> m(new CodeMemory(opts));
    m->opts_.chunk_bytes = round_up(std::max<size_t>(opts.chunk_bytes, 1), page_size());
    m->opts_.commit_step = round_up(std::max<size_t>(opts.commit_step, 1), page_size());
    // Map the first chunk now: if the system cannot give a dual mapping, say so.
    if (!m->add_chunk(0)) return nullptr;
    return m;
}

CodeMemory::~CodeMemory() {
    for (Chunk& c : chunks_) {
        munmap(c.rx, c.reserved);
        if (c.rw != c.rx) munmap(c.rw, c.reserved);
    }
}

// Reserves a chunk of at least max(chunk_bytes, min_bytes): both views
// PROT_NONE until committed.
bool CodeMemory::add_chunk(size_t min_bytes) {
    Chunk c;
    c.reserved = std::max(opts_.chunk_bytes, round_up(min_bytes, page_size()));
    if (opts_.single_view) return add_single_view_chunk(c);
    // Where mremap cannot twin a mapping (qemu-user), the memfd views below:
    // the JIT works, perf shows the memfd.
    if (opts_.perf_visible && add_anonymous_chunk(c)) return true;
    int fd = memfd_create("cpjit-code", MFD_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ftruncate(fd, off_t(c.reserved)) == 0;
    void* rx = ok ? mmap(nullptr, c.reserved, PROT_NONE, MAP_SHARED, fd, 0) : MAP_FAILED;
    void* rw = rx != MAP_FAILED ? mmap(nullptr, c.reserved, PROT_NONE, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);  // the mappings keep the memory
    if (rw == MAP_FAILED) {
        if (rx != MAP_FAILED) munmap(rx, c.reserved);
        return false;
    }
    c.rx = static_cast<uint8_t*>(rx);
    c.rw = static_cast<uint8_t*>(rw);
    chunks_.push_back(std::move(c));
    return true;
}

// mremap with old_size 0 maps the same pages of a shared mapping again.
bool CodeMemory::add_anonymous_chunk(Chunk& c) {
    void* rx = mmap(nullptr, c.reserved, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rx == MAP_FAILED) return false;
    void* rw = mremap(rx, 0, c.reserved, MREMAP_MAYMOVE);
    if (rw == MAP_FAILED) {
        munmap(rx, c.reserved);
        return false;
    }
    c.rx = static_cast<uint8_t*>(rx);
    c.rw = static_cast<uint8_t*>(rw);
    // Committed whole, at once, untouched (pages are allocated when first
    // written): perf logs a mapping each time the executable view grows,
    // and a later, larger mapping would hide the code loads perf inject
    // placed inside it (--perf-jitdump).
    if (mprotect(c.rw, c.reserved, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(c.rx, c.reserved, PROT_READ | PROT_EXEC) != 0) {
        munmap(c.rx, c.reserved);
        munmap(c.rw, c.reserved);
        return false;
    }
    c.committed = c.reserved;
    mapped_ += c.reserved;
    chunks_.push_back(std::move(c));
    return true;
}

bool CodeMemory::add_single_view_chunk(Chunk& c) {
    void* p = mmap(nullptr, c.reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    c.rx = c.rw = static_cast<uint8_t*>(p);
    chunks_.push_back(std::move(c));
    return true;
}

bool CodeMemory::protect(uint8_t* p, size_t size, bool writable) {
    const uintptr_t a = uintptr_t(p) / page_size() * page_size();
    const size_t n = round_up(uintptr_t(p) + std::max<size_t>(size, 1) - a, page_size());
    return mprotect(reinterpret_cast<void*>(a), n, writable ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC) == 0;
}

void CodeMemory::make_executable(uint8_t* p, size_t size) {
    if (protect(p, size, false)) return;
    std::fprintf(stderr, "cpjit: cannot make JIT code executable again: %s\n", std::strerror(errno));
    std::abort();
}

// Maps n bytes of both views in: the pages are allocated through rw and
// entered in rx's page table, so writing and running code there takes no
// page fault. MADV_POPULATE_WRITE/READ (Linux 5.14) does it in two system
// calls without a fault per page: on this virtual machine about half the
// cost of touching each page through both views (the fallback), two
// faults of about 10 µs each (docs/compile_time.md).
void CodeMemory::prefault(uint8_t* rw, uint8_t* rx, size_t n) {
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
    if (madvise(rw, n, MADV_POPULATE_WRITE) == 0 && (rx == rw || madvise(rx, n, MADV_POPULATE_READ) == 0)) return;
#endif
    for (size_t p = 0; p < n; p += page_size()) {
        reinterpret_cast<volatile uint8_t*>(rw)[p] = 0;
        (void)reinterpret_cast<volatile const uint8_t*>(rx)[p];
    }
}

// Makes [committed, end) of both views accessible, plus a step ahead, and
// maps each new page into both views (prefault) so that writing and running code
// there takes no page fault later.
bool CodeMemory::commit(Chunk& c, size_t end) {
    const size_t step = std::max(opts_.commit_step, round_up(c.committed / 8, page_size()));
    const size_t target = std::min(c.reserved, round_up(std::max(end, c.committed + step), page_size()));
    const size_t n = target - c.committed;
    if (mprotect(c.rw + c.committed, n, PROT_READ | PROT_WRITE) != 0) return false;
    if (c.rx != c.rw && mprotect(c.rx + c.committed, n, opts_.executable ? PROT_READ | PROT_EXEC : PROT_READ) != 0)
        return false;
    prefault(c.rw + c.committed, c.rx + c.committed, n);
    // One view: committed pages rest read-execute (writes flip them).
    if (c.rx == c.rw && mprotect(c.rx + c.committed, n, PROT_READ | PROT_EXEC) != 0) return false;
    mapped_ += n;
    c.committed = target;
    return true;
}

bool CodeMemory::take_free(Chunk& c, uint32_t size, uint32_t* offset) {
    for (size_t i = 0; i < c.free.size(); ++i) {
        FreeBlock& f = c.free[i];
        if (f.size < size) continue;
        *offset = f.offset;
        f.offset += size;
        f.size -= size;
        if (!f.size) c.free.erase(c.free.begin() + ptrdiff_t(i));
        return true;
    }
    return false;
}

// Inserts [offset, offset + size) in order, merging with its neighbours; a
// free block that ends at the bump pointer lowers it instead.
void CodeMemory::give_free(Chunk& c, uint32_t offset, uint32_t size) {
    auto it = std::lower_bound(c.free.begin(), c.free.end(), offset,
                               [](const FreeBlock& f, uint32_t off) { return f.offset < off; });
    it = c.free.insert(it, {offset, size});
    if (it + 1 != c.free.end() && it->offset + it->size == (it + 1)->offset) {
        it->size += (it + 1)->size;
        c.free.erase(it + 1);
    }
    if (it != c.free.begin() && (it - 1)->offset + (it - 1)->size == it->offset) {
        (it - 1)->size += it->size;
        it = c.free.erase(it) - 1;
    }
    if (it->offset + it->size == c.top) {
        c.top = it->offset;
        c.free.erase(it);
    }
}

CodeBlock CodeMemory::alloc(uint32_t size) {
    const uint32_t sz = uint32_t(round_up(std::max<uint32_t>(size, 1), kAlign));
    uint32_t off = 0;
    for (Chunk& c : chunks_) {
        if (c.free.empty() || !take_free(c, sz, &off)) continue;
        used_ += sz;
        return {c.rx + off, c.rw + off};
    }
    Chunk* c = &chunks_.back();
    if (c->top + sz > c->reserved) {
        if (!add_chunk(sz)) return {};
        c = &chunks_.back();
    }
    if (c->top + sz > c->committed && !commit(*c, c->top + sz)) return {};
    off = uint32_t(c->top);
    c->top += sz;
    used_ += sz;
    return {c->rx + off, c->rw + off};
}

void CodeMemory::release(const CodeBlock& b, uint32_t size) {
    if (!b.rx) return;
    const uint32_t sz = uint32_t(round_up(std::max<uint32_t>(size, 1), kAlign));
    for (Chunk& c : chunks_) {
        if (b.rx < c.rx || b.rx >= c.rx + c.reserved) continue;
        give_free(c, uint32_t(b.rx - c.rx), sz);
        used_ -= sz;
        return;
    }
}

CodeBlock CodeMemory::chunk_of(const uint8_t* rx, size_t* reserved) const {
    for (const Chunk& c : chunks_)
        if (rx >= c.rx && rx < c.rx + c.reserved) {
            if (reserved) *reserved = c.reserved;
            return {c.rx, c.rw};
        }
    return {};
}

void CodeMemory::flush(const uint8_t* rx, size_t size) { asmjit::VirtMem::flushInstructionCache(const_cast<uint8_t*>(rx), size); }

}  // namespace cpjit::jit
