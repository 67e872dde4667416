//===- MoveReducedAxesLast.cpp - Reductions over trailing axes only -------===//
//
// This file implements rong-move-reduced-axes-last. The row kernel strategy
// reduces rows: trailing axes, contiguous in memory. Reductions over other
// axes (the bias gradient's sum over the batch, ReduceMean over N, H and W,
// softmax over axis 0) are rewritten here, once for every frontend and
// target, into a transpose that moves the reduced axes last, the same
// reduction over those trailing axes, and a view back to the original
// result shape:
//
//   reduce_sum %x axes = [0]       transpose %x [1, 0]           -> 33x64
//     (64x33 -> 33)          ==>   reduce_sum axes = [1] keepdims -> 33x1
//                                  reshape                       -> 33
//
// The transposed reduction keeps its dimensions and the reshape (a view, no
// kernel) restores the result shape with or without keepdims. Softmax and
// log-softmax over a leading axis become transpose, the op over the last
// axis, and the inverse transpose; argmax, like the reductions, a transpose,
// argmax along the last axis and a view. A permutation that only moves size-1
// dimensions is a reshape instead of a transpose, and a reduction over
// size-1 axes only is a reshape of its input.
//
// The cost is one transpose kernel in front of the reduction (and one after a
// softmax). With `column-reductions`, reductions and softmaxes over
// contiguous axes followed by kept axes stay where they are instead (a
// reduction without keepdims becomes one with keepdims and a view): the
// column strategy (docs/gpu-codegen.md) reads them in place, one thread per
// kept column, so `sum(x, axis 0)` and softmax over axis 0 are one kernel.
// `max-column-length` sends columns longer than it through the transpose:
// a GPU thread walks its whole column, while a row kernel spreads a row
// over a block.
//
// Reduced axes in separate runs (N, H and W of NCHW, for batch-norm
// statistics in training) are reduced one run at a time, first the largest
// run that rows or columns read in place:
//
//   reduce_mean %x axes = [0, 2, 3]     reduce_mean axes = [2, 3] keepdims
//     (8x64x28x28 -> 1x64x1x1)   ==>      -> 8x64x1x1 (rows, x read once)
//                                       reduce_mean axes = [0] keepdims
//                                         -> 1x64x1x1 (columns, small)
//
// instead of transposing all of x. The partial result is smaller than x by
// the first run's extent.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGMOVEREDUCEDAXESLAST
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// `axes` normalised into [0, rank) and sorted; every axis when empty.
SmallVector<int64_t> normalizedAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> normal;
  if (axes.empty()) {
    for (int64_t a = 0; a < rank; ++a)
      normal.push_back(a);
    return normal;
  }
  for (int64_t a : axes)
    normal.push_back(a < 0 ? a + rank : a);
  llvm::sort(normal);
  return normal;
}

/// True if sorted `axes` are the last `axes.size()` axes of `rank`.
bool areTrailing(ArrayRef<int64_t> axes, int64_t rank) {
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis != rank - static_cast<int64_t>(axes.size() - i))
      return false;
  return true;
}

/// The permutation that keeps the axes not in sorted `axes` in order and puts
/// `axes` after them.
SmallVector<int64_t> reducedLast(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> perm;
  for (int64_t a = 0; a < rank; ++a)
    if (!llvm::is_contained(axes, a))
      perm.push_back(a);
  llvm::append_range(perm, axes);
  return perm;
}

/// Which reductions the column strategy reads in place.
struct ColumnRule {
  bool enabled = false;
  /// Largest reduced extent; 0 for any.
  int64_t maxLength = 0;
  /// Float columns may be longer than maxLength.
  bool anyFloatLength = false;

  /// True if reducing sorted `axes` of `shape` (elements of `element`) is
  /// left to the column strategy: the axes are contiguous, kept axes with
  /// more than one element follow them (otherwise the reduction is a row
  /// after a view), and the column is not too long.
  bool allows(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes,
              Type element) const {
    if (!enabled || axes.empty())
      return false;
    for (size_t i = 1; i < axes.size(); ++i)
      if (axes[i] != axes[i - 1] + 1)
        return false;
    int64_t length = 1, inner = 1;
    for (int64_t a : axes)
      length *= shape[a];
    for (size_t d = axes.back() + 1; d < shape.size(); ++d)
      inner *= shape[d];
    return inner > 1 && (maxLength == 0 || length <= maxLength ||
                         (anyFloatLength && isa<FloatType>(element)));
  }
};

