//===- DecomposePatterns.h - Patterns of rong-decompose ---------*- C++ -*-===//
//
// The rewrite patterns of rong-decompose that live in files of their own.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_TRANSFORMS_DECOMPOSEPATTERNS_H
#define RONG_LIB_TRANSFORMS_DECOMPOSEPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::rong {

/// rong.conv_transpose2d as one rong.conv2d per output phase, interleaved
/// (DecomposeConvTranspose.cpp).
void addConvTransposeDecomposition(RewritePatternSet &patterns);

} // namespace mlir::rong

#endif // RONG_LIB_TRANSFORMS_DECOMPOSEPATTERNS_H
