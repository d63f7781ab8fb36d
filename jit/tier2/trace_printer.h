// Traces as text (`cpjit trace`, the explorer, the golden tests).
#pragma once

#include <string>

#include "jit/tier2/trace.h"
#include "runtime/program.h"

namespace cpjit {

std::string print_uop(const Program& prog, const Trace& t, const Uop& u);
// "main@7 (line 9)" for an instruction of prog; a value as `dis` shows a literal.
std::string print_place(const Program& prog, const Instr* ins);
std::string value_literal_text(Value v);
std::string print_trace(const Program& prog, const Trace& t);

}  // namespace cpjit
