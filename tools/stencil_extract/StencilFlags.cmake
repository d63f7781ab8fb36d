# Compiler flags for stencils, per target. Measured and explained in
# docs/stencils.md; change them there and here together (they are part of
# every stencil header's digest).
#
#   cpjit_compile_stencil(OUT obj SOURCE src.c TARGET x86_64|aarch64
#                         [FLAGSET name] [DEFINES ...] [DEPENDS ...])
# adds a custom command compiling SOURCE with clang-19 for that target.

# Every target: optimized, freestanding (no host headers when cross
# compiling: clang's own stdint.h/stddef.h only), no unwind tables, no stack
# protector, calls to external helpers through the GOT (-fno-plt; the JIT
# relaxes them to direct calls when in range), no jump tables (they would be
# data with relocations into the code).
set(CPJIT_STENCIL_COMMON_FLAGS
  -O3 -ffreestanding -nostdlibinc
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector
  -fno-plt -fno-jump-tables -fno-common
  -Wall -Wextra)
# Per source language: the fixtures are C; the uop stencils are C++ because
# they include the uop bodies the uop interpreter also compiles
# (jit/tier2/uop_bodies.inc) and the freestanding value/object headers.
set(CPJIT_STENCIL_LANG_FLAGS_c -x c -std=c11 -Werror=incompatible-pointer-types)
set(CPJIT_STENCIL_LANG_FLAGS_cxx -x c++ -std=c++20 -fno-exceptions -fno-rtti -fno-threadsafe-statics)

# x86-64: non-PIC medium code model. Code and small data (operands declared
# `extern char X[1]`) take 32-bit absolute immediates (R_X86_64_32/32S);
# unsized `extern char X[]` operands are "large" and take movabs
# (R_X86_64_64); constants in .rodata are RIP-relative (R_X86_64_PC32, the
# data is copied next to the code).
set(CPJIT_STENCIL_FLAGS_x86_64
  --target=x86_64-unknown-linux-gnu -fno-pic -mcmodel=medium -mlarge-data-threshold=65536)
# AArch64: non-PIC large code model. Every value hole is movz + 3 movk
# (R_AARCH64_MOVW_UABS_G0_NC..G3): any 64-bit value, no GOT, no range limit;
# helpers are GOT loads (adrp + ldr, fused and relaxed by the JIT).
set(CPJIT_STENCIL_FLAGS_aarch64
  --target=aarch64-unknown-linux-gnu -fno-pic -mcmodel=large -mno-outline-atomics)

# Alternative flag sets, for the fixtures that cover the other relocation
# kinds (docs/stencils.md has the measurements).
set(CPJIT_STENCIL_FLAGS_x86_64_pic --target=x86_64-unknown-linux-gnu -fpic)
set(CPJIT_STENCIL_FLAGS_aarch64_pic --target=aarch64-unknown-linux-gnu -fpic -mno-outline-atomics)

function(cpjit_compile_stencil)
  cmake_parse_arguments(S "" "OUT;SOURCE;TARGET;FLAGSET;LANG" "DEFINES;DEPENDS;INCLUDES" ${ARGN})
  if(NOT S_LANG)
    set(S_LANG c)
  endif()
  if(NOT S_FLAGSET)
    set(S_FLAGSET ${S_TARGET})
  endif()
  if(NOT DEFINED CPJIT_STENCIL_FLAGS_${S_FLAGSET})
    message(FATAL_ERROR "cpjit_compile_stencil: unknown flag set ${S_FLAGSET}")
  endif()
  set(defs)
  foreach(d ${S_DEFINES})
    list(APPEND defs -D${d})
  endforeach()
  foreach(d ${S_INCLUDES})
    list(APPEND defs -I${d})
  endforeach()
  # The depfile (clang -MD) makes every header the source includes a
  # dependency, so a stale object cannot hide from stencils.fresh.*; DEPENDS
  # lists the known ones for generators without depfile support.
  add_custom_command(OUTPUT ${S_OUT}
    COMMAND ${CPJIT_CLANG} ${CPJIT_STENCIL_FLAGS_${S_FLAGSET}} ${CPJIT_STENCIL_COMMON_FLAGS}
            ${CPJIT_STENCIL_LANG_FLAGS_${S_LANG}} ${defs} -MD -MF ${S_OUT}.d -c ${S_SOURCE} -o ${S_OUT}
    DEPENDS ${S_SOURCE} ${S_DEPENDS}
    DEPFILE ${S_OUT}.d
    COMMENT "clang-19 stencil ${S_SOURCE} (${S_FLAGSET})"
    VERBATIM)
endfunction()

# The flags of a flag set as one string (for the digest and the header).
function(cpjit_stencil_flags_string out flagset)
  set(lang c)
  if(ARGC GREATER 2)
    set(lang ${ARGV2})
  endif()
  string(JOIN " " s ${CPJIT_STENCIL_FLAGS_${flagset}} ${CPJIT_STENCIL_COMMON_FLAGS} ${CPJIT_STENCIL_LANG_FLAGS_${lang}})
  set(${out} "${s}" PARENT_SCOPE)
endfunction()
