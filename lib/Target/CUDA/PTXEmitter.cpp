//===- PTXEmitter.cpp - NVVM dialect to PTX text --------------------------===//
//
// This file implements emitPTX: lower a clone of the kernel's gpu.module to
// NVVM, attach an #nvvm.target for the descriptor's architecture and let
// upstream gpu-module-to-binary (format "isa") run LLVM's NVPTX backend on
// it. libdevice is linked from the CUDA toolkit when kernels call math
// functions (__nv_expf, ...).
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CUDA/CUDABackend.h"

#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> cuda::emitPTX(gpu::GPUModuleOp module,
                                     const TargetDescriptor &target,
                                     const CUDAOptions &options) {
  if (target.kind != TargetKind::CUDA)
    return module.emitError()
           << "the NVIDIA backend cannot emit PTX for target '" << target.name
           << "'";
  OwningOpRef<ModuleOp> container = ModuleOp::create(module.getLoc());
  (*container)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                        UnitAttr::get(module.getContext()));
  container->push_back(module->clone());
  if (failed(lowerKernelIRToNVVM(*container)))
    return failure();

  PassManager pm(module.getContext());
  GpuNVVMAttachTargetOptions attach;
  attach.chip = target.arch.str();
  attach.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkitPath.empty() ? defaultToolkitPath()
                                                   : options.toolkitPath;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(pm.run(*container)))
    return failure();

  for (auto binaryOp : container->getOps<gpu::BinaryOp>())
    for (Attribute object : binaryOp.getObjects())
      return cast<gpu::ObjectAttr>(object).getObject().getValue().str();
  return module.emitError() << "gpu-module-to-binary produced no PTX";
}
