//===- LLVMTranslation.cpp - ROCDL/LLVM dialects to one LLVM module -------===//
//
// This file implements translateToLLVMIR. Each lowered gpu.module is
// translated on its own (the ROCDL translation makes `rocdl.kernel`
// functions amdgpu_kernel and turns the work-group size attributes into
// `amdgpu-flat-work-group-size` and `!reqd_work_group_size`), then the
// modules are linked into one, so a single code generation produces one
// code object holding every kernel with one metadata note. The module gets
// the amdgcn-amd-amdhsa triple, the target's data layout, the code object
// version as the module flag `amdhsa_code_object_version` (400 or 500), and
// LLVM's default optimisation pipeline for the AMDGPU target machine.
//
//===----------------------------------------------------------------------===//

#include "AMDGPUTargetMachine.h"
#include "rong/Target/AMDGPU/AMDGPUBackend.h"
#include "rong/Target/LLVMOptimize.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"

using namespace mlir;
using namespace mlir::rong;


FailureOr<std::unique_ptr<llvm::Module>>
rocm::translateToLLVMIR(ModuleOp container, llvm::LLVMContext &context,
                        const TargetDescriptor &target,
                        const AMDGPUOptions &options) {
  if (options.codeObjectVersion != 4 && options.codeObjectVersion != 5)
    return container.emitError()
           << "AMDGPU backend: code object version "
           << options.codeObjectVersion << " is not supported (4 or 5)";
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createAMDGPUTargetMachine(target, options.optLevel, error);
  if (!machine)
    return container.emitError() << "AMDGPU backend: " << error;

  auto linked = std::make_unique<llvm::Module>("rong_kernels", context);
  linked->setTargetTriple(machine->getTargetTriple());
  linked->setDataLayout(machine->createDataLayout());
  llvm::Linker linker(*linked);
  for (auto module : container.getOps<gpu::GPUModuleOp>()) {
    std::unique_ptr<llvm::Module> translated =
        translateModuleToLLVMIR(module, context, module.getName());
    if (!translated)
      return module.emitError()
             << "AMDGPU backend: translation to LLVM IR failed";
    translated->setTargetTriple(machine->getTargetTriple());
    translated->setDataLayout(machine->createDataLayout());
    if (linker.linkInModule(std::move(translated)))
      return module.emitError() << "AMDGPU backend: linking kernel module '"
                                << module.getName() << "' failed";
  }
  linked->addModuleFlag(llvm::Module::Error, "amdhsa_code_object_version",
                        options.codeObjectVersion * 100);
  optimizeLLVMModule(*linked, *machine, options.optLevel);
  return linked;
}
