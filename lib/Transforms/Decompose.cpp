//===- Decompose.cpp - Split composite ops that fuse better as parts ------===//
//
// Inference batch_norm is a per-channel affine map. As parts (a multiply and an
// add by per-channel vectors) it joins the preceding convolution's epilogue,
// and with constant statistics canonicalisation folds the scale and shift to
// two constants. A transposed convolution becomes one convolution per output
// phase (DecomposeConvTranspose.cpp).
//
//===----------------------------------------------------------------------===//

#include "DecomposePatterns.h"

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
                               rewriter.getFloatAttr(
                                   element, op.getEpsilon().convertToDouble())));
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

/// True if `value` is a constant with a single element (any rank).
static bool isScalarConstant(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return constant && type && type.hasStaticShape() && type.getNumElements() == 1;
}

/// matmul(a * s, b) -> matmul(a, b) * s for a scalar constant s (either
/// operand, either side of the multiply). Exported attention scales q and k
/// before their product; after the rewrite the scale is an epilogue of the
/// product instead of a separate kernel over each operand.
struct HoistScaleOutOfMatmul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    // The bias is added after the product: (a * b) * s + bias differs from
    // (a * b + bias) * s.
    if (op.getBias())
      return rewriter.notifyMatchFailure(op, "the matmul adds a bias");
    for (unsigned i = 0; i < 2; ++i) {
      auto mul = op->getOperand(i).getDefiningOp<MulOp>();
      if (!mul || !mul->hasOneUse())
        continue;
      Value scale, scaled;
      if (isScalarConstant(mul.getRhs())) {
        scale = mul.getRhs();
        scaled = mul.getLhs();
      } else if (isScalarConstant(mul.getLhs())) {
        scale = mul.getLhs();
        scaled = mul.getRhs();
      } else {
        continue;
      }
      // The multiply must not change the operand's shape or type.
      if (scaled.getType() != mul.getType())
        continue;
      auto scaleType = cast<RankedTensorType>(scale.getType());
      auto resultType = cast<RankedTensorType>(op.getType());
      if (scaleType.getRank() > resultType.getRank())
        continue;
      SmallVector<Value> operands(op->getOperands());
      operands[i] = scaled;
      Value product = MatMulOp::create(rewriter, op.getLoc(), operands[0],
                                       operands[1]);
      rewriter.replaceOpWithNewOp<MulOp>(op, product, scale);
      return success();
    }
    return failure();
  }
};

/// binop(reshape(a), b) -> reshape(binop(a, reshape(b))) when neither side
/// broadcasts and the reshape adds dimensions, and likewise for unary ops. Exporters flatten
/// a Linear's input to rows and reshape the product back, which puts a view
/// between a GEMM and its residual add; moving views towards the outputs lets
/// the add join the GEMM's epilogue. Each rewrite moves a rank-increasing
/// reshape from an operand to the result, so rewriting ends at the results.
struct SinkReshape : RewritePattern {
  SinkReshape(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::Elementwise>() &&
        !op->hasTrait<OpTrait::rong::BroadcastElementwise>())
      return failure();
    if (op->getNumResults() != 1 || op->getNumOperands() == 0 ||
        op->getNumOperands() > 2 || op->getNumRegions() != 0 ||
        !op->getDialect() || !isa<RongDialect>(op->getDialect()))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape())
      return failure();
    for (Value operand : op->getOperands())
      if (operand.getType() != op->getOperand(0).getType() ||
          cast<RankedTensorType>(operand.getType()).getShape() !=
              resultType.getShape())
        return failure();
    auto reshape = op->getOperand(0).getDefiningOp<ReshapeOp>();
    unsigned which = 0;
    if (!reshape && op->getNumOperands() == 2) {
      reshape = op->getOperand(1).getDefiningOp<ReshapeOp>();
      which = 1;
    }
    if (!reshape)
      return failure();
    // Only reshapes that add dimensions (the un-flattening after a GEMM) move;
    // the rewrite gives the other operand a flattening reshape, which must not
    // move back.
    auto sourceType = cast<RankedTensorType>(reshape.getInput().getType());
    if (!sourceType.hasStaticShape() ||
        sourceType.getRank() >= resultType.getRank())
      return failure();
    Location loc = op->getLoc();
    DenseI64ArrayAttr sourceShape =
        rewriter.getDenseI64ArrayAttr(sourceType.getShape());
    SmallVector<Value> operands;
    for (auto [i, operand] : llvm::enumerate(op->getOperands()))
      operands.push_back(i == which ? reshape.getInput()
                                    : ReshapeOp::create(rewriter, loc, operand,
                                                        sourceShape)
                                          .getResult());
    OperationState state(loc, op->getName());
    state.addOperands(operands);
    state.addAttributes(op->getAttrs());
    state.addTypes(RankedTensorType::get(sourceType.getShape(),
                                         resultType.getElementType()));
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<ReshapeOp>(
        op, moved->getResult(0),
        rewriter.getDenseI64ArrayAttr(resultType.getShape()));
    return success();
  }
};

struct DecomposePass : public rong::impl::RongDecomposeBase<DecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeBatchNorm, HoistScaleOutOfMatmul>(&getContext());
    patterns.add<SinkReshape>(&getContext());
    addConvTransposeDecomposition(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
