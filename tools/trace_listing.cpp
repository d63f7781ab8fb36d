// The machine code section of `cpjit trace` (layout of a compiled trace in
// jit/copy_patch/trace_compiler.h). Every patched field is known from CompiledTrace::holes; a field
// whose bytes depend on where the code was mapped (absolute addresses, page
// offsets, branches out of the trace) is printed as a name instead of the
// number capstone decodes, so the listing is stable across runs.
#include "tools/trace_listing.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "jit/copy_patch/trace_compiler.h"
#include "jit/tier2/trace_printer.h"
#include "tools/disasm.h"

namespace cpjit::tools {

namespace {

using jit::CompiledTrace;
using jit::HoleValue;
using jit::PatchedHole;
using jit::RelocKind;

// Kinds whose field depends on the code's place within its 4 KiB page
// (adrp page deltas, low-12-bit offsets): never stable as a number.
constexpr RelocKind kPageKinds[] = {
    RelocKind::A64_ADR_PREL_PG_HI21,   RelocKind::A64_ADR_PREL_PG_HI21_NC, RelocKind::A64_ADD_ABS_LO12_NC,
    RelocKind::A64_LDST8_ABS_LO12_NC,  RelocKind::A64_LDST16_ABS_LO12_NC,  RelocKind::A64_LDST32_ABS_LO12_NC,
    RelocKind::A64_LDST64_ABS_LO12_NC, RelocKind::A64_LDST128_ABS_LO12_NC, RelocKind::A64_ADR_GOT_PAGE,
    RelocKind::A64_LD64_GOT_LO12_NC,   RelocKind::A64_GOT_LOAD_PAIR,
};
bool is_page_kind(RelocKind k) { return std::find(std::begin(kPageKinds), std::end(kPageKinds), k) != std::end(kPageKinds); }

// What a patched value is: words for the comment, and a name to print in
// place of the field when the number would differ from run to run.
struct Meaning {
    std::string text;
    std::string name;
    bool address = false;  // the value is an address (not stable)
};

// Assembler-style operator for a field holding part of `name`, e.g. the
// `:abs_g1_nc:` of a movk, `:got_lo12:` of a GOT load's offset.
std::string field_operator(const PatchedHole& h) {
    std::string_view elf = jit::reloc_info(h.kind).elf_name;
    constexpr std::string_view movw = "R_AARCH64_MOVW_U";
    if (elf.substr(0, movw.size()) == movw) {
        std::string op(elf.substr(movw.size()));
        for (char& ch : op) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        return ":" + op + ":";
    }
    if (elf.find("LO12") != std::string_view::npos) return h.via_got ? ":got_lo12:" : ":lo12:";
    if (elf.find("GOT_PAGE") != std::string_view::npos || (h.via_got && h.kind == RelocKind::A64_GOT_LOAD_PAIR))
        return ":got:";
    return "";
}

// `ops` with its patched field replaced by `name`: on AArch64 the first
// `#` immediate (a movk's shift comes after it), else the last number.
std::string replace_field(const std::string& ops, const std::string& name) {
    size_t first_hash = std::string::npos, last_start = std::string::npos, last_end = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
        bool boundary = i == 0 || !(std::isalnum(static_cast<unsigned char>(ops[i - 1])) || ops[i - 1] == '_');
        size_t j = i;
        if (ops[j] == '#') ++j;
        if (j < ops.size() && ops[j] == '-') ++j;
        if (!boundary || j >= ops.size() || !std::isdigit(static_cast<unsigned char>(ops[j]))) continue;
        size_t end = j;
        while (end < ops.size() && std::isalnum(static_cast<unsigned char>(ops[end]))) ++end;
        if (ops[i] == '#' && first_hash == std::string::npos) first_hash = i;
        last_start = i;
        last_end = end;
        i = end - 1;
    }
    if (first_hash != std::string::npos) {
        size_t end = first_hash + 1;
        while (end < ops.size() && (std::isalnum(static_cast<unsigned char>(ops[end])) || ops[end] == '-')) ++end;
        return ops.substr(0, first_hash) + "#" + name + ops.substr(end);
    }
    if (last_start != std::string::npos) return ops.substr(0, last_start) + name + ops.substr(last_end);
    return ops + (ops.empty() ? "" : ", ") + name;
}

class Lister {
public:
    Lister(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all,
           const jit::StencilSet& set)
        : prog_(prog), t_(t), c_(*jit::copy_patch_code(t)), all_(all), set_(set),
          rx_(uint64_t(c_.rx)), got_slots_(uint32_t(std::popcount(c_.got_helpers))), got_at_(c_.size - 8 * got_slots_),
          num_uops_(uint32_t(t.uops.size())),
          num_hot_(uint32_t(std::count_if(c_.placed.begin(), c_.placed.end(),
                                          [](const jit::PlacedStencil& p) { return p.uop >= 0; }))) {
        for (const jit::PlacedStencil& p : c_.placed)
            if (is_tail(p)) tail_ = &p;
    }

