//===- LLVMOptimize.h - LLVM's optimisation pipeline for a backend -*- C++ -*-===//
//
// The CPU and AMDGPU backends translate their kernels to one LLVM module and
// run LLVM's default per-module pipeline on it for their target machine; both
// run it through this function.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_LLVMOPTIMIZE_H
#define RONG_TARGET_LLVMOPTIMIZE_H

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::rong {

/// Runs LLVM's default module pipeline at `optLevel` (0 to 3; above 3 means
/// 3) for `machine` on `module`.
void optimizeLLVMModule(llvm::Module &module, llvm::TargetMachine &machine,
                        unsigned optLevel);

} // namespace mlir::rong

#endif // RONG_TARGET_LLVMOPTIMIZE_H
