// Parses the uop functions' bitcode (jit/llvm/uop_library.h).
#include "jit/llvm/uop_library.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

#include "jit/llvm/uop_bitcode.h"
#include "jit/llvm/uop_status.h"

namespace cpjit::jit {

UopLibrary::~UopLibrary() = default;

std::unique_ptr<UopLibrary> UopLibrary::load(llvm::LLVMContext& ctx, std::string& error) {
    std::string_view bc = uop_bitcode();
    auto buffer = llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(bc.data(), bc.size()), "uop_functions.bc", false);
    llvm::Expected<std::unique_ptr<llvm::Module>> m = llvm::parseBitcodeFile(buffer->getMemBufferRef(), ctx);
    if (!m) {
        error = "cannot parse the uop bitcode: " + llvm::toString(m.takeError());
        return nullptr;
    }
    std::unique_ptr<UopLibrary> lib(new UopLibrary());
    lib->module_ = std::move(*m);
    for (int i = 0; i < kNumUops; ++i) {
        std::string name = std::string(llvm_uop::kFunctionPrefix) + kUopInfo[i].name;
        llvm::Function* f = lib->module_->getFunction(name);
        if (!f || f->isDeclaration()) {
            error = "the uop bitcode has no function " + name;
            return nullptr;
        }
        lib->functions_.push_back(f);
    }
    return lib;
}

}  // namespace cpjit::jit
