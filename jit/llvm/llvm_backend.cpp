// The LLVM backend (jit/llvm/llvm_backend.h).
#include "jit/llvm/llvm_backend.h"

#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/IR/Module.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/IPO/GlobalDCE.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include "jit/llvm/object_info.h"
#include "jit/llvm/trace_ir.h"
#include "jit/llvm/uop_library.h"
#include "jit/tier2/uop_helper_table.h"

namespace cpjit::jit {

namespace {

constexpr const char* kEntryName = "cpjit_llvm_entry";

bool is_o2(const Tier2Options& o) { return o.backend == JitBackend::LlvmO2; }

}  // namespace

struct LlvmBackend::State {
    llvm::orc::ThreadSafeContext ctx{std::make_unique<llvm::LLVMContext>()};
    std::unique_ptr<UopLibrary> lib;
    std::unique_ptr<llvm::TargetMachine> tm;  // what the optimizer asks about the target
    std::unique_ptr<llvm::orc::LLJIT> jit;
    std::string cpu, features;                // the uop functions' target (the trace gets the same)
    ObjectInfo object;                        // of the object ORC linked last
    struct Compiled {
        llvm::orc::ResourceTrackerSP tracker;
        uint64_t code = 0, rodata = 0, mapped = 0;
    };
    std::unordered_map<const Trace*, Compiled> compiled;
};

std::unique_ptr<LlvmBackend> LlvmBackend::create(const Tier2Options& opts, Tier2Stats& stats) {
    std::unique_ptr<LlvmBackend> b(new LlvmBackend(opts, stats));
    std::string error;
    if (!b->init(error)) {
        std::fprintf(stderr, "cpjit: the LLVM backend cannot run here (%s); traces run in the uop interpreter\n",
                     error.c_str());
        return nullptr;
    }
    return b;
}

LlvmBackend::LlvmBackend(const Tier2Options& opts, Tier2Stats& stats)
    : Backend(opts, stats), s_(std::make_unique<State>()) {}

LlvmBackend::~LlvmBackend() = default;

const char* LlvmBackend::name() const { return is_o2(opts_) ? "llvm-O2" : "llvm-O0"; }

bool LlvmBackend::init(std::string& error) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto fail = [&](llvm::Error e) {
        error = llvm::toString(std::move(e));
        return false;
    };
    s_->lib = UopLibrary::load(*s_->ctx.getContext(), error);
    if (!s_->lib) return false;
    const llvm::Function* any = s_->lib->function(UopOp::CONST);
    s_->cpu = any->getFnAttribute("target-cpu").getValueAsString().str();
    s_->features = any->getFnAttribute("target-features").getValueAsString().str();

    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) return fail(jtmb.takeError());
    jtmb->setCodeGenOptLevel(is_o2(opts_) ? llvm::CodeGenOptLevel::Default : llvm::CodeGenOptLevel::None);
    auto tm = jtmb->createTargetMachine();
    if (!tm) return fail(tm.takeError());
    s_->tm = std::move(*tm);
    auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*jtmb).create();
    if (!jit) return fail(jit.takeError());
    s_->jit = std::move(*jit);

    // Sizes come from each object before it is linked.
    State* st = s_.get();
    s_->jit->getObjTransformLayer().setTransform(
        [st](std::unique_ptr<llvm::MemoryBuffer> obj) -> llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> {
            st->object = ObjectInfo{};
            read_object_info(obj->getMemBufferRef(), st->object);
            return std::move(obj);
        });
    llvm::orc::SymbolMap helpers;
    // The functions uop bodies call: the binary does not export them, so
    // the JIT is told their addresses.
    for (const UopHelper& h : uop_helpers())
        helpers[s_->jit->mangleAndIntern(h.name)] = {llvm::orc::ExecutorAddr::fromPtr(h.address),
                                                     llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
    if (llvm::Error e = s_->jit->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(helpers))))
        return fail(std::move(e));

    // The entry function: once, in its own module.
    auto m = std::make_unique<llvm::Module>("cpjit_entry", *s_->ctx.getContext());
    m->setDataLayout(s_->jit->getDataLayout());
    m->setTargetTriple(s_->jit->getTargetTriple().str());
    build_entry_function(*m, kEntryName);
    if (llvm::Error e = s_->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(m), s_->ctx)))
        return fail(std::move(e));
    auto entry = s_->jit->lookup(kEntryName);
    if (!entry) return fail(entry.takeError());
    entry_ = entry->toPtr<JitEntryFn*>();
    used_ = s_->object.code_bytes + s_->object.rodata_bytes;
    mapped_ = s_->object.mapped_bytes;
    stats_.code_mapped_bytes = mapped_;
    return true;
}

