// A program linked with the runtime library alone (no JIT library): it
// loads a .cpasm file and runs it in Tier 1. That it links at all is the
// check that runtime/ needs nothing above it; ctest compares its output with
// the program's expected output.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/loader.h"
#include "runtime/vm.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: runtime_alone FILE.cpasm\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    cpjit::Program prog;
    cpjit::LoadError err;
    if (!in || !cpjit::assemble(argv[1], text, prog, err) || !cpjit::verify(prog, err)) {
        std::fprintf(stderr, "%s\n", in ? err.format().c_str() : "cannot read the file");
        return 2;
    }
    cpjit::VM vm(prog, cpjit::VmOptions{});
    return vm.run();
}
