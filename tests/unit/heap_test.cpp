// The heap (runtime/heap.h): size-class cells in 64 KiB blocks carved from
// 2 MiB regions, arrays' item storage in cells or malloc'd, large objects on
// their own. What is alive stays intact; what dies is reused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "runtime/heap.h"

using namespace cpjit;

namespace {

struct Roots : RootSet {
    Heap& heap;
    std::vector<Value> keep;
    explicit Roots(Heap& h) : heap(h) { heap.add_roots(this); }
    ~Roots() { heap.remove_roots(this); }
    void trace(Heap& h) override { h.mark_range(keep.data(), keep.data() + keep.size()); }
};

std::string text_of(const StringObj* s) { return std::string(s->data, size_t(s->len)); }

}  // namespace

TEST_CASE("heap: objects of every size class survive collections intact") {
    Heap heap;
    Roots roots(heap);
    // One string per length up to past kMaxSmall (large objects too).
    for (size_t len = 0; len < Heap::kMaxSmall + 200; len += 37) {
        std::string want(len, char('a' + len % 26));
        StringObj* s = heap.new_string(want.data(), want.size());
        REQUIRE(s != nullptr);
        roots.keep.push_back(Value::string(s));
    }
    for (int round = 0; round < 3; ++round) {
        // garbage in between, so cells are freed and reused around the live ones
        const std::string junk(400, 'g');
        for (int i = 0; i < 5000; ++i) REQUIRE(heap.new_string(junk.data(), 7 + size_t(i % 300)) != nullptr);
        heap.collect();
    }
    size_t len = 0;
    for (Value v : roots.keep) {
        const StringObj* s = v.as_string();
        CHECK(text_of(s) == std::string(len, char('a' + len % 26)));
        CHECK(s->data[len] == '\0');
        len += 37;
    }
}

TEST_CASE("heap: dead cells are reused, blocks stay bounded") {
    Heap heap;
    Roots roots(heap);
    // 200 MB of short-lived strings and arrays with ~0 live: the blocks in
    // use must not grow with the amount allocated.
    // Steady state: the most blocks mapped in the first half (several
    // collections in) against the second half.
    size_t first_half = 0, second_half = 0;
    const std::string junk(100, 'x');
    for (int i = 0; i < 2000000; ++i) {
        if (i % 2) {
            REQUIRE(heap.new_string(junk.data(), 32 + size_t(i % 64)) != nullptr);
        } else {
            ArrayObj* a = heap.new_array(i % 12);
            REQUIRE(a != nullptr);
        }
        size_t& peak = i < 1000000 ? first_half : second_half;
        peak = std::max(peak, heap.blocks_mapped());
    }
    CHECK(heap.collections() > 5);
    CHECK(first_half > 0);
    CHECK(second_half <= first_half);
    // one collection's worth (8 MiB of objects) in cells, and the pool
    CHECK(second_half * Heap::kBlockBytes < size_t(24) << 20);
}

// Runs of free cells end at the next live cell, which the walk finds a
// bitmap word at a time: survivors at every spacing (adjacent, across the
// bitmap's 64-granule words, blocks apart), in classes of 3 to 10
// granules, are never handed out again while alive.
TEST_CASE("heap: free runs stop at every live cell, whatever the spacing") {
    for (const size_t len : {size_t(0), size_t(20), size_t(40), size_t(100)}) {
        Heap heap;
        Roots roots(heap);
        std::vector<size_t> ids;
        for (size_t i = 0; i < 20000; ++i) {
            const std::string text = std::to_string(i) + std::string(len, 'k');
            StringObj* s = heap.new_string(text.data(), text.size());
            REQUIRE(s != nullptr);
            // keep runs of 1-3 adjacent cells at gaps of 0 to 90 cells
            if (i % 97 < 3 || i % 61 == 0 || i % 1000 == 999) {
                roots.keep.push_back(Value::string(s));
                ids.push_back(i);
            }
        }
        for (int round = 0; round < 3; ++round) {
            heap.collect();
            const std::string junk(len + 5, 'j');  // the size of the kept strings of 5 digits
            for (int i = 0; i < 20000; ++i) REQUIRE(heap.new_string(junk.data(), junk.size()) != nullptr);
        }
        for (size_t k = 0; k < ids.size(); ++k)
            CHECK(text_of(roots.keep[k].as_string()) == std::to_string(ids[k]) + std::string(len, 'k'));
    }
}

