// The Tier-1 interpreter: the bodies in interp_body.inc, dispatched either
// by computed goto (a jump table indexed by opcode at the end of every
// handler) or by one switch statement.
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "runtime/semantics.h"
#include "runtime/vm.h"

namespace cpjit {

namespace {
constexpr size_t kInitialStack = 1 << 16;  // values
constexpr size_t kInitialFrames = 256;
// Runs a deoptimized instruction waits before it may specialize again.
constexpr uint16_t kDeoptBackoff = 64;
}  // namespace

VM::VM(Program& prog, const VmOptions& opts)
    : prog_(prog), opts_(opts), heap_(opts.max_heap), globals_(prog.globals.size(), Value::nil()) {
    heap_.add_roots(this);
    heap_.add_roots(&prog_);
    cells_ = &heap_.cell_runs();
    stack_cap_ = kInitialStack;
    stack_ = static_cast<Value*>(std::malloc(stack_cap_ * sizeof(Value)));
    stack_end_ = stack_ + stack_cap_;
    sp_ = stack_;
    frame_store_.resize(kInitialFrames);
    frames_ = frame_store_.data();
    trace_depth_limit_ = uint32_t(std::min<size_t>(frame_store_.size(), opts_.max_depth));
}

VM::~VM() { std::free(stack_); }

void VM::attach_tier2(Tier2Hook* hook) {
    tier2_ = hook;
    tier2_threshold_ = hook ? hook->threshold() : 0;
}

void VM::trace(Heap& heap) {
    heap.mark_range(stack_, sp_);
    heap.mark_range(globals_.data(), globals_.data() + globals_.size());
}

bool VM::grow_stack(size_t need) {
    size_t cap = stack_cap_;
    while (cap < need) cap *= 2;
    if (cap * sizeof(Value) > opts_.max_heap) return false;
    auto* fresh = static_cast<Value*>(std::realloc(stack_, cap * sizeof(Value)));
    if (!fresh) return false;
    for (uint32_t d = 0; d < depth_; ++d) frames_[d].base = fresh + (frames_[d].base - stack_);
    sp_ = fresh + (sp_ - stack_);
    stack_ = fresh;
    stack_cap_ = cap;
    stack_end_ = stack_ + cap;
    return true;
}

bool VM::grow_frames() {
    frame_store_.resize(std::min<size_t>(frame_store_.size() * 2, size_t(opts_.max_depth) + 1));
    frames_ = frame_store_.data();
    trace_depth_limit_ = uint32_t(std::min<size_t>(frame_store_.size(), opts_.max_depth));
    return depth_ < frame_store_.size();
}

void VM::report_error(const Instr* at) {
    std::fflush(stdout);
    std::string text = fmt::format("error: {}\n", err_.message());
    auto line_of = [&](uint32_t d) {
        const Function* fn = frames_[d].fn;
        const Instr* i = d + 1 == depth_ ? at : frames_[d + 1].ret_ip - 1;
        return fn->pos[size_t(i - fn->code.data())].line;
    };
    auto frame_line = [&](uint32_t d) { text += fmt::format("  at {} (line {})\n", frames_[d].fn->name, line_of(d)); };
    // innermost first: frames_[depth_-1] down to frames_[0]
    if (depth_ <= 20) {
        for (uint32_t d = depth_; d-- > 0;) frame_line(d);
    } else {
        for (uint32_t d = depth_; d-- > depth_ - 10;) frame_line(d);
        text += fmt::format("  ... {} more frames\n", depth_ - 20);
        for (uint32_t d = 10; d-- > 0;) frame_line(d);
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

// GCC merges the identical dispatch tails of the handlers (cross-jumping,
// GCSE), which turns computed-goto dispatch back into one shared indirect
// jump; keep one dispatch per handler so each has its own branch history.
#if defined(__GNUC__) && !defined(__clang__)
#define CPJIT_THREADED_OPT __attribute__((optimize("no-gcse", "no-crossjumping")))
#else
#define CPJIT_THREADED_OPT
#endif

#define INTERPRETER_PROLOGUE                                   \
    Function* fns = prog_.functions.data();                    \
    const Value* K = prog_.constants.data();                   \
    Value* G = globals_.data();                                \
    Frame& top = frames_[depth_ - 1];                          \
    Instr* code = top.fn->code.data();                         \
    Instr* ip = code;                                          \
    Instr* ins = ip;                                           \
    Value* base = top.base;                                    \
    Value* sp = base + top.fn->num_locals();                   \
    uint64_t count = 0;

namespace {
constexpr unsigned kFlagCount = 1, kFlagSpecialize = 2, kFlagTier2 = 4;
}

#define INTERPRETER_FLAGS                                        \
    constexpr bool kCount = (kFlags & kFlagCount) != 0;          \
    constexpr bool kSpecialize = (kFlags & kFlagSpecialize) != 0; \
    constexpr bool kTier2 = (kFlags & kFlagTier2) != 0;

#define INTERPRETER_EPILOGUE                  \
    error:                                    \
    stats_.instructions_executed += count;    \
    report_error(ins);                        \
    return false;                             \
    done:                                     \
    stats_.instructions_executed += count;    \
    return true;

template <unsigned kFlags>
CPJIT_THREADED_OPT bool VM::interpret_threaded() {
    INTERPRETER_FLAGS
    INTERPRETER_PROLOGUE
    static void* const kLabels[] = {
#define OP(name, mnemonic, operand, pops, pushes) &&L_##name,
#include "runtime/opcodes.def"
#undef OP
#define SPEC(name, mnemonic, base) &&L_##name,
#include "runtime/specialized.def"
#undef SPEC
    };
#define CASE(name) L_##name:
#define NEXT()                                \
    do {                                      \
        ins = ip++;                           \
        if constexpr (kCount) ++count;        \
        goto* kLabels[int(ins->op)];          \
    } while (0)
#define REDISPATCH() goto* kLabels[int(ins->op)]
    NEXT();
#include "runtime/interp_body.inc"
#undef CASE
#undef NEXT
#undef REDISPATCH
    INTERPRETER_EPILOGUE
}

template <unsigned kFlags>
bool VM::interpret_switch() {
    INTERPRETER_FLAGS
    INTERPRETER_PROLOGUE
#define CASE(name) case Op::name:
#define NEXT() goto dispatch
#define REDISPATCH() goto redispatch
dispatch:
    ins = ip++;
    if constexpr (kCount) ++count;
redispatch:
    switch (ins->op) {
#include "runtime/interp_body.inc"
    }
    __builtin_unreachable();
#undef CASE
#undef NEXT
#undef REDISPATCH
    INTERPRETER_EPILOGUE
}

bool VM::interpret() {
    // One instantiation per combination of flags, so what is off costs nothing.
    using Fn = bool (VM::*)();
    static constexpr Fn kThreaded[] = {
        &VM::interpret_threaded<0>, &VM::interpret_threaded<1>, &VM::interpret_threaded<2>, &VM::interpret_threaded<3>,
        &VM::interpret_threaded<4>, &VM::interpret_threaded<5>, &VM::interpret_threaded<6>, &VM::interpret_threaded<7>,
    };
    static constexpr Fn kSwitch[] = {
        &VM::interpret_switch<0>, &VM::interpret_switch<1>, &VM::interpret_switch<2>, &VM::interpret_switch<3>,
        &VM::interpret_switch<4>, &VM::interpret_switch<5>, &VM::interpret_switch<6>, &VM::interpret_switch<7>,
    };
    unsigned flags = (opts_.count_instructions ? kFlagCount : 0u) | (opts_.specialize ? kFlagSpecialize : 0u) |
                     (tier2_ ? kFlagTier2 : 0u);
    return (this->*(opts_.dispatch == Dispatch::Threaded ? kThreaded : kSwitch)[flags])();
}

int VM::run() {
    Function& main = prog_.functions[size_t(prog_.main_index)];
    bool ok = prog_.materialize(heap_);
    if (ok) {
        for (uint32_t i = 0; i < main.num_locals(); ++i) stack_[i] = Value::nil();
        frames_[0] = Frame{&main, nullptr, stack_, nullptr};
        depth_ = 1;
        if (main.num_locals() + main.max_stack > stack_cap_ && !grow_stack(main.num_locals() + main.max_stack)) ok = false;
    }
    if (!ok) {  // not even the constants fit in the heap limit
        std::fflush(stdout);
        std::fputs("error: out of memory\n", stderr);
        return 1;
    }
    sp_ = stack_ + main.num_locals();
    ok = interpret();
    std::fflush(stdout);
    return ok ? 0 : 1;
}

}  // namespace cpjit
