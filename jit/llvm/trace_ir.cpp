// Builds a trace's LLVM function (jit/llvm/trace_ir.h).
#include "jit/llvm/trace_ir.h"

#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include "jit/llvm/uop_status.h"

namespace cpjit::jit {

namespace {

// JitTraceFn: (vm, sp, base, c0, c1, c2, l0..l3, f0, f1, f2, fl0..fl3). The cached-value,
// local and FP registers of copy-and-patch's stencils carry nothing here (LLVM
// keeps values in registers itself); traces pass their own through, which
// costs no instruction.
llvm::FunctionType* trace_fn_type(llvm::LLVMContext& ctx) {
    llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
    llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
    llvm::Type* f64 = llvm::Type::getDoubleTy(ctx);
    llvm::Type* ret = llvm::StructType::get(ctx, {ptr, ptr});
    return llvm::FunctionType::get(ret, {ptr, ptr, ptr, i64, i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64}, false);
}

class TraceBuilder {
public:
    TraceBuilder(llvm::Module& m, const Trace& t, std::span<JitExitRecord> records, const std::string& name)
        : m_(m), ctx_(m.getContext()), t_(t), records_(records), b_(ctx_) {
        ptr_ = llvm::PointerType::get(ctx_, 0);
        fn_ = llvm::Function::Create(trace_fn_type(ctx_), llvm::Function::ExternalLinkage, name, m);
        fn_->setCallingConv(llvm::CallingConv::PreserveNone);
        vm_ = fn_->getArg(0);
    }

    llvm::Function* build() {
        llvm::BasicBlock* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
        b_.SetInsertPoint(entry);
        spp_ = b_.CreateAlloca(ptr_, nullptr, "sp");
        basep_ = b_.CreateAlloca(ptr_, nullptr, "base");
        nextp_ = b_.CreateAlloca(ptr_, nullptr, "next");
        b_.CreateStore(fn_->getArg(1), spp_);
        b_.CreateStore(fn_->getArg(2), basep_);
        exit_blocks_.assign(records_.size(), nullptr);
        std::vector<llvm::BasicBlock*> blocks;
        for (size_t i = 0; i < t_.uops.size(); ++i)
            blocks.push_back(llvm::BasicBlock::Create(ctx_, kUopInfo[size_t(t_.uops[i].op)].name, fn_));
        b_.CreateBr(blocks[0]);
        uint32_t link = uint32_t(t_.exits.size());  // LINK_TRACE records follow the exits'
        for (size_t i = 0; i < t_.uops.size(); ++i) {
            b_.SetInsertPoint(blocks[i]);
            llvm::BasicBlock* next = i + 1 < blocks.size() ? blocks[i + 1] : nullptr;
            emit_uop(t_.uops[i], blocks[0], blocks[t_.loop_head], next, link);
        }
        return fn_;
    }

private:
    // top: the trace's entry; loop: where JUMP_TO_TOP goes (past the entry guards)
    void emit_uop(const Uop& u, llvm::BasicBlock* top, llvm::BasicBlock* loop, llvm::BasicBlock* next,
                  uint32_t& link) {
        switch (u.op) {
        case UopOp::JUMP_TO_TOP: b_.CreateBr(loop); return;
        case UopOp::EXIT_TRACE: b_.CreateBr(exit_block(u.exit)); return;
        case UopOp::LINK_TRACE: {
            const uint32_t r = link++;
            // A trace linking to itself (a recursive call) loops.
            b_.CreateBr(records_[r].link_to == &t_ ? top : exit_block(r));
            return;
        }
        default: break;
        }
        llvm::Value* status = call_uop(u);
        if (u.op == UopOp::RETURN) {
            llvm::SwitchInst* sw = b_.CreateSwitch(status, exit_block(u.exit), 1);
            sw->addCase(b_.getInt32(llvm_uop::kDynamic), dynamic_block());
            return;
        }
        if (!has_exit(u)) {
            b_.CreateBr(next);
            return;
        }
        llvm::Value* stay = b_.CreateICmpEQ(status, b_.getInt32(llvm_uop::kNext));
        b_.CreateCondBr(stay, next, exit_block(u.exit), llvm::MDBuilder(ctx_).createLikelyBranchWeights());
    }

    llvm::Value* call_uop(const Uop& u) {
        llvm::Function* f = m_.getFunction(std::string(llvm_uop::kFunctionPrefix) + kUopInfo[size_t(u.op)].name);
        llvm::Value* origin = b_.CreateIntToPtr(b_.getInt64(uint64_t(u.origin)), ptr_);
        return b_.CreateCall(f, {vm_, spp_, basep_, b_.getInt32(uint32_t(u.arg)), b_.getInt64(u.operand), origin,
                                 nextp_});
    }

