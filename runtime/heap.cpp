#include "runtime/heap.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cpjit {

namespace {
constexpr size_t kMinCollectionBytes = size_t(8) << 20;  // allocated between collections, at least
// Empty blocks kept for reuse: enough for the allocation between two
// collections of a small live set, so a program that allocates steadily
// does not give pages back to the kernel only to fault them in (zeroed)
// again right after the collection. Twice the budget, for the cells' slack
// (a 1,040-byte string takes a 1,280-byte cell). Pooled pages were in use at
// the collection, so the pool never raises the peak resident set.
constexpr size_t kPoolBlocks = 2 * kMinCollectionBytes / (size_t(64) << 10);
}  // namespace

// A block: this header, then cells of one size class back to back.
struct Heap::Block {
    uint8_t size_class;
    uint32_t num_cells;
    char* cells() { return reinterpret_cast<char*>(this) + kCellsOffset; }
    static constexpr size_t kCellsOffset = 64;  // keeps cells 16-byte aligned
};

Heap::Heap(size_t max_bytes) : max_bytes_(max_bytes), next_collection_(kMinCollectionBytes) {
    // Classes: every 16 bytes up to 128, then four steps per doubling.
    auto add = [&](uint32_t bytes) { classes_[num_classes_++].cell = bytes; };
    for (uint32_t b = 16; b <= 128; b += 16) add(b);
    for (uint32_t p = 128; p < kMaxSmall; p *= 2)
        for (uint32_t q = 5; q <= 8; ++q) add(p * q / 4);
    uint8_t cls = 0;
    for (size_t units = 0; units <= kMaxSmall / 16; ++units) {
        while (classes_[cls].cell < units * 16) ++cls;
        class_of_[units] = cls;
    }
}

Heap::~Heap() {
    for (uint8_t c = 0; c < num_classes_; ++c) {
        SizeClass& sc = classes_[c];
        for (Block* b : sc.blocks) {
            char* end = b == sc.blocks.back() && sc.bump ? sc.bump : b->cells() + size_t(b->num_cells) * sc.cell;
            for (char* p = b->cells(); p < end; p += sc.cell) release_object(reinterpret_cast<ObjHeader*>(p));
            munmap(b, kBlockBytes);
        }
    }
    for (Block* b : pool_) munmap(b, kBlockBytes);
    for (ObjHeader* o = large_; o;) {
        ObjHeader* next = o->next;
        release_object(o);
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
    case ObjKind::Free:
    case ObjKind::Storage: return 0;  // counted with its array
    }
    return 0;
}

// ---- cells and blocks ----

Heap::Block* Heap::new_block() {
    if (!pool_.empty()) {
        Block* b = pool_.back();
        pool_.pop_back();
        return b;
    }
    void* m = mmap(nullptr, kBlockBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return nullptr;
    ++blocks_mapped_;
    return static_cast<Block*>(m);
}

void Heap::drop_block(Block* b) {
    if (pool_.size() < kPoolBlocks) {
        pool_.push_back(b);
        return;
    }
    munmap(b, kBlockBytes);
    --blocks_mapped_;
}

ObjHeader* Heap::alloc_cell(size_t bytes) {
    const uint8_t cls = class_of_[(bytes + 15) / 16];
    SizeClass& c = classes_[cls];
    ObjHeader* o = c.free;
    if (o) [[likely]] {
        c.free = o->next;
        __builtin_prefetch(c.free, 1);  // the next allocation's cell: swept long ago, cold
    } else if (size_t(c.end - c.bump) >= c.cell) {  // (no block yet: both null)
        o = reinterpret_cast<ObjHeader*>(c.bump);
        c.bump += c.cell;
    } else {
        return alloc_cell_slow(c, cls);
    }
    o->size_class = cls;
    return o;
}

// The class's block is used up: start a new one.
ObjHeader* Heap::alloc_cell_slow(SizeClass& c, uint8_t cls) {
    Block* b = new_block();
    if (!b) return nullptr;
    b->size_class = cls;
    b->num_cells = uint32_t((kBlockBytes - Block::kCellsOffset) / c.cell);
    c.blocks.push_back(b);
    c.bump = b->cells();
    c.end = c.bump + size_t(b->num_cells) * c.cell;
    auto* o = reinterpret_cast<ObjHeader*>(c.bump);
    c.bump += c.cell;
    o->size_class = cls;
    return o;
}

void Heap::free_cell(ObjHeader* o) {
    SizeClass& c = classes_[o->size_class];
    o->kind = ObjKind::Free;
    o->next = c.free;
    c.free = o;
}

Value* Heap::alloc_storage(size_t cap) {
    if (!cap) return nullptr;
    if (!small_storage(cap)) return static_cast<Value*>(std::malloc(cap * sizeof(Value)));
    ObjHeader* h = alloc_cell(sizeof(ObjHeader) + cap * sizeof(Value));
    if (!h) return nullptr;
    h->kind = ObjKind::Storage;
    h->marked = false;
    return reinterpret_cast<Value*>(h + 1);
}

void Heap::free_storage(ArrayObj* a) {
    if (!a->items || a->items_inline()) return;
    if (small_storage(size_t(a->cap)))
        free_cell(storage_header(a->items));
    else
        std::free(a->items);
}

// ---- objects ----

bool Heap::reserve(size_t bytes) {
    if (live_bytes_ + bytes > next_collection_ || live_bytes_ + bytes > max_bytes_) collect();
    if (bytes > max_bytes_ || live_bytes_ + bytes > max_bytes_) return false;
    live_bytes_ += bytes;
    total_allocated_ += bytes;
    return true;
}

void* Heap::allocate(size_t bytes, size_t extra, ObjKind kind) {
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
        live_bytes_ -= bytes + extra;
        return nullptr;
    }
    o->kind = kind;
    o->marked = false;
    o->in_repr = false;
    o->inline_items = 0;
    return o;
}

