//===- Pipelines.h - Rong's named pass pipelines ----------------*- C++ -*-===//
//
// The pipelines every driver shares (rongc, rong-opt, the Python module), so
// that a phase means the same thing wherever it is reached from.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_COMPILER_PIPELINES_H
#define RONG_COMPILER_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::rong {

struct FusionPipelineOptions {
  /// Target descriptor name (see TargetDescriptor.h).
  std::string target = "cpu";
  /// Print the fusion report to `explainStream`.
  bool explain = false;
  /// Where the fusion report goes; null means stderr.
  llvm::raw_ostream *explainStream = nullptr;
  /// Form fused groups. When false, the graph runs as exported, one op per
  /// kernel: spelled-out composites are not recognised, named row ops
  /// (softmax, norms) are expanded into their primitive ops, and every op is
  /// a group of its own. This is the unfused baseline of the benchmarks.
  bool fuse = true;
  /// Fold layout ops around matmuls into the library call's strided
  /// operands (rong-fold-layouts-into-contractions). Off keeps them as loop
  /// kernels, which tests of the loop strategy use.
  bool foldLayouts = true;
  /// Let matmuls take their bias where the target's BLAS adds it in the
  /// GEMM's epilogue (TargetDescriptor::gemmBiasEpilogue). Off when another
  /// runtime executes the target's kernel IR (`--profile=opencl`: CLBlast
  /// has no bias epilogue).
  bool gemmBiasEpilogue = true;
};

/// Graph clean-up on the imported graph: canonicalisation and CSE.
void buildGraphCleanupPipeline(OpPassManager &pm);

/// From a clean graph to fused groups: decompositions, recognition of
/// spelled-out composite ops, clean-up, then fusion formation.
void buildFusionPipeline(OpPassManager &pm,
                         const FusionPipelineOptions &options);

/// Registers the pipelines with the pass registry (`rong-fusion-pipeline`).
void registerPipelines();

} // namespace mlir::rong

#endif // RONG_COMPILER_PIPELINES_H
