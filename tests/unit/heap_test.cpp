// The heap (runtime/heap.h): size-class cells in 64 KiB blocks, free lists
// rebuilt by the sweep, arrays' item storage in cells or malloc'd, large
// objects on their own. What is alive stays intact; what dies is reused.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

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
