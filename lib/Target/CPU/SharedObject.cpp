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
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
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

  llvm::SmallString<128> object, library, messages;
  int fd = -1;
  bool notCreated =
      llvm::sys::fs::createTemporaryFile("rong-kernels", "o", fd, object) ||
      llvm::sys::fs::createTemporaryFile("rong-kernels", "so", library) ||
      llvm::sys::fs::createTemporaryFile("rong-lld", "log", messages);
  // Whatever was created is removed on every path out.
  llvm::FileRemover removeObject(object), removeLibrary(library),
      removeMessages(messages);
  if (notCreated)
    return llvmModule.emitError()
           << "CPU backend: cannot create temporary files";
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return llvmModule.emitError()
             << "CPU backend: the target cannot emit object files";
    codegen.run(*module);
  }

  std::string linker =
      options.linkerPath.empty() ? defaultLinkerPath() : options.linkerPath;
  SmallVector<StringRef> args{linker,         "-shared",   "--as-needed",
                              "-O2",          "--gc-sections",
                              object.str(), "-o",    library.str()};
  std::optional<StringRef> redirects[] = {std::nullopt, messages.str(),
                                          messages.str()};
  int status = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, redirects,
                                         0, 0, &error);
  if (status != 0) {
    std::string log;
    if (auto text = llvm::MemoryBuffer::getFile(messages))
      log = (*text)->getBuffer().str();
    return llvmModule.emitError() << "CPU backend: linking with '" << linker
                                  << "' failed: " << error << log;
  }
  auto bytes = llvm::MemoryBuffer::getFile(library, /*IsText=*/false);
  if (!bytes)
    return llvmModule.emitError() << "CPU backend: the linker wrote no file";
  return (*bytes)->getBuffer().str();
}