    std::string run() const;

private:
    bool inside(uint64_t addr) const { return addr >= rx_ && addr < rx_ + c_.size; }
    static bool is_tail(const jit::PlacedStencil& p) { return p.uop < 0 && p.record < 0; }
    std::string stub_name(size_t k) const {
        return fmt::format("{} stub {}", k < t_.exits.size() ? "exit" : "link", k);
    }
    std::string label(uint64_t addr) const;
    std::string local_name(const Uop& u) const;
    std::string frame_local_name(int32_t local) const;
    Meaning meaning(const PatchedHole& h) const;
    // The placed stencil (index into c_.placed) that holds `offset`.
    int32_t owner(uint32_t offset) const {
        for (size_t p = 0; p < c_.placed.size(); ++p)
            if (offset >= c_.placed[p].offset && offset < c_.placed[p].offset + c_.placed[p].size) return int32_t(p);
        return -1;
    }
    std::vector<ListedInsn> insns(uint32_t from, uint32_t size) const;
    std::vector<ListedHole> holes(const jit::PlacedStencil& p) const;
    void code(std::string& out, uint32_t from, uint32_t size, const char* indent) const;
    std::string stub_title(const jit::PlacedStencil& stub) const;
    std::string summary() const;
    // Helper h's slot in this trace's GOT (only helpers it calls have one).
    uint32_t got_slot(uint16_t h) const {
        return uint32_t(std::popcount(c_.got_helpers & ((uint64_t(1) << h) - 1)));
    }

public:
    MachineListing structured() const;

private:

