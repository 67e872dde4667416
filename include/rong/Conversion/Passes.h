//===- Passes.h - Rong conversion passes ------------------------*- C++ -*-===//
//
// This file declares the passes that lower Rong's graph dialect towards kernel
// IR, and the pattern sets they are built from.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_CONVERSION_PASSES_H
#define RONG_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::rong {

#define GEN_PASS_DECL
#include "rong/Conversion/Passes.h.inc"

/// Adds the patterns that expand rong.softmax, rong.log_softmax,
/// rong.layer_norm and rong.rms_norm into reductions and elementwise ops.
/// With `reciprocalSoftmax`, an f32 softmax multiplies each exp by the row's
/// reciprocal (one division per row) instead of dividing each element, as
/// PyTorch's and onnxruntime's CPU kernels do: at most one more rounding.
/// (bf16/f16 results always do.)
void populateExpandRowOpsPatterns(RewritePatternSet &patterns,
                                  bool reciprocalSoftmax = false);

/// Unit attribute the softmax expansion puts on its `rong.exp` when the
/// softmax's result is bf16 or f16: the exp's value (in (0, 1]) only needs
/// far less than f32's accuracy, so kernels may compute it with a faster
/// approximation (see ElementEmitter).
inline constexpr llvm::StringLiteral kNarrowResultAttr = "rong.narrow_result";

#define GEN_PASS_REGISTRATION
#include "rong/Conversion/Passes.h.inc"

} // namespace mlir::rong

#endif // RONG_CONVERSION_PASSES_H
