#include "runtime/heap.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "runtime/populate_pages.h"

namespace cpjit {

namespace {
// Allocation between two collections: 4x what is live, so marking costs at
// most a quarter of the allocation it makes room for; at least 1 MiB, so a
// program with little live data cycles through blocks that stay in a core's
// L2 (string building: 1.5x faster than with a fixed 8 MiB); above 8 MiB only
// as much again as is live, so memory stays within ~2x of the live set.
constexpr size_t kMinCollectionBytes = size_t(1) << 20;
constexpr size_t kMaxScaledBytes = size_t(8) << 20;
size_t collection_budget(size_t live) {
    return std::max({kMinCollectionBytes, std::min(4 * live, kMaxScaledBytes), live});
}
// Empty blocks kept for reuse: the budget's worth, so a program that
// allocates steadily does not give pages back to the kernel only to fault
// them in (zeroed) again right after the collection. Twice the budget, for
// the cells' slack (a 1,040-byte string takes a 1,280-byte cell). Pooled
// pages were in use at the collection, so the pool never raises the peak
// resident set.
size_t pool_blocks(size_t budget) { return 2 * budget / (size_t(64) << 10); }
// Regions in 4 KiB pages before the first advised for huge pages (map_region).
constexpr size_t kSmallHeapRegions = 2;
}  // namespace

// A block: a header line, the mark bitmap (one bit per 16-byte granule of
// the cells, so a cell's bit is found with a shift), then cells of one size
// class back to back. Blocks are kBlockBytes-aligned: an object's block is
// its address rounded down. Aligned blocks would put every bitmap in the
// same cache sets, so a block's bitmap sits at one of kColors offsets,
// chosen by the block's address.
struct Heap::Block {
    uint32_t num_cells;
    static constexpr size_t kMarkWords = kBlockBytes / 16 / 64;
    static constexpr size_t kColors = 8;
    static constexpr size_t kCellsOffset = 64 + kColors * kMarkWords * sizeof(uint64_t);
    char* cells() { return reinterpret_cast<char*>(this) + kCellsOffset; }
    uint64_t* marks() {
        const size_t color = (reinterpret_cast<uintptr_t>(this) / kBlockBytes) % kColors;
        return reinterpret_cast<uint64_t*>(reinterpret_cast<char*>(this) + 64 + color * kMarkWords * sizeof(uint64_t));
    }
    bool any_marked() {
        uint64_t any = 0;
        const uint64_t* m = marks();
        for (size_t i = 0; i < kMarkWords; ++i) any |= m[i];
        return any != 0;
    }
    static Block* of(const ObjHeader* o) {
        return reinterpret_cast<Block*>(reinterpret_cast<uintptr_t>(o) & ~uintptr_t(kBlockBytes - 1));
    }
    size_t granule(const ObjHeader* o) {
        return size_t(reinterpret_cast<const char*>(o) - cells()) / 16;
    }
};

namespace {

// Large objects and item storage (over kMaxSmall) are malloc'd. By default
// glibc maps each one of 128 KiB or more afresh and gives the pages back
// when it is freed, or trims them off the top of the heap once 2x the last
// freed mapping is free there: a program that makes and drops a big array
// again and again (a sieve per call) takes a first-touch fault on each of
// its pages every time. Keep freed memory for reuse instead: map only what
// is 32 MiB or more, trim only past 64 MiB free.
void keep_freed_malloc_memory() {
    static const bool done = [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 64 << 20);
        return true;
    }();
    (void)done;
}

}  // namespace

Heap::Heap(size_t max_bytes) : max_bytes_(max_bytes), next_collection_(kMinCollectionBytes) {
    keep_freed_malloc_memory();
    pool_limit_ = pool_blocks(kMinCollectionBytes);
    // Classes: every 16 bytes up to 128, then four steps per doubling.
    auto add = [&](uint32_t bytes) { classes_[num_classes_++].cell = bytes; };
    for (uint32_t b = 16; b <= 128; b += 16) add(b);
    for (uint32_t p = 128; p < kMaxSmall; p *= 2)
        for (uint32_t q = 5; q <= 8; ++q) add(p * q / 4);
    uint8_t cls = 0;
    for (size_t units = 0; units <= kMaxSmall / 16; ++units) {
        while (classes_[cls].cell < units * 16) ++cls;
        cells_.class_of[units] = cls;
    }
    for (cls = 0; cls < num_classes_; ++cls) cells_.cell_bytes[cls] = classes_[cls].cell;
    set_trigger();
}

