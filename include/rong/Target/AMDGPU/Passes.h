//===- Passes.h - AMDGPU backend passes -------------------------*- C++ -*-===//
//
// This file declares the passes of the AMDGPU backend and the pattern sets
// they are built from.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_AMDGPU_PASSES_H
#define RONG_TARGET_AMDGPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::rong::rocm {

#define GEN_PASS_DECL
#include "rong/Target/AMDGPU/Passes.h.inc"

/// Adds the rewrites of rong-amdgpu-prepare-math: polynomial approximations,
/// expansions, f32 promotion and the f32 powf lowering.
void populateAMDGPUMathPatterns(RewritePatternSet &patterns);

/// Reports every math op below `root` that would need the ROCm device
/// libraries; fails when there is one.
LogicalResult checkAMDGPUMathLowering(Operation *root);

#define GEN_PASS_REGISTRATION
#include "rong/Target/AMDGPU/Passes.h.inc"

} // namespace mlir::rong::rocm

#endif // RONG_TARGET_AMDGPU_PASSES_H
