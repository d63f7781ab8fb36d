// The stencil template: compiled once per uop, with -DCPJIT_STENCIL_UOP=NAME,
// into an object holding one function, that uop's machine code. The body
// comes from jit/tier2/uop_bodies.inc, the same text the uop interpreter runs; the
// interpreter's variables become the stencil's registers and holes:
//   SP, BASE, VMP   the arguments (kept in registers across stencils)
//   ARG, OPERAND    the holes _JIT_OPERAND32 / _JIT_OPERAND64
//   ORIGIN          the hole _JIT_ORIGIN
//   EXIT()          tail call to _JIT_SIDE_EXIT (this uop's exit stub)
//   GOTO_TOP(), GOTO_TRACE()  tail call to _JIT_JUMP_TARGET
//   GOTO_DYNAMIC(p)  tail call to the code address p (RETURN)
// and falling off the end of a body is the tail call to _JIT_CONTINUE.
#include "stencils/stencil.h"

using namespace cpjit;

namespace {
// The uop table as an enum, to pick this stencil's body.
enum class Uop {
#define UOP(name, pops, pushes, flags) name,
#include "jit/tier2/uops.def"
#undef UOP
};
constexpr Uop kThisUop = Uop::CPJIT_STENCIL_UOP;
}  // namespace

#define STENCIL_NAME_(u) cpjit_stencil_##u
#define STENCIL_NAME(u) STENCIL_NAME_(u)

JIT_STENCIL(STENCIL_NAME(CPJIT_STENCIL_UOP)) {
#define UOP(name) if constexpr (Uop::name == kThisUop)
#define END_UOP
#define SP sp
#define BASE base
#define VMP vm
#define ARG int32_t(JIT_OPERAND32)
#define OPERAND JIT_OPERAND64
#define ORIGIN reinterpret_cast<Instr*>(_JIT_ORIGIN)
// (exits are rare: [[unlikely]] lets clang branch straight to the exit
// stub and keep the jump to the continuation last, where it can be dropped)
#define EXIT() [[unlikely]] JIT_GOTO(_JIT_SIDE_EXIT)
#define GOTO_TOP() JIT_GOTO(_JIT_JUMP_TARGET)
#define GOTO_TRACE() JIT_GOTO(_JIT_JUMP_TARGET)
#define GOTO_DYNAMIC(p) JIT_GOTO(reinterpret_cast<cpjit::jit::JitTraceFn*>(p))
#define IN_MACHINE_CODE true
#define SHORT_LOOP _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")
#include "jit/tier2/uop_bodies.inc"
    JIT_GOTO(_JIT_CONTINUE);
}