Heap::~Heap() {
    for (ArrayObj* a : malloced_items_) std::free(a->items);  // (the arrays are in blocks)
    for (char* r : regions_) munmap(r, kRegionBytes);
    for (ObjHeader* o = large_; o;) {
        ObjHeader* next = o->next;
        std::free(o);
        o = next;
    }
}

void Heap::remove_roots(RootSet* r) {
    roots_.erase(std::remove(roots_.begin(), roots_.end(), r), roots_.end());
}

size_t Heap::object_size(const ObjHeader* o) {
    switch (o->kind) {
    case ObjKind::String: return sizeof(StringObj) + size_t(reinterpret_cast<const StringObj*>(o)->len);
    case ObjKind::Array: {
        auto* a = const_cast<ArrayObj*>(reinterpret_cast<const ArrayObj*>(o));
        size_t in_cell = sizeof(ArrayObj) + size_t(o->inline_items) * sizeof(Value);
        return a->items_inline() ? in_cell : in_cell + size_t(a->cap) * sizeof(Value);
    }
    case ObjKind::BoxedInt: return sizeof(BoxedInt);
    case ObjKind::Storage: return 0;  // counted with its array
    }
    return 0;
}

// ---- cells and blocks ----

// A pooled block is resident; a fresh or released one is not, and with
// `populate` its pages are mapped in by one system call, not 16 faults.
Heap::Block* Heap::new_block(bool populate) {
    Block* b;
    if (!pool_.empty()) {
        b = pool_.back();
        pool_.pop_back();
        return b;
    }
    if (!released_.empty()) {
        b = released_.back();
        released_.pop_back();
    } else {
        if (region_next_ == region_end_ && !map_region()) return nullptr;
        b = reinterpret_cast<Block*>(region_next_);
        region_next_ += kBlockBytes;
    }
    if (populate) populate_pages(b, kBlockBytes);
    ++blocks_mapped_;
    return b;
}

