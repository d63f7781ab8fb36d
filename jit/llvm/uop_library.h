// The uop functions, parsed once from the embedded bitcode
// (uop_bitcode.h): a module a trace's module is cloned from.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jit/tier2/trace.h"

namespace llvm {
class Function;
class LLVMContext;
class Module;
}  // namespace llvm

namespace cpjit::jit {

class UopLibrary {
public:
    // nullptr (and `error` says why) when the bitcode does not parse or
    // lacks a uop's function.
    static std::unique_ptr<UopLibrary> load(llvm::LLVMContext& ctx, std::string& error);
    ~UopLibrary();

    const llvm::Module& module() const { return *module_; }
    // The function of uop `op` in module().
    llvm::Function* function(UopOp op) const { return functions_[size_t(op)]; }

private:
    UopLibrary() = default;
    std::unique_ptr<llvm::Module> module_;
    std::vector<llvm::Function*> functions_;  // by UopOp
};

}  // namespace cpjit::jit
