// The uop bodies (jit/tier2/uop_bodies.inc) as one function per uop, for the
// LLVM backend. clang-19 compiles this file to LLVM bitcode at build time
// (jit/llvm/CMakeLists.txt, never by the host compiler); at run time a trace
// becomes one function calling these in order with the uops' operands as
// constants, and LLVM inlines them (always_inline) and optimizes across them.
//
//   uop_NAME(vm, &sp, &base, arg, operand, origin, &next) -> llvm_uop::Status
//
// The stack pointer and the frame's locals go by address so a body can move
// them; once inlined they are the trace function's own variables, which
// -O2 keeps in registers and -O0 in its stack frame.
#include "jit/jit_abi.h"
#include "jit/llvm/uop_status.h"
#include "jit/tier2/uop_helpers.h"

using namespace cpjit;
namespace st = cpjit::jit::llvm_uop;

#define CPJIT_SAVE_STATE \
    *spp = sp;           \
    *basep = base
#define UOP(name)                                                                                              \
    extern "C" __attribute__((always_inline)) int cpjit_llvm_uop_##name(                                       \
        CallStack* vm, Value** spp, Value** basep, int32_t arg, uint64_t operand, Instr* origin, void** next) { \
        Value* sp = *spp;                                                                                      \
        Value* base = *basep;                                                                                  \
        (void)vm, (void)arg, (void)operand, (void)origin, (void)next;
#define END_UOP       \
    CPJIT_SAVE_STATE; \
    return st::kNext; \
    }
#define SP sp
#define BASE base
#define VMP vm
#define ARG arg
#define OPERAND operand
#define ORIGIN origin
#define LEAVE(status)      \
    do {                   \
        CPJIT_SAVE_STATE;  \
        return status;     \
    } while (0)
#define EXIT() [[unlikely]] LEAVE(st::kExit)
#define GOTO_TOP() LEAVE(st::kTop)
#define GOTO_TRACE() LEAVE(st::kTrace)
#define GOTO_DYNAMIC(p)                  \
    do {                                 \
        *next = reinterpret_cast<void*>(p); \
        LEAVE(st::kDynamic);             \
    } while (0)
#define IN_MACHINE_CODE true
#define SHORT_LOOP
#include "jit/tier2/uop_bodies.inc"
