// The stencil template: compiled once per uop and cached depth, with
// -DCPJIT_STENCIL_UOP=NAME -DCPJIT_STENCIL_CACHED=N, into an object holding
// one function, that variant's machine code. The body comes from
// jit/tier2/uop_bodies.inc, the same text the uop interpreter runs; the
// interpreter's variables become the stencil's registers and holes:
//   SP, BASE, VMP   the arguments (kept in registers across stencils)
//   ARG, OPERAND    the holes _JIT_OPERAND32 / _JIT_OPERAND64
//   ORIGIN          the hole _JIT_ORIGIN
//   EXIT()          tail call to _JIT_SIDE_EXIT (this uop's exit stub)
//   GOTO_TOP(), GOTO_TRACE()  tail call to _JIT_JUMP_TARGET
//   GOTO_DYNAMIC(p)  tail call to the code address p (RETURN)
// and falling off the end of a body is the tail call to _JIT_CONTINUE.
//
// Top-of-stack caching (jit/jit_abi.h): a uop whose `reads` (uops.def) is
// not -1 runs on a window, a local array holding the top of the stack: the
// N values that arrive in registers, below them what the body reads that is
// still in memory. SP points into the window, so the body is unchanged;
// clang keeps the window in registers (its size and every index are
// constants). At the end the deepest values go back to memory and up to
// kMaxCached leave in registers. An exit leaves with the whole window in
// registers and its exit stub writes it back, so the VM sees exactly the
// stack the uop interpreter would have.
//
// A Fused stencil (-DCPJIT_STENCIL_UOP2=NAME, jit/copy_patch/stencil_variants.h)
// runs the second uop's body after the first's on one window: a comparison's
// bool stays a C++ value that the guard tests, so clang folds the two into
// one compare and a conditional jump. Only the second uop may exit; its exit
// is the one its own stencil would take.
#include "stencils/stencil.h"

using namespace cpjit;

