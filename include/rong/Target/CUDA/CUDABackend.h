//===- CUDABackend.h - Kernel IR to PTX and cubin ---------------*- C++ -*-===//
//
// This file declares the NVIDIA backend: the last step from Rong's kernel IR
// (gpu.module / gpu.func over scf, arith, math, memref and vector) to PTX
// through upstream NVVM lowering and LLVM's NVPTX backend, and from PTX to a
// cubin through the CUDA toolkit's ptxas.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_CUDA_CUDABACKEND_H
#define RONG_TARGET_CUDA_CUDABACKEND_H

#include "rong/Target/TargetDescriptor.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rong::cuda {

struct CUDAOptions {
  /// CUDA toolkit root; libdevice is linked from it when kernels call math
  /// functions. Empty: defaultToolkitPath().
  std::string toolkitPath;
  /// LLVM optimisation level of the NVPTX step.
  unsigned optLevel = 3;
};

/// Registers the dialects, LLVM IR translations, target attributes and
/// conversion interfaces the NVIDIA backend needs in a context.
void registerCUDABackendDependencies(DialectRegistry &registry);

/// $CUDA_HOME, else $CUDA_PATH, else /usr/local/cuda.
std::string defaultToolkitPath();

/// Lowers every gpu.module of `container` from kernel IR to the LLVM and NVVM
/// dialects (bare-pointer kernel arguments: one pointer per memref).
LogicalResult lowerKernelIRToNVVM(ModuleOp container);

/// Lowers the f32 `afn` reciprocals (`arith.divf 1.0, %d`) and `math.exp2`
/// of `module` to `rcp.approx.ftz` and `ex2.approx.ftz`; results that
/// underflow are flushed to zero. lowerKernelIRToNVVM runs it first.
void lowerApproximateMath(gpu::GPUModuleOp module);

/// PTX text of `module` for `target` (a CUDA target). `module` is cloned, not
/// modified.
FailureOr<std::string> emitPTX(gpu::GPUModuleOp module,
                               const TargetDescriptor &target,
                               const CUDAOptions &options = {});

/// Assembles `ptx` for `target` with the ptxas at `ptxasPath` and returns the
/// cubin bytes; on failure `log` holds ptxas's output.
FailureOr<std::string> assemblePTX(StringRef ptx,
                                   const TargetDescriptor &target,
                                   StringRef ptxasPath, std::string &log);

} // namespace mlir::rong::cuda

#endif // RONG_TARGET_CUDA_CUDABACKEND_H
