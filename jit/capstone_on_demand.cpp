// capstone, loaded the first time something disassembles. Linking it would
// make every start pay for it: its 77,375 relative relocations are most of
// the page faults of `cpjit --version` (docs/compile_time.md). Only the study
// commands and the unwind tables of --gdb-jit/--perf-jitdump use it, through
// the six functions defined here, which forward to the library dlopen'ed
// from CPJIT_CAPSTONE_PATH (the file found at configure time).
#include <capstone/capstone.h>
#include <dlfcn.h>

namespace {

struct Capstone {
    decltype(&::cs_open) open = nullptr;
    decltype(&::cs_close) close = nullptr;
    decltype(&::cs_option) option = nullptr;
    decltype(&::cs_malloc) malloc = nullptr;
    decltype(&::cs_disasm_iter) disasm_iter = nullptr;
    decltype(&::cs_free) free = nullptr;
    bool ok = false;
};

template <class F>
bool find(void* lib, const char* name, F& f) {
    f = reinterpret_cast<F>(dlsym(lib, name));
    return f != nullptr;
}

// Loaded once (thread-safe static); `ok` false when the library or one of
// its functions is missing: cs_open then fails, nothing else is reached.
const Capstone& capstone() {
    static const Capstone c = [] {
        Capstone c;
        void* lib = dlopen(CPJIT_CAPSTONE_PATH, RTLD_NOW | RTLD_LOCAL);
        c.ok = lib && find(lib, "cs_open", c.open) && find(lib, "cs_close", c.close) &&
               find(lib, "cs_option", c.option) && find(lib, "cs_malloc", c.malloc) &&
               find(lib, "cs_disasm_iter", c.disasm_iter) && find(lib, "cs_free", c.free);
        return c;
    }();
    return c;
}

}  // namespace

extern "C" {

cs_err cs_open(cs_arch arch, cs_mode mode, csh* handle) {
    return capstone().ok ? capstone().open(arch, mode, handle) : CS_ERR_MEM;
}
cs_err cs_close(csh* handle) { return capstone().close(handle); }
cs_err cs_option(csh handle, cs_opt_type type, size_t value) { return capstone().option(handle, type, value); }
cs_insn* cs_malloc(csh handle) { return capstone().malloc(handle); }
bool cs_disasm_iter(csh handle, const uint8_t** code, size_t* size, uint64_t* address, cs_insn* insn) {
    return capstone().disasm_iter(handle, code, size, address, insn);
}
void cs_free(cs_insn* insn, size_t count) { capstone().free(insn, count); }

}  // extern "C"