namespace {
// The uop table, to pick this stencil's body and its stack shape.
enum class Uop {
#define UOP(name, pops, pushes, reads, flags) name,
#include "jit/tier2/uops.def"
#undef UOP
};
struct Shape {
    int pops, pushes, reads;
    bool pop_exit, calls, exits;
};
namespace flag {
constexpr int EXIT = 1, PURE = 2, GUARD = 4, END = 8, POP_EXIT = 16, CALLS = 32;  // as jit/tier2/uops.h
}
constexpr Shape kShapes[] = {
#define UOP(name, pops, pushes, reads, flags)                                   \
    {pops, pushes, reads, [] { using namespace flag; return ((flags) & POP_EXIT) != 0; }(), \
     [] { using namespace flag; return ((flags) & CALLS) != 0; }(),                        \
     [] { using namespace flag; return ((flags) & EXIT) != 0; }()},
#include "jit/tier2/uops.def"
#undef UOP
};
constexpr Uop kThisUop = Uop::CPJIT_STENCIL_UOP;
#ifdef CPJIT_STENCIL_UOP2
constexpr bool kFused = true;
constexpr Uop kSecondUop = Uop::CPJIT_STENCIL_UOP2;
#else
constexpr bool kFused = false;
constexpr Uop kSecondUop = kThisUop;
#endif
constexpr Shape kFirst = kShapes[int(kThisUop)], kSecond = kShapes[int(kSecondUop)];
// What the first body leaves on top of the stack the second one starts on.
constexpr int kFirstNet = kFused ? kFirst.pushes - kFirst.pops : 0;
// The two as one uop: what they read, pop and push together.
constexpr Shape fuse(Shape a, Shape b) {
    const int reads = a.reads > b.reads - kFirstNet ? a.reads : b.reads - kFirstNet;
    const int pops = a.pops > b.pops - kFirstNet ? a.pops : b.pops - kFirstNet;
    return {pops, pops + kFirstNet + b.pushes - b.pops, reads, b.pop_exit, a.calls || b.calls, b.exits};
}
constexpr Shape kShape = kFused ? fuse(kFirst, kSecond) : kFirst;
static_assert(!kFused || (!kFirst.exits && kFirst.reads >= 0 && kSecond.reads >= 0),
              "a fused stencil's first uop never exits and both run on the window");
#ifndef CPJIT_STENCIL_CACHED
#define CPJIT_STENCIL_CACHED 0
#endif
constexpr int kIn = CPJIT_STENCIL_CACHED;  // values arriving in registers
static_assert(kIn == 0 || kShape.reads >= 0, "a uop that needs the stack in memory has no cached variants");
static_assert(kIn <= jit::kMaxCached);
constexpr bool kWindow = kShape.reads >= 0;
// The window: kLoad values from memory, then the kIn from registers; after
// the body it holds kAfter values, of which kOut stay in registers.
constexpr int kLoad = kWindow && kShape.reads > kIn ? kShape.reads - kIn : 0;
constexpr int kAfter = kLoad + kIn - kShape.pops + kShape.pushes;
constexpr int kOut = kAfter < jit::kMaxCached ? kAfter : jit::kMaxCached;
constexpr int kBetween = kLoad + kIn + kFirstNet;  // after a Fused stencil's first body
constexpr int kMost = kLoad + kIn > kAfter ? kLoad + kIn : kAfter;
constexpr int kWindowSize = (kBetween > kMost ? kBetween : kMost) + 1;
// An exit leaves with the window's kExit values in registers (the exit stub
// EXIT_r<kExit> writes them back; jit/copy_patch/stencil_variants.h).
// (A Fused stencil exits in its second body, after the first's.)
constexpr int kExit = kLoad + kIn + kFirstNet - (kSecond.pop_exit ? kSecond.pops : 0);
static_assert(!kWindow || kExit <= jit::kMaxCached);
// Floats in FP registers: which of the kIn slots arrive in FP registers
// (CPJIT_STENCIL_FLOATS, stencil.h), which of the kOut leave in them (the
// list computes it: stencil_variants.h, floats_after), and which of the
// kExit an exit leaves there (the window's, as they arrived).
#ifndef CPJIT_STENCIL_FLOATS_OUT
#define CPJIT_STENCIL_FLOATS_OUT 0
#endif
constexpr int kFloatsIn = CPJIT_STENCIL_FLOATS, kFloatsOut = CPJIT_STENCIL_FLOATS_OUT;
constexpr int kFloatsExit = (kFloatsIn << kLoad) & ((1 << kExit) - 1);
static_assert(kFloatsIn >> kIn == 0 && kFloatsOut >> kOut == 0);
static_assert(kFloatsIn == 0 || !kShape.calls, "FP registers do not survive a helper call");
}  // namespace

#define STENCIL_NAME_(u) cpjit_stencil_##u
#define STENCIL_NAME(u) STENCIL_NAME_(u)

JIT_STENCIL(STENCIL_NAME(CPJIT_STENCIL_UOP)) {
    if constexpr (kShape.calls) {  // CALLS (uops.def): the trace reloads them
        l0 = l1 = l2 = l3 = JIT_DEAD;
        fl0 = fl1 = fl2 = fl3 = JIT_DEAD_F;
    }
    [[maybe_unused]] Value window_[kWindowSize];
    [[maybe_unused]] Value* mem_ = sp - kLoad;  // where the window starts in the memory stack
    [[maybe_unused]] Value* wsp_ = window_;
    if constexpr (kWindow) {
        const Value in_[3] = {JIT_CACHED_IN(0), JIT_CACHED_IN(1), JIT_CACHED_IN(2)};
        for (int i = 0; i < kLoad; ++i) window_[i] = mem_[i];
        for (int i = 0; i < kIn; ++i) window_[kLoad + i] = in_[i];
        wsp_ = window_ + kLoad + kIn;
    }
#define UOP(name) if constexpr (Uop::name == kBodyUop)
#define END_UOP
#define SP (*(kWindow ? &wsp_ : &sp))
#define BASE base
#define VMP vm
#define ARG int32_t(JIT_OPERAND32)
#define OPERAND JIT_OPERAND64
#define ORIGIN reinterpret_cast<Instr*>(_JIT_ORIGIN)
// (exits are rare: [[unlikely]] lets clang branch straight to the exit
// stub and keep the jump to the continuation last, where it can be dropped;
// registers the exit does not use carry nothing, so it needs no moves)
#define EXIT_VALUE(i) (i < kExit ? window_[i < kExit ? i : 0] : JIT_DEAD)
#define EXIT() [[unlikely]] do { \
        if constexpr (kWindow) { \
            const Value exit_[3] = {EXIT_VALUE(0), EXIT_VALUE(1), EXIT_VALUE(2)}; \
            JIT_GOTO_CACHED(_JIT_SIDE_EXIT, mem_, exit_, kFloatsExit); \
        } \
        else \
            JIT_GOTO(_JIT_SIDE_EXIT); \
    } while (0)
