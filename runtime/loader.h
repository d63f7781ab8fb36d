// Turning files into verified Programs: the .cpasm assembler, the .cpbc
// binary format (reader and writer), the disassembler and the verifier.
#pragma once

#include <string>
#include <string_view>

#include "runtime/errors.h"
#include "runtime/program.h"

namespace cpjit {

inline constexpr char kBytecodeMagic[4] = {'C', 'P', 'B', 'C'};
inline constexpr uint32_t kBytecodeVersion = 1;

// Text -> Program (not yet verified). False with `err` set on failure.
bool assemble(const std::string& file, std::string_view text, Program& out, LoadError& err);

// Binary -> Program (not yet verified). Untrusted input: never crashes.
bool read_bytecode(const std::string& file, std::string_view bytes, Program& out, LoadError& err);
std::string write_bytecode(const Program& prog);

// docs/language.md §6 checks on a Program from either source; sets Function::max_stack.
bool verify(Program& prog, LoadError& err);

// Program -> text that assembles back to the same bytecode (same lines too).
std::string disassemble(const Program& prog);

// Reads FILE (text or binary by its first bytes), assembles or decodes it,
// and verifies it.
bool load_program(const std::string& path, Program& out, LoadError& err);

// Literal helpers shared by the assembler and disassembler.
bool is_identifier(std::string_view s);
std::string literal_text(const Literal& lit);

}  // namespace cpjit
