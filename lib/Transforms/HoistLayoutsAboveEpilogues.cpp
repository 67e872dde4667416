//===- HoistLayoutsAboveEpilogues.cpp - Transposes onto GEMM results ------===//
//
// This file implements rong-hoist-layouts-above-epilogues. Exporters apply a
// linear layer's bias before reordering its result (BERT's output projection:
// GEMM, bias add, view to [S, B, H], transpose to batch-first). A bias that
// is constant along every axis but the last commutes with any reshape that
// keeps the last axis and any transpose that keeps it last, so
//
//   %p = matmul %x, %w               %p = matmul %x, %w
//   %a = add %p, %bias         ==>   %r = reshape %p
//   %r = reshape %a                  %t = transpose %r
//   %t = transpose %r                %a = add %t, reshape(%bias)
//
// after which the transpose follows the matmul directly and the GEMM writes
// it in place (rong-fold-layouts-into-contractions), while the add joins the
// kernel of its consumers (the residual add and LayerNorm).
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGHOISTLAYOUTSABOVEEPILOGUES
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// True if `v` (broadcast against a result of shape `full`) is constant along
/// every axis but the last: a bias, a per-channel scale, a scalar.
bool isLastAxisVector(Value v, ArrayRef<int64_t> full) {
  ArrayRef<int64_t> shape = shapeOf(v);
  if (shape.size() > full.size())
    return false;
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    if (shape[i] != 1)
      return false;
  return shape.empty() || shape.back() == 1 || shape.back() == full.back();
}

struct HoistTransposeAboveEpilogue : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> perm = op.getPermutation();
    if (perm.empty() || perm.back() != static_cast<int64_t>(perm.size()) - 1)
      return rewriter.notifyMatchFailure(op, "moves the last axis");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    // Up through views that keep the last axis, to the epilogue op.
    Value v = op.getInput();
    int64_t lastDim = shapeOf(v).back();
    while (auto reshape = v.getDefiningOp<ReshapeOp>()) {
      if (!reshape->hasOneUse() || shapeOf(reshape.getInput()).empty() ||
          shapeOf(reshape.getInput()).back() != lastDim)
        return rewriter.notifyMatchFailure(op, "a view changes the last axis");
      v = reshape.getInput();
    }
    Operation *epilogue = v.getDefiningOp();
    if (!epilogue || !isa<AddOp, SubOp, MulOp, DivOp>(epilogue) ||
        !epilogue->hasOneUse())
      return rewriter.notifyMatchFailure(op, "no single-use binary op");
    ArrayRef<int64_t> full = shapeOf(v);
    int fullIndex = -1;
    for (int i = 0; i < 2; ++i) {
      Value operand = epilogue->getOperand(i);
      Value other = epilogue->getOperand(1 - i);
      if (shapeOf(operand) == full && operand.getDefiningOp<MatMulOp>() &&
          isLastAxisVector(other, full))
        fullIndex = i;
    }
    if (fullIndex < 0)
      return rewriter.notifyMatchFailure(op, "not a matmul's bias or scale");

    Location loc = op.getLoc();
    Value product = epilogue->getOperand(fullIndex);
    Value vector = epilogue->getOperand(1 - fullIndex);
    ArrayRef<int64_t> before = shapeOf(op.getInput());
    if (shapeOf(product) != before)
      product = ReshapeOp::create(rewriter, loc, product,
                                  rewriter.getDenseI64ArrayAttr(before));
    Value moved = TransposeOp::create(rewriter, loc, product, perm);
    // The vector in the new layout: 1s, then its last dimension.
    if (!shapeOf(vector).empty()) {
      SmallVector<int64_t> viewShape(resultType.getRank() - 1, 1);
      viewShape.push_back(shapeOf(vector).back());
      vector = ReshapeOp::create(rewriter, loc, vector,
                                 rewriter.getDenseI64ArrayAttr(viewShape));
    }
    SmallVector<Value, 2> operands{moved, vector};
    if (fullIndex == 1)
      std::swap(operands[0], operands[1]);
    OperationState state(epilogue->getLoc(), epilogue->getName(), operands,
                         TypeRange{resultType}, epilogue->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

struct HoistLayoutsAboveEpiloguesPass
    : rong::impl::RongHoistLayoutsAboveEpiloguesBase<
          HoistLayoutsAboveEpiloguesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<HoistTransposeAboveEpilogue>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
