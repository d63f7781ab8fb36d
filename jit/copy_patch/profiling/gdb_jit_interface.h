// GDB's JIT interface as its manual ("JIT Compilation Interface") declares
// it: the list of in-memory object files gdb reads, and the action it is told
// about. Defined in gdb_jit.cpp; the unit test reads the same list.
#pragma once

#include <cstdint>

extern "C" {

enum jit_actions_t : uint32_t { JIT_NOACTION = 0, JIT_REGISTER_FN, JIT_UNREGISTER_FN };

struct jit_code_entry {
    jit_code_entry* next_entry;
    jit_code_entry* prev_entry;
    const char* symfile_addr;
    uint64_t symfile_size;
};

struct jit_descriptor {
    uint32_t version;
    uint32_t action_flag;
    jit_code_entry* relevant_entry;
    jit_code_entry* first_entry;
};

extern jit_descriptor __jit_debug_descriptor;
void __jit_debug_register_code();
}
