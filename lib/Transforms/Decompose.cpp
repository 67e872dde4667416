//===- Decompose.cpp - Split composite ops that fuse better as parts ------===//
//
// Inference batch_norm is a per-channel affine map. As parts (a multiply and an
// add by per-channel vectors) it joins the preceding convolution's epilogue,
// and with constant statistics canonicalisation folds the scale and shift to
// two constants.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGDECOMPOSE
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

struct DecomposeBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto paramType = cast<RankedTensorType>(op.getScale().getType());
    if (inputType.getRank() < 2 || !paramType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs ranked input, static [C]");
    Location loc = op.getLoc();
    Type element = paramType.getElementType();
    // scale' = scale / sqrt(variance + epsilon); shift = bias - mean * scale'.
    auto eps = ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, element),
                               rewriter.getFloatAttr(element, op.getEpsilon())));
    Value var = AddOp::create(rewriter, loc, op.getVariance(), eps);
    Value inv = RsqrtOp::create(rewriter, loc, var);
    Value scale = MulOp::create(rewriter, loc, op.getScale(), inv);
    Value shift = SubOp::create(rewriter, loc, op.getBias(),
                                MulOp::create(rewriter, loc, op.getMean(), scale));
    // [C] -> [C, 1, ..., 1] so NumPy broadcasting lines C up with axis 1.
    SmallVector<int64_t> shape{paramType.getDimSize(0)};
    shape.append(inputType.getRank() - 2, 1);
    DenseI64ArrayAttr shapeAttr = rewriter.getDenseI64ArrayAttr(shape);
    Value scaleB = ReshapeOp::create(rewriter, loc, scale, shapeAttr);
    Value shiftB = ReshapeOp::create(rewriter, loc, shift, shapeAttr);
    Value scaled = MulOp::create(rewriter, loc, op.getInput(), scaleB);
    rewriter.replaceOp(op, AddOp::create(rewriter, loc, scaled, shiftB));
    return success();
  }
};

struct DecomposePass : public rong::impl::RongDecomposeBase<DecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeBatchNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
