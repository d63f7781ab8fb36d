#include "writer.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace cpjit::stencil_extract {

namespace {

std::string hex(uint64_t v, int width = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llx", width, (unsigned long long)v);
    return buf;
}

std::string signed_hex(int64_t v) {
    return v < 0 ? "-0x" + hex(uint64_t(0) - uint64_t(v)) : "+0x" + hex(uint64_t(v));
}

// One line per instruction: offset, bytes, text; holes in it below, marked.
std::string listing(const StencilModel& s, Disassembler& dis, const std::string& indent) {
    std::ostringstream out;
    std::multimap<uint32_t, size_t> holes_at;  // instruction holes by field offset
    for (size_t i = 0; i < s.holes.size(); i++) holes_at.emplace(s.holes[i].offset, i);
    for (const DisasmLine& l : dis.run(s.code)) {
        std::string bytes;
        for (uint32_t i = 0; i < l.size; i++) bytes += hex(s.code[l.offset + i], 2) + (i + 1 < l.size ? " " : "");
        if (bytes.size() < 30) bytes.resize(30, ' ');
        out << indent << hex(l.offset, 4) << ": " << bytes << " " << l.text << "\n";
        for (auto it = holes_at.lower_bound(l.offset); it != holes_at.end() && it->first < l.offset + l.size; ++it) {
            const ModelHole& h = s.holes[it->second];
            out << indent << "      ^ hole " << it->second << " at " << hex(h.offset, 4) << ": "
                << jit::reloc_info(h.kind).name << " " << hole_target(h) << signed_hex(h.addend)
                << (int(it->second) == s.trailing_jump_hole ? " (trailing jump to the continuation)" : "")
                << "\n";
        }
    }
    return out.str();
}

std::string hole_line(const ModelHole& h) {
    std::string kind = jit::reloc_info(h.kind).name;
    std::string line = region_offset(h.where, h.offset);
    line.resize(std::max<size_t>(line.size() + 1, 13), ' ');
    line += kind;
    line.resize(std::max<size_t>(line.size() + 1, 13 + 24), ' ');
    std::string target = hole_target(h) + " " + signed_hex(h.addend);
    line += target;
    line.resize(std::max<size_t>(line.size() + 1, 13 + 24 + 32), ' ');
    line += h.elf_type;
    return line;
}

std::string hex_rows(const std::vector<uint8_t>& bytes, const std::string& indent) {
    std::ostringstream out;
    for (size_t i = 0; i < bytes.size(); i += 16) {
        out << indent << hex(i, 4) << ":";
        for (size_t j = i; j < std::min(bytes.size(), i + 16); j++) out << " " << hex(bytes[j], 2);
        out << "\n";
    }
    return out.str();
}

std::string summary(const StencilModel& s) {
    std::ostringstream out;
    out << "code " << s.code.size() << " bytes (align " << s.code_align << "), data " << s.data.size()
        << " bytes (align " << s.data_align << "), " << s.holes.size() << " code holes, "
        << s.data_holes.size() << " data holes";
    if (s.fused_got_pairs) out << ", " << s.fused_got_pairs << " fused GOT pairs";
    return out.str();
}

std::string trailing(const StencilModel& s) {
    if (s.trailing_jump_size)
        return "trailing jump to _JIT_CONTINUE: " + std::to_string(s.trailing_jump_size) + " bytes at code+0x" +
               hex(s.code.size() - s.trailing_jump_size) + " (hole " + std::to_string(s.trailing_jump_hole) +
               "), removable when the next stencil follows" +
               (s.exit_branch_rewritten ? " (exit branch rewritten to put it last)" : "");
    if (s.continuation_referenced) return "jump to _JIT_CONTINUE is not the last instruction: kept";
    return "no jump to _JIT_CONTINUE";
}

std::string byte_array(const std::vector<uint8_t>& bytes) {
    std::ostringstream out;
    for (size_t i = 0; i < bytes.size(); i++) {
        if (i % 16 == 0) out << "\n    ";
        out << "0x" << hex(bytes[i], 2) << ",";
    }
    return out.str();
}

std::string ident(const std::string& name) {
    std::string r;
    for (char c : name) r += (isalnum((unsigned char)c) || c == '_') ? c : '_';
    return r;
}

std::string hole_array(const std::vector<ModelHole>& holes, const OutputInfo& info) {
    std::ostringstream out;
    for (const ModelHole& h : holes) {
        size_t helper = 0;
        if (h.value == jit::HoleValue::Helper)
            helper = size_t(std::find(info.helpers.begin(), info.helpers.end(), h.helper) - info.helpers.begin());
        out << "\n    {0x" << hex(h.offset) << ", RelocKind::" << jit::reloc_info(h.kind).name
            << ", HoleValue::" << jit::kHoleValueInfo[size_t(h.value)].name << ", " << helper << ", "
            << (h.addend < 0 ? "-" : "") << "0x" << hex(h.addend < 0 ? uint64_t(0) - uint64_t(h.addend) : uint64_t(h.addend))
            << "},  // " << hole_target(h) << (h.elf_type.empty() ? "" : " " + h.elf_type);
    }
    return out.str();
}

}  // namespace