TEST_CASE("heap: arrays grow from cell storage to malloc'd storage and keep their items") {
    Heap heap;
    Roots roots(heap);
    ArrayObj* a = heap.new_array(0);
    REQUIRE(a != nullptr);
    roots.keep.push_back(Value::array(a));
    for (int64_t i = 0; i < 3000; ++i) {  // caps 4, 8, ... 4096: past kMaxSmall bytes of storage
        StringObj* s = heap.new_string(std::to_string(i).data(), std::to_string(i).size());
        REQUIRE(s != nullptr);
        REQUIRE(heap.array_push(a, Value::string(s)));
        if (i % 500 == 0) heap.collect();
    }
    heap.collect();
    REQUIRE(a->len == 3000);
    for (int64_t i = 0; i < 3000; ++i) CHECK(text_of(a->items[i].as_string()) == std::to_string(i));
    // A dead array's storage (cells or malloc'd) is released with it; the
    // heap's destructor frees the rest (LeakSanitizer checks in the ASan run).
    roots.keep.clear();
    heap.collect();
    CHECK(heap.live_bytes() == 0);
}

TEST_CASE("heap: accounting and the limit are independent of cell sizes") {
    Heap heap(1 << 20);
    Roots roots(heap);
    // 100-byte strings take 128-byte cells; the limit counts object bytes
    // (sizeof(StringObj) + len), as every tier sees them.
    const size_t each = sizeof(StringObj) + 100;
    size_t n = 0;
    for (;;) {
        StringObj* s = heap.new_string_uninit(100);
        if (!s) break;
        roots.keep.push_back(Value::string(s));
        ++n;
    }
    CHECK(n == (size_t(1) << 20) / each);
    CHECK(heap.live_bytes() == n * each);
}

TEST_CASE("heap: small arrays keep their items in their own cell until a push outgrows it") {
    Heap heap;
    Roots roots(heap);
    ArrayObj* a = heap.new_array(3);
    ArrayObj* big = heap.new_array(Heap::kMaxInlineItems + 1);
    REQUIRE(a != nullptr);
    REQUIRE(big != nullptr);
    roots.keep = {Value::array(a), Value::array(big)};
    CHECK(a->items_inline());
    CHECK(a->items == a->inline_items());
    CHECK(!big->items_inline());
    const size_t cell_bytes = sizeof(ArrayObj) + 3 * sizeof(Value);
    const size_t big_bytes = sizeof(ArrayObj) + size_t(Heap::kMaxInlineItems + 1) * sizeof(Value);
    CHECK(heap.live_bytes() == cell_bytes + big_bytes);
    a->items[0] = Value::small_int(7);
    // Growing moves the items out; the inline slots stay counted with the cell.
    for (int64_t i = 0; i < 40; ++i) {
        StringObj* s = heap.new_string("x", 1);
        REQUIRE(s != nullptr);
        REQUIRE(heap.array_push(a, Value::string(s)));
        if (i % 10 == 0) heap.collect();
    }
    CHECK(!a->items_inline());
    heap.collect();
    REQUIRE(a->len == 43);
    CHECK(a->items[0].as_small_int() == 7);
    CHECK(a->items[1].is_nil());
    for (int64_t i = 3; i < 43; ++i) CHECK(text_of(a->items[i].as_string()) == "x");
    const size_t strings = 40 * (sizeof(StringObj) + 1);
    CHECK(heap.live_bytes() == cell_bytes + size_t(a->cap) * sizeof(Value) + big_bytes + strings);
    roots.keep.clear();
    heap.collect();
    CHECK(heap.live_bytes() == 0);
}

namespace {
constexpr uintptr_t kRegionMask = ~uintptr_t(Heap::kRegionBytes - 1);

// Pages of [p, p + bytes) in memory now.
size_t resident_pages(uintptr_t p, size_t bytes) {
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in_core(bytes / page);
    REQUIRE(mincore(reinterpret_cast<void*>(p), bytes, in_core.data()) == 0);
    return size_t(std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
}

// count arrays [i, "<i>"], kept alive by roots.
void keep_pairs(Heap& heap, Roots& roots, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
        ArrayObj* a = heap.new_array(2);
        REQUIRE(a != nullptr);
        roots.keep.push_back(Value::array(a));
        a->items[0] = Value::small_int(i);
        const std::string text = std::to_string(i);
        StringObj* s = heap.new_string(text.data(), text.size());
        REQUIRE(s != nullptr);
        a->items[1] = Value::string(s);
    }
}

void check_pairs(const Roots& roots) {
    for (size_t i = 0; i < roots.keep.size(); ++i) {
        const ArrayObj* a = roots.keep[i].as_array();
        REQUIRE(a->len == 2);
        CHECK(a->items[0].as_small_int() == int64_t(i));
        CHECK(text_of(a->items[1].as_string()) == std::to_string(i));
    }
}
}  // namespace

TEST_CASE("heap: a small heap maps one region in 4 KiB pages and touches only its blocks") {
    Heap heap;
    Roots roots(heap);
    keep_pairs(heap, roots, 1000);
    CHECK(heap.regions_mapped() == 1);
    CHECK(heap.huge_page_regions() == 0);
    const uintptr_t region = reinterpret_cast<uintptr_t>(roots.keep[0].as_array()) & kRegionMask;
    CHECK(resident_pages(region, Heap::kRegionBytes) <= heap.blocks_mapped() * Heap::kBlockBytes / size_t(sysconf(_SC_PAGESIZE)));
    check_pairs(roots);
}

