#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "runtime/loader.h"

namespace cpjit {

namespace {

// With stdio rather than a file stream: the first stream builds the C++
// locale's facets, a cost a run would pay at start-up for nothing.
bool read_whole_file(const std::string& path, std::string& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char chunk[16384];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.append(chunk, n);
    const bool ok = !std::ferror(f);
    const int saved = errno;
    std::fclose(f);
    errno = saved;
    return ok;
}

}  // namespace

bool load_program(const std::string& path, Program& out, LoadError& err) {
    std::string bytes;
    if (!read_whole_file(path, bytes)) {
        err.file = path;
        err.has_pos = false;
        err.message = fmt::format("cannot read file: {}", std::strerror(errno));
        return false;
    }
    bool binary = bytes.size() >= 4 && std::memcmp(bytes.data(), kBytecodeMagic, 4) == 0;
    bool ok = binary ? read_bytecode(path, bytes, out, err) : assemble(path, bytes, out, err);
    return ok && verify(out, err);
}

bool Program::materialize(Heap& heap) {
    constants.clear();
    constants.reserve(literals.size());
    for (auto& lit : literals) {
        Value v = Value::nil();
        bool ok = true;
        switch (lit.kind) {
        case Literal::Kind::Nil: break;
        case Literal::Kind::False: v = Value::boolean(false); break;
        case Literal::Kind::True: v = Value::boolean(true); break;
        case Literal::Kind::Int: v = heap.make_int(lit.i, ok); break;
        case Literal::Kind::Float: v = Value::number(std::isnan(lit.f) ? std::nan("") : lit.f); break;
        case Literal::Kind::String: {
            StringObj* s = heap.new_string(lit.s.data(), lit.s.size());
            ok = s != nullptr;
            if (ok) v = Value::string(s);
            break;
        }
        }
        if (!ok) return false;
        constants.push_back(v);  // rooted through trace() from here on
    }
    return true;
}

}  // namespace cpjit
