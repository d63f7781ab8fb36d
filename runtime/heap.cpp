#include "runtime/heap.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace cpjit {

namespace {
constexpr size_t kMinCollectionBytes = size_t(8) << 20;  // first collection at 8 MiB
}

Heap::Heap(size_t max_bytes) : max_bytes_(max_bytes), next_collection_(kMinCollectionBytes) {}

Heap::~Heap() {
    ObjHeader* o = objects_;
    while (o) {
        ObjHeader* next = o->next;
        free_object(o);
        o = next;
    }
}

void Heap::remove_roots(RootSet* r) {
    roots_.erase(std::remove(roots_.begin(), roots_.end(), r), roots_.end());
}

size_t Heap::object_size(const ObjHeader* o) {
    switch (o->kind) {
    case ObjKind::String: return sizeof(StringObj) + size_t(reinterpret_cast<const StringObj*>(o)->len);
    case ObjKind::Array: return sizeof(ArrayObj) + size_t(reinterpret_cast<const ArrayObj*>(o)->cap) * sizeof(Value);
    case ObjKind::BoxedInt: return sizeof(BoxedInt);
    }
    return 0;
}

void Heap::free_object(ObjHeader* o) {
    if (o->kind == ObjKind::Array) std::free(reinterpret_cast<ArrayObj*>(o)->items);
    std::free(o);
}

bool Heap::reserve(size_t bytes) {
    if (live_bytes_ + bytes > next_collection_ || live_bytes_ + bytes > max_bytes_) collect();
    if (bytes > max_bytes_ || live_bytes_ + bytes > max_bytes_) return false;
    live_bytes_ += bytes;
    total_allocated_ += bytes;
    return true;
}

void* Heap::allocate(size_t bytes, size_t extra, ObjKind kind) {
    if (!reserve(bytes + extra)) return nullptr;
    auto* o = static_cast<ObjHeader*>(std::malloc(bytes));
    if (!o) {
        live_bytes_ -= bytes + extra;
        return nullptr;
    }
    o->next = objects_;
    o->kind = kind;
    o->marked = false;
    o->in_repr = false;
    objects_ = o;
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

ArrayObj* Heap::new_array(int64_t len) {
    if (len < 0 || uint64_t(len) > max_bytes_ / sizeof(Value)) return nullptr;
    size_t cap = size_t(len);
    auto* a = static_cast<ArrayObj*>(allocate(sizeof(ArrayObj), cap * sizeof(Value), ObjKind::Array));
    if (!a) return nullptr;
    a->len = len;
    a->cap = int64_t(cap);
    a->items = nullptr;
    if (cap) {
        a->items = static_cast<Value*>(std::malloc(cap * sizeof(Value)));
        if (!a->items) {  // leave a valid empty array for the sweeper
            live_bytes_ -= cap * sizeof(Value);
            a->len = a->cap = 0;
            return nullptr;
        }
        std::fill(a->items, a->items + cap, Value::nil());
    }
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
        size_t extra = (new_cap - size_t(a->cap)) * sizeof(Value);
        // The array and v are reachable from the caller's roots while we collect.
        if (!reserve(extra)) return false;
        auto* items = static_cast<Value*>(std::realloc(a->items, new_cap * sizeof(Value)));
        if (!items) {
            live_bytes_ -= extra;
            return false;
        }
        a->items = items;
        a->cap = int64_t(new_cap);
    }
    a->items[a->len++] = v;
    return true;
}

void Heap::drain_mark_stack() {
    while (!mark_stack_.empty()) {
        ObjHeader* o = mark_stack_.back();
        mark_stack_.pop_back();
        if (o->kind == ObjKind::Array) {
            auto* a = reinterpret_cast<ArrayObj*>(o);
            mark_range(a->items, a->items + a->len);
        }
    }
}

void Heap::collect() {
    ++collections_;
    for (RootSet* r : roots_) {
        r->trace(*this);
        drain_mark_stack();
    }
    ObjHeader** link = &objects_;
    size_t live = 0;
    while (ObjHeader* o = *link) {
        if (o->marked) {
            o->marked = false;
            live += object_size(o);
            link = &o->next;
        } else {
            *link = o->next;
            free_object(o);
        }
    }
    live_bytes_ = live;
    next_collection_ = std::max(kMinCollectionBytes, live * 2);
}

}  // namespace cpjit
