// Heap objects and a precise, non-moving mark-and-sweep collector.
//
// Memory: objects and arrays' item storage up to kMaxSmall bytes live in
// cells of size classes, carved from 64 KiB blocks (64 KiB aligned), which
// are carved in turn from 2 MiB-aligned regions, advised for huge pages once
// the heap outgrows its first two (map_region in heap.cpp); a class's
// blocks after its first are populated in one system call (add_block). Each
// block has a mark bitmap; there is no sweep: after a collection allocation
// walks each class's blocks in order and takes the cells whose mark bit is
// clear (dead, or never used), so a dead cell is touched once, by the
// allocation that reuses it. A block with nothing marked goes back to a pool
// (or its pages to the system). Larger objects and larger item storage are
// malloc'd and kept on lists the collection walks. No malloc per small object.
// The walk hands out runs of consecutive free cells (runtime/cell_runs.h):
// taking a cell from a run is a compare and a bump, inlined in the runtime
// and in machine code alike.
//
// Why non-moving: machine code the JIT produces may hold raw object
// pointers in registers between safepoints; a collector that never moves
// objects only needs those values to be visible as roots when it runs.
// Roots are registered as RootSet objects: the VM's value stack and globals,
// and the program's constants. Traces add none: their constants are the
// program's, and compiled code puts the values it keeps in registers back on
// the VM stack before anything that may collect.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/cell_runs.h"
#include "runtime/object.h"

namespace cpjit {

class Heap;

// Something that holds values the collector must keep alive.
class RootSet {
public:
    virtual void trace(Heap& heap) = 0;

protected:
    ~RootSet() = default;
};

class Heap {
public:
    static constexpr size_t kDefaultMaxBytes = size_t(2) << 30;  // 2 GiB

    explicit Heap(size_t max_bytes = kDefaultMaxBytes);
    ~Heap();
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    void add_roots(RootSet* r) { roots_.push_back(r); }
    void remove_roots(RootSet* r);

    // Allocation may collect; nullptr means `out of memory` (over the heap
    // limit even after a collection, or the system refused).
    StringObj* new_string(const char* data, size_t len);
    StringObj* new_string_uninit(size_t len);
    ArrayObj* new_array(int64_t len);  // len nils
    // new_array's quick case (1..kMaxInlineItems items, no collection due),
    // which never collects; nullptr otherwise. Machine code calls it
    // with values still in registers.
    ArrayObj* try_new_small_array(int64_t len);
    // A string of len bytes (uninitialized) if no collection is due; else
    // nullptr (callers in machine code keep values in registers: no
    // collection may move past them unseen).
    StringObj* try_new_string_uninit(size_t len);
    BoxedInt* new_boxed_int(int64_t v);
    bool array_push(ArrayObj* a, Value v);

    // An int result: inline when it fits, boxed otherwise. Sets ok=false on OOM.
    Value make_int(int64_t i, bool& ok) {
        if (Value::fits_small(i)) return Value::small_int(i);
        BoxedInt* b = new_boxed_int(i);
        ok = b != nullptr;
        return b ? Value::boxed_int(b) : Value::nil();
    }

    // Called by RootSet::trace.
    void mark(Value v) {
        if (v.is_heap()) grey_.push_back(static_cast<ObjHeader*>(v.as_pointer()));
    }
    void mark_range(const Value* begin, const Value* end) {
        if (begin < end) spans_.push_back({begin, end});
    }

    void collect();

    size_t live_bytes() const { return size_t(cells_.allocated - freed_); }
    size_t collections() const { return collections_; }
    size_t total_allocated() const { return size_t(cells_.allocated); }
    size_t max_bytes() const { return max_bytes_; }
    size_t blocks_mapped() const { return blocks_mapped_; }  // 64 KiB blocks in use or pooled
    size_t regions_mapped() const { return regions_.size(); }
    size_t huge_page_regions() const { return huge_regions_; }  // of those, advised for huge pages

