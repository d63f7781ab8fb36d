// Puts the jump to _JIT_CONTINUE last where clang put it second to last.
//
// For a guard clang emits "branch to the continuation if the check passes,
// else jump to the side exit": the continuation jump is not last, so the JIT
// cannot drop it, and the hot path takes a branch in every guard. When the
// code ends in exactly that shape, and nothing else branches to the final
// jump, rewrite it so the exit is the conditional branch and the continuation
// the final, removable jump:
//   x86-64   jcc CONT; jmp X            ->  j!cc X; jmp CONT
//   AArch64  b.cc L; b CONT; L: b X     ->  b.cc X; b CONT   (4 bytes shorter)
// (AArch64 only for X = _JIT_SIDE_EXIT: a conditional branch reaches +-1 MiB,
// and side exit stubs live in the trace's own allocation.)
#pragma once

#include <vector>

#include "disasm.h"
#include "stencil_model.h"

namespace cpjit::stencil_extract {

// True when `m` was rewritten (then its trailing jump is found again).
bool rewrite_exit_branch(StencilModel& m, const std::vector<DisasmLine>& lines);

}  // namespace cpjit::stencil_extract
