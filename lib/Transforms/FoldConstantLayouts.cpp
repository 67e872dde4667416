//===- FoldConstantLayouts.cpp - Transpose weights at compile time --------===//
//
// This file implements rong-fold-constant-layouts: rong.transpose of a
// rong.constant becomes a constant of the transposed bytes. Resource
// constants stay resources (a new blob named after the old one), dense ones
// stay dense.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGFOLDCONSTANTLAYOUTS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Permutes elements of `elementBytes` bytes from `shape` (row-major) so that
/// result dimension i is input dimension perm[i].
std::vector<char> permute(ArrayRef<char> in, ArrayRef<int64_t> shape,
                          ArrayRef<int64_t> perm, size_t elementBytes) {
  size_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int i = static_cast<int>(rank) - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * shape[i + 1];
  SmallVector<int64_t> outShape, strideOf;
  for (int64_t p : perm) {
    outShape.push_back(shape[p]);
    strideOf.push_back(inStrides[p]);
  }
  std::vector<char> out(in.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t offset = 0;
  size_t numElements = in.size() / elementBytes;
  for (size_t linear = 0; linear < numElements; ++linear) {
    std::memcpy(out.data() + linear * elementBytes,
                in.data() + offset * elementBytes, elementBytes);
    // Odometer increment of the output index, keeping the input offset.
    for (int d = static_cast<int>(rank) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d]) {
        offset += strideOf[d];
        break;
      }
      offset -= strideOf[d] * (outShape[d] - 1);
      index[d] = 0;
    }
  }
  return out;
}

struct FoldConstantTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto constant = op.getInput().getDefiningOp<ConstantOp>();
    if (!constant)
      return failure();
    auto inType = cast<RankedTensorType>(constant.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (!inType.hasStaticShape() || !outType.hasStaticShape())
      return failure();
    unsigned bits = inType.getElementTypeBitWidth();
    if (bits % 8 != 0)
      return rewriter.notifyMatchFailure(op, "sub-byte elements");
    ArrayRef<int64_t> perm = op.getPermutation();

    ElementsAttr value = constant.getValue();
    Attribute folded;
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (dense.isSplat())
        folded = dense.reshape(outType);
      else
        folded = DenseElementsAttr::getFromRawBuffer(
            outType, permute(dense.getRawData(), inType.getShape(), perm,
                             bits / 8));
    } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return rewriter.notifyMatchFailure(op, "resource without data");
      std::vector<char> bytes =
          permute(blob->getData(), inType.getShape(), perm, bits / 8);
      std::string name =
          (resource.getRawHandle().getKey() + "_transposed").str();
      folded = DenseResourceElementsAttr::get(
          outType, name,
          HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(double)));
    } else {
      return failure();
    }
    auto replacement =
        ConstantOp::create(rewriter, op.getLoc(), cast<ElementsAttr>(folded));
    rewriter.replaceOp(op, replacement.getResult());
    return success();
  }
};

struct FoldConstantLayoutsPass
    : rong::impl::RongFoldConstantLayoutsBase<FoldConstantLayoutsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantTranspose>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
