//===- RowAnalysis.h - Per-element and per-row values -----------*- C++ -*-===//
//
// This file declares the analysis behind the row strategy. A row group
// reduces over trailing axes [rowAxis, rank) of one iteration shape; every
// value in it is either per-element (varies along the row) or per-row
// (constant along it: reduction results, values computed from them, row
// vectors such as [M, 1] inputs, splat constants). A column group reduces
// contiguous axes [rowAxis, rowEnd) that kept axes follow: its "rows" are
// columns, one per position of the lead and inner axes, and its per-row
// values are per column. Each value also has a
// level: the number of reductions on its longest path from the inputs, which
// is the pass over the row in which it becomes available. Reductions without
// keepdims drop the row; what the group computes from them lives in the
// reduced space (one value per row, shapes aligned to the leading axes).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_ROWANALYSIS_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_ROWANALYSIS_H

#include "rong/IR/RongOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::rong::gpu_codegen {

/// ArgMax reduces (value, index) pairs to the index of the largest value.
enum class ReduceKind { Sum, Mean, Max, Min, Prod, ArgMax };

struct RowReduction {
  Operation *op;
  ReduceKind kind;
  Value input;
  Value result;
  /// ArgMax only: ties go to the last index instead of the first.
  bool selectLast = false;
};

struct RowAnalysis {
  /// Shape of the per-element values.
  SmallVector<int64_t> iterShape;
  /// The reduced axes [rowAxis, rowEnd); the row is iterShape[rowAxis:rowEnd].
  /// Row groups reduce trailing axes (rowEnd is the rank); column groups have
  /// kept inner axes after the reduced ones.
  unsigned rowAxis = 0;
  unsigned rowEnd = 0;
  /// Positions of the lead axes (rows, or columns per inner position).
  int64_t numRows = 1;
  /// Elements of one row (one column's length in a column group).
  int64_t rowWidth = 1;
  /// Positions of the inner axes: 1 for row groups.
  int64_t innerWidth = 1;
  llvm::DenseMap<Value, unsigned> level;
  llvm::DenseSet<Value> perRow;
  /// Per-row values in the reduced space: results of reductions without
  /// keepdims, what the group computes from them (output fusion) and the
  /// inputs those computations read. Their shapes broadcast to leadShape()
  /// (right-aligned), not to the iteration shape.
  llvm::DenseSet<Value> reducedSpace;
  SmallVector<RowReduction> reductions;
  unsigned maxLevel = 0;

  ArrayRef<int64_t> leadShape() const {
    return ArrayRef(iterShape).take_front(rowAxis);
  }
  ArrayRef<int64_t> rowShape() const {
    return ArrayRef(iterShape).slice(rowAxis, rowEnd - rowAxis);
  }
  ArrayRef<int64_t> innerShape() const {
    return ArrayRef(iterShape).drop_front(rowEnd);
  }
  /// True for a column group: kept axes follow the reduced ones.
  bool isColumnGroup() const { return rowEnd < iterShape.size(); }

  /// The shape of `v` aligned to the iteration shape's rank: right-aligned
  /// with leading 1s, or for reduced-space values right-aligned to the lead
  /// axes with 1s over the row.
  SmallVector<int64_t> alignedShape(Value v) const;
};

/// The vector width of a row or column group whose vectors hold values of
/// `types`: `vectorBytes` over the widest element (returned in `maxBytes`),
/// halved until it divides the last axis; 1 with booleans, or when an input
/// is neither contiguous nor splat along the last axis. With `overlapTail`
/// (row groups on targets whose vector accesses need no alignment: the CPU)
/// the full width stays for rows at least that wide whose operands are whole
/// rows or splat along them, and `*overlapTail` says whether the width
/// leaves a partial last chunk (RowPlan::overlapTail).
unsigned chooseVectorWidth(const RowAnalysis &a, FusionOp fusion,
                           TypeRange types, unsigned vectorBytes,
                           unsigned &maxBytes, bool *overlapTail = nullptr);

/// True if the group stores a full-size result in pass `level`.
bool storesInPass(const RowAnalysis &a, FusionOp fusion, unsigned level);

/// True if the fusion body holds a reduction, i.e. needs the row strategy.
bool hasReduction(FusionOp fusion);

/// Analyses a row group; emits an error on the first op the row strategy
/// cannot handle.
FailureOr<RowAnalysis> analyzeRowGroup(FusionOp fusion);

/// `shape` right-aligned to `rank` with leading 1s.
SmallVector<int64_t> padShape(ArrayRef<int64_t> shape, size_t rank);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_ROWANALYSIS_H
