//===- NarrowF64.h - f64 to f16/bf16 in one rounding ------------*- C++ -*-===//
//
// The rewrite of f64 -> f16 / bf16 truncations into a round-to-odd
// f64 -> f32 step and an f32 truncation, shared by the backends whose
// targets have no single instruction for them (the CPU, the printed
// source profiles).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_NARROWF64_H
#define RONG_TARGET_NARROWF64_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::rong {

/// Adds the rewrite of `arith.truncf` from f64 to f16 or bf16 (scalars and
/// vectors) into arith ops on f32, f64 and i32 that round once.
void populateNarrowF64Patterns(RewritePatternSet &patterns);

} // namespace mlir::rong

#endif // RONG_TARGET_NARROWF64_H
