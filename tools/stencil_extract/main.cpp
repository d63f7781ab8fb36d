// cpjit-stencil-extract: reads stencil object files (one stencil each,
// compiled by clang-19 from the stencil template) and writes the generated
// header for one target, and optionally a text dump of the same content.
//
//   cpjit-stencil-extract --target x86_64-unknown-linux-gnu
//       [--namespace cpjit::jit::stencils_x86_64] [--header OUT.h] [--dump OUT.txt]
//       [--helper NAME]... [--helpers-file FILE]
//       [--digest sha256:HEX | --digest-input FILE...] [--flags "COMPILER FLAGS"]
//       [NAME=]OBJECT...
//
// Exit status: 0 written, 1 a stencil is invalid (every error printed, each
// naming the stencil, the offset and the relocation type), 2 usage or I/O.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/SHA256.h>

#include "disasm.h"
#include "exit_branch.h"
#include "object_file.h"
#include "stencil_model.h"
#include "writer.h"

using namespace cpjit::stencil_extract;

namespace {

int usage(const std::string& msg) {
    std::cerr << "cpjit-stencil-extract: " << msg << "\n"
              << "usage: cpjit-stencil-extract --target TRIPLE [--namespace NS] [--header OUT.h] [--dump OUT.txt]\n"
                 "         [--helper NAME]... [--helpers-file FILE] [--digest sha256:HEX | --digest-input FILE...]\n"
                 "         [--flags STRING] [NAME=]OBJECT...\n";
    return 2;
}

bool read_file(const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return true;
}

bool write_file(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out) return false;
        out << text;
        if (!out) return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::string stem(const std::string& path) {
    size_t slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    size_t dot = base.find('.');
    return dot == std::string::npos ? base : base.substr(0, dot);
}

}  // namespace

int main(int argc, char** argv) {
    std::string target, ns, header_path, dump_path, digest, flags;
    std::vector<std::string> digest_inputs, helpers;
    std::vector<std::pair<std::string, std::string>> objects;  // name, path
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](std::string* out) {
            if (i + 1 >= argc) return false;
            *out = argv[++i];
            return true;
        };
        std::string v;
        if (a == "--target") {
            if (!value(&target)) return usage("--target needs a value");
        } else if (a == "--namespace") {
            if (!value(&ns)) return usage("--namespace needs a value");
        } else if (a == "--header") {
            if (!value(&header_path)) return usage("--header needs a value");
        } else if (a == "--dump") {
            if (!value(&dump_path)) return usage("--dump needs a value");
        } else if (a == "--digest") {
            if (!value(&digest)) return usage("--digest needs a value");
        } else if (a == "--digest-input") {
            if (!value(&v)) return usage("--digest-input needs a value");
            digest_inputs.push_back(v);
        } else if (a == "--flags") {
            if (!value(&flags)) return usage("--flags needs a value");
        } else if (a == "--helper") {
            if (!value(&v)) return usage("--helper needs a value");
            helpers.push_back(v);
        } else if (a == "--helpers-file") {
            if (!value(&v)) return usage("--helpers-file needs a value");
            std::string text;
            if (!read_file(v, &text)) return usage("cannot read " + v);
            std::istringstream lines(text);
            std::string line;
            while (std::getline(lines, line)) {
                size_t hash = line.find('#');
                if (hash != std::string::npos) line.resize(hash);
                std::istringstream words(line);
                std::string w;
                while (words >> w) helpers.push_back(w);
            }
        } else if (a.rfind("--", 0) == 0) {
            return usage("unknown option " + a);
        } else {
            size_t eq = a.find('=');
            if (eq != std::string::npos)
                objects.emplace_back(a.substr(0, eq), a.substr(eq + 1));
            else
                objects.emplace_back(stem(a), a);
        }
    }
    cpjit::jit::Arch arch;
    if (target.rfind("x86_64-", 0) == 0)
        arch = cpjit::jit::Arch::X64;
    else if (target.rfind("aarch64-", 0) == 0)
        arch = cpjit::jit::Arch::A64;
    else
        return usage("--target must be x86_64-unknown-linux-gnu or aarch64-unknown-linux-gnu");
    if (objects.empty()) return usage("no object files");
    if (header_path.empty() && dump_path.empty()) return usage("nothing to write: give --header and/or --dump");
    if (ns.empty()) ns = arch == cpjit::jit::Arch::X64 ? "cpjit::jit::generated_x86_64" : "cpjit::jit::generated_aarch64";

    if (digest.empty()) {
        // SHA-256 over the inputs' contents (not their paths) and the flags.
        llvm::SHA256 sha;
        for (const std::string& path : digest_inputs) {
            std::string text;
            if (!read_file(path, &text)) return usage("cannot read " + path);
            sha.update(llvm::StringRef("file " + std::to_string(text.size()) + "\n"));
            sha.update(llvm::StringRef(text));
        }
        sha.update(llvm::StringRef("flags " + flags + "\n"));
        auto bytes = sha.final();
        digest = "sha256:";
        static const char* hexd = "0123456789abcdef";
        for (uint8_t b : bytes) {
            digest += hexd[b >> 4];
            digest += hexd[b & 15];
        }
    }

    std::string dis_err;
    auto dis = Disassembler::create(arch, &dis_err);
    if (!dis) {
        std::cerr << "cpjit-stencil-extract: error: " << dis_err << "\n";
        return 2;
    }
    ModelOptions opts;
    opts.helpers = helpers;
    std::vector<std::string> errors;
    std::vector<StencilModel> stencils;
    for (const auto& [name, path] : objects) {
        ObjFile obj;
        std::string err;
        if (!read_object_file(path, &obj, &err)) {
            std::cerr << "cpjit-stencil-extract: error: " << err << "\n";
            return 2;
        }
        if (obj.arch != arch) {
            errors.push_back("stencil '" + name + "': " + path + " is not for " + target);
            continue;
        }
        size_t before = errors.size();
        StencilModel m = build_stencil(name, obj, opts, &errors);
        for (size_t i = before; i < errors.size(); i++) errors[i] += " [" + path + "]";
        if (errors.size() == before) rewrite_exit_branch(m, dis->run(m.code));
        stencils.push_back(std::move(m));
    }
    if (!errors.empty()) {
        for (const std::string& e : errors) std::cerr << "cpjit-stencil-extract: error: " << e << "\n";
        return 1;
    }

    OutputInfo info;
    info.arch = arch;
    info.target = target;
    info.digest = digest;
    info.flags = flags;
    info.cpp_namespace = ns;
    // Only the helpers some stencil uses get an index, in the order given.
    for (const std::string& h : helpers) {
        bool used = false;
        for (const StencilModel& s : stencils)
            for (const auto* list : {&s.holes, &s.data_holes})
                for (const ModelHole& hole : *list) used |= hole.value == cpjit::jit::HoleValue::Helper && hole.helper == h;
        if (used) info.helpers.push_back(h);
    }

    if (!header_path.empty() && !write_file(header_path, write_header(info, stencils, *dis))) {
        std::cerr << "cpjit-stencil-extract: error: cannot write " << header_path << "\n";
        return 2;
    }
    if (!dump_path.empty() && !write_file(dump_path, write_dump(info, stencils, *dis))) {
        std::cerr << "cpjit-stencil-extract: error: cannot write " << dump_path << "\n";
        return 2;
    }
    return 0;
}
