//===- AMDGPUBackend.h - Kernel IR to AMDGPU code objects -------*- C++ -*-===//
//
// This file declares the AMD / Hygon DCU backend: the last step from Rong's
// kernel IR (gpu.module / gpu.func over scf, arith, math, memref and vector)
// to the ROCDL and LLVM dialects, from there to LLVM IR for
// amdgcn-amd-amdhsa, to an ELF object through LLVM's AMDGPU code generator,
// and to a HSA code object (HSACO) linked by ld.lld. No ROCm installation is
// involved: math functions become LLVM intrinsics the AMDGPU code generator
// expands, or polynomial approximations, never calls into the ROCm device
// libraries.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_AMDGPU_AMDGPUBACKEND_H
#define RONG_TARGET_AMDGPU_AMDGPUBACKEND_H

#include "rong/Target/TargetDescriptor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rong::rocm {

struct AMDGPUOptions {
  /// HSA code object version: 4 (what Hygon's DTK loads) or 5.
  unsigned codeObjectVersion = 4;
  /// LLVM optimisation level of the IR pipeline and the code generator.
  unsigned optLevel = 3;
  /// The linker; empty: findLLDLinker().
  std::string linkerPath;
};

/// Registers the dialects, LLVM IR translations and conversion interfaces
/// the AMDGPU backend needs in a context.
void registerAMDGPUBackendDependencies(DialectRegistry &registry);

/// Lowers every gpu.module of `container` from kernel IR to the LLVM and
/// ROCDL dialects for `target` (a ROCm target): math through
/// rong-amdgpu-prepare-math (a math op that would need the ROCm device
/// libraries is an error naming it), bare-pointer kernel arguments (one
/// pointer per memref), `rocdl.kernel` (the amdgpu_kernel calling
/// convention), a flat work-group size equal to the launch's block, static
/// workgroup buffers and dynamic shared memory in LDS (address space 3).
LogicalResult lowerKernelIRToROCDL(ModuleOp container,
                                   const TargetDescriptor &target);

/// Translates the gpu.modules of `container`, already lowered by
/// lowerKernelIRToROCDL, to one LLVM module for amdgcn-amd-amdhsa and
/// `target.arch`, with the code object version of `options` as the module
/// flag `amdhsa_code_object_version`, optimised at `options.optLevel`.
FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp container, llvm::LLVMContext &context,
                  const TargetDescriptor &target,
                  const AMDGPUOptions &options = {});

/// Compiles `module` (from translateToLLVMIR) to a relocatable AMDGPU ELF
/// object; any error of the code generator is reported on `loc`.
FailureOr<std::string> emitObject(llvm::Module &module,
                                  const TargetDescriptor &target,
                                  const AMDGPUOptions &options, Location loc);

/// Links a relocatable AMDGPU object into a HSA code object with ld.lld
/// (`-shared --no-undefined`); on failure `log` holds the linker's output.
FailureOr<std::string> linkCodeObject(StringRef object, StringRef linkerPath,
                                      std::string &log);

/// The whole backend: a HSA code object holding every kernel of
/// `container`'s gpu.modules, for `target`. `container` is not modified.
FailureOr<std::string> emitHSACO(ModuleOp container,
                                 const TargetDescriptor &target,
                                 const AMDGPUOptions &options = {});

} // namespace mlir::rong::rocm

#endif // RONG_TARGET_AMDGPU_AMDGPUBACKEND_H
