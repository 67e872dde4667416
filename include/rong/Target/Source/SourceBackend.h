//===- SourceBackend.h - Kernel IR to vendor source text --------*- C++ -*-===//
//
// This file declares the portable source backend: it prints Rong's kernel IR
// (the gpu.func kernels rong-fusion-to-gpu builds) as source text for a vendor
// toolchain, through a profile per vendor: CUDA C++ (NVIDIA, Iluvatar CoreX),
// HIP (AMD, Hygon DCU), MUSA (Moore Threads), MACA (MetaX) and OpenCL C. The
// kernel bodies are the same for every CUDA-like profile; profiles differ in
// headers, runtime names, launch syntax, the warp width (always taken from
// the target descriptor) and the features they may use.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_SOURCE_SOURCEBACKEND_H
#define RONG_TARGET_SOURCE_SOURCEBACKEND_H

#include "rong/Target/TargetDescriptor.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::rong::source {

/// The language a profile prints.
enum class SourceLanguage {
  CUDALike, ///< CUDA C++ and its vendor dialects (HIP, MUSA, MACA, CoreX).
  OpenCLC,  ///< OpenCL C 1.2.
};

/// How a CUDA-like profile spells a kernel launch in its host launchers.
enum class LaunchSyntax {
  TripleChevron,      ///< kernel<<<grid, block, shared, stream>>>(args...)
  HipLaunchKernelGGL, ///< hipLaunchKernelGGL(kernel, grid, block, ...)
  None,               ///< OpenCL: the host enqueues an NDRange itself.
};

/// Everything that differs between vendors' source dialects.
struct SourceProfile {
  /// Profile name: "cuda", "hip", "musa", "maca", "corex", "opencl".
  llvm::StringLiteral name;
  SourceLanguage language;
  /// Vendor and toolchain, for the generated banner and BUILD.md.
  llvm::StringLiteral vendor;
  /// Name of the kernels file in a package.
  llvm::StringLiteral fileName;
  /// The runtime header the file includes (empty for OpenCL).
  llvm::StringLiteral runtimeHeader;
  /// Prefix of runtime API names: cuda, hip, musa, mc.
  llvm::StringLiteral apiPrefix;
  /// Full-warp mask for the *_sync shuffles; empty: mask-free shuffles. Only
  /// NVIDIA profiles may use the 32-lane 0xffffffff mask.
  llvm::StringLiteral fullWarpMask;
  LaunchSyntax launch;
  /// Compiler command line that builds the kernels file (BUILD.md).
  llvm::StringLiteral buildCommand;
  /// Whether that command was run on this file type in Rong's CI.
  llvm::StringLiteral verifiedInCI;
  /// The documentation page under docs/targets/.
  llvm::StringLiteral docsPage;
  /// The vendor BLAS a host program calls for a plan's gemm steps.
  llvm::StringLiteral blasLibrary;
};

/// The profile called `name`, or null.
const SourceProfile *lookupSourceProfile(llvm::StringRef name);

/// The profile that matches a target descriptor (`musa-mp31` -> `musa`), or
/// null for targets without one (cpu, sm_XX, gfxXXX).
const SourceProfile *profileForTarget(const TargetDescriptor &target);

/// "cuda, hip, musa, maca, corex, opencl" for diagnostics.
std::string listSourceProfiles();

/// Prints one kernel as source text for `profile` with warp (subgroup) width
/// `warpSize`. Emits an error naming the op and fails on any op the printer
/// does not know; nothing unknown is passed through.
LogicalResult printKernel(gpu::GPUFuncOp kernel, const SourceProfile &profile,
                          unsigned warpSize, llvm::raw_ostream &os);

/// A kernels file with its launch table and build notes.
struct SourcePackage {
  std::string fileName;
  std::string source;
  /// The launch table: per kernel its symbol, grid, block, shared bytes and
  /// argument order, names, shapes and dtypes (written as launch.json).
  llvm::json::Value launchTable = nullptr;
  /// BUILD.md: the vendor compiler's command line and how to launch.
  std::string buildNotes;
};

/// Prints every kernel of `module`'s gpu.modules (kernel IR, as
/// rong-fusion-to-gpu leaves it) for `profile`; the warp width and the
/// limits come from `target`. The module is not modified (kernels are
/// canonicalized on a copy first).
FailureOr<SourcePackage> emitSourcePackage(ModuleOp module,
                                           const TargetDescriptor &target,
                                           const SourceProfile &profile);

} // namespace mlir::rong::source

#endif // RONG_TARGET_SOURCE_SOURCEBACKEND_H
