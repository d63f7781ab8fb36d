#include "tools/explore.h"

#include <algorithm>
#include <memory>

#include "jit/copy_patch/stencil_set.h"
#include "jit/copy_patch/trace_compiler.h"
#include "tools/cross_compile.h"
#include "tools/trace_listing.h"

namespace cpjit::tools {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kPage =
#include "tools/explore_page.inc"
    ;

// The source line of an instruction (0 when it is not in the program).
uint32_t line_of(const Program& prog, const Instr* ins) {
    for (const Function& f : prog.functions)
        if (ins && !f.code.empty() && ins >= f.code.data() && ins < f.code.data() + f.code.size())
            return f.pos[size_t(ins - f.code.data())].line;
    return 0;
}

const char* kind_of(const Trace& t) {
    return t.parent ? "side trace" : t.from_entry ? "function entry" : t.at_return ? "return point" : "loop";
}

// For each projected uop, the optimized uop it became, or -1 when the
// optimizer removed it: the optimized uops are matched in order against
// projected ones of the same bytecode instruction and kind.
std::vector<int> kept_as(const Trace& t) {
    std::vector<int> out(t.projected.size(), -1);
    size_t j = 0;
    for (size_t i = 0; i < t.projected.size() && j < t.uops.size(); ++i) {
        const Uop& p = t.projected[i];
        const Uop& u = t.uops[j];
        if (p.op == u.op && p.origin == u.origin) {
            out[i] = int(j++);
            continue;
        }
        // A uop the optimizer rewrote (same instruction, another kind) and
        // that no later projected uop matches: kept, in its new form.
        bool later = false;
        for (size_t k = i + 1; k < t.projected.size() && !later; ++k)
            later = t.projected[k].op == u.op && t.projected[k].origin == u.origin;
        if (!later && p.origin == u.origin) out[i] = int(j++);
    }
    return out;
}

Json uop_json(const Program& prog, const Trace& t, const Uop& u) {
    Json j = {{"text", print_uop(prog, t, u)}, {"line", line_of(prog, u.origin)}};
    if (has_exit(u)) j["exit"] = u.exit;
    return j;
}

Json trace_json(const Program& prog, const Trace& t) {
    Json j = {{"id", t.id},
              {"kind", kind_of(t)},
              {"function", t.fn->name},
              {"start", print_place(prog, &t.fn->code[t.start])},
              {"line", t.fn->pos[t.start].line},
              {"parent", t.parent ? Json(t.parent->id) : Json(nullptr)},
              {"parent_exit", t.parent_exit},
              {"replaced_by", t.replaced_by ? Json(t.replaced_by->id) : Json(nullptr)},
              {"ends", t.stop_reason}};
    Json& bc = j["bytecode"] = Json::array();
    std::vector<const Instr*> seen;
    for (const Uop& u : t.projected) {
        if (!u.origin || std::find(seen.begin(), seen.end(), u.origin) != seen.end()) continue;
        seen.push_back(u.origin);
        bc.push_back({{"place", print_place(prog, u.origin)}, {"line", line_of(prog, u.origin)}});
    }
    std::vector<int> kept = kept_as(t);
    Json& pj = j["projected"] = Json::array();
    for (size_t i = 0; i < t.projected.size(); ++i) {
        Json u = uop_json(prog, t, t.projected[i]);
        u["kept_as"] = kept[i];
        pj.push_back(std::move(u));
    }
    Json& uj = j["uops"] = Json::array();
    for (const Uop& u : t.uops) uj.push_back(uop_json(prog, t, u));
    Json& ej = j["exits"] = Json::array();
    for (size_t i = 0; i < t.exits.size(); ++i) {
        const Exit& e = t.exits[i];
        ej.push_back({{"resume", print_place(prog, e.resume)},
                      {"line", line_of(prog, e.resume)},
                      {"taken", e.taken},
                      {"side", e.side ? Json(e.side->id) : Json(nullptr)},
                      {"progress", e.progress}});
    }
    return j;
}

Json machine_json(const MachineListing& m) {
    if (m.target.empty()) return nullptr;
    Json j = {{"summary", m.summary}, {"size", m.size}, {"hot_size", m.hot_size}, {"pieces", Json::array()}};
    for (const ListedPiece& p : m.pieces) {
        Json pj = {{"uop", p.uop},       {"spill", p.spill},   {"local", p.local},   {"stub", p.stub},     {"exit", p.exit},
                   {"stencil", p.stencil}, {"title", p.title}, {"offset", p.offset},
                   {"size", p.size},     {"insns", Json::array()}, {"holes", Json::array()}};
        for (const ListedInsn& i : p.insns)
            pj["insns"].push_back({{"a", i.address}, {"b", i.bytes}, {"t", i.text}, {"n", i.notes}});
        for (const ListedHole& h : p.holes)
            pj["holes"].push_back({{"offset", h.offset},
                                   {"kind", h.kind},
                                   {"value", h.value},
                                   {"meaning", h.meaning},
                                   {"before", h.unpatched},
                                   {"after", h.patched},
                                   {"via_got", h.via_got}});
        j["pieces"].push_back(std::move(pj));
    }
    return j;
}

// Every trace's machine code for `set` (as the run made it, or compiled
// again for the listing).
bool target_json(const Program& prog, const TraceCache& cache, const jit::StencilSet& set, Json& out,
                 std::string& error) {
    const bool ran = cache.jit() && &set == jit::host_stencils();
    std::unique_ptr<CrossCompiled> cross;
    if (!ran && !(cross = CrossCompiled::create(cache, set, error))) return false;
    out = {{"name", set.short_name}, {"ran", ran}, {"traces", Json::object()}};
    for (const auto& t : cache.traces())
        out["traces"][std::to_string(t->id)] =
            machine_json(list_machine_code(prog, *t, cache.traces(), cross ? &set : nullptr));
    return true;
}

// Edges of the trace graph: side traces, LINK_TRACE, exits linked at run
// time, rebuilt traces.
Json graph_edges(const TraceCache& cache) {
    Json edges = Json::array();
    std::vector<std::pair<Trace*, jit::CompiledTrace*>> own;
    for (const auto& t : cache.traces()) own.emplace_back(t.get(), t->machine);
    for (const auto& t : cache.traces()) {
        if (t->parent) edges.push_back({{"from", t->parent->id}, {"to", t->id}, {"kind", "side"},
                                        {"label", "exit " + std::to_string(t->parent_exit)}});
        for (const Uop& u : t->uops)
            if (u.op == UopOp::LINK_TRACE)
                edges.push_back({{"from", t->id}, {"to", reinterpret_cast<const Trace*>(u.operand)->id},
                                 {"kind", "link"}, {"label", "LINK_TRACE"}});
        if (t->replaced_by)
            edges.push_back({{"from", t->id}, {"to", t->replaced_by->id}, {"kind", "replaced"}, {"label", "rebuilt"}});
        if (!t->machine) continue;
        for (size_t k = 0; k < t->exits.size() && k < t->machine->records.size(); ++k) {
            Trace* to = exit_link_target(*t->machine, k, own);
            if (to && to != t->exits[k].side)
                edges.push_back({{"from", t->id}, {"to", to->id}, {"kind", "exit"},
                                 {"label", "exit " + std::to_string(k)}});
        }
    }
    return edges;
}

}  // namespace

