//===- ExpandRowOps.cpp - Named row ops to reductions ---------------------===//
//
// This file implements the patterns that rewrite rong.softmax,
// rong.log_softmax, rong.layer_norm and rong.rms_norm into keepdims reductions
// over the normalised axes plus broadcasting elementwise ops. The row kernel
// strategy only understands that decomposed form, so named and decomposed
// groups share one code path. The expansions compute in f32 (f16/bf16
// inputs are cast first and the result cast back; f64 stays f64), so they
// lose no precision for narrow types. A softmax with an f16/bf16 result
// marks its exp `rong.narrow_result` and multiplies by the row's reciprocal,
// which its rounding cannot tell from the exact forms. On request (the CPU), an f32
// softmax multiplies by the reciprocal too, as PyTorch's and onnxruntime's
// CPU kernels do.
//
//===----------------------------------------------------------------------===//

#include "rong/Conversion/Passes.h"
#include "rong/IR/RongOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_EXPANDROWOPSPASS
#include "rong/Conversion/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// The axes `[axis, rank)` as a list, or failure for an out-of-range axis.
FailureOr<SmallVector<int64_t>> trailingAxes(Value input, int64_t axis) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank)
    return failure();
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> axes;
  for (int64_t a = axis; a < rank; ++a)
    axes.push_back(a);
  return axes;
}

/// `v` widened to f32 when it is f16 or bf16 (f32 and f64 unchanged). The
/// expansions compute in at least f32 so that constants such as epsilon, and
/// every intermediate, keep f32 precision for f16/bf16 inputs, as PyTorch's
/// kernels do.
Value widen(PatternRewriter &rewriter, Location loc, Value v) {
  if (!v)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  if (!isa<Float16Type, BFloat16Type>(type.getElementType()))
    return v;
  return CastOp::create(rewriter, loc, v, rewriter.getF32Type());
}

/// Replaces `op` by widened value `v` converted back to `op`'s result type.
void replaceWidened(PatternRewriter &rewriter, Operation *op, Value v) {
  Type element =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  if (getElementTypeOrSelf(v.getType()) != element)
    v = CastOp::create(rewriter, op->getLoc(), v, element);
  rewriter.replaceOp(op, v);
}

/// A rank-0 constant of `like`'s element type.
Value scalarConstant(PatternRewriter &rewriter, Location loc, Value like,
                     double value) {
  Type element = cast<RankedTensorType>(like.getType()).getElementType();
  auto type = RankedTensorType::get({}, element);
  auto attr = DenseElementsAttr::get(
      type, rewriter.getFloatAttr(element, value).getValue());
  return ConstantOp::create(rewriter, loc, type, attr);
}

/// `1 / sqrt(mean(v) + epsilon)` with the mean over `axes`, kept as size-1
/// dimensions.
Value inverseRoot(PatternRewriter &rewriter, Location loc, Value v,
                  ArrayRef<int64_t> axes, double epsilon) {
  Value mean = ReduceMeanOp::create(rewriter, loc, v, axes, /*keepdims=*/true);
  Value eps = scalarConstant(rewriter, loc, v, epsilon);
  Value shifted = AddOp::create(rewriter, loc, mean, eps);
  return RsqrtOp::create(rewriter, loc, shifted);
}