    static constexpr size_t kBlockBytes = size_t(64) << 10;
    static constexpr size_t kRegionBytes = size_t(2) << 20;  // blocks come from regions this size and alignment
    static constexpr size_t kMaxSmall = kMaxSmallBytes;  // larger objects and storage are malloc'd
    static constexpr uint8_t kLargeClass = 0xff;
    static constexpr int64_t kMaxInlineItems = cpjit::kMaxInlineItems;  // new arrays up to this long keep items in their cell
    // The runs and accounting machine code allocates from (CallStack::cells_).
    CellRuns& cell_runs() { return cells_; }

private:
    struct Block;
    // The bitmap walk resumes at cell `next` of the current block (cells,
    // marks, limit: its cells, bitmap and cell count), then enters
    // blocks[block]; cells behind it were handed out since the last
    // collection, or are in the class's run (cells_.runs).
    struct SizeClass {
        uint32_t cell = 0;  // bytes per cell
        uint32_t next = 0, limit = 0;
        char* cells = nullptr;
        const uint64_t* marks = nullptr;
        size_t block = 0;
        std::vector<Block*> blocks;
    };

    void* allocate(size_t bytes, size_t extra, ObjKind kind);  // extra: storage owned elsewhere
    static void init_inline_array(ArrayObj* a, int64_t len);
    StringObj* string_cell(size_t len);
    bool reserve(size_t bytes);  // account for bytes, collecting first if due
    bool collection_due(size_t bytes) const { return cells_.allocated + bytes > cells_.trigger; }
    void set_trigger() { cells_.trigger = freed_ + std::min(next_collection_, max_bytes_); }
    void unreserve(size_t bytes) {  // an allocation that failed after reserve
        freed_ += bytes;
        set_trigger();
    }
    ObjHeader* alloc_cell(size_t bytes);  // nullptr when the system refuses
    [[gnu::noinline]] bool refill_run(uint8_t cls);
    bool next_block(SizeClass& c);
    bool add_block(SizeClass& c);
    Value* alloc_storage(ArrayObj* a, size_t cap);  // an array's items
    static bool small_storage(size_t cap) { return sizeof(ObjHeader) + cap * sizeof(Value) <= kMaxSmall; }
    static ObjHeader* storage_header(Value* items) { return reinterpret_cast<ObjHeader*>(items) - 1; }
    // Marking: values still to visit are single objects (grey_) and ranges
    // of values (spans_: roots and arrays' items, taken one at a time).
    struct Span {
        const Value* next;
        const Value* end;
    };
    ObjHeader* next_to_mark();
    void drain_mark_stack();
    static bool test_and_mark(ObjHeader* o);  // was it marked already?
    static bool is_marked(const ObjHeader* o);
    void start_marking();
    void finish_collection();
    Block* new_block(bool populate);
    bool map_region();
    void drop_block(Block* b);
    static size_t object_size(const ObjHeader* o);

    SizeClass classes_[32];
    uint8_t num_classes_ = 0;
    std::vector<Block*> pool_;      // empty blocks kept for reuse
    std::vector<Block*> released_;  // empty blocks whose pages went back to the system
    std::vector<char*> regions_;
    char* region_next_ = nullptr;   // the next block not yet carved from the newest region
    char* region_end_ = nullptr;
    size_t huge_regions_ = 0;
    size_t pool_limit_ = 0;         // at most this many pooled blocks
    size_t blocks_mapped_ = 0;
    ObjHeader* large_ = nullptr;
    std::vector<ArrayObj*> malloced_items_;  // arrays whose items are malloc'd
    std::vector<RootSet*> roots_;
    std::vector<ObjHeader*> grey_;
    std::vector<Span> spans_;
    size_t max_bytes_;
    // Bytes held by objects (incl. array storage): cells_.allocated - freed_.
    CellRuns cells_;
    uint64_t freed_ = 0;          // bytes collections reclaimed (and failed allocations gave back)
    size_t marked_bytes_ = 0;     // of the objects marked so far
    size_t next_collection_;      // collect when live bytes pass this
    size_t collections_ = 0;
};

}  // namespace cpjit