bool explore_data(const Program& prog, const TraceCache* cache, const std::string& file, const std::string& source,
                  const Json& stats, Json& out, std::string& error) {
    out = Json::object();
    out["file"] = file;
    out["source"] = Json::array();
    for (size_t start = 0; start <= source.size();) {
        size_t end = source.find('\n', start);
        if (end == std::string::npos) end = source.size();
        if (start < source.size() || end > start) out["source"].push_back(source.substr(start, end - start));
        start = end + 1;
    }
    out["stats"] = stats;
    const jit::StencilSet* host = jit::host_stencils();
    out["host"] = host ? Json(host->short_name) : Json(nullptr);
    out["ran"] = !cache ? "the Tier-1 interpreter"
                 : cache->jit() && host ? std::string(host->short_name) + " machine code"
                                        : std::string("the uop interpreter");
    out["traces"] = Json::array();
    out["targets"] = Json::array();
    out["edges"] = Json::array();
    if (!cache) return true;
    for (const auto& t : cache->traces()) out["traces"].push_back(trace_json(prog, *t));
    out["edges"] = graph_edges(*cache);
    // The host's target first, then the other.
    std::vector<const jit::StencilSet*> sets = {&jit::stencils_x86_64(), &jit::stencils_aarch64()};
    if (host == sets[1]) std::swap(sets[0], sets[1]);
    for (const jit::StencilSet* set : sets) {
        Json tj;
        if (!target_json(prog, *cache, *set, tj, error)) return false;
        out["targets"].push_back(std::move(tj));
    }
    return true;
}

std::string explore_page(const Json& data) {
    // ASCII-only JSON, and no "</" that could end the <script> element.
    std::string json = data.dump(-1, ' ', true, Json::error_handler_t::replace);
    std::string safe;
    safe.reserve(json.size());
    for (size_t i = 0; i < json.size(); ++i) {
        if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') safe += "<\\";
        else safe += json[i];
    }
    std::string page = kPage;
    const std::string mark = "@@DATA@@";
    size_t at = page.find(mark);
    if (at != std::string::npos) page.replace(at, mark.size(), safe);
    return page;
}

}  // namespace cpjit::tools