struct ExpandSoftmax : OpRewritePattern<SoftmaxOp> {
  ExpandSoftmax(MLIRContext *context, bool reciprocal)
      : OpRewritePattern(context), reciprocal(reciprocal) {}
  /// f32 results too multiply by the row's reciprocal.
  bool reciprocal;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
    if (axis < -rank || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value x = widen(rewriter, loc, op.getInput());
    SmallVector<int64_t> axes{axis < 0 ? axis + rank : axis};
    Value max = ReduceMaxOp::create(rewriter, loc, x, axes, /*keepdims=*/true);
    Value shifted = SubOp::create(rewriter, loc, x, max);
    auto e = ExpOp::create(rewriter, loc, shifted);
    Value sum = ReduceSumOp::create(rewriter, loc, e, axes, /*keepdims=*/true);
    Type element = getElementTypeOrSelf(op.getType());
    bool narrow = isa<BFloat16Type, Float16Type>(element);
    // A bf16 or f16 result takes a cheaper exp; it stays within a few f32
    // ulps, far below the result's rounding.
    if (narrow)
      e->setAttr(kNarrowResultAttr, rewriter.getUnitAttr());
    if (!narrow && !reciprocal) {
      replaceWidened(rewriter, op, DivOp::create(rewriter, loc, e, sum));
      return success();
    }
    // The row's reciprocal (one division per row) times each element: at
    // most one more rounding than dividing each element.
    Value inverse = ReciprocalOp::create(rewriter, loc, sum);
    replaceWidened(rewriter, op, MulOp::create(rewriter, loc, e, inverse));
    return success();
  }
};

struct ExpandLogSoftmax : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
    if (axis < -rank || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value x = widen(rewriter, loc, op.getInput());
    SmallVector<int64_t> axes{axis < 0 ? axis + rank : axis};
    Value max = ReduceMaxOp::create(rewriter, loc, x, axes, /*keepdims=*/true);
    Value shifted = SubOp::create(rewriter, loc, x, max);
    Value e = ExpOp::create(rewriter, loc, shifted);
    Value sum = ReduceSumOp::create(rewriter, loc, e, axes, /*keepdims=*/true);
    Value logSum = LogOp::create(rewriter, loc, sum);
    replaceWidened(rewriter, op, SubOp::create(rewriter, loc, shifted, logSum));
    return success();
  }
};

/// Two-pass form: the mean first, then the mean of squared deviations. It is
/// as cheap as the one-pass form when the row stays on chip, and it does not
/// cancel catastrophically for rows with a large mean.
struct ExpandLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<SmallVector<int64_t>> axes =
        trailingAxes(op.getInput(), op.getAxis());
    if (failed(axes))
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value x = widen(rewriter, loc, op.getInput());
    Value mean = ReduceMeanOp::create(rewriter, loc, x, *axes, true);
    Value centred = SubOp::create(rewriter, loc, x, mean);
    Value square = MulOp::create(rewriter, loc, centred, centred);
    Value inv = inverseRoot(rewriter, loc, square, *axes,
                            op.getEpsilon().convertToDouble());
    Value normed = MulOp::create(rewriter, loc, centred, inv);
    Value scaled = MulOp::create(rewriter, loc, normed,
                                 widen(rewriter, loc, op.getScale()));
    if (Value bias = widen(rewriter, loc, op.getBias()))
      scaled = AddOp::create(rewriter, loc, scaled, bias);
    replaceWidened(rewriter, op, scaled);
    return success();
  }
};

struct ExpandRMSNorm : OpRewritePattern<RMSNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RMSNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<SmallVector<int64_t>> axes =
        trailingAxes(op.getInput(), op.getAxis());
    if (failed(axes))
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value x = widen(rewriter, loc, op.getInput());
    Value square = MulOp::create(rewriter, loc, x, x);
    Value inv = inverseRoot(rewriter, loc, square, *axes,
                            op.getEpsilon().convertToDouble());
    Value normed = MulOp::create(rewriter, loc, x, inv);
    replaceWidened(rewriter, op,
                   MulOp::create(rewriter, loc, normed,
                                 widen(rewriter, loc, op.getScale())));
    return success();
  }
};

struct ExpandRowOpsPass
    : mlir::rong::impl::ExpandRowOpsPassBase<ExpandRowOpsPass> {
  using ExpandRowOpsPassBase::ExpandRowOpsPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateExpandRowOpsPatterns(patterns, reciprocalSoftmax);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::rong::populateExpandRowOpsPatterns(RewritePatternSet &patterns,
                                              bool reciprocalSoftmax) {
  patterns.add<ExpandSoftmax>(patterns.getContext(), reciprocalSoftmax);
  patterns.add<ExpandLogSoftmax, ExpandLayerNorm, ExpandRMSNorm>(
      patterns.getContext());
}
