//===- Passes.h - CPU backend passes ----------------------------*- C++ -*-===//
//
// This file declares the passes of the CPU backend and the pattern sets they
// are built from.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_CPU_PASSES_H
#define RONG_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::rong::cpu {

#define GEN_PASS_DECL
#include "rong/Target/CPU/Passes.h.inc"

/// Adds the rewrites of rong-cpu-approximate-math: Rong's f32 exp, the exp2
/// expansion, upstream's polynomial approximations and f32 promotion.
void populateCPUMathPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "rong/Target/CPU/Passes.h.inc"

} // namespace mlir::rong::cpu

#endif // RONG_TARGET_CPU_PASSES_H
