//===- NVVMLowering.cpp - Kernel IR to the NVVM and LLVM dialects ---------===//
//
// This file implements the first half of the NVIDIA backend: upstream passes
// that take each gpu.module from kernel IR to the LLVM and NVVM dialects.
// memref views (the strategies' flattened buffers) are expanded to strided
// metadata first, structured control flow becomes branches, and
// convert-gpu-to-nvvm lowers the rest with the bare-pointer calling
// convention, so a kernel takes exactly one pointer per buffer argument and
// the launcher passes device pointers in argument order.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CUDA/CUDABackend.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Dynamic shared memory is a zero-length array in address space 3. It must be
/// an external declaration for NVPTX to print `.extern .shared ... []`, whose
/// address is where the launch's dynamic shared memory begins; as an internal
/// definition it would be demoted to a one-byte variable placed among the
/// static ones, and accesses past it would overwrite them.
static void externalizeDynamicSharedMemory(ModuleOp container) {
  container.walk([](LLVM::GlobalOp global) {
    auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
    if (global.getAddrSpace() == 3 && array && array.getNumElements() == 0)
      global.setLinkage(LLVM::Linkage::External);
  });
}

LogicalResult mlir::rong::cuda::lowerKernelIRToNVVM(ModuleOp container) {
  container.walk([](gpu::GPUModuleOp module) { lowerApproximateMath(module); });
  PassManager pm(container.getContext());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToNVVMOpsOptions options;
  options.useBarePtrCallConv = true;
  kernels.addPass(createConvertGpuOpsToNVVMOps(options));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(container)))
    return failure();
  externalizeDynamicSharedMemory(container);
  return success();
}
