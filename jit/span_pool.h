// Spans of T carved from large blocks, so the trace compiler does not call
// malloc per trace. A released span goes to the free list of its length and
// is handed out again for that length only: no search, no splitting, so no
// fragments pile up however often traces are compiled and released (memory
// stays bounded by the most spans of each length live at once).
// Blocks grow from a small first one to `block_len` elements, doubling:
// elements are value-initialized when their block is made, and a run that
// compiles one small trace should not touch (page-fault) a whole large
// block for it. A new block's pages are mapped in with one system call
// before they are initialized (populate_pages), not faulted in one by one.
// Not thread-safe (one per Jit).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "runtime/populate_pages.h"

namespace cpjit::jit {

template <class T>
class SpanPool {
public:
    explicit SpanPool(size_t block_len) : block_len_(block_len) {}
    SpanPool(const SpanPool&) = delete;
    SpanPool& operator=(const SpanPool&) = delete;
    ~SpanPool() {
        for (const Block& b : blocks_) {
            std::destroy_n(b.elements, b.len);
            ::operator delete(b.elements);
        }
    }

    // n value-initialized elements (n may be 0: an empty span).
    std::span<T> take(size_t n) {
        if (n == 0) return {};
        if (n < free_.size() && !free_[n].empty()) {
            T* p = free_[n].back();
            free_[n].pop_back();
            // Plain data is cleared here, where the caller writes it next
            // (in cache then); the rest was cleared when given back.
            if constexpr (std::is_trivially_destructible_v<T>) std::fill_n(p, n, blank_);
            return {p, n};
        }
        return carve(n);
    }
    void give(std::span<T> s) {
        if (s.empty()) return;
        if constexpr (!std::is_trivially_destructible_v<T>)
            for (T& x : s) x = T{};  // drop what the elements own now, not at reuse
        if (s.size() >= free_.size()) free_.resize(s.size() + 1);
        free_[s.size()].push_back(s.data());
    }

private:
    std::span<T> carve(size_t n) {
        if (n > left_) {
            next_block_len_ = next_block_len_ * 2 < block_len_ ? next_block_len_ * 2 : block_len_;
            const size_t len = n > next_block_len_ ? n : next_block_len_;
            static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
            void* raw = ::operator new(len * sizeof(T));
            // Small blocks: a system call costs more than the faults it saves.
            if (len * sizeof(T) >= kPopulateBytes) populate_pages(raw, len * sizeof(T));
            T* elements = std::uninitialized_value_construct_n(static_cast<T*>(raw), len) - len;
            blocks_.push_back({elements, len});
            next_ = elements;
            left_ = len;
        }
        std::span<T> s(next_, n);
        next_ += n;
        left_ -= n;
        return s;
    }

    static constexpr size_t kPopulateBytes = 16 << 10;
    // A T{} to copy from: one built in place per element (bit-fields and
    // all) compiles to partial stores read back whole, a store-forwarding
    // stall per element.
    const T blank_{};
    size_t block_len_;
    size_t next_block_len_ = 8;  // doubled before each new block, up to block_len_
    struct Block {
        T* elements;
        size_t len;
    };
    std::vector<Block> blocks_;
    T* next_ = nullptr;
    size_t left_ = 0;
    std::vector<std::vector<T*>> free_;  // by length
};

}  // namespace cpjit::jit