std::string write_dump(const OutputInfo& info, const std::vector<StencilModel>& stencils, Disassembler& dis) {
    std::ostringstream out;
    out << "# cpjit-stencil-extract dump\n";
    out << "target " << info.target << "\n";
    out << "digest " << info.digest << "\n";
    out << "helpers";
    for (const std::string& h : info.helpers) out << " " << h;
    out << "\n";
    for (const StencilModel& s : stencils) {
        out << "\nstencil " << s.name << "\n";
        out << "  " << summary(s) << "\n";
        out << "  sections:";
        for (const SectionPlacement& p : s.placements)
            out << " " << p.name << "->" << region_offset(p.where, p.offset) << "(" << p.size << ")";
        out << "\n  " << trailing(s) << "\n";
        out << "  holes:\n";
        for (const ModelHole& h : s.holes) out << "    " << hole_line(h) << "\n";
        if (!s.data_holes.empty()) {
            out << "  data holes:\n";
            for (const ModelHole& h : s.data_holes) out << "    " << hole_line(h) << "\n";
        }
        out << "  code:\n" << listing(s, dis, "    ");
        if (!s.data.empty()) out << "  data:\n" << hex_rows(s.data, "    ");
    }
    return out.str();
}

namespace {
std::string c_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}
}  // namespace

std::string write_header(const OutputInfo& info, const std::vector<StencilModel>& stencils, Disassembler& dis) {
    std::ostringstream out;
    out << "// Generated by cpjit-stencil-extract (tools/stencil_extract). Do not edit.\n"
        << "// target: " << info.target << "\n"
        << "// digest: " << info.digest << "\n"
        << "// flags:  " << info.flags << "\n"
        << "#pragma once\n\n#include <cstdint>\n\n#include \"jit/copy_patch/reloc.h\"\n\n"
        << "namespace " << info.cpp_namespace << " {\n\n"
        << "using ::cpjit::jit::HoleValue;\nusing ::cpjit::jit::RelocKind;\n\n"
        << "inline constexpr char kTarget[] = \"" << info.target << "\";\n"
        << "inline constexpr char kDigest[] = \"" << info.digest << "\";\n"
        << "inline constexpr char kFlags[] = \"" << c_escape(info.flags) << "\";\n"
        << "inline constexpr ::cpjit::jit::Arch kArch = ::cpjit::jit::Arch::"
        << (info.arch == jit::Arch::X64 ? "X64" : "A64") << ";\n";
    out << "// Helper functions the holes name by index (HoleValue::Helper).\n"
        << "inline constexpr const char* kHelpers[] = {";
    for (const std::string& h : info.helpers) out << "\"" << h << "\", ";
    out << "nullptr};\ninline constexpr uint32_t kNumHelpers = " << info.helpers.size() << ";\n";
    for (const StencilModel& s : stencils) {
        const std::string id = ident(s.name);
        out << "\n// ---- stencil " << s.name << " ----\n// " << summary(s) << "\n// " << trailing(s) << "\n";
        std::string lst = listing(s, dis, "//   ");
        out << lst;
        out << "alignas(" << s.code_align << ") inline constexpr uint8_t " << id << "_code[] = {"
            << byte_array(s.code) << "\n};\n";
        if (!s.data.empty())
            out << "alignas(" << s.data_align << ") inline constexpr uint8_t " << id << "_data[] = {"
                << byte_array(s.data) << "\n};\n";
        if (!s.holes.empty())
            out << "inline constexpr ::cpjit::jit::Hole " << id << "_holes[] = {" << hole_array(s.holes, info)
                << "\n};\n";
        if (!s.data_holes.empty())
            out << "inline constexpr ::cpjit::jit::Hole " << id << "_data_holes[] = {"
                << hole_array(s.data_holes, info) << "\n};\n";
    }
    out << "\ninline constexpr ::cpjit::jit::Stencil kStencils[] = {\n";
    for (const StencilModel& s : stencils) {
        const std::string id = ident(s.name);
        out << "    {\"" << s.name << "\", " << id << "_code, " << s.code.size() << ", " << s.code_align << ", "
            << (s.data.empty() ? "nullptr" : id + "_data") << ", " << s.data.size() << ", " << s.data_align << ", "
            << (s.holes.empty() ? "nullptr" : id + "_holes") << ", " << s.holes.size() << ", "
            << (s.data_holes.empty() ? "nullptr" : id + "_data_holes") << ", " << s.data_holes.size() << ", "
            << s.trailing_jump_size << ", " << s.trailing_jump_hole << "},\n";
    }
    out << "};\ninline constexpr uint32_t kNumStencils = " << stencils.size() << ";\n\n}  // namespace "
        << info.cpp_namespace << "\n";
    return out.str();
}

}  // namespace cpjit::stencil_extract
