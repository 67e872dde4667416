//===- AccumulationLoop.h - Loops that accumulate in blocks -----*- C++ -*-===//
//
// This file declares the loop a thread walks its part of a row or column
// with, folding each element into running partial values. A long walk is
// cut into blocks whose partial values start afresh and are then folded
// into the running ones (cascade summation), so that a float sum's rounding
// error grows with the block length and the nest depth instead of with the
// number of elements.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_ACCUMULATIONLOOP_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_ACCUMULATIONLOOP_H

#include "RowReduce.h"

namespace mlir::rong::gpu_codegen {

/// Iterations of the innermost loop of a blocked walk, and the factor
/// between the lengths of consecutive levels.
constexpr int64_t kAccumulationBlock = 32;
/// Walks of at most this many iterations stay one loop: their sums are as
/// accurate as a few more levels would make them, and a GPU thread (whose
/// walks are short: a long row is shared by a block) keeps its registers.
constexpr int64_t kLongestPlainWalk = 256;

/// One iteration of a walk: folds the elements at `index` into `accs` and
/// returns the new accumulators (it may also store outputs).
using AccumulateStep =
    llvm::function_ref<SmallVector<Value>(Value index, ValueRange accs)>;

/// True if the accumulated value of `red` depends on the order of its
/// additions: a float sum or mean, or a max that carries an online softmax's
/// sum (`carriesSum`). Integer sums, maxima and minima are exact in any
/// order; float products lose the same relative precision in any order.
bool roundsByOrder(const RowReduction &red, bool carriesSum);

/// Emits `trips` iterations of `step` at indices `first`, `first + stride`,
/// ..., carrying accumulators from `init`, and returns their final values.
/// Walks longer than kLongestPlainWalk iterations become a nest: each
/// level runs blocks of kAccumulationBlock times the length of the level
/// inside it, every block starting from `identities` (one per accumulator)
/// and folded into the running values with `merge`. The steps run in the
/// same order as in one loop; only the order of the additions changes.
/// Walks given no identities (accumulators exact in any order, see
/// roundsByOrder) stay one loop.
SmallVector<Value> emitAccumulationLoop(OpBuilder &b, Location loc,
                                        Value first, int64_t stride,
                                        int64_t trips, ValueRange init,
                                        ValueRange identities,
                                        TupleCombine merge,
                                        AccumulateStep step);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_ACCUMULATIONLOOP_H
