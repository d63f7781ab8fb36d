// `cpjit stencils`: shows the stencil tables compiled into this build (both
// targets are, see jit/copy_patch/stencil_set.h). Everything printed comes from the
// tables and the X-macro descriptions of holes and relocation kinds
// (jit/copy_patch/reloc.h); nothing here knows a particular stencil or kind.
#include "tools/stencils_command.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "jit/copy_patch/reloc.h"
#include "jit/copy_patch/stencil_set.h"
#include "tools/disasm.h"

namespace cpjit {

namespace {

using jit::Hole;
using jit::HoleValue;
using jit::RelocInfo;
using jit::Stencil;
using jit::StencilSet;

int stencils_usage_error(const std::string& msg) {
    std::fprintf(stderr, "error: %s\n(see cpjit stencils --help)\n", msg.c_str());
    return 2;
}

// "PLT32" for X64_PLT32: the kind's name without its architecture prefix.
std::string_view short_kind(const RelocInfo& r) {
    std::string_view name = r.name;
    size_t us = name.find('_');
    return us == std::string_view::npos ? name : name.substr(us + 1);
}

// The ELF name ("R_X86_64_PLT32"), or ours for a fused pseudo-kind.
std::string_view long_kind(const RelocInfo& r) { return *r.elf_name ? r.elf_name : r.name; }

// What the JIT patches into the hole: a hole symbol, a helper, or this
// stencil's own code or data.
std::string hole_target(const StencilSet& set, const Hole& h) {
    switch (h.value) {
    case HoleValue::Code: return "code";
    case HoleValue::Data: return "data";
    case HoleValue::Helper:
        return h.helper < set.num_helpers ? set.helpers[h.helper] : fmt::format("helper#{}", h.helper);
    default: return jit::kHoleValueInfo[size_t(h.value)].symbol;
    }
}

std::string describe_hole(const StencilSet& set, const Hole& h) {
    const RelocInfo& r = jit::reloc_info(h.kind);
    std::string s = fmt::format("{} {}{:+d}", long_kind(r), hole_target(set, h), h.addend);
    if (r.uses_got) s += r.relaxable ? " (GOT, relaxed when in range)" : " (GOT)";
    return s;
}

size_t num_holes(const Stencil& s) { return size_t(s.num_holes) + s.num_data_holes; }

// Holes of `s` per relocation kind, indexed like kRelocInfo.
std::vector<size_t> holes_by_kind(const Stencil& s) {
    std::vector<size_t> n(jit::kNumRelocKinds, 0);
    for (uint32_t i = 0; i < s.num_holes; ++i) n[size_t(s.holes[i].kind)]++;
    for (uint32_t i = 0; i < s.num_data_holes; ++i) n[size_t(s.data_holes[i].kind)]++;
    return n;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// 23 or 23.5: medians of an even count may fall between two sizes.
std::string number(double x) {
    return x == double(int64_t(x)) ? fmt::format("{}", int64_t(x)) : fmt::format("{:.1f}", x);
}

}  // namespace

std::string stencils_table(const StencilSet& set, const std::vector<const Stencil*>& shown) {
    size_t name_w = 7;
    for (const Stencil* s : shown) name_w = std::max(name_w, std::string_view(s->name).size());
    std::string out = fmt::format("stencils for {} ({})\n", set.short_name, set.target);
    out += "code, data: bytes copied; holes: fields the JIT patches; removable jump: the trailing\n"
           "jump to _JIT_CONTINUE, not copied when the next stencil is placed right after\n\n";
    out += fmt::format("{:<{}}  {:>5}  {:>5}  {:>5}  {:<14}  {}\n", "stencil", name_w, "code", "data", "holes",
                       "removable jump", "holes by relocation kind");
    for (const Stencil* s : shown) {
        std::string kinds;
        std::vector<size_t> by_kind = holes_by_kind(*s);
        for (size_t k = 0; k < jit::kNumRelocKinds; ++k)
            if (by_kind[k]) kinds += fmt::format("{}{} x{}", kinds.empty() ? "" : ", ", short_kind(jit::kRelocInfo[k]), by_kind[k]);
        std::string jump = s->trailing_jump_size ? fmt::format("{} bytes", s->trailing_jump_size) : "no";
        out += fmt::format("{:<{}}  {:>5}  {:>5}  {:>5}  {:<14}  {}\n", s->name, name_w, s->code_size, s->data_size,
                           num_holes(*s), jump, kinds.empty() ? "-" : kinds);
    }

    // Summary over the stencils shown.
    std::vector<double> code, holes;
    uint64_t code_total = 0, data_total = 0, holes_total = 0;
    size_t removable = 0;
    const Stencil* smallest = shown.front();
    const Stencil* largest = shown.front();
    const Stencil* most_holes = shown.front();
    std::vector<size_t> kinds_total(jit::kNumRelocKinds, 0);
    std::vector<uint32_t> jump_sizes;
    for (const Stencil* s : shown) {
        code.push_back(s->code_size);
        holes.push_back(double(num_holes(*s)));
        code_total += s->code_size;
        data_total += s->data_size;
        holes_total += num_holes(*s);
        if (s->code_size < smallest->code_size) smallest = s;
        if (s->code_size > largest->code_size) largest = s;
        if (num_holes(*s) > num_holes(*most_holes)) most_holes = s;
        if (s->trailing_jump_size) {
            removable++;
            if (std::find(jump_sizes.begin(), jump_sizes.end(), s->trailing_jump_size) == jump_sizes.end())
                jump_sizes.push_back(s->trailing_jump_size);
        }
        std::vector<size_t> by_kind = holes_by_kind(*s);
        for (size_t k = 0; k < jit::kNumRelocKinds; ++k) kinds_total[k] += by_kind[k];
    }
    const double n = double(shown.size());
    out += "\n";
    out += shown.size() == set.num_stencils
               ? fmt::format("{} stencils\n", shown.size())
               : fmt::format("{} of {} stencils shown (figures below are for these)\n", shown.size(), set.num_stencils);
    out += fmt::format("code bytes:  {} in all, median {}, mean {:.1f}, smallest {} ({}), largest {} ({})\n",
                       code_total, number(median(code)), double(code_total) / n, smallest->code_size,
                       smallest->name, largest->code_size, largest->name);
    out += fmt::format("data bytes:  {} in all\n", data_total);
    out += fmt::format("holes:       {} in all; per stencil mean {:.2f}, median {}, max {} ({})\n", holes_total,
                       double(holes_total) / n, number(median(holes)), num_holes(*most_holes), most_holes->name);
    for (size_t k = 0; k < jit::kNumRelocKinds; ++k)
        if (kinds_total[k])
            out += fmt::format("  {:<20} {:>4}  {}\n", short_kind(jit::kRelocInfo[k]), kinds_total[k],
                               long_kind(jit::kRelocInfo[k]));
    std::string sizes;
    for (uint32_t b : jump_sizes) sizes += fmt::format("{}{}", sizes.empty() ? "" : "/", b);
    out += fmt::format("trailing jump to _JIT_CONTINUE removable: {} of {} stencils{}\n", removable, shown.size(),
                       removable ? fmt::format(" ({} bytes each)", sizes) : "");
    std::string helpers;
    for (uint32_t i = 0; i < set.num_helpers; ++i) helpers += fmt::format("{}{}", i ? ", " : "", set.helpers[i]);
    out += fmt::format("helpers:     {}\n", helpers.empty() ? "none" : helpers);
    out += fmt::format("digest:      {}\n", set.digest);
    out += fmt::format("clang flags: {}\n", set.flags);
    return out;
}

namespace {

// A hex column wide enough for the longest x86-64 stencil instruction
// (movabs, 10 bytes); a longer one just pushes its text to the right.
constexpr size_t kHexColumn = 10 * 3;
constexpr std::string_view kIndent = "  ";
constexpr size_t kOffsetColumn = 6;  // "0012  "

// "^ ..." under byte `byte` of the hex column of the line above.
std::string caret_line(size_t byte, const std::string& text) {
    return fmt::format("{}{}^ {}\n", kIndent, std::string(kOffsetColumn + 3 * byte, ' '), text);
}

}  // namespace

std::string stencil_listing(const StencilSet& set, const Stencil& s, const tools::Disassembler& dis) {
    std::string out = fmt::format("== {} ({}): code {} bytes (align {}), data {} bytes (align {}), {} holes\n",
                                  s.name, set.short_name, s.code_size, s.code_align, s.data_size, s.data_align,
                                  num_holes(s));
    const uint32_t jump_at = s.code_size - s.trailing_jump_size;
    std::vector<bool> shown(s.num_holes, false);
    for (const tools::Insn& insn : dis.run(s.code, s.code_size, 0)) {
        std::string hex;
        for (uint32_t i = 0; i < insn.size; ++i) hex += fmt::format("{:02x} ", s.code[insn.address + i]);
        std::string text = insn.operands.empty() ? insn.mnemonic : insn.mnemonic + " " + insn.operands;
        out += fmt::format("{}{:04x}  {:<{}} {}\n", kIndent, insn.address, hex, kHexColumn, text);
        for (uint32_t h = 0; h < s.num_holes; ++h) {
            const Hole& hole = s.holes[h];
            if (hole.offset < insn.address || hole.offset >= insn.address + insn.size) continue;
            shown[h] = true;
            out += caret_line(hole.offset - insn.address,
                              fmt::format("hole {} at {:#x}: {}", h, hole.offset, describe_hole(set, hole)));
        }
        if (s.trailing_jump_size && insn.address == jump_at)
            out += caret_line(0, fmt::format("trailing jump ({} bytes): dropped when the next stencil follows",
                                             s.trailing_jump_size));
    }
    // Never drop a hole silently, even one outside every decoded instruction.
    for (uint32_t h = 0; h < s.num_holes; ++h)
        if (!shown[h])
            out += fmt::format("{}hole {} at {:#x} (not inside an instruction): {}\n", kIndent, h,
                               s.holes[h].offset, describe_hole(set, s.holes[h]));
    if (!s.trailing_jump_size) out += fmt::format("{}(no removable trailing jump)\n", kIndent);

    if (s.data_size == 0) return out + fmt::format("{}read-only data: none\n", kIndent);
    out += fmt::format("{}read-only data ({} bytes, copied next to the code):\n", kIndent, s.data_size);
    constexpr uint32_t kPerLine = 8;
    for (uint32_t line = 0; line < s.data_size; line += kPerLine) {
        std::string hex;
        uint32_t end = std::min(s.data_size, line + kPerLine);
        for (uint32_t i = line; i < end; ++i) hex += fmt::format("{:02x} ", s.data[i]);
        out += fmt::format("{}{:04x}  {}\n", kIndent, line, hex);
        for (uint32_t h = 0; h < s.num_data_holes; ++h) {
            const Hole& hole = s.data_holes[h];
            if (hole.offset >= line && hole.offset < end)
                out += caret_line(hole.offset - line,
                                  fmt::format("data hole {} at {:#x}: {}", h, hole.offset, describe_hole(set, hole)));
        }
    }
    for (uint32_t h = 0; h < s.num_data_holes; ++h)
        if (s.data_holes[h].offset >= s.data_size)
            out += fmt::format("{}data hole {} at {:#x} (past the data): {}\n", kIndent, h, s.data_holes[h].offset,
                               describe_hole(set, s.data_holes[h]));
    return out;
}

int cmd_stencils(const std::vector<std::string>& args) {
    const StencilSet* set = jit::host_stencils();
    if (!set) set = &jit::stencils_x86_64();
    bool disasm = false;
    std::vector<std::string> names;
    for (const std::string& a : args) {
        if (a.rfind("--target=", 0) == 0) {
            std::string_view t = std::string_view(a).substr(9);
            set = jit::stencils_for(t);
            if (!set) return stencils_usage_error(fmt::format("--target takes x86_64 or aarch64, not '{}'", t));
        } else if (a == "--disasm") {
            disasm = true;
        } else if (!a.empty() && a[0] == '-') {
            return stencils_usage_error(fmt::format("unknown option '{}'", a));
        } else {
            names.push_back(a);
        }
    }
    std::vector<const Stencil*> shown;
    for (const std::string& name : names) {
        const Stencil* s = set->find(name);
        if (!s) return stencils_usage_error(fmt::format("no stencil named '{}' (cpjit stencils lists them)", name));
        shown.push_back(s);
    }
    if (names.empty())
        for (uint32_t i = 0; i < set->num_stencils; ++i) shown.push_back(&set->stencils[i]);
    if (shown.empty()) return stencils_usage_error("this build has no stencils");

    std::string out;
    if (disasm) {
        tools::Disassembler dis(set->arch);
        if (!dis.ok()) {
            std::fprintf(stderr, "error: capstone cannot disassemble %s in this build\n", set->short_name);
            return 1;
        }
        for (size_t i = 0; i < shown.size(); ++i) {
            if (i) out += '\n';
            out += stencil_listing(*set, *shown[i], dis);
        }
    } else {
        out = stencils_table(*set, shown);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace cpjit