/// For a reduction whose reduced axes larger than 1 form two or more
/// separate runs (N, H and W of NCHW), the run to reduce first: one the row
/// strategy (only size-1 axes after it) or the column strategy reads in
/// place, the one with the most elements among those, the innermost on a tie.
/// Reducing it first leaves the other runs a tensor smaller by that run's
/// extent, instead of a transpose of the whole input. Sum, mean (every
/// partial mean covers as many elements), max, min and product all compose
/// this way. None when the axes form one run or no run is read in place.
std::optional<SmallVector<int64_t>>
firstRunInPlace(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes,
                Type element, const ColumnRule &columns) {
  SmallVector<SmallVector<int64_t>> runs;
  for (int64_t a : axes) {
    if (shape[a] == 1)
      continue;
    if (runs.empty() || runs.back().back() != a - 1)
      runs.emplace_back();
    runs.back().push_back(a);
  }
  if (runs.size() < 2)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> best;
  int64_t bestLength = 0;
  for (const SmallVector<int64_t> &run : runs) {
    bool row = llvm::all_of(shape.drop_front(run.back() + 1),
                            [](int64_t d) { return d == 1; });
    if (!row && !columns.allows(shape, run, element))
      continue;
    int64_t length = 1;
    for (int64_t a : run)
      length *= shape[a];
    if (length >= bestLength) {
      best = run;
      bestLength = length;
    }
  }
  return best;
}

/// `x` permuted by `perm`: a reshape when the permutation keeps the order of
/// the dimensions larger than 1 (the bytes do not move), a transpose
/// otherwise.
Value permute(PatternRewriter &rewriter, Location loc, Value x,
              ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
  SmallVector<int64_t> permuted;
  for (int64_t p : perm)
    permuted.push_back(shape[p]);
  if (TransposeOp::movesOnlyUnitDims(shape, perm))
    return ReshapeOp::create(rewriter, loc, x,
                             rewriter.getDenseI64ArrayAttr(permuted));
  return TransposeOp::create(rewriter, loc, x, perm);
}

template <typename OpTy>
struct ReduceTrailingAxes : OpRewritePattern<OpTy> {
  ReduceTrailingAxes(MLIRContext *ctx, ColumnRule columns)
      : OpRewritePattern<OpTy>(ctx), columns(columns) {}
  ColumnRule columns;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes = normalizedAxes(op.getAxes(), rank);
    auto resultType = cast<RankedTensorType>(op.getType());
    // Every reduction of one element is that element.
    if (llvm::all_of(axes,
                     [&](int64_t a) { return type.getDimSize(a) == 1; })) {
      rewriter.replaceOpWithNewOp<ReshapeOp>(
          op, op.getInput(),
          rewriter.getDenseI64ArrayAttr(resultType.getShape()));
      return success();
    }
    if (areTrailing(axes, rank))
      return rewriter.notifyMatchFailure(op, "reduces trailing axes already");
    Location loc = op.getLoc();
    // Separate runs of reduced axes (N, H and W of NCHW): reduce one run in
    // place first, then the rest of the (smaller) result.
    if (std::optional<SmallVector<int64_t>> run =
            firstRunInPlace(type.getShape(), axes, type.getElementType(),
                            columns)) {
      SmallVector<int64_t> rest;
      for (int64_t a : axes)
        if (type.getDimSize(a) != 1 && !llvm::is_contained(*run, a))
          rest.push_back(a);
      Value partial =
          OpTy::create(rewriter, loc, op.getInput(), *run, /*keepdims=*/true);
      Value reduced = OpTy::create(rewriter, loc, partial, rest,
                                   /*keepdims=*/true);
      rewriter.replaceOpWithNewOp<ReshapeOp>(
          op, reduced, rewriter.getDenseI64ArrayAttr(resultType.getShape()));
      return success();
    }
    if (columns.allows(type.getShape(), axes, type.getElementType())) {
      if (op.getKeepdims())
        return rewriter.notifyMatchFailure(op, "read in place as columns");
      Value reduced = OpTy::create(rewriter, loc, op.getInput(), axes,
                                   /*keepdims=*/true);
      rewriter.replaceOpWithNewOp<ReshapeOp>(
          op, reduced, rewriter.getDenseI64ArrayAttr(resultType.getShape()));
      return success();
    }
    Value moved =
        permute(rewriter, loc, op.getInput(), reducedLast(axes, rank));
    SmallVector<int64_t> trailing;
    for (int64_t a = rank - static_cast<int64_t>(axes.size()); a < rank; ++a)
      trailing.push_back(a);
    Value reduced =
        OpTy::create(rewriter, loc, moved, trailing, /*keepdims=*/true);
    rewriter.replaceOpWithNewOp<ReshapeOp>(
        op, reduced, rewriter.getDenseI64ArrayAttr(resultType.getShape()));
    return success();
  }
};

