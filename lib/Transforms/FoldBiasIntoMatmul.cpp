//===- FoldBiasIntoMatmul.cpp - Biases into the GEMM's epilogue -----------===//
//
// This file implements rong-fold-bias-into-matmul. A linear layer's bias add
// becomes the bias operand of its matmul, which the GPU BLAS adds in the
// GEMM's epilogue (cuBLASLt's CUBLASLT_EPILOGUE_BIAS):
//
//   %p = matmul %x, %w                %p = matmul %x, %w, reshape(%bias)
//   %r = reshape %p             ==>   %r = reshape %p
//   %a = add %r, %bias                (uses of %a read %r)
//
// The sum is then formed in the accumulator and rounded once, as PyTorch's
// addmm does, instead of rounding the product to f16/bf16 before the add;
// and a GEMM whose only epilogue was its bias needs no kernel after it.
//
// Between the matmul and the add may stand reshapes that keep the last axis
// and transposes that keep it last (what rong-hoist-layouts-above-epilogues
// leaves): a bias constant along every other axis commutes with them. The
// bias must have exactly one element per column of the product.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGFOLDBIASINTOMATMUL
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// The matmul whose product `v` is, through single-use layout ops that keep
/// the product's last axis whole and last; null if there is none.
MatMulOp productThroughLayouts(Value v) {
  while (true) {
    Operation *def = v.getDefiningOp();
    if (!def || !v.hasOneUse())
      return nullptr;
    if (auto matmul = dyn_cast<MatMulOp>(def))
      return matmul;
    if (auto transpose = dyn_cast<TransposeOp>(def)) {
      ArrayRef<int64_t> perm = transpose.getPermutation();
      if (perm.empty() || perm.back() != static_cast<int64_t>(perm.size()) - 1)
        return nullptr;
    } else if (!isa<ReshapeOp>(def)) {
      return nullptr;
    }
    Value source = def->getOperand(0);
    if (shapeOf(source).empty() || shapeOf(source).back() != shapeOf(v).back())
      return nullptr;
    v = source;
  }
}

/// `bias`, or the value its reshapes start from, whichever exists where
/// `matmul` is (rong-hoist-layouts-above-epilogues leaves the reshape of a
/// `[N]` bias to `[1, 1, N]` next to the add, after the matmul); null if
/// neither does. Reshapes keep the element order, so the source holds the
/// same N values.
Value availableAt(Value bias, MatMulOp matmul) {
  while (true) {
    Operation *def = bias.getDefiningOp();
    if (!def || def->getBlock() != matmul->getBlock() ||
        def->isBeforeInBlock(matmul))
      return bias;
    auto reshape = dyn_cast<ReshapeOp>(def);
    if (!reshape)
      return nullptr;
    bias = reshape.getInput();
  }
}

struct FoldBiasAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (unsigned i = 0; i < 2; ++i) {
      Value product = add->getOperand(i), bias = add->getOperand(1 - i);
      if (product.getType() != add.getType())
        continue;
      MatMulOp matmul = productThroughLayouts(product);
      if (!matmul || matmul.getBias())
        continue;
      auto type = cast<RankedTensorType>(matmul.getType());
      auto biasType = cast<RankedTensorType>(bias.getType());
      if (!isa<FloatType>(type.getElementType()) ||
          biasType.getElementType() != type.getElementType() ||
          !type.hasStaticShape() || !biasType.hasStaticShape())
        continue;
      if (cast<RankedTensorType>(matmul.getLhs().getType()).getRank() < 2 ||
          cast<RankedTensorType>(matmul.getRhs().getType()).getRank() < 2)
        continue;
      // One element per column, constant along every other axis.
      ArrayRef<int64_t> shape = biasType.getShape();
      int64_t n = type.getShape().back();
      if (shape.empty() || shape.back() != n ||
          shape.size() > shapeOf(product).size() ||
          llvm::any_of(shape.drop_back(), [](int64_t d) { return d != 1; }))
        continue;

      // The bias must exist where the matmul is (a constant or an input,
      // in practice, perhaps through reshapes).
      Value vector = availableAt(bias, matmul);
      if (!vector)
        continue;
      rewriter.setInsertionPoint(matmul);
      if (shapeOf(vector).size() != 1)
        vector = ReshapeOp::create(rewriter, add.getLoc(), vector,
                                   rewriter.getDenseI64ArrayAttr({n}));
      rewriter.modifyOpInPlace(
          matmul, [&] { matmul.getBiasMutable().assign(vector); });
      rewriter.replaceOp(add, product);
      return success();
    }
    return rewriter.notifyMatchFailure(add, "not a bias on a matmul");
  }
};

struct FoldBiasIntoMatmulPass
    : rong::impl::RongFoldBiasIntoMatmulBase<FoldBiasIntoMatmulPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBiasAdd>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
