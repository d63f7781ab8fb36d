// Heap objects and a precise, non-moving mark-and-sweep collector.
//
// Why non-moving: machine code produced by later tiers may hold raw object
// pointers in registers between safepoints; a collector that never moves
// objects only needs those values to be visible as roots when it runs.
// Roots are registered as RootSet objects (the VM's value stack, globals and
// constants today; traces and JIT frames add theirs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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
        if (v.is_heap()) mark_object(static_cast<ObjHeader*>(v.as_pointer()));
    }
    void mark_range(const Value* begin, const Value* end) {
        for (const Value* p = begin; p < end; ++p) mark(*p);
    }

    void collect();

    size_t live_bytes() const { return live_bytes_; }
    size_t collections() const { return collections_; }
    size_t total_allocated() const { return total_allocated_; }
    size_t max_bytes() const { return max_bytes_; }

private:
    void* allocate(size_t bytes, size_t extra, ObjKind kind);  // extra: storage owned elsewhere
    bool reserve(size_t bytes);  // account for bytes, collecting first if due
    void mark_object(ObjHeader* o) {
        if (!o->marked) {
            o->marked = true;
            mark_stack_.push_back(o);
        }
    }
    void drain_mark_stack();
    void free_object(ObjHeader* o);
    static size_t object_size(const ObjHeader* o);

    ObjHeader* objects_ = nullptr;
    std::vector<RootSet*> roots_;
    std::vector<ObjHeader*> mark_stack_;
    size_t max_bytes_;
    size_t live_bytes_ = 0;       // bytes held by objects (incl. array storage)
    size_t next_collection_;      // collect when live_bytes_ passes this
    size_t collections_ = 0;
    size_t total_allocated_ = 0;
};

}  // namespace cpjit