/// softmax / log_softmax along a leading axis: transpose that axis last, apply
/// the op along it, transpose back.
template <typename OpTy>
struct NormalizeLastAxis : OpRewritePattern<OpTy> {
  NormalizeLastAxis(MLIRContext *ctx, ColumnRule columns)
      : OpRewritePattern<OpTy>(ctx), columns(columns) {}
  ColumnRule columns;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < -rank || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    if (axis < 0)
      axis += rank;
    if (axis == rank - 1)
      return rewriter.notifyMatchFailure(op, "normalises the last axis");
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    if (columns.allows(type.getShape(), {axis}, type.getElementType()))
      return rewriter.notifyMatchFailure(op, "read in place as columns");
    Location loc = op.getLoc();
    SmallVector<int64_t> perm = reducedLast({axis}, rank);
    SmallVector<int64_t> inverse(rank);
    for (auto [i, p] : llvm::enumerate(perm))
      inverse[p] = i;
    Value moved = permute(rewriter, loc, op.getInput(), perm);
    Value normalized = OpTy::create(rewriter, loc, moved,
                                    rewriter.getI64IntegerAttr(rank - 1));
    rewriter.replaceOp(op, permute(rewriter, loc, normalized, inverse));
    return success();
  }
};

/// argmax along a leading axis: transpose that axis last, argmax along it
/// with keepdims, view to the result shape. Along a size-1 axis every index
/// is 0.
struct ArgMaxLastAxis : OpRewritePattern<ArgMaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ArgMaxOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < -rank || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    if (axis < 0)
      axis += rank;
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (type.getDimSize(axis) == 1) {
      APInt zero(resultType.getElementTypeBitWidth(), 0);
      rewriter.replaceOpWithNewOp<ConstantOp>(
          op, resultType, DenseElementsAttr::get(resultType, zero));
      return success();
    }
    if (axis == rank - 1)
      return rewriter.notifyMatchFailure(op, "reduces the last axis already");
    Location loc = op.getLoc();
    Value moved =
        permute(rewriter, loc, op.getInput(), reducedLast({axis}, rank));
    Value index = ArgMaxOp::create(rewriter, loc, moved,
                                   rewriter.getI64IntegerAttr(rank - 1),
                                   rewriter.getUnitAttr(),
                                   op.getSelectLastIndexAttr());
    rewriter.replaceOpWithNewOp<ReshapeOp>(
        op, index, rewriter.getDenseI64ArrayAttr(resultType.getShape()));
    return success();
  }
};

struct MoveReducedAxesLastPass
    : public rong::impl::RongMoveReducedAxesLastBase<MoveReducedAxesLastPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    ColumnRule columns{columnReductions, maxColumnLength, splitFloatColumns};
    patterns.add<ReduceTrailingAxes<ReduceSumOp>,
                 ReduceTrailingAxes<ReduceMeanOp>,
                 ReduceTrailingAxes<ReduceMaxOp>,
                 ReduceTrailingAxes<ReduceMinOp>,
                 ReduceTrailingAxes<ReduceProdOp>>(ctx, columns);
    patterns.add<NormalizeLastAxis<SoftmaxOp>, NormalizeLastAxis<LogSoftmaxOp>>(
        ctx, columns);
    patterns.add<ArgMaxLastAxis>(ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