StringObj* Heap::new_string_uninit(size_t len) {
    if (len > max_bytes_) return nullptr;
    auto* s = static_cast<StringObj*>(allocate(sizeof(StringObj) + len, 0, ObjKind::String));
    if (!s) return nullptr;
    s->len = int64_t(len);
    s->data[len] = '\0';
    return s;
}

StringObj* Heap::new_string(const char* data, size_t len) {
    StringObj* s = new_string_uninit(len);
    if (s && len) std::memcpy(s->data, data, len);
    return s;
}

ArrayObj* Heap::try_new_small_array(int64_t len) {
    if (len <= 0 || len > kMaxInlineItems) return nullptr;
    const size_t bytes = sizeof(ArrayObj) + size_t(len) * sizeof(Value);
    if (live_bytes_ + bytes > next_collection_ || live_bytes_ + bytes > max_bytes_) return nullptr;
    SizeClass& c = classes_[class_of_[(bytes + 15) / 16]];
    if (!c.free && size_t(c.end - c.bump) < c.cell) return nullptr;  // a new block: the slow way
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
    a->len = len;
    a->cap = int64_t(cap);
    a->items = alloc_storage(cap);
    if (cap && !a->items) {  // leave a valid empty array for the sweeper
        live_bytes_ -= cap * sizeof(Value);
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
        Value* items = alloc_storage(new_cap);
        if (!items) {
            live_bytes_ -= extra;
            return false;
        }
        if (a->len) std::memcpy(items, a->items, size_t(a->len) * sizeof(Value));
        free_storage(a);
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
        if (o->marked) continue;
        o->marked = true;
        if (o->kind != ObjKind::Array) continue;  // only arrays hold values
        auto* a = reinterpret_cast<ArrayObj*>(o);
        if (!a->items) continue;
        if (!a->items_inline()) {
            if (small_storage(size_t(a->cap))) storage_header(a->items)->marked = true;
            __builtin_prefetch(a->items);
        }
        mark_range(a->items, a->items + a->len);
    }
}

// A dead object's cell is about to be reused: free what it owns elsewhere
// (small item storage is a cell of its own, swept like any other).
void Heap::release_object(ObjHeader* o) {
    if (o->kind != ObjKind::Array) return;
    auto* a = reinterpret_cast<ArrayObj*>(o);
    if (a->items && !a->items_inline() && !small_storage(size_t(a->cap))) std::free(a->items);
}

// Rebuilds every class's free list from its blocks' dead cells; a block
// with nothing live (other than the one being bump-allocated) is dropped.
void Heap::sweep_small(size_t& live) {
    for (uint8_t cls = 0; cls < num_classes_; ++cls) {
        SizeClass& c = classes_[cls];
        c.free = nullptr;
        Block* bumping = c.blocks.empty() ? nullptr : c.blocks.back();
        size_t kept = 0;
        for (Block* b : c.blocks) {
            char* end = b == bumping ? c.bump : b->cells() + size_t(b->num_cells) * c.cell;
            ObjHeader* free = nullptr;
            ObjHeader* last_free = nullptr;
            bool any_live = false;
            for (char* p = b->cells(); p < end; p += c.cell) {
                auto* o = reinterpret_cast<ObjHeader*>(p);
                if (o->kind != ObjKind::Free) {
                    if (o->marked) {
                        o->marked = false;
                        any_live = true;
                        live += object_size(o);
                        continue;
                    }
                    release_object(o);
                    o->kind = ObjKind::Free;
                }
                o->next = free;
                free = o;
                if (!last_free) last_free = o;
            }
            if (!any_live && b != bumping) {
                drop_block(b);
                continue;
            }
            if (free) {
                last_free->next = c.free;
                c.free = free;
            }
            c.blocks[kept++] = b;
        }
        c.blocks.resize(kept);
    }
}

void Heap::sweep_large(size_t& live) {
    ObjHeader** link = &large_;
    while (ObjHeader* o = *link) {
        if (o->marked) {
            o->marked = false;
            live += object_size(o);
            link = &o->next;
        } else {
            *link = o->next;
            release_object(o);
            std::free(o);
        }
    }
}

void Heap::collect() {
    ++collections_;
    for (RootSet* r : roots_) {
        r->trace(*this);
        drain_mark_stack();
    }
    size_t live = 0;
    sweep_small(live);
    sweep_large(live);
    live_bytes_ = live;
    // At least 8 MiB, and at least as much as is live, to allocate before
    // the next collection: marking a large live set costs about what the
    // allocation it makes room for does.
    next_collection_ = live + std::max(kMinCollectionBytes, live);
}

}  // namespace cpjit
