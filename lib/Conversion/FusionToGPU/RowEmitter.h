//===- RowEmitter.h - The passes of the row strategy ------------*- C++ -*-===//
//
// This file declares the interface between the row strategy's planning (how
// many threads per row, which rows stay on chip; RowStrategy.cpp) and the
// emission of its passes over the row (RowEmitter.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_ROWEMITTER_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_ROWEMITTER_H

#include "KernelBuilder.h"
#include "RowAnalysis.h"
#include "RowReduce.h"

namespace mlir::rong::gpu_codegen {

/// Above this many elements per thread (per row- or column-shaped value
/// kept) the row or column no longer stays in registers: 32 f32 values per
/// input keep a 1024-thread block within its 64 registers per thread.
constexpr int64_t kMaxRegisterElements = 32;

/// How a row is spread over threads.
struct RowPlan {
  /// Elements per chunk (the vector width).
  unsigned width = 1;
  int64_t threadsPerRow = 1;
  int64_t rowsPerBlock = 1;
  int64_t chunksPerThread = 1;
  bool inRegisters = true;
  /// CPU rows that the width does not divide: the last chunk re-reads the
  /// row's last `width` elements, overlapping the chunk before it; its lanes
  /// already covered contribute nothing to reductions, and its stores write
  /// the overlap again with the same values. Vector accesses are then
  /// aligned to one element only. It keeps full-width vectors (and one
  /// exp per vector) for rows such as 197 f32, which would otherwise run
  /// one element at a time.
  bool overlapTail = false;
  /// Rows that loop (not in registers): independent sets of accumulators
  /// per thread, each fed every `accumulatorSets`-th chunk and merged after
  /// the loop. A CPU core issues a vector reduction every cycle or two but
  /// waits several cycles for its result, so one set leaves the loop
  /// latency-bound; a GPU hides that latency with other warps. Divides
  /// chunksPerThread.
  int64_t accumulatorSets = 1;
  /// Rows that loop: the chunks the loop covers (a multiple of
  /// accumulatorSets); the rest, the overlapping tail included, follow it
  /// unrolled.
  int64_t loopChunks = 1;
  /// Compute a softmax's max and sum of exp(x - max) in one online pass
  /// (rescaling the sum when the max grows) instead of two passes. It saves
  /// one read of the row at the price of a second exp per element: worth it
  /// where the row is re-read from device memory, not where it is re-read
  /// from a cache that holds it (the CPU).
  bool onlineSoftmax = false;
  /// CPU rows that loop: the pass of this level also prefetches the next
  /// row's full-size inputs and outputs, one cache line at a time, so that
  /// their memory traffic overlaps this pass's arithmetic instead of
  /// stalling the passes that read and write them; -1 for none.
  int prefetchLevel = -1;
};

/// Where one row's kernel body reads and writes.
struct RowKernelIO {
  /// Flattened input and output buffers, in argument order.
  SmallVector<Value> inputs, outputs;
  /// Shared-memory copies of inputs whose rows are cached on chip.
  llvm::DenseMap<Value, Value> rowCache;
  /// Row buffers (one thread's row, compute type) of per-element values an
  /// expensive op computes in one pass and later passes read back instead of
  /// recomputing (the CPU's softmax exp).
  llvm::DenseMap<Value, Value> valueCache;
  /// Index of this thread's row.
  Value row;
  /// i1: whether `row` is this thread's own row (stores happen only where it
  /// holds); null when it always is. Threads past the last row of a
  /// subgroup shared by several rows compute the last row again.
  Value rowValid;
};

/// Max reductions `m = max(x)` paired with `s = sum(exp(x - m))` (softmax,
/// log_softmax) so that one online pass computes both.
class OnlineSoftmaxPairs {
public:
  OnlineSoftmaxPairs() = default;
  /// Pairs the reductions of `a` when `enabled`; pairs none otherwise.
  OnlineSoftmaxPairs(const RowAnalysis &a, bool enabled);

  /// The sum computed together with max reduction `max`, or null.
  const RowReduction *sumOf(Operation *max) const { return sums.lookup(max); }
  /// True if sum reduction `sum` is computed together with its max.
  bool absorbed(Operation *sum) const { return absorbedSums.contains(sum); }

private:
  llvm::DenseMap<Operation *, const RowReduction *> sums;
  llvm::DenseSet<Operation *> absorbedSums;
};

/// Column groups (RowAnalysis::isColumnGroup): one thread per vector of kept
/// columns, walking down the reduced axes (ColumnStrategy.cpp).
FailureOr<LaunchConfig> buildColumnKernel(KernelSkeleton &kernel,
                                          const RowAnalysis &analysis);

/// Emits the passes of the row strategy for one row at the builder's
/// insertion point.
void emitRowPasses(OpBuilder &b, Location loc, KernelSkeleton &kernel,
                   const RowAnalysis &analysis, const RowPlan &plan,
                   const RowThreads &threads, const RowKernelIO &io);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_ROWEMITTER_H