    const Program& prog_;
    const Trace& t_;
    const CompiledTrace& c_;
    const std::vector<std::unique_ptr<Trace>>& all_;
    const jit::StencilSet& set_;
    uint64_t rx_;
    uint32_t got_slots_;
    uint32_t got_at_;
    uint32_t num_uops_;
    uint32_t num_hot_;  // placed stencils of the hot code (uops and spills); the stubs follow
    const jit::PlacedStencil* tail_ = nullptr;  // the exit tail (none without stubs)
};

// A code address as a place: in this trace, in another one, or a helper.
std::string Lister::label(uint64_t addr) const {
    if (inside(addr)) {
        uint32_t off = uint32_t(addr - rx_);
        for (size_t k = 0; k < c_.records.size(); ++k)
            if (off == c_.records[k].stub_offset) return stub_name(k);
        if (tail_ && off == tail_->offset) return "exit tail";
        if (off >= got_at_) return fmt::format("GOT slot {}", (off - got_at_) / 8);
        if (off == c_.hot_size) return "end of hot code";
        int32_t p = owner(off);
        if (p >= 0 && c_.placed[p].uop >= 0) {
            uint32_t d = off - c_.placed[p].offset;
            return d ? fmt::format("uop {} +{:#x}", c_.placed[p].uop, d) : fmt::format("uop {}", c_.placed[p].uop);
        }
        return fmt::format("+{:#06x}", off);
    }
    for (const auto& other : all_)
        if (other->machine && addr >= uint64_t(other->machine->rx) &&
            addr < uint64_t(other->machine->rx) + other->machine->size)
            return fmt::format("trace {} +{:#x}", other->id, addr - uint64_t(other->machine->rx));
    for (uint32_t h = 0; h < set_.num_helpers; ++h) {
        if (!(c_.got_helpers >> h & 1)) continue;
        uint64_t slot;
        std::memcpy(&slot, c_.rx + got_at_ + 8 * got_slot(uint16_t(h)), 8);
        if (slot == addr) return set_.helpers[h];
    }
    return "an address outside the JIT's code";
}

// A local of the trace's own frame.
std::string Lister::frame_local_name(int32_t local) const {
    return t_.fn && size_t(local) < t_.fn->local_names.size() ? t_.fn->local_names[size_t(local)] : "?";
}

std::string Lister::local_name(const Uop& u) const {
    for (const Function& f : prog_.functions)
        if (u.origin && !f.code.empty() && u.origin >= f.code.data() && u.origin < f.code.data() + f.code.size() &&
            size_t(u.arg) < f.local_names.size())
            return f.local_names[size_t(u.arg)];
    return "?";
}

Meaning Lister::meaning(const PatchedHole& h) const {
    int32_t p = owner(h.offset);
    const int32_t ui = p >= 0 ? c_.placed[p].uop : -1;
    // (a Fused stencil's operands are its last uop's: the trace compiler's)
    const Uop* u = ui >= 0 ? &t_.uops[size_t(ui + c_.placed[p].num_uops - 1)] : nullptr;
    if (p >= 0 && c_.placed[p].local >= 0 && (h.value == HoleValue::Operand32 || h.value == HoleValue::LocalOffset)) {
        const int32_t local = c_.placed[p].local;
        return {fmt::format("local {} ({})", local, frame_local_name(local)), "", false};
    }
    if (p >= 0 && c_.placed[p].uop < 0 && c_.placed[p].record >= 0 && h.value == HoleValue::Operand32)
        return {fmt::format("exit record {}, at byte {} of the records", c_.placed[p].record, h.symbol), "", false};
    if (p >= 0 && is_tail(c_.placed[p]) && h.value == HoleValue::ExitRecord)
        return {"the exit records of this trace", "&exit_records", true};
    if (h.value == HoleValue::LocalOffset && u)
        return {fmt::format("local {} ({}), at byte {}", u->arg, local_name(*u), u->arg * 8), "", false};
    switch (h.value) {
    case HoleValue::Code: return {"this code " + label(h.symbol + h.addend), "<code>", true};
    case HoleValue::Data: return {fmt::format("data of uop {}", ui), fmt::format("data_uop_{}", ui), true};
    case HoleValue::Helper: {
        std::string name = set_.helpers[h.helper];
        if (h.via_got) return {fmt::format("{} via GOT slot {}", name, got_slot(h.helper)), name, true};
        return {name, name, true};
    }
    case HoleValue::Continue:
    case HoleValue::JumpTarget:
    case HoleValue::SideExit: return {"-> " + label(h.symbol), "<" + label(h.symbol) + ">", true};
    case HoleValue::Operand32: {
        if (!u) break;
        switch (u->op) {
        case UopOp::LOAD_LOCAL:
        case UopOp::STORE_LOCAL: return {fmt::format("local {} ({})", u->arg, local_name(*u)), "", false};
        case UopOp::LOAD_GLOBAL:
        case UopOp::STORE_GLOBAL:
            return {fmt::format("global {} ({})", u->arg, prog_.globals[size_t(u->arg)]), "", false};
        default:
            if (is_generic(u->op))
                return {fmt::format("opcode {} ({})", u->arg, op_info(Op(u->arg)).mnemonic), "", false};
            return {fmt::format("{}", u->arg), "", false};
        }
    }
    case HoleValue::Operand64: {
        if (!u) break;
        switch (u->op) {
        case UopOp::CONST: {
            Value v = Value::from_bits(u->operand);
            const char* type = v.is_small_int() ? "int "
                               : v.is_float()   ? "float "
                               : v.is_string()  ? "string "
                               : v.is_array()   ? "array "
                                                : "";
            std::string text = type + value_literal_text(v);
            return {text, "<" + text + ">", v.is_heap()};
        }
        case UopOp::LOAD_GLOBAL:
        case UopOp::STORE_GLOBAL: {
            const std::string& g = prog_.globals[size_t(u->arg)];
            return {"address of global " + g, "&global:" + g, true};
        }
        case UopOp::PUSH_FRAME: {
            const std::string& f = reinterpret_cast<const CallSite*>(u->operand)->fn->name;
            return {"call site of function " + f, "&call_site:" + f, true};
        }
        case UopOp::LINK_TRACE: {
            uint32_t id = reinterpret_cast<const Trace*>(u->operand)->id;
            return {fmt::format("trace {}", id), fmt::format("&trace:{}", id), true};
        }
        default: return {fmt::format("{:#x}", u->operand), "", false};
        }
    }
    case HoleValue::Origin: {
        std::string where = u ? print_place(prog_, u->origin) : "?";
        return {"instruction " + where, "&instr:" + where.substr(0, where.find(' ')), true};
    }
    case HoleValue::ExitRecord:
        for (size_t k = 0; k < c_.records.size(); ++k)
            if (h.symbol == uint64_t(&c_.records[k]))
                return {fmt::format("exit record {}", k), fmt::format("&exit_record:{}", k), true};
        break;
    case HoleValue::LocalOffset: break;  // said above, whenever its uop is known
    }
    return {fmt::format("{:#x}", h.symbol), "<value>", true};
}

// Disassembles c_[from, from + size), holes said in words.
std::vector<ListedInsn> Lister::insns(uint32_t from, uint32_t size) const {
    std::vector<ListedInsn> out;
    Disassembler dis(set_.arch);
    for (const Insn& insn : dis.run(c_.rx + from, size, from)) {
        std::string ops = insn.operands, notes, replaced;
        for (const PatchedHole& h : c_.holes) {
            uint32_t width = std::max<uint32_t>(1, jit::reloc_info(h.kind).width / 8);
            if (h.offset + width <= insn.address || h.offset >= insn.address + insn.size) continue;
            Meaning m = meaning(h);
            const jit::HoleValueInfo& info = jit::kHoleValueInfo[size_t(h.value)];
            notes += fmt::format("{}{} {}", notes.empty() ? "; " : "; ",
                                 h.value == HoleValue::Helper ? "helper" : info.symbol, m.text);
            // A number that stays the same from run to run stays a number.
            bool stable;
            if (is_page_kind(h.kind)) stable = false;
            else if (jit::reloc_info(h.kind).pc_relative) stable = inside(h.via_got ? h.got_slot : h.symbol);
            else stable = !m.address;
            if (!stable && replaced.empty()) replaced = field_operator(h) + (m.name.empty() ? m.text : m.name);
        }
        if (!replaced.empty()) ops = replace_field(ops, replaced);
        ListedInsn li;
        li.address = uint32_t(insn.address);
        li.size = uint32_t(insn.size);
        li.text = insn.mnemonic + (ops.empty() ? "" : " " + ops);
        li.notes = notes;
        for (uint32_t i = 0; i < insn.size; ++i) li.bytes += fmt::format("{:02x}", c_.rx[insn.address + i]);
        out.push_back(std::move(li));
    }
    return out;
}

void Lister::code(std::string& out, uint32_t from, uint32_t size, const char* indent) const {
    for (const ListedInsn& i : insns(from, size)) {
        if (i.notes.empty()) out += fmt::format("{}{:04x}  {}\n", indent, i.address, i.text);
        else out += fmt::format("{}{:04x}  {:<40} {}\n", indent, i.address, i.text, i.notes);
    }
}

// The holes of the placed stencil p: the stencil's bytes there before and
// after patching, and what went in.
std::vector<ListedHole> Lister::holes(const jit::PlacedStencil& p) const {
    std::vector<ListedHole> out;
    for (const PatchedHole& h : c_.holes) {
        if (h.offset < p.offset || h.offset >= p.offset + p.size) continue;
        const jit::RelocInfo& ri = jit::reloc_info(h.kind);
        // The field's bytes: a whole instruction word on AArch64.
        uint32_t width = std::max<uint32_t>(1, ri.width / 8);
        if (set_.arch == jit::Arch::A64) width = *ri.elf_name ? 4 : 8;  // a fused pair: two words
        width = std::min(width, p.offset + p.size - h.offset);
        ListedHole lh;
        lh.offset = h.offset;
        lh.width = width;
        lh.kind = *ri.elf_name ? ri.elf_name : ri.name;
        lh.value = h.value == HoleValue::Helper ? "helper" : jit::kHoleValueInfo[size_t(h.value)].symbol;
        lh.meaning = meaning(h).text;
        lh.via_got = h.via_got;
        for (uint32_t i = 0; i < width; ++i) {
            lh.unpatched += fmt::format("{:02x}", p.stencil->code[h.offset - p.offset + i]);
            lh.patched += fmt::format("{:02x}", c_.rx[h.offset + i]);
        }
        out.push_back(std::move(lh));
    }
    return out;
}

MachineListing Lister::structured() const {
    MachineListing m;
    m.target = set_.short_name;
    m.summary = summary();
    m.size = c_.size;
    m.hot_size = c_.hot_size;
    if (c_.holes.empty()) return m;
    for (const jit::PlacedStencil& p : c_.placed) {
        ListedPiece piece;
        piece.uop = p.uop;
        piece.num_uops = p.num_uops;
        piece.offset = p.offset;
        piece.size = p.size;
        piece.stencil = p.stencil->name;
        piece.spill = p.spill;
        piece.box = p.box;
        piece.local = p.local;
        if (p.uop < 0) {
            piece.stub = p.record;
            piece.title = stub_title(p);
            if (p.record >= 0) {
                const jit::JitExitRecord& r = c_.records[size_t(p.record)];
                if (!r.link_to) piece.exit = int32_t(r.exit_index);
            }
        }
        piece.insns = insns(p.offset, p.size);
        piece.holes = holes(p);
        m.pieces.push_back(std::move(piece));
    }
    return m;
}

std::string Lister::stub_title(const jit::PlacedStencil& stub) const {
    if (is_tail(stub)) return "exit tail: the record an unlinked stub names back to the VM";
    const size_t k = size_t(stub.record);
    const jit::JitExitRecord& r = c_.records[k];
    std::string s = stub_name(k);
    if (!r.link_to) {
        std::string from;  // (a stub exists only for an exit some uop takes)
        for (uint32_t i = 0; i < num_uops_; ++i) {
            const Uop& u = t_.uops[i];
            bool exits = (uop_info(u.op).flags & uop_flag::EXIT) || u.op == UopOp::EXIT_TRACE;
            if (exits && u.exit == r.exit_index) {
                from = fmt::format(": exit {} of uop {} {}", r.exit_index, i, uop_info(u.op).name);
                break;
            }
        }
        s += from + ", resumes Tier 1 at " + print_place(prog_, t_.exits[r.exit_index].resume);
    } else {
        s += fmt::format(": LINK_TRACE to trace {}", r.link_to->id);
    }
    // Where the stub leads now: its jump, or the link code the tail reads.
    if (r.link_code) return s + "; linked through the exit tail: jumps to " + label(uint64_t(r.link_code));
    const uint32_t stub_end = r.stub_offset + stub.size;
    for (const PatchedHole& h : c_.holes)
        if (h.value == HoleValue::JumpTarget && h.offset >= r.stub_offset && h.offset < stub_end) {
            s += tail_ && h.symbol == rx_ + tail_->offset ? "; returns to the VM through the exit tail"
                                                          : "; linked: jumps to " + label(h.symbol);
            break;
        }
    return s;
}

// "  machine code (x86_64): hot N bytes, stubs ..., padding N bytes; N bytes
// in all": every byte of the allocation in exactly one part, so the parts add
// up to the total. Padding: alignment of the stubs, data and GOT.
std::string Lister::summary() const {
    if (c_.placed.empty())  // compiled without keep_listing: the parts are not known
        return fmt::format("  machine code ({}): hot {} bytes, stubs, data and GOT {} bytes; {} bytes in all",
                           set_.short_name, c_.hot_size, c_.size - c_.hot_size, c_.size);
    uint32_t stub_bytes = 0, data_bytes = 0, smallest_stub = UINT32_MAX, largest_stub = 0;
    const uint32_t tail_bytes = tail_ ? tail_->size : 0;
    for (const jit::PlacedStencil& p : c_.placed) {
        if (is_tail(p)) continue;
        if (p.uop < 0) {
            stub_bytes += p.size;
            smallest_stub = std::min(smallest_stub, p.size);
            largest_stub = std::max(largest_stub, p.size);
        } else {
            data_bytes += p.stencil->data_size;
        }
    }
    const size_t stubs = c_.placed.size() - num_hot_ - (tail_ ? 1 : 0);
    const std::string stub_part = stubs == 0                        ? "stubs 0 bytes"
                                  : smallest_stub == largest_stub ? fmt::format("stubs {} x {} = {} bytes", stubs,
                                                                                largest_stub, stub_bytes)
                                                                  : fmt::format("stubs {} of {} to {} = {} bytes", stubs,
                                                                                smallest_stub, largest_stub, stub_bytes);
    const uint32_t got_bytes = 8 * got_slots_;
    const std::string got_part = got_slots_ ? fmt::format("GOT {} x 8 = {} bytes", got_slots_, got_bytes) : "GOT 0 bytes";
    const uint32_t padding = c_.size - c_.hot_size - stub_bytes - tail_bytes - data_bytes - got_bytes;
    return fmt::format(
        "  machine code ({}): hot {} bytes, {}, exit tail {} bytes, data {} bytes, {}, padding {} bytes; {} bytes in all",
        set_.short_name, c_.hot_size, stub_part, tail_bytes, data_bytes, got_part, padding, c_.size);
}

std::string Lister::run() const {
    std::string out = summary() + "\n";
    if (c_.holes.empty()) {
        out += "    (holes not kept: compiled without keep_listing)\n";
        return out;
    }
    out += "    hot code:\n";
    for (const jit::PlacedStencil& p : c_.placed) {
        if (p.uop < 0) continue;
        if (p.local >= 0)
            out += fmt::format("         {}: local {} ({}) into a register   [{:04x}, {} bytes]\n", p.stencil->name,
                               p.local, frame_local_name(p.local), p.offset, p.size);
        else if (p.box)
            out += fmt::format("         {}: the cached floats into general registers   [{:04x}, {} bytes]\n",
                               p.stencil->name, p.offset, p.size);
        else if (p.spill)
            out += fmt::format("         {}: the cached values back to the stack   [{:04x}, {} bytes]\n", p.stencil->name,
                               p.offset, p.size);
        else {
            out += fmt::format("    {:3}  {}   [{}, {:04x}, {} bytes]\n", p.uop,
                               print_uop(prog_, t_, t_.uops[size_t(p.uop)]), p.stencil->name, p.offset, p.size);
            for (int32_t k = 1; k < p.num_uops; ++k)
                out += fmt::format("    {:3}  {}   [the same stencil]\n", p.uop + k,
                                   print_uop(prog_, t_, t_.uops[size_t(p.uop + k)]));
        }
        code(out, p.offset, p.size, "           ");
    }
    out += "    exit stubs:\n";
    for (size_t s = num_hot_; s < c_.placed.size(); ++s) {
        const jit::PlacedStencil& p = c_.placed[s];
        out += fmt::format("      {}   [{:04x}, {} bytes]\n", stub_title(p), p.offset, p.size);
        code(out, p.offset, p.size, "           ");
    }
    std::string stubless;
    for (size_t k = 0; k < c_.records.size(); ++k)
        if (!c_.records[k].has_stub()) stubless += fmt::format("{}{}", stubless.empty() ? "" : ", ", k);
    if (!stubless.empty())
        out += "      exits without a stub (no uop takes them: the optimizer removed their guards): " + stubless + "\n";
    // Data: where each uop's Data holes point.
    std::vector<std::pair<uint32_t, int32_t>> data;  // offset, placed stencil
    for (const PatchedHole& h : c_.holes) {
        if (h.value != HoleValue::Data) continue;
        std::pair<uint32_t, int32_t> d{uint32_t(h.symbol - rx_), owner(h.offset)};
        if (d.second >= 0 && std::find(data.begin(), data.end(), d) == data.end()) data.push_back(d);
    }
    out += data.empty() ? "    read-only data: none\n" : "    read-only data:\n";
    for (auto [off, pi] : data) {
        const jit::Stencil& s = *c_.placed[size_t(pi)].stencil;
        out += fmt::format("      uop {} [{:04x}, {} bytes]:", c_.placed[size_t(pi)].uop, off, s.data_size);
        for (uint32_t i = 0; i < s.data_size; ++i) out += fmt::format(" {:02x}", c_.rx[off + i]);
        out += '\n';
    }
    // One slot per helper the trace calls (jit/copy_patch/trace_compiler.h).
    if (!got_slots_) out += "    GOT: none (the trace calls no helper)\n";
    else out += fmt::format("    GOT [{:04x}, {} slot{}]:\n", got_at_, got_slots_, got_slots_ == 1 ? "" : "s");
    for (uint32_t h = 0; h < set_.num_helpers; ++h)
        if (c_.got_helpers >> h & 1)
            out += fmt::format("           {:04x}  slot {}: {}\n", got_at_ + 8 * got_slot(uint16_t(h)),
                               got_slot(uint16_t(h)), set_.helpers[h]);
    return out;
}

}  // namespace

