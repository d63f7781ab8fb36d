// Executable memory for machine code: an arena of large dual-mapped chunks.
//
// Every chunk is one memfd mapped twice: a read-execute view (where the CPU
// runs code) and a read-write view (where the JIT writes it); no page is ever
// both writable and executable (W^X). For profilers (`--perf-map`,
// `--perf-jitdump`) a chunk is instead a shared anonymous mapping and its
// mremap twin: the same two views, but `perf` sees them as anonymous memory
// (`/dev/zero`), the kind it looks up in /tmp/perf-PID.map; a memfd view it
// takes for a file and never does. Such a chunk is committed whole when
// mapped (see add_anonymous_chunk). For a debugger (`--gdb-jit`) a chunk is
// one private anonymous view, rw == rx, kept read-execute and made
// read-write only around each write (begin_write/end_write): a debugger can
// put breakpoints only in private memory (the kernel refuses ptrace writes
// to a shared mapping that is not writable). A chunk reserves its address range at
// once (PROT_NONE) and commits pages ahead of need in steps: it makes both
// views accessible and maps every new page into both, so placing a
// trace is a pointer bump with no system call and no page fault in the
// common case. Freed blocks go to a per-chunk free list (first fit,
// coalesced) and are placed again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace cpjit::jit {

struct CodeBlock {
    uint8_t* rx = nullptr;
    uint8_t* rw = nullptr;
};

struct CodeMemoryOptions {
    // Address space reserved per chunk; a block larger than this gets a
    // chunk of its own. Tests set it tiny (CPJIT_ARENA_CHUNK) so traces
    // spread over many chunks.
    size_t chunk_bytes = size_t(64) << 20;
    // Least bytes committed at once (rounded up to pages). The step grows
    // with use, to 1/8 of what is committed: a system call every ~12% of
    // growth, and mapped memory within ~1.125x of what is used (plus a page).
    size_t commit_step = 1;
    // Shared anonymous memory instead of a memfd (what perf can name), when
    // the system can map it twice (qemu-user cannot: then a memfd).
    bool perf_visible = false;
    // One private view flipped between RW and RX (what gdb can patch).
    bool single_view = false;
    // false: the "rx" view is committed read-only, never executable. For
    // code compiled for another target (`cpjit trace --target`), only read.
    bool executable = true;
};

class CodeMemory {
public:
    // nullptr when the system refuses the dual mapping.
    static std::unique_ptr<CodeMemory> create(const CodeMemoryOptions& opts = {});
    ~CodeMemory();

    // A block of `size` bytes starting at a multiple of kAlign (a cache
    // line: a trace's loop head starts one, as with asmjit's allocator);
    // {nullptr, nullptr} when out of memory.
    static constexpr uint32_t kAlign = 64;
    CodeBlock alloc(uint32_t size);
    // Returns a block of alloc(size) to the arena (rx of that block).
    void release(const CodeBlock& b, uint32_t size);
    // Around every write through rw: with single_view, make the pages
    // holding [rw, rw + size) writable (and not executable), then executable
    // again; otherwise nothing (the rw view is always writable). begin_write
    // is false when the system refuses; end_write's refusal is fatal (the
    // code of other traces on those pages could not run).
    bool begin_write(uint8_t* rw, size_t size) const { return !opts_.single_view || protect(rw, size, true); }
    void end_write(uint8_t* rw, size_t size) const {
        if (opts_.single_view) make_executable(rw, size);
    }
    // After writing through rw: make the rx view's instructions visible to
    // the CPU (a no-op on x86-64, cache maintenance on AArch64).
    static void flush(const uint8_t* rx, size_t size);

    // Executable memory mapped (committed), both views counted once.
    uint64_t mapped_bytes() const { return mapped_; }
    // Bytes in blocks handed out and not released (alignment included).
    uint64_t used_bytes() const { return used_; }
    size_t num_chunks() const { return chunks_.size(); }
    // The views of the chunk holding rx (for tests): {nullptr, nullptr} if none.
    CodeBlock chunk_of(const uint8_t* rx, size_t* reserved) const;

private:
    struct FreeBlock {
        uint32_t offset, size;
    };
    struct Chunk {
        uint8_t* rx = nullptr;
        uint8_t* rw = nullptr;
        size_t reserved = 0;   // address space of each view
        size_t committed = 0;  // accessible prefix of each view
        size_t top = 0;        // bump pointer
        std::vector<FreeBlock> free;  // sorted by offset, coalesced
    };
    explicit CodeMemory(const CodeMemoryOptions& opts) : opts_(opts) {}
    bool add_chunk(size_t min_bytes);
    bool add_anonymous_chunk(Chunk& c);
    bool add_single_view_chunk(Chunk& c);
    static bool protect(uint8_t* p, size_t size, bool writable);
    static void make_executable(uint8_t* p, size_t size);
    bool commit(Chunk& c, size_t end);
    static void prefault(uint8_t* rw, uint8_t* rx, size_t n);
    static bool take_free(Chunk& c, uint32_t size, uint32_t* offset);
    static void give_free(Chunk& c, uint32_t offset, uint32_t size);

    CodeMemoryOptions opts_;
    std::vector<Chunk> chunks_;
    uint64_t mapped_ = 0, used_ = 0;
};

}  // namespace cpjit::jit
