//===- ObjectEmitter.cpp - LLVM IR to an AMDGPU ELF object ----------------===//
//
// This file implements emitObject: LLVM's AMDGPU code generator turns the
// linked kernel module into a relocatable ELF object (e_machine EM_AMDGPU)
// holding the kernels' code, their kernel descriptors and the HSA metadata
// note. The code generator reports problems (a call it cannot lower, LDS
// beyond the limit) through the LLVM context's diagnostic handler rather
// than by failing, so every error it reports is collected and returned as a
// failure on the caller's location.
//
//===----------------------------------------------------------------------===//

#include "AMDGPUTargetMachine.h"
#include "rong/Target/AMDGPU/AMDGPUBackend.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Collects the code generator's error messages.
struct CollectErrors : llvm::DiagnosticHandler {
  explicit CollectErrors(std::string &errors) : errors(errors) {}
  bool handleDiagnostics(const llvm::DiagnosticInfo &info) override {
    if (info.getSeverity() != llvm::DS_Error)
      return true;
    llvm::raw_string_ostream os(errors);
    llvm::DiagnosticPrinterRawOStream printer(os);
    info.print(printer);
    os << "\n";
    return true;
  }
  std::string &errors;
};

} // namespace

FailureOr<std::string> rocm::emitObject(llvm::Module &module,
                                        const TargetDescriptor &target,
                                        const AMDGPUOptions &options,
                                        Location loc) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createAMDGPUTargetMachine(target, options.optLevel, error);
  if (!machine)
    return emitError(loc) << "AMDGPU backend: " << error;

  llvm::LLVMContext &context = module.getContext();
  std::string errors;
  std::unique_ptr<llvm::DiagnosticHandler> previous =
      context.getDiagnosticHandler();
  context.setDiagnosticHandler(std::make_unique<CollectErrors>(errors));

  std::string object;
  bool cannotEmit = false;
  {
    llvm::raw_string_ostream os(object);
    llvm::buffer_ostream buffered(os);
    llvm::legacy::PassManager codegen;
    cannotEmit = machine->addPassesToEmitFile(
        codegen, buffered, nullptr, llvm::CodeGenFileType::ObjectFile);
    if (!cannotEmit)
      codegen.run(module);
  }
  context.setDiagnosticHandler(std::move(previous));

  if (cannotEmit)
    return emitError(loc)
           << "AMDGPU backend: the target cannot emit object files";
  if (!errors.empty())
    return emitError(loc) << "AMDGPU backend: the code generator for "
                          << target.arch << " reported:\n"
                          << errors;
  return object;
}
