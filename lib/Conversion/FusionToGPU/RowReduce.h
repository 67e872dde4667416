//===- RowReduce.h - Reducing a row's partial values across threads -*- C++ -*-===//
//
// This file declares the cross-thread half of a row reduction: butterfly
// shuffles inside a subgroup, then shared memory across the subgroups of a
// block. Widths come from the target descriptor.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_ROWREDUCE_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_ROWREDUCE_H

#include "RowAnalysis.h"

#include "mlir/IR/Builders.h"

namespace mlir::rong::gpu_codegen {

/// The neutral element of `kind` as an f32 constant of `type`.
Value reductionIdentity(OpBuilder &b, Location loc, ReduceKind kind, Type type);

/// Combines two partial values (scalars or vectors) of `kind`.
Value combinePartials(OpBuilder &b, Location loc, ReduceKind kind, Value lhs,
                      Value rhs);

/// Reduces a vector of partial values to a scalar.
Value reduceVector(OpBuilder &b, Location loc, ReduceKind kind, Value vector);

/// How the threads of one row are laid out.
struct RowThreads {
  /// Threads that share a row: a power of two, a multiple of subgroupSize.
  int64_t threadsPerRow;
  int64_t subgroupSize;
  /// Index of this thread within its row.
  Value lane;
  /// Shared scratch of the block, f32, one slot of `threadsPerRow /
  /// subgroupSize` values per reduction; null when a row is one subgroup.
  Value scratch;
};

/// Reduces each thread's `partials` across the row so that every thread of
/// the row holds the results. `firstSlot` is the scratch slot of the first
/// partial; slots are never reused within a kernel, so no barrier is needed
/// after the reads.
SmallVector<Value> reduceAcrossRow(OpBuilder &b, Location loc,
                                   const RowThreads &threads,
                                   ArrayRef<Value> partials,
                                   ArrayRef<ReduceKind> kinds,
                                   int64_t firstSlot);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_ROWREDUCE_H
