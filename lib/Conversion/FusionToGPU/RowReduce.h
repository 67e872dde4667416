//===- RowReduce.h - Reductions across a row's threads ----------*- C++ -*-===//
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

/// The neutral element of `kind` as a constant of compute type `type` (f32,
/// i32 or i64, scalar or vector).
Value reductionIdentity(OpBuilder &b, Location loc, ReduceKind kind, Type type);

/// Combines two partial values (scalars or vectors) of `kind`.
Value combinePartials(OpBuilder &b, Location loc, ReduceKind kind, Value lhs,
                      Value rhs);

/// Reduces a vector of partial values to a scalar.
Value reduceVector(OpBuilder &b, Location loc, ReduceKind kind, Value vector);

/// How the threads of one row are laid out.
struct RowThreads {
  /// Threads that share a row: a power of two, either a multiple of
  /// subgroupSize or a part of a subgroup (rows that share it).
  int64_t threadsPerRow;
  int64_t subgroupSize;
  /// Index of this thread within its row.
  Value lane;
  /// Shared scratch of the block, one buffer per element type of the
  /// partial values (f32, and i32/i64 for integer reductions), each with one
  /// slot of `threadsPerRow / subgroupSize` values per reduction; empty when
  /// a row is one subgroup.
  SmallVector<Value, 1> scratch;

  /// The scratch buffer holding values of `type`.
  Value scratchFor(Type type) const;
};

/// Combines two tuples of per-thread values into one (same arity).
using TupleCombine =
    llvm::function_ref<SmallVector<Value>(ValueRange lhs, ValueRange rhs)>;

/// Reduces each thread's tuple `values` across the row with `combine` so that
/// every thread of the row holds the result. `firstSlot` is the scratch slot
/// of the tuple's first value (one slot per value); slots are never reused
/// within a kernel, so no barrier is needed after the reads.
SmallVector<Value> reduceTupleAcrossRow(OpBuilder &b, Location loc,
                                        const RowThreads &threads,
                                        ArrayRef<Value> values,
                                        TupleCombine combine,
                                        int64_t firstSlot);

/// reduceTupleAcrossRow for independent reductions of `kinds`.
SmallVector<Value> reduceAcrossRow(OpBuilder &b, Location loc,
                                   const RowThreads &threads,
                                   ArrayRef<Value> partials,
                                   ArrayRef<ReduceKind> kinds,
                                   int64_t firstSlot);

/// The running state of an online softmax: the maximum seen so far and the
/// sum of exp(x - max) over the values seen, rescaled whenever the maximum
/// grows. Scalars or vectors (one state per lane).
struct OnlineSoftmax {
  Value max;
  Value sum;
};

/// Merges two states. A state that has seen only -inf (masked lanes) has
/// max -inf and sum 0 and merges as the identity.
OnlineSoftmax mergeOnlineSoftmax(OpBuilder &b, Location loc,
                                 OnlineSoftmax lhs, OnlineSoftmax rhs);

/// Folds the values `x` into the lane-wise state `state`.
OnlineSoftmax accumulateOnlineSoftmax(OpBuilder &b, Location loc,
                                      OnlineSoftmax state, Value x);

/// Merges the lanes of a vector state into a scalar state.
OnlineSoftmax reduceOnlineSoftmaxVector(OpBuilder &b, Location loc,
                                        OnlineSoftmax state);

/// The running state of an argmax: the largest value seen and its index (i64
/// along the row), scalars or vectors (one state per lane).
struct ArgMaxState {
  Value value;
  Value index;
};

/// The index of masked lanes: it loses every tie, so a masked lane never
/// wins over an element of the row (INT64_MAX when ties go to the first
/// index, -1 when they go to the last).
Value argMaxSentinel(OpBuilder &b, Location loc, Type indexType,
                     bool selectLast);

/// Merges two states: the larger value wins, NaN beats any number (as
/// NumPy's argmax), and equal values keep the first index (the last with
/// `selectLast`). Associative and commutative, so any reduction order gives
/// the same index.
ArgMaxState combineArgMax(OpBuilder &b, Location loc, ArgMaxState lhs,
                          ArgMaxState rhs, bool selectLast);

/// Merges the lanes of a vector state into a scalar state.
ArgMaxState reduceArgMaxVector(OpBuilder &b, Location loc, ArgMaxState state,
                               bool selectLast);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_ROWREDUCE_H
