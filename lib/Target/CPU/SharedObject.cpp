//===- SharedObject.cpp - LLVM dialect to a host shared object ------------===//
//
// This file implements emitSharedObject: translate the LLVM dialect module to
// LLVM IR, optimise it with LLVM's default pipeline for the host CPU (the
// loop and SLP vectorisers widen what the kernel IR left scalar), emit a
// position-independent ELF object, and link it into a shared object with
// ld.lld, which the runtime loads from memory.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CPU/CPUBackend.h"
#include "rong/Target/LLVMOptimize.h"
#include "rong/Target/Linker.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::rong;

void cpu::registerCPUBackendDependencies(DialectRegistry &registry) {
  registry.insert<LLVM::LLVMDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

std::string cpu::defaultLinkerPath() { return findLLDLinker(); }

namespace {


std::unique_ptr<llvm::TargetMachine>
createHostMachine(const cpu::CPUOptions &options, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpuName = options.cpu;
  llvm::SubtargetFeatures features;
  if (cpuName.empty() || cpuName == "native") {
    cpuName = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.getKey(), feature.getValue());
  }
  llvm::TargetOptions targetOptions;
  auto level = options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                                       : llvm::CodeGenOptLevel::Default;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuName, features.getString(), targetOptions, llvm::Reloc::PIC_,
      std::nullopt, level));
  if (!machine)
    error = "cannot create an LLVM target machine for " + triple.str();
  return machine;
}


} // namespace

FailureOr<std::string> cpu::emitSharedObject(ModuleOp llvmModule,
                                             const CPUOptions &options) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostMachine(options, error);
  if (!machine)
    return llvmModule.emitError() << "CPU backend: " << error;

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, context, "rong_kernels");
  if (!module)
    return llvmModule.emitError() << "CPU backend: translation to LLVM IR failed";
  module->setTargetTriple(machine->getTargetTriple());
  module->setDataLayout(machine->createDataLayout());
  optimizeLLVMModule(*module, *machine, options.optLevel);

  llvm::SmallString<0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return llvmModule.emitError()
             << "CPU backend: the target cannot emit object files";
    codegen.run(*module);
  }

  std::string linker =
      options.linkerPath.empty() ? defaultLinkerPath() : options.linkerPath;
  std::string log;
  FailureOr<std::string> library = runFileTool(
      linker, {"-shared", "--as-needed", "-O2", "--gc-sections", "{in}", "-o",
               "{out}"},
      object, "o", "so", log);
  if (failed(library))
    return llvmModule.emitError() << "CPU backend: linking with '" << linker
                                  << "' failed: " << log;
  return library;
}
