// The unit tests' harness: what several tests need from a file or a
// program, and running a program in process, written once.
#pragma once

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/engine.h"
#include "jit/tier2/trace_cache.h"
#include "runtime/loader.h"
#include "runtime/program.h"

namespace cpjit::test {

// The whole file as bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "fn@index" of an instruction, found by searching every function ("?" when
// it is in none), as perf maps and jitdump records name a uop's origin.
inline std::string instr_place(const Program& prog, const Instr* ins) {
    for (const Function& f : prog.functions)
        if (!f.code.empty() && ins >= f.code.data() && ins < f.code.data() + f.code.size())
            return f.name + "@" + std::to_string(ins - f.code.data());
    return "?";
}

// Assembles and verifies `text` into `prog`, as NAME: the test stops with
// the load error.
inline void load_text(const std::string& name, const std::string& text, Program& prog) {
    LoadError err;
    REQUIRE_MESSAGE((assemble(name, text, prog, err) && verify(prog, err)), err.format());
}

// A program assembled and verified from `text` (the test stops on an error).
inline Program loaded_text(const std::string& text, const std::string& name = "t.cpasm") {
    Program p;
    load_text(name, text, p);
    return p;
}

// The same for a file of the source tree (a path below CPJIT_SOURCE_DIR).
inline void load_source_file(const std::string& relative, const std::string& name, Program& prog) {
    const std::string text = read_file(std::string(CPJIT_SOURCE_DIR) + "/" + relative);
    REQUIRE_MESSAGE(!text.empty(), relative, " is missing or empty");
    load_text(name, text, prog);
}

// Options of a run with the copy-and-patch JIT from `threshold`, keeping
// each trace's listing (placed stencils, patched holes).
inline RunOptions jit_listing_options(uint32_t threshold) {
    RunOptions opts;
    opts.tier = Tier::Jit;
    opts.tier2.threshold = threshold;
    opts.tier2.keep_listing = true;
    return opts;
}

// A program run in process, kept with the engine that ran it so a test can
// look at its traces and machine code afterwards.
struct RanProgram {
    Program prog;
    std::unique_ptr<Engine> engine;
    int exit_code = -1;
    // Its traces (the test stops when the run had no Tier 2).
    const TraceCache& traces() const {
        REQUIRE(engine->traces());
        return *engine->traces();
    }
};

// Runs r.prog (loaded) with `opts`; stdout is flushed around the run, so
// what the program prints stays in order with doctest's output.
inline void run_loaded(RanProgram& r, const RunOptions& opts) {
    std::fflush(stdout);
    r.engine = std::make_unique<Engine>(r.prog, opts);
    r.exit_code = r.engine->run();
    std::fflush(stdout);
}

// The symbol perf maps and jitdump records give one placed piece of a trace:
// "cpjit:tID:exit", or "cpjit:tID:fn@index:UOP" (the stencil's name for a
// spill; "UOP+UOP2" for a Fused stencil).
inline std::string piece_symbol(const Program& prog, const Trace& t, const jit::PlacedStencil& p) {
    const std::string prefix = "cpjit:t" + std::to_string(t.id) + ":";
    if (p.uop < 0) return prefix + "exit";
    const Uop& u = t.uops[size_t(p.uop)];
    std::string name = p.spill ? p.stencil->name : uop_info(u.op).name;
    for (int32_t k = 1; k < p.num_uops; ++k) name += std::string("+") + uop_info(t.uops[size_t(p.uop + k)].op).name;
    return prefix + instr_place(prog, u.origin) + ":" + name;
}

// Runs `prog` in process, then hands each trace that became machine code to
// `visit` while the VM still holds it; the VM (and its JIT, so its profiling
// files) is gone when this returns. False, with a message, on a host without
// machine code.
template <class Visit>
bool run_and_visit_machine_traces(Program& prog, const RunOptions& opts, Visit&& visit) {
    std::fflush(stdout);
    Engine engine(prog, opts);
    engine.run();
    std::fflush(stdout);
    REQUIRE(engine.traces());
    if (!engine.traces()->backend()) {
        MESSAGE("skipped: no machine code on this host");
        return false;
    }
    for (const auto& t : engine.traces()->traces())
        if (const jit::CompiledTrace* c = jit::copy_patch_code(*t)) visit(*t, *c);
    return true;
}

}  // namespace cpjit::test
