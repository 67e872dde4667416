//===- LegalizeLibraryContractions.cpp - Contractions BLAS can run --------===//
//
// This file implements rong-legalize-library-contractions. The CPU backend
// runs matmuls and convolutions through BLAS, which has no f16 or bf16 GEMM
// and runs one GEMM or one strided batch of them. Contractions of f16 or
// bf16 become f32 contractions between casts, and matmuls whose batches
// broadcast in other ways get their operands broadcast to the common batch
// shape. The pass runs before fusion, so the casts and broadcasts it adds
// join the kernels around the contraction.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGLEGALIZELIBRARYCONTRACTIONS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// True for the element types BLAS has no routines for.
bool needsWidening(Type type) {
  return isa<Float16Type, BFloat16Type>(getElementTypeOrSelf(type));
}

Value castTo(PatternRewriter &rewriter, Location loc, Value value,
             Type element) {
  return CastOp::create(rewriter, loc, value, TypeAttr::get(element));
}

struct WidenMatMul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Type element = getElementTypeOrSelf(op.getType());
    if (!needsWidening(element))
      return rewriter.notifyMatchFailure(op, "BLAS takes this element type");
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value bias = op.getBias();
    if (bias)
      bias = castTo(rewriter, loc, bias, f32);
    Value product =
        MatMulOp::create(rewriter, loc, castTo(rewriter, loc, op.getLhs(), f32),
                         castTo(rewriter, loc, op.getRhs(), f32), bias);
    rewriter.replaceOp(op, castTo(rewriter, loc, product, element));
    return success();
  }
};

struct WidenConv2D : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    Type element = getElementTypeOrSelf(op.getType());
    if (!needsWidening(element))
      return rewriter.notifyMatchFailure(op, "BLAS takes this element type");
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value bias = op.getBias();
    if (bias)
      bias = castTo(rewriter, loc, bias, f32);
    Value result = Conv2DOp::create(
        rewriter, loc, castTo(rewriter, loc, op.getInput(), f32),
        castTo(rewriter, loc, op.getWeight(), f32), bias,
        op.getStridesAttr(), op.getPadsAttr(), op.getDilationsAttr(),
        op.getGroupsAttr());
    rewriter.replaceOp(op, castTo(rewriter, loc, result, element));
    return success();
  }
};

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// Broadcasts the batch dimensions of a matmul whose operands BLAS cannot
/// take as they are: the library runs a shared right-hand matrix (its batch
/// folds into the rows), a shared left-hand matrix, or equal batches.
struct BroadcastMatMulBatches : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = dyn_cast<RankedTensorType>(op.getRhs().getType());
    if (!lhsType || !rhsType || !lhsType.hasStaticShape() ||
        !rhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static operand shapes");
    if (lhsType.getRank() < 2 || rhsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "a vector operand has no batch");
    ArrayRef<int64_t> lbatch = lhsType.getShape().drop_back(2);
    ArrayRef<int64_t> rbatch = rhsType.getShape().drop_back(2);
    if (product(lbatch) == 1 || product(rbatch) == 1 || lbatch == rbatch)
      return rewriter.notifyMatchFailure(op, "BLAS runs these batches");

    // NumPy broadcasting of the batch shapes, aligned on the right.
    size_t rank = std::max(lbatch.size(), rbatch.size());
    SmallVector<int64_t> batch(rank, 1);
    for (size_t i = 0; i < rank; ++i) {
      int64_t l = i < lbatch.size() ? lbatch[lbatch.size() - 1 - i] : 1;
      int64_t r = i < rbatch.size() ? rbatch[rbatch.size() - 1 - i] : 1;
      if (l != r && l != 1 && r != 1)
        return rewriter.notifyMatchFailure(op, "batches do not broadcast");
      batch[rank - 1 - i] = std::max(l, r);
    }
    Location loc = op.getLoc();
    auto broadcast = [&](Value operand, RankedTensorType type) -> Value {
      SmallVector<int64_t> shape(batch);
      llvm::append_range(shape, type.getShape().take_back(2));
      if (ArrayRef<int64_t>(shape) == type.getShape())
        return operand;
      return BroadcastToOp::create(rewriter, loc, operand,
                                   rewriter.getDenseI64ArrayAttr(shape));
    };
    Value result = MatMulOp::create(rewriter, loc,
                                    broadcast(op.getLhs(), lhsType),
                                    broadcast(op.getRhs(), rhsType),
                                    op.getBias());
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RongLegalizeLibraryContractionsPass
    : public rong::impl::RongLegalizeLibraryContractionsBase<
          RongLegalizeLibraryContractionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenMatMul, WidenConv2D, BroadcastMatMulBatches>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