    // Tail call to `target` with the current sp and base (a jump).
    void tail_call(llvm::Value* target) {
        llvm::Value* sp = b_.CreateLoad(ptr_, spp_);
        llvm::Value* base = b_.CreateLoad(ptr_, basep_);
        llvm::CallInst* c =
            b_.CreateCall(trace_fn_type(ctx_), target,
                          {vm_, sp, base, fn_->getArg(3), fn_->getArg(4), fn_->getArg(5), fn_->getArg(6),
                           fn_->getArg(7), fn_->getArg(8), fn_->getArg(9), fn_->getArg(10), fn_->getArg(11),
                           fn_->getArg(12), fn_->getArg(13), fn_->getArg(14), fn_->getArg(15), fn_->getArg(16)});
        c->setCallingConv(llvm::CallingConv::PreserveNone);
        c->setTailCallKind(llvm::CallInst::TCK_MustTail);
        b_.CreateRet(c);
    }

    // Record r's exit: jump to its link target once there is one, else
    // return {record, sp} to the VM.
    llvm::BasicBlock* exit_block(uint32_t r) {
        if (exit_blocks_[r]) return exit_blocks_[r];
        llvm::IRBuilderBase::InsertPointGuard keep(b_);
        llvm::BasicBlock* block = llvm::BasicBlock::Create(ctx_, "exit", fn_);
        llvm::BasicBlock* linked = llvm::BasicBlock::Create(ctx_, "linked", fn_);
        llvm::BasicBlock* unlinked = llvm::BasicBlock::Create(ctx_, "unlinked", fn_);
        b_.SetInsertPoint(block);
        JitExitRecord& rec = records_[r];
        llvm::Value* slot = b_.CreateIntToPtr(b_.getInt64(uint64_t(&rec.link_code)), ptr_);
        llvm::Value* target = b_.CreateLoad(ptr_, slot, "link");
        b_.CreateCondBr(b_.CreateIsNotNull(target), linked, unlinked);
        b_.SetInsertPoint(linked);
        tail_call(target);
        b_.SetInsertPoint(unlinked);
        llvm::Value* ret = llvm::PoisonValue::get(fn_->getReturnType());
        ret = b_.CreateInsertValue(ret, b_.CreateIntToPtr(b_.getInt64(uint64_t(&rec)), ptr_), 0);
        ret = b_.CreateInsertValue(ret, b_.CreateLoad(ptr_, spp_), 1);
        b_.CreateRet(ret);
        return exit_blocks_[r] = block;
    }

    // RETURN found machine code to go on in (GOTO_DYNAMIC).
    llvm::BasicBlock* dynamic_block() {
        if (dynamic_) return dynamic_;
        llvm::IRBuilderBase::InsertPointGuard keep(b_);
        dynamic_ = llvm::BasicBlock::Create(ctx_, "dynamic", fn_);
        b_.SetInsertPoint(dynamic_);
        tail_call(b_.CreateLoad(ptr_, nextp_));
        return dynamic_;
    }

    llvm::Module& m_;
    llvm::LLVMContext& ctx_;
    const Trace& t_;
    std::span<JitExitRecord> records_;
    llvm::IRBuilder<> b_;
    llvm::Type* ptr_ = nullptr;
    llvm::Function* fn_ = nullptr;
    llvm::Value* vm_ = nullptr;
    llvm::Value *spp_ = nullptr, *basep_ = nullptr, *nextp_ = nullptr;
    std::vector<llvm::BasicBlock*> exit_blocks_;  // by record
    llvm::BasicBlock* dynamic_ = nullptr;
};

}  // namespace

llvm::Function* build_trace_function(llvm::Module& m, const Trace& t, std::span<JitExitRecord> records,
                                     const std::string& name) {
    return TraceBuilder(m, t, records, name).build();
}

llvm::Function* build_entry_function(llvm::Module& m, const std::string& name) {
    llvm::LLVMContext& ctx = m.getContext();
    llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
    llvm::FunctionType* trace = trace_fn_type(ctx);
    auto* type = llvm::FunctionType::get(trace->getReturnType(), {ptr, ptr, ptr, ptr}, false);
    llvm::Function* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
    llvm::Value* nothing = llvm::PoisonValue::get(b.getInt64Ty());  // nothing cached
    llvm::Value* no_float = llvm::PoisonValue::get(b.getDoubleTy());
    llvm::CallInst* c =
        b.CreateCall(trace, f->getArg(3),
                     {f->getArg(0), f->getArg(1), f->getArg(2), nothing, nothing, nothing, nothing, nothing, nothing,
                      nothing, no_float, no_float, no_float, no_float, no_float, no_float, no_float});
    c->setCallingConv(llvm::CallingConv::PreserveNone);
    b.CreateRet(c);
    return f;
}

}  // namespace cpjit::jit
