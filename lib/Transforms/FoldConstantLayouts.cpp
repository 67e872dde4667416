//===- FoldConstantLayouts.cpp - Transpose weights at compile time --------===//
//
// This file implements rong-fold-constant-layouts: rong.transpose of a
// rong.constant becomes a constant of the transposed bytes, and so do a
// slice or reshape of a constant that only layout ops read. Resource
// constants stay resources (a new blob named after the old one), dense ones
// stay dense.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/IR/SliceGeometry.h"
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

/// Gathers the elements of a strided slice (`dims`, one per dimension of
/// the row-major `shape`) into a dense buffer.
std::vector<char> sliceBytes(ArrayRef<char> in, ArrayRef<int64_t> shape,
                             ArrayRef<SliceDim> dims, size_t elementBytes) {
  size_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int i = static_cast<int>(rank) - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * shape[i + 1];
  int64_t count = 1, offset = 0;
  for (size_t d = 0; d < rank; ++d) {
    count *= dims[d].size;
    offset += dims[d].start * inStrides[d];
  }
  std::vector<char> out(count * elementBytes);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    std::memcpy(out.data() + linear * elementBytes,
                in.data() + offset * elementBytes, elementBytes);
    for (int d = static_cast<int>(rank) - 1; d >= 0; --d) {
      int64_t step = dims[d].step * inStrides[d];
      if (++index[d] < dims[d].size) {
        offset += step;
        break;
      }
      offset -= step * (dims[d].size - 1);
      index[d] = 0;
    }
  }
  return out;
}

/// Replaces `op`, a layout op reading `constant`, with a constant of `op`'s
/// type holding `transform(bytes, elementBytes)` of the constant's
/// row-major bytes. A resource stays a resource (named after the old one
/// plus `suffix`), dense data stays dense; a splat stays a splat.
LogicalResult
foldLayout(Operation *op, ConstantOp constant, StringRef suffix,
           function_ref<std::vector<char>(ArrayRef<char>, size_t)> transform,
           PatternRewriter &rewriter) {
  auto inType = cast<RankedTensorType>(constant.getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!inType.hasStaticShape() || !outType.hasStaticShape())
    return failure();
  unsigned bits = inType.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return rewriter.notifyMatchFailure(op, "sub-byte elements");
  ElementsAttr value = constant.getValue();
  Attribute folded;
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      folded = dense.resizeSplat(outType);
    else
      folded = DenseElementsAttr::getFromRawBuffer(
          outType, transform(dense.getRawData(), bits / 8));
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return rewriter.notifyMatchFailure(op, "resource without data");
    std::vector<char> bytes = transform(blob->getData(), bits / 8);
    std::string name = (resource.getRawHandle().getKey() + suffix).str();
    folded = DenseResourceElementsAttr::get(
        outType, name,
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(double)));
  } else {
    return failure();
  }
  auto replacement =
      ConstantOp::create(rewriter, op->getLoc(), cast<ElementsAttr>(folded));
  rewriter.replaceOp(op, replacement.getResult());
  return success();
}

/// Whether every user of `constant` is a layout op this pass folds, so that
/// folding them all leaves no reader of the original data (and no copy of
/// it next to the folded ones).
bool onlyLayoutUsers(ConstantOp constant) {
  return llvm::all_of(constant->getUsers(), [](Operation *user) {
    return isa<TransposeOp, SliceOp, ReshapeOp>(user);
  });
}

struct FoldConstantTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto constant = op.getInput().getDefiningOp<ConstantOp>();
    if (!constant)
      return failure();
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(constant.getType()).getShape();
    ArrayRef<int64_t> perm = op.getPermutation();
    return foldLayout(
        op, constant, "_transposed",
        [&](ArrayRef<char> in, size_t elementBytes) {
          return permute(in, shape, perm, elementBytes);
        },
        rewriter);
  }
};

/// A slice of a constant read only through layout ops (the taps of a
/// weight, as ConvTranspose's phases take them).
struct FoldConstantSlice : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    auto constant = op.getInput().getDefiningOp<ConstantOp>();
    if (!constant || !onlyLayoutUsers(constant))
      return failure();
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(constant.getType()).getShape();
    SmallVector<SliceDim> dims;
    for (size_t d = 0; d < shape.size(); ++d)
      dims.push_back(normalizeSlice(shape[d], op.getStarts()[d],
                                    op.getEnds()[d], op.getSteps()[d]));
    return foldLayout(
        op, constant, "_sliced",
        [&](ArrayRef<char> in, size_t elementBytes) {
          return sliceBytes(in, shape, dims, elementBytes);
        },
        rewriter);
  }
};

/// A reshape of a constant read only through layout ops; the bytes stay.
struct FoldConstantReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto constant = op.getInput().getDefiningOp<ConstantOp>();
    if (!constant || !onlyLayoutUsers(constant))
      return failure();
    return foldLayout(
        op, constant, "_reshaped",
        [](ArrayRef<char> in, size_t) {
          return std::vector<char>(in.begin(), in.end());
        },
        rewriter);
  }
};

struct FoldConstantLayoutsPass
    : rong::impl::RongFoldConstantLayoutsBase<FoldConstantLayoutsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantTranspose, FoldConstantSlice, FoldConstantReshape>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
