//===- ExecutionPlan.h - Lowered host function to an artifact ---*- C++ -*-===//
//
// This file declares the last step of compilation: the host function, after
// fusion groups became gpu.launch_func on buffers and contractions stand
// alone, is walked in order into the artifact's execution plan (buffers,
// launches, library calls) with intermediates placed in one arena.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_COMPILER_EXECUTIONPLAN_H
#define RONG_LIB_COMPILER_EXECUTIONPLAN_H

#include "rong/Compiler/Compile.h"
#include "rong/Target/Source/SourceBackend.h"
#include "rong/Runtime/Types.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::rong::plan {

/// One module of code for the artifact: its images (formats of the same
/// code) and the kernel symbols it defines.
struct CodeModule {
  /// The target descriptor the code was built for.
  std::string target;
  std::vector<std::pair<::rong::runtime::ModuleFormat, std::string>> images;
  std::vector<std::string> kernels;
};

/// Who runs the plan.
struct PlanBackend {
  /// The artifact's `target` ("cpu", "opencl").
  std::string artifactTarget;
  /// For diagnostics: "CPU", "OpenCL".
  std::string name;
  /// What runs gemm and conv2d, for diagnostics: "BLAS", "CLBlast".
  std::string blas;
  /// The BLAS also runs f16 and bf16 GEMMs (accumulating in f32); otherwise
  /// only f32 and f64 ones, and the CPU widens the others before fusion.
  bool lowPrecisionGemm = false;
  /// The BLAS adds a bias vector in the GEMM's epilogue (a gemm call's
  /// optional argument before C).
  bool gemmBias = false;
  /// The byte alignment the kernels need of caller memory bound to inputs
  /// and outputs (the artifact's io_alignment); 0 writes none, which means
  /// the 64 bytes of the session's own buffers.
  uint32_t ioAlignment = 0;
};

/// What a kernel launch needs that the host function does not say.
struct KernelLaunchInfo {
  std::array<int64_t, 3> grid{1, 1, 1};
  std::array<int64_t, 3> block{1, 1, 1};
  int64_t dynamicSharedBytes = 0;
  /// For people: "stitch: rong.add, rong.layer_norm".
  std::string description;
};

/// Builds the artifact from `host`. Every kernel launched must be defined by
/// one of `modules` and described in `kernels`.
/// Completes `result` (built for a source target) with its package: the
/// kernels file, launch.json (the kernel table of `package` plus the plan
/// read back from the artifact), weights.bin, model.rong and BUILD.md.
LogicalResult addSourcePackage(ModuleOp module, const TargetDescriptor &target,
                               const source::SourceProfile &profile,
                               source::SourcePackage package,
                               CompileResult &result);

FailureOr<CompileResult>
buildArtifact(func::FuncOp host, const CompileOptions &options,
              const PlanBackend &backend, ArrayRef<CodeModule> modules,
              const llvm::StringMap<KernelLaunchInfo> &kernels);

} // namespace mlir::rong::plan

#endif // RONG_LIB_COMPILER_EXECUTIONPLAN_H
