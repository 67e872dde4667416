//===- HSACOEmitter.cpp - Kernel IR to a HSA code object ------------------===//
//
// This file implements emitHSACO, the AMDGPU backend end to end: clone the
// kernel modules, lower them to ROCDL, translate and link them into one LLVM
// module, generate an AMDGPU object and link it into a HSA code object.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/AMDGPU/AMDGPUBackend.h"
#include "rong/Target/Linker.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> rocm::emitHSACO(ModuleOp container,
                                       const TargetDescriptor &target,
                                       const AMDGPUOptions &options) {
  OwningOpRef<ModuleOp> kernels = ModuleOp::create(container.getLoc());
  for (auto module : container.getOps<gpu::GPUModuleOp>())
    kernels->push_back(module->clone());
  if (kernels->getBody()->empty())
    return container.emitError()
           << "AMDGPU backend: the module holds no gpu.module to compile";
  if (failed(lowerKernelIRToROCDL(*kernels, target)))
    return failure();

  llvm::LLVMContext context;
  FailureOr<std::unique_ptr<llvm::Module>> module =
      translateToLLVMIR(*kernels, context, target, options);
  if (failed(module))
    return failure();
  FailureOr<std::string> object =
      emitObject(**module, target, options, container.getLoc());
  if (failed(object))
    return failure();

  std::string linker =
      options.linkerPath.empty() ? findLLDLinker() : options.linkerPath;
  std::string log;
  FailureOr<std::string> hsaco = linkCodeObject(*object, linker, log);
  if (failed(hsaco))
    return container.emitError()
           << "AMDGPU backend: linking the code object with '" << linker
           << "' failed: " << log;
  return hsaco;
}