namespace {

// -O2: the module pipeline clang runs at -O2 (inlining the uop functions,
// then optimizing the trace as a whole). -O0: clang's -O0 pipeline, which
// only inlines always_inline functions. Either way the inlined uop functions
// are dropped after.
void optimize(llvm::Module& m, llvm::TargetMachine* tm, bool o2) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager mpm = o2 ? pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2)
                                     : pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
    mpm.addPass(llvm::GlobalDCEPass());
    mpm.run(m, mam);
}

}  // namespace

// The trace's module: the uop functions it calls, cloned from the library
// (internal, so they go once inlined), and the trace function.
std::unique_ptr<llvm::Module> LlvmBackend::build_module(const Trace& t, std::span<JitExitRecord> records,
                                                        const std::string& name) {
    std::unordered_set<const llvm::GlobalValue*> used;
    for (const Uop& u : t.uops) used.insert(s_->lib->function(u.op));
    llvm::ValueToValueMapTy map;
    std::unique_ptr<llvm::Module> m =
        llvm::CloneModule(s_->lib->module(), map, [&](const llvm::GlobalValue* g) { return used.count(g) != 0; });
    for (llvm::Function& f : *m)
        if (!f.isDeclaration()) f.setLinkage(llvm::GlobalValue::InternalLinkage);
    m->setDataLayout(s_->jit->getDataLayout());
    llvm::Function* fn = build_trace_function(*m, t, records, name);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    if (!s_->cpu.empty()) fn->addFnAttr("target-cpu", s_->cpu);
    if (!s_->features.empty()) fn->addFnAttr("target-features", s_->features);
    return m;
}

MachineCode* LlvmBackend::emit(Trace& t, std::span<JitExitRecord> records, uint64_t& bytes, Emitted& why) {
    // A LINK_TRACE to a trace with machine code (or to this one) jumps there
    // at once; the others return to Tier 2 until linked.
    for (JitExitRecord& rec : records) {
        if (!rec.link_to) continue;
        if (rec.link_to != &t && rec.link_to->machine) rec.link_code = rec.link_to->machine->rx;
        rec.linked = rec.link_to == &t || rec.link_code;
    }
    const std::string name = "cpjit_trace_" + std::to_string(serial_++);
    std::unique_ptr<llvm::Module> m = build_module(t, records, name);
    optimize(*m, s_->tm.get(), is_o2(opts_));

    llvm::orc::ResourceTrackerSP tracker = s_->jit->getMainJITDylib().createResourceTracker();
    if (llvm::Error e = s_->jit->addIRModule(tracker, llvm::orc::ThreadSafeModule(std::move(m), s_->ctx))) {
        llvm::consumeError(std::move(e));
        return nullptr;
    }
    auto address = s_->jit->lookup(name);
    if (!address) {
        llvm::consumeError(address.takeError());
        llvm::consumeError(tracker->remove());
        return nullptr;
    }
    const ObjectInfo& obj = s_->object;
    bytes = obj.code_bytes + obj.rodata_bytes;
    if (used_ + bytes > opts_.max_code_bytes) {  // past the cap: this one stays out too
        llvm::consumeError(tracker->remove());
        why = Emitted::CapReached;
        return nullptr;
    }
    MachineCode& c = code_pool_.take(1)[0];
    c.made_by = opts_.backend;
    c.rx = address->toPtr<uint8_t*>();
    auto size = obj.function_sizes.find(name);
    c.size = c.hot_size = size == obj.function_sizes.end() ? 0 : uint32_t(size->second);
    s_->compiled[&t] = {tracker, obj.code_bytes, obj.rodata_bytes, obj.mapped_bytes};
    used_ += bytes;
    mapped_ += obj.mapped_bytes;
    return &c;
}

void LlvmBackend::free_code(Trace& t) {
    auto it = s_->compiled.find(&t);
    if (it != s_->compiled.end()) {
        llvm::consumeError(it->second.tracker->remove());
        used_ -= it->second.code + it->second.rodata;
        mapped_ -= it->second.mapped;
        s_->compiled.erase(it);
    }
    code_pool_.give({t.machine, 1});
}

bool LlvmBackend::write_link(JitExitRecord& rec, const Trace& target) {
    rec.link_code = target.machine->rx;  // data the exit block loads: no code is written
    return true;
}

uint64_t LlvmBackend::code_bytes(const Trace& t) const {
    auto it = s_->compiled.find(&t);
    return it == s_->compiled.end() ? 0 : it->second.code;
}

uint64_t LlvmBackend::rodata_bytes(const Trace& t) const {
    auto it = s_->compiled.find(&t);
    return it == s_->compiled.end() ? 0 : it->second.rodata;
}

}  // namespace cpjit::jit
