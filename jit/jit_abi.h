// What machine code and the VM agree on: the signature every stencil shares
// and what a trace returns when it leaves. Freestanding (the stencils include
// it when clang compiles them with -nostdlibinc).
#pragma once

#include "runtime/call_stack.h"


namespace cpjit::jit {

// A trace leaves machine code by returning from its exit stub: which exit
// (a JitExitRecord the JIT made when it compiled the trace) and the stack
// pointer there. Two words: returned in registers (rax:rdx / x0:x1).
struct JitReturn {
    const void* exit;
    Value* sp;
};

// Where an exit record (jit/backend.h, JitExitRecord) keeps the machine code
// its exit goes on to once linked (0: none): a trace's exit tail reads it
// (stencils/exit_tail_stencil.cpp), for a link its stub's jump cannot reach.
inline constexpr unsigned kExitRecordLinkCodeOffset = 16;

// Every uop stencil and the exit stub: preserve_none keeps the VM pointer,
// the stack pointer and the frame's locals in registers (r12, r13, r14 /
// x20, x21, x22) from one stencil to the next, and saves no registers, so the
// tail call to the next stencil is a plain jump.
#if defined(__clang__)
#define CPJIT_PRESERVE_NONE __attribute__((preserve_none))
#else
#define CPJIT_PRESERVE_NONE  // g++ never calls these: the entry shim does
#endif
// Top-of-stack caching: up to kMaxCached values of the top of the stack
// travel in the next three argument registers (r15, rdi, rsi / x23, x24,
// x25) instead of memory. c0 is the deepest of the cached values; the stack
// in memory ends at sp below them. Which of them are live is known at trace
// compile time (the stencil variant `_rN` takes N); the others carry
// nothing.
inline constexpr int kMaxCached = 3;
// Locals in registers: up to kMaxLocalRegs locals of a trace's own frame
// also travel in registers (l0..l3: rdx, rcx, r8, r9 / x26, x27, x28, x0),
// loaded when the trace is entered (and again after a helper call). A load of such a local is a register move; a store
// writes the register and the frame (write-through), so the frame in
// memory is always current: exits, helpers and the collector never need
// the registers. Stencils that do not use them pass them on untouched.
inline constexpr int kMaxLocalRegs = 4;
// Floats in FP registers: cached slot i may instead travel in fi (xmm0-xmm2
// / d0-d2) as the double itself (a float Value's bits are the double's
// bits, so moving it between the two is boxing and unboxing). Which slots
// are in FP registers is known at trace compile time (the variant `_fM`
// takes mask M, bit i for slot i); the c or f register of a slot carries
// nothing. FP registers are caller-saved: a stencil that calls a helper
// takes none.
// Float locals in FP registers: up to kMaxFloatLocalRegs locals the
// optimizer knows hold floats travel as doubles in fl0..fl3 (xmm3-xmm6 /
// d3-d6), like l0..l3: loaded when the trace is entered and after a helper
// call, a store writes the register and the frame. Any Value's bits fit
// (a float Value's bits are the double's), so the choice never changes
// results.
inline constexpr int kMaxFloatLocalRegs = 4;
// Local register k < kMaxLocalRegs is lk, k >= kMaxLocalRegs is fl(k - kMaxLocalRegs).
inline constexpr int kNumLocalRegs = kMaxLocalRegs + kMaxFloatLocalRegs;
typedef CPJIT_PRESERVE_NONE JitReturn JitTraceFn(CallStack* vm, Value* sp, Value* base, Value c0, Value c1, Value c2,
                                                 Value l0, Value l1, Value l2, Value l3, double f0, double f1,
                                                 double f2, double fl0, double fl1, double fl2, double fl3);

// The entry shim (a stencil with the C calling convention, compiled by
// clang): g++-built code calls it, it calls the trace with preserve_none.
typedef JitReturn JitEntryFn(CallStack* vm, Value* sp, Value* base, JitTraceFn* code);

}  // namespace cpjit::jit