#define GOTO_TOP() JIT_GOTO(_JIT_JUMP_TARGET)
#define GOTO_TRACE() JIT_GOTO(_JIT_JUMP_TARGET)
#define GOTO_DYNAMIC(p) JIT_GOTO(reinterpret_cast<cpjit::jit::JitTraceFn*>(p))
// GENERIC's helper needs the whole stack in memory (it may collect): write
// the window back, call, and reload what the instruction left (kAfter values
// when it ran; when it refused, nothing changed and the window is still
// right). The counts are constants, so the window stays in registers on
// the fast path.
#define CALL_GENERIC(op) call_generic_(op)
    [[maybe_unused]] auto call_generic_ = [&](int32_t op) -> bool {
        if constexpr (!kWindow) return cpjit_uop_generic(vm, op, &sp);
        for (int i = 0; i < kLoad + kIn; ++i) mem_[i] = window_[i];
        Value* stack_top = mem_ + kLoad + kIn;
        if (!cpjit_uop_generic(vm, op, &stack_top)) return false;
        for (int i = 0; i < kAfter; ++i) window_[i] = mem_[i];
        wsp_ = window_ + kAfter;
        return true;
    };
// LOAD_LOCAL_Lk / STORE_LOCAL_Lk: the local is also in register lk
// (jit/jit_abi.h); a store writes both. LOAD_LOCAL_Fk / STORE_LOCAL_Fk: it
// is in FP register flk as a double (its bits; the list makes LOAD_LOCAL_Fk
// leave what it pushes in an FP register: stencil_variants.h).
#ifdef CPJIT_STENCIL_LOCAL_REG
#define LOCAL_GET(i) JIT_LOCAL_REG(CPJIT_STENCIL_LOCAL_REG)
#define LOCAL_SET(i, v) (JIT_LOCAL_SLOT(BASE) = JIT_LOCAL_REG(CPJIT_STENCIL_LOCAL_REG) = (v))
#elif defined(CPJIT_STENCIL_FLOAT_LOCAL_REG)
#define LOCAL_GET(i) Value::number(JIT_FLOAT_LOCAL_REG(CPJIT_STENCIL_FLOAT_LOCAL_REG))
#define LOCAL_SET(i, v) (JIT_FLOAT_LOCAL_REG(CPJIT_STENCIL_FLOAT_LOCAL_REG) = (JIT_LOCAL_SLOT(BASE) = (v)).as_float())
#else
#define LOCAL_GET(i) JIT_LOCAL_SLOT(BASE)
#define LOCAL_SET(i, v) (JIT_LOCAL_SLOT(BASE) = (v))
#endif
#define IN_MACHINE_CODE true
#define SHORT_LOOP _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")
    {
        constexpr Uop kBodyUop = kThisUop;
#include "jit/tier2/uop_bodies.inc"
    }
#ifdef CPJIT_STENCIL_UOP2
    {
        constexpr Uop kBodyUop = kSecondUop;
#include "jit/tier2/uop_bodies.inc"
    }
#endif
    if constexpr (kWindow) {
        // The deepest kAfter - kOut values go back to memory, the rest leave
        // in registers (c0 the deepest).
        for (int i = 0; i < kAfter - kOut; ++i) mem_[i] = window_[i];
        Value out_[3] = {JIT_DEAD, JIT_DEAD, JIT_DEAD};
        for (int i = 0; i < kOut; ++i) out_[i] = window_[kAfter - kOut + i];
        JIT_GOTO_CACHED(_JIT_CONTINUE, mem_ + (kAfter - kOut), out_, kFloatsOut);
    }
    JIT_GOTO(_JIT_CONTINUE);
}