std::string print_machine_code(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all,
                               const jit::StencilSet* set) {
    if (!set) set = jit::host_stencils();
    if (!jit::copy_patch_code(t) || !set) return "  machine code: none (not compiled)\n";
    return Lister(prog, t, all, *set).run();
}

MachineListing list_machine_code(const Program& prog, const Trace& t, const std::vector<std::unique_ptr<Trace>>& all,
                                 const jit::StencilSet* set) {
    if (!set) set = jit::host_stencils();
    if (!jit::copy_patch_code(t) || !set) return {};
    return Lister(prog, t, all, *set).structured();
}


// ---- What Tier 2 gave up on (TraceCache::aborts) ----

std::string print_abort(const Program& prog, const TraceAbortRecord& r) {
    std::string s = fmt::format("{} at {}", r.kind, print_place(prog, r.at));
    if (r.parent >= 0) s += fmt::format(" (from exit {} of trace {})", r.parent_exit, r.parent);
    if (r.trace >= 0) s += fmt::format(", trace {}", r.trace);
    return s;
}

std::vector<AbortGroup> group_aborts(const TraceAborts& a) {
    std::vector<AbortGroup> out;
    for (const TraceAbortRecord& r : a.first) {
        auto same = [&](const AbortGroup& g) {
            const TraceAbortRecord& f = *g.first;
            return f.reason == r.reason && f.at == r.at && f.trace == r.trace && f.parent == r.parent &&
                   f.parent_exit == r.parent_exit && f.kind == r.kind;
        };
        auto it = std::find_if(out.begin(), out.end(), same);
        if (it == out.end()) out.push_back({&r, 1});
        else ++it->times;
    }
    return out;
}

std::string print_trace_aborts(const Program& prog, const TraceCache& cache) {
    const TraceAborts& a = cache.aborts;
    if (!a.total) return "";
    std::string out = fmt::format("=== Tier 2 gave up {} {} ===\n", a.total, a.total == 1 ? "time" : "times");
    for (int k = 0; k < kNumTraceAborts; ++k)
        if (a.count[k]) out += fmt::format("  {:<15} {:>5}  {}\n", kTraceAbortNames[k], a.count[k], kTraceAbortTexts[k]);
    out += a.first.size() < a.total ? fmt::format("  where, of the first {}:\n", a.first.size()) : std::string("  where:\n");
    for (const AbortGroup& g : group_aborts(a))
        out += fmt::format("    {:<15} {}{}\n", kTraceAbortNames[int(g.first->reason)], print_abort(prog, *g.first),
                           g.times > 1 ? fmt::format(" ({} times)", g.times) : "");
    return out;
}


}  // namespace cpjit::tools