TEST_CASE("heap: blocks come from 2 MiB-aligned regions; blocks given back are reused before a new region") {
    Heap heap;
    Roots roots(heap);
    keep_pairs(heap, roots, 150000);  // ~12 MiB of cells
    const size_t regions = heap.regions_mapped();
    CHECK(regions >= 4);
    CHECK(heap.huge_page_regions() <= regions - 2);  // never the first two
    // Every object lies in one of the regions: at most `regions` distinct 2 MiB ranges.
    std::vector<uintptr_t> ranges;
    for (Value v : roots.keep) {
        ranges.push_back(reinterpret_cast<uintptr_t>(v.as_array()) & kRegionMask);
        ranges.push_back(reinterpret_cast<uintptr_t>(v.as_array()->items[1].as_string()) & kRegionMask);
    }
    std::sort(ranges.begin(), ranges.end());
    CHECK(size_t(std::unique(ranges.begin(), ranges.end()) - ranges.begin()) <= regions);
    check_pairs(roots);

    // Everything dies; short-lived garbage then runs collections that give
    // most blocks back (beyond the pool).
    const size_t full = heap.blocks_mapped();
    roots.keep.clear();
    for (int i = 0; i < 1000000; ++i) REQUIRE(heap.new_string("garbage", 7) != nullptr);
    CHECK(heap.blocks_mapped() < full / 2);
    // Growing as large again takes the blocks given back: no new region.
    const size_t regions_now = heap.regions_mapped();
    keep_pairs(heap, roots, 150000);
    CHECK(heap.regions_mapped() == regions_now);
    check_pairs(roots);
}

// Machine code takes cells from the heap's runs itself (runtime/cell_runs.h):
// those cells are accounted, marked and reused exactly as the runtime's.
TEST_CASE("heap: cells taken from the runs inline are the runtime's cells") {
    Heap heap(4 << 20);
    Roots roots(heap);
    CellRuns& runs = heap.cell_runs();
    size_t inline_taken = 0, expected_live = 0;
    for (int round = 0; round < 6; ++round) {
        for (int64_t i = 0; i < 20000; ++i) {
            ArrayObj* a = take_small_array_cell(runs, 2);
            if (a) {
                ++inline_taken;
                a->items[0] = a->items[1] = Value::nil();
            } else {
                a = heap.new_array(2);  // refills the run, or collects
            }
            REQUIRE(a != nullptr);
            CHECK(a->items_inline());
            roots.keep.push_back(Value::array(a));  // while its string is made
            const std::string text = std::to_string(i * 31 + round);
            StringObj* s = take_string_cell(runs, text.size());
            if (s) {
                ++inline_taken;
                std::memcpy(s->data, text.data(), text.size());
            } else {
                s = heap.new_string(text.data(), text.size());
            }
            REQUIRE(s != nullptr);
            CHECK(s->data[s->len] == '\0');
            a->items[1] = Value::string(s);
            if (i % 100 == 0) {  // every hundredth pair lives on
                a->items[0] = Value::small_int(i);
                expected_live += sizeof(ArrayObj) + 2 * sizeof(Value) + sizeof(StringObj) + text.size();
            } else {
                roots.keep.pop_back();
            }
        }
    }
    CHECK(inline_taken > 100000);  // most came from the runs
    CHECK(heap.collections() > 0);
    heap.collect();
    CHECK(heap.live_bytes() == expected_live);
    for (size_t k = 0; k < roots.keep.size(); ++k) {
        const ArrayObj* a = roots.keep[k].as_array();
        const int64_t i = a->items[0].as_small_int();
        CHECK(i == int64_t(k % 200) * 100);
        CHECK(text_of(a->items[1].as_string()) == std::to_string(i * 31 + int64_t(k / 200)));
    }
}

TEST_CASE("heap: the runs never take a heap past its limit") {
    Heap heap(1 << 20);
    Roots roots(heap);
    const size_t before = heap.total_allocated();
    size_t n = 0;
    for (;;) {
        StringObj* s = take_string_cell(heap.cell_runs(), 100);
        if (!s) s = heap.new_string_uninit(100);
        if (!s) break;
        roots.keep.push_back(Value::string(s));
        ++n;
    }
    const size_t each = sizeof(StringObj) + 100;
    CHECK(n == (size_t(1) << 20) / each);
    CHECK(heap.live_bytes() == n * each);
    CHECK(heap.total_allocated() - before >= n * each);
    CHECK(take_string_cell(heap.cell_runs(), 100) == nullptr);
}
