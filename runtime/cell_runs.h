// The heap's allocation fast path, shared by the runtime (runtime/heap.cpp)
// and machine code (uop bodies reach it through CallStack::cells_): per
// size class a run of free cells [next, end), consecutive cells whose mark
// bits are clear, which the heap's bitmap walk finds; and the accounting a
// collection is due by. Taking a cell is a compare and a bump; everything
// else (refilling a run, collecting, large objects) is the heap's slow path.
// Freestanding on purpose (no library headers): the stencils include it.
#pragma once

#include <stddef.h>

#include "runtime/object.h"

namespace cpjit {

constexpr size_t kMaxSmallBytes = 4096;  // larger objects and storage are malloc'd (Heap::kMaxSmall)
constexpr int64_t kMaxInlineItems = 16;  // new arrays up to this long keep items in their cell

struct CellRun {
    char* next;
    char* end;  // next == end: empty, the heap refills it
};

struct CellRuns {
    // Bytes reserved since the heap began (Heap::total_allocated); a
    // collection is due before `allocated` passes `trigger` (the heap keeps
    // trigger at what it has freed plus its collection point).
    uint64_t allocated = 0;
    uint64_t trigger = 0;
    CellRun runs[32] = {};
    uint32_t cell_bytes[32] = {};                  // per class
    uint8_t class_of[kMaxSmallBytes / 16 + 1] = {};  // (bytes + 15) / 16 -> class
};

// A cell for an object of `bytes` (at most kMaxSmallBytes), `extra` more
// bytes accounted with it (storage kept elsewhere), its header initialized
// as an unmarked `kind`; nullptr when the class's run is empty or the
// allocation would make a collection due: the heap's slow path decides.
inline ObjHeader* take_cell(CellRuns& c, size_t bytes, size_t extra, ObjKind kind) {
    if (c.allocated + bytes + extra > c.trigger) return nullptr;
    const uint8_t cls = c.class_of[(bytes + 15) / 16];
    CellRun& r = c.runs[cls];
    if (r.next == r.end) return nullptr;
    auto* o = reinterpret_cast<ObjHeader*>(r.next);
    r.next += c.cell_bytes[cls];
    __builtin_prefetch(r.next, 1);
    c.allocated += bytes + extra;
    o->kind = kind;
    o->marked = false;
    o->in_repr = false;
    o->size_class = cls;
    o->inline_items = 0;
    return o;
}

// The longest string uop bodies build in a cell without a helper (they copy
// a word at a time; longer ones go to the helper's memcpy).
constexpr int64_t kInlineCopyBytes = 256;

// A string cell of len bytes (uninitialized but for the NUL after them),
// or nullptr (take_cell).
inline StringObj* take_string_cell(CellRuns& c, size_t len) {
    if (len > kMaxSmallBytes - sizeof(StringObj)) return nullptr;
    auto* s = reinterpret_cast<StringObj*>(take_cell(c, sizeof(StringObj) + len, 0, ObjKind::String));
    if (!s) return nullptr;
    s->len = int64_t(len);
    s->data[len] = '\0';
    return s;
}

// An array of len (1..kMaxInlineItems) items in its own cell, the items
// not yet written (the caller fills them), or nullptr (take_cell).
inline ArrayObj* take_small_array_cell(CellRuns& c, int64_t len) {
    if (uint64_t(len - 1) >= uint64_t(kMaxInlineItems)) return nullptr;
    auto* a = reinterpret_cast<ArrayObj*>(take_cell(c, sizeof(ArrayObj) + size_t(len) * sizeof(Value), 0, ObjKind::Array));
    if (!a) return nullptr;
    a->h.inline_items = uint8_t(len);
    a->len = a->cap = len;
    a->items = a->inline_items();
    return a;
}

// A boxed int's cell holding v, or nullptr (take_cell).
inline BoxedInt* take_boxed_int_cell(CellRuns& c, int64_t v) {
    auto* b = reinterpret_cast<BoxedInt*>(take_cell(c, sizeof(BoxedInt), 0, ObjKind::BoxedInt));
    if (b) b->value = v;
    return b;
}

}  // namespace cpjit