// A 2 MiB-aligned region, carved into blocks in address order. Regions
// after the first kSmallHeapRegions are advised for huge pages: one fault
// then maps 2 MiB instead of 512 faults mapping 4 KiB each. The first ones
// are not, so a program that allocates little touches only the pages of the
// blocks it uses, and the huge page a heap's newest region may leave mostly
// unused is at most a third of the heap. Where the kernel refuses the advice
// (no transparent huge pages, or none free), a region stays in 4 KiB pages.
bool Heap::map_region() {
    void* m = mmap(nullptr, 2 * kRegionBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    // Twice the size, then the unaligned ends go back.
    const uintptr_t start = reinterpret_cast<uintptr_t>(m);
    const uintptr_t aligned = (start + kRegionBytes - 1) & ~uintptr_t(kRegionBytes - 1);
    if (aligned > start) munmap(m, aligned - start);
    if (aligned + kRegionBytes < start + 2 * kRegionBytes)
        munmap(reinterpret_cast<void*>(aligned + kRegionBytes), start + 2 * kRegionBytes - aligned - kRegionBytes);
    char* region = reinterpret_cast<char*>(aligned);
#ifdef MADV_HUGEPAGE
    if (regions_.size() >= kSmallHeapRegions && madvise(region, kRegionBytes, MADV_HUGEPAGE) == 0) ++huge_regions_;
#endif
    regions_.push_back(region);
    region_next_ = region;
    region_end_ = region + kRegionBytes;
    return true;
}

// Beyond the pool's limit an empty block's pages go back to the system; its
// address range stays in its region, listed for reuse.
void Heap::drop_block(Block* b) {
    if (pool_.size() < pool_limit_) {
        pool_.push_back(b);
        return;
    }
    madvise(b, kBlockBytes, MADV_DONTNEED);
    released_.push_back(b);
    --blocks_mapped_;
}

// A cell from the class's run, refilled when empty. Inlined into allocate.
[[gnu::always_inline]] inline ObjHeader* Heap::alloc_cell(size_t bytes) {
    const uint8_t cls = cells_.class_of[(bytes + 15) / 16];
    CellRun& r = cells_.runs[cls];
    if (r.next == r.end && !refill_run(cls)) return nullptr;
    auto* o = reinterpret_cast<ObjHeader*>(r.next);
    r.next += classes_[cls].cell;
    __builtin_prefetch(r.next, 1);
    o->size_class = cls;
    return o;
}

// The first set bit of a block's bitmap at granule `from` or after, or
// `end` if there is none before it: a word at a time, since after a
// collection most of a block is usually free.
static size_t next_marked_granule(const uint64_t* marks, size_t from, size_t end) {
    size_t w = from / 64;
    uint64_t bits = marks[w] & (~uint64_t(0) << (from % 64));
    for (;;) {
        if (bits) return std::min(end, w * 64 + size_t(__builtin_ctzll(bits)));
        if (++w * 64 >= end) return end;
        bits = marks[w];
    }
}

// The class's next run: from the first cell whose mark bit is clear, in
// its blocks from where the walk stopped (the current block's bounds and
// bitmap are kept in the class, so the loop reads no block header), to the
// next marked cell or the block's end; next_block moves on, to a new block
// when every one is used up. False when the system refuses a block.
bool Heap::refill_run(uint8_t cls) {
    SizeClass& c = classes_[cls];
    const size_t step = c.cell / 16;  // granules per cell
    auto is_free = [&](size_t i) {
        const size_t g = i * step;
        return !((c.marks[g / 64] >> (g % 64)) & 1);
    };
    do {
        while (c.next < c.limit) {
            const size_t first = c.next++;
            if (!is_free(first)) continue;
            // Only cells' first granules are ever marked, so the next set
            // bit is the next marked cell's.
            if (c.next < c.limit) c.next = uint32_t(next_marked_granule(c.marks, c.next * step, c.limit * step) / step);
            cells_.runs[cls] = {c.cells + first * c.cell, c.cells + size_t(c.next) * c.cell};
            return true;
        }
    } while (next_block(c));
    return false;
}

// Moves the class on to its next block, a fresh one after the last.
bool Heap::next_block(SizeClass& c) {
    if (c.block == c.blocks.size() && !add_block(c)) return false;
    Block* b = c.blocks[c.block++];
    c.cells = b->cells();
    c.marks = b->marks();
    c.next = 0;
    c.limit = b->num_cells;
    return true;
}

// A fresh block for the class, its bitmap clear. A class that fills a
// block will fill the next one too: from its second block on, the block's
// pages are populated at once. Its first is left to fault in page by page,
// so a class a program uses a little takes only the pages it touches.
bool Heap::add_block(SizeClass& c) {
    static_assert(sizeof(Block) <= 64);
    Block* b = new_block(!c.blocks.empty());
    if (!b) return false;
    b->num_cells = uint32_t((kBlockBytes - Block::kCellsOffset) / c.cell);
    std::memset(b->marks(), 0, Block::kMarkWords * sizeof(uint64_t));
    c.blocks.push_back(b);
    return true;
}

// Items in a cell of their own, or malloc'd (then the array is listed, so a
// collection frees them with it).
Value* Heap::alloc_storage(ArrayObj* a, size_t cap) {
    if (!cap) return nullptr;
    if (!small_storage(cap)) {
        auto* items = static_cast<Value*>(std::malloc(cap * sizeof(Value)));
        const bool listed = a->items && !a->items_inline() && !small_storage(size_t(a->cap));
        if (items && !listed) malloced_items_.push_back(a);
        return items;
    }
    ObjHeader* h = alloc_cell(sizeof(ObjHeader) + cap * sizeof(Value));
    if (!h) return nullptr;
    h->kind = ObjKind::Storage;
    h->marked = false;
    return reinterpret_cast<Value*>(h + 1);
}

// ---- objects ----

bool Heap::reserve(size_t bytes) {
    if (collection_due(bytes)) collect();
    if (bytes > max_bytes_ || live_bytes() + bytes > max_bytes_) return false;
    cells_.allocated += bytes;
    return true;
}

void* Heap::allocate(size_t bytes, size_t extra, ObjKind kind) {
    if (bytes <= kMaxSmall)
        if (ObjHeader* o = take_cell(cells_, bytes, extra, kind)) return o;
    if (!reserve(bytes + extra)) return nullptr;
    ObjHeader* o;
    if (bytes <= kMaxSmall) {
        o = alloc_cell(bytes);
    } else {
        o = static_cast<ObjHeader*>(std::malloc(bytes));
        if (o) {
            o->size_class = kLargeClass;
            o->next = large_;
            large_ = o;
        }
    }
    if (!o) {
        unreserve(bytes + extra);
        return nullptr;
    }
    o->kind = kind;
    o->marked = false;
    o->in_repr = false;
    o->inline_items = 0;
    return o;
}

// A string cell of len bytes (uninitialized), allocated as `allocate` does.
StringObj* Heap::string_cell(size_t len) {
    auto* s = static_cast<StringObj*>(allocate(sizeof(StringObj) + len, 0, ObjKind::String));
    if (!s) return nullptr;
    s->len = int64_t(len);
    s->data[len] = '\0';
    return s;
}

StringObj* Heap::new_string_uninit(size_t len) { return len > max_bytes_ ? nullptr : string_cell(len); }

StringObj* Heap::new_string(const char* data, size_t len) {
    StringObj* s = new_string_uninit(len);
    if (s && len) std::memcpy(s->data, data, len);
    return s;
}

StringObj* Heap::try_new_string_uninit(size_t len) {
    if (len > max_bytes_ || collection_due(sizeof(StringObj) + len)) return nullptr;
    return string_cell(len);  // cannot collect now
}

ArrayObj* Heap::try_new_small_array(int64_t len) {
    if (len <= 0 || len > kMaxInlineItems) return nullptr;
    const size_t bytes = sizeof(ArrayObj) + size_t(len) * sizeof(Value);
    if (collection_due(bytes)) return nullptr;
    auto* a = static_cast<ArrayObj*>(allocate(bytes, 0, ObjKind::Array));  // cannot collect now
    if (a) init_inline_array(a, len);
    return a;
}

void Heap::init_inline_array(ArrayObj* a, int64_t len) {
    a->h.inline_items = uint8_t(len);
    a->len = a->cap = len;
    a->items = a->inline_items();
    std::fill(a->items, a->items + len, Value::nil());
}

ArrayObj* Heap::new_array(int64_t len) {
    if (ArrayObj* a = try_new_small_array(len)) return a;
    if (len < 0 || uint64_t(len) > max_bytes_ / sizeof(Value)) return nullptr;
    size_t cap = size_t(len);
    if (len > 0 && len <= kMaxInlineItems) {
        auto* a = static_cast<ArrayObj*>(allocate(sizeof(ArrayObj) + cap * sizeof(Value), 0, ObjKind::Array));
        if (a) init_inline_array(a, len);
        return a;
    }
    auto* a = static_cast<ArrayObj*>(allocate(sizeof(ArrayObj), cap * sizeof(Value), ObjKind::Array));
    if (!a) return nullptr;
    a->len = a->cap = 0;
    a->items = nullptr;
    a->items = alloc_storage(a, cap);
    a->len = len;
    a->cap = int64_t(cap);
    if (cap && !a->items) {  // leave a valid empty array for the collector
        unreserve(cap * sizeof(Value));
        a->len = a->cap = 0;
        return nullptr;
    }
    std::fill(a->items, a->items + cap, Value::nil());
    return a;
}

BoxedInt* Heap::new_boxed_int(int64_t v) {
    auto* b = static_cast<BoxedInt*>(allocate(sizeof(BoxedInt), 0, ObjKind::BoxedInt));
    if (b) b->value = v;
    return b;
}

bool Heap::array_push(ArrayObj* a, Value v) {
    if (a->len == a->cap) {
        size_t new_cap = a->cap < 4 ? 4 : size_t(a->cap) * 2;
        // Inline items stay in the cell (counted with it); others are freed.
        size_t extra = (new_cap - (a->items_inline() ? 0 : size_t(a->cap))) * sizeof(Value);
        // The array and v are reachable from the caller's roots while we collect.
        if (!reserve(extra)) return false;
        Value* items = alloc_storage(a, new_cap);
        if (!items) {
            unreserve(extra);
            return false;
        }
        if (a->len) std::memcpy(items, a->items, size_t(a->len) * sizeof(Value));
        // Old items: inline ones stay in the cell; a cell of their own is
        // free at the next collection (nothing marks it); malloc'd ones go.
        if (a->items && !a->items_inline() && !small_storage(size_t(a->cap))) std::free(a->items);
        a->items = items;
        a->cap = int64_t(new_cap);
    }
    a->items[a->len++] = v;
    return true;
}

// ---- collection ----

ObjHeader* Heap::next_to_mark() {
    if (!grey_.empty()) {
        ObjHeader* o = grey_.back();
        grey_.pop_back();
        return o;
    }
    while (!spans_.empty()) {
        Span& s = spans_.back();
        while (s.next < s.end) {
            Value v = *s.next++;
            if (v.is_heap()) return static_cast<ObjHeader*>(v.as_pointer());
        }
        spans_.pop_back();
    }
    return nullptr;
}

bool Heap::is_marked(const ObjHeader* o) {
    if (o->size_class == kLargeClass) return o->marked;
    Block* b = Block::of(o);
    const size_t g = b->granule(o);
    return (b->marks()[g / 64] >> (g % 64)) & 1;
}

bool Heap::test_and_mark(ObjHeader* o) {
    if (o->size_class == kLargeClass) {
        const bool was = o->marked;
        o->marked = true;
        return was;
    }
    Block* b = Block::of(o);
    const size_t g = b->granule(o);
    const uint64_t bit = uint64_t(1) << (g % 64);
    uint64_t& word = b->marks()[g / 64];
    const bool was = (word & bit) != 0;
    word |= bit;
    return was;
}

// Objects reach the marker through a small FIFO: each is prefetched when it
// enters and read kPrefetchDepth objects later, so the cache misses of a
// pointer-rich heap (trees of small arrays) overlap instead of queueing.
void Heap::drain_mark_stack() {
    constexpr unsigned kPrefetchDepth = 8;
    ObjHeader* fifo[kPrefetchDepth];
    unsigned head = 0, count = 0;
    for (;;) {
        for (; count < kPrefetchDepth; ++count) {
            ObjHeader* o = next_to_mark();
            if (!o) break;
            __builtin_prefetch(o, 1);
            fifo[(head + count) % kPrefetchDepth] = o;
        }
        if (!count) return;
        ObjHeader* o = fifo[head];
        head = (head + 1) % kPrefetchDepth;
        --count;
        if (test_and_mark(o)) continue;
        marked_bytes_ += object_size(o);
        if (o->kind != ObjKind::Array) continue;  // only arrays hold values
        auto* a = reinterpret_cast<ArrayObj*>(o);
        if (!a->items) continue;
        if (!a->items_inline()) {
            if (small_storage(size_t(a->cap))) test_and_mark(storage_header(a->items));
            __builtin_prefetch(a->items);
        }
        mark_range(a->items, a->items + a->len);
    }
}

void Heap::start_marking() {
    for (uint8_t cls = 0; cls < num_classes_; ++cls)
        for (Block* b : classes_[cls].blocks) std::memset(b->marks(), 0, Block::kMarkWords * sizeof(uint64_t));
    marked_bytes_ = 0;
}

// After marking: dead large objects and dead arrays' malloc'd items are
// freed; blocks with nothing marked go back to the pool; allocation starts
// over at each class's first block.
void Heap::finish_collection() {
    ObjHeader** link = &large_;
    while (ObjHeader* o = *link) {
        if (o->marked) {
            o->marked = false;
            link = &o->next;
        } else {
            *link = o->next;
            std::free(o);
        }
    }
    size_t kept = 0;
    for (ArrayObj* a : malloced_items_) {
        if (is_marked(&a->h))
            malloced_items_[kept++] = a;
        else
            std::free(a->items);
    }
    malloced_items_.resize(kept);
    for (uint8_t cls = 0; cls < num_classes_; ++cls) {
        SizeClass& c = classes_[cls];
        size_t n = 0;
        for (Block* b : c.blocks) {
            if (b->any_marked())
                c.blocks[n++] = b;
            else
                drop_block(b);
        }
        c.blocks.resize(n);
        c.block = 0;  // the first allocation enters blocks[0]
        c.next = c.limit = 0;
        cells_.runs[cls] = {};
    }
}

void Heap::collect() {
    ++collections_;
    start_marking();
    for (RootSet* r : roots_) {
        r->trace(*this);
        drain_mark_stack();
    }
    const size_t live = marked_bytes_;
    const size_t budget = collection_budget(live);
    pool_limit_ = pool_blocks(budget);
    finish_collection();
    freed_ = cells_.allocated - live;
    next_collection_ = live + budget;
    set_trigger();
}

}  // namespace cpjit
