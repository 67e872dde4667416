//===- DataMovementOps.cpp - Data movement ops and constants --------------===//
//
// This file implements result type inference, verification, folding and
// canonicalisation for the data movement ops (reshape, transpose, broadcast_to,
// concat, slice, gather, pad) and for constants. Folders evaluate data movement
// on constants and remove no-op movement (same-shape reshape and broadcast,
// identity permutation, full slice, single-input concat).
//
//===----------------------------------------------------------------------===//

#include "ConstantFold.h"
#include "rong/IR/RongOps.h"
#include "rong/IR/SliceGeometry.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlir::rong;
using fold::Scalar;

#define GET_OP_CLASSES
#include "rong/IR/RongDataMovementOps.cpp.inc"

/// Turns a shape attribute (-1 for a dynamic dimension) into a shape, or fails
/// naming `what` for other negative entries.
static FailureOr<SmallVector<int64_t>>
shapeFromAttr(std::optional<Location> loc, ArrayRef<int64_t> attr,
              StringRef what) {
  SmallVector<int64_t> shape;
  for (int64_t size : attr) {
    if (size < -1)
      return emitOptionalError(loc, what, " entries must be >= 0 or -1 "
                                          "(dynamic), got ",
                               size);
    shape.push_back(size == -1 ? ShapedType::kDynamic : size);
  }
  return shape;
}

/// Builds a constant of the static `resultType` whose element at result
/// coordinates `coords` is `element(coords)`; null if the result is too large
/// to fold. Used by the data movement folders.
static DenseElementsAttr
buildByCoords(RankedTensorType resultType,
              function_ref<Scalar(ArrayRef<int64_t>)> element) {
  if (!resultType.hasStaticShape() ||
      resultType.getNumElements() > fold::kMaxFoldedElements)
    return {};
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<int64_t> coords(shape.size(), 0);
  SmallVector<Scalar> values;
  values.reserve(resultType.getNumElements());
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    values.push_back(element(coords));
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++coords[d] < shape[d])
        break;
      coords[d] = 0;
    }
  }
  return fold::buildElements(resultType, values);
}

/// Row-major flat index of `coords` in `shape`.
static int64_t linearize(ArrayRef<int64_t> coords, ArrayRef<int64_t> shape) {
  int64_t index = 0;
  for (auto [c, s] : llvm::zip_equal(coords, shape))
    index = index * s + c;
  return index;
}

//===----------------------------------------------------------------------===//
// Constant
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, ValueRange,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange,
    SmallVectorImpl<Type> &inferred) {
  ConstantOp::Adaptor adaptor(ValueRange{}, attributes, properties);
  ElementsAttr value = adaptor.getValueAttr();
  if (!value)
    return emitOptionalError(loc, "rong.constant needs a `value` attribute");
  inferred.push_back(value.getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  FailureOr<SmallVector<int64_t>> shape =
      shapeFromAttr(loc, adaptor.getShape(), "shape");
  if (failed(shape))
    return failure();
  auto result = RankedTensorType::get(*shape, input.getElementType());
  if (input.hasStaticShape()) {
    int64_t known = 1, dynamic = 0;
    for (int64_t size : *shape)
      ShapedType::isDynamic(size) ? ++dynamic : known *= size;
    int64_t count = input.getNumElements();
    if ((dynamic == 0 && known != count) ||
        (dynamic > 0 && (known == 0 ? count != 0 : count % known != 0)))
      return emitOptionalError(loc, "cannot reshape ", input, " (", count,
                               " elements) to ", result);
  }
  inferred.push_back(result);
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto type = cast<RankedTensorType>(getType());
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
      dense && type.hasStaticShape())
    return dense.reshape(type);
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the last shape matters.
struct ReshapeOfReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a rong.reshape");
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, inner.getInput(),
                                           op.getShapeAttr());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ReshapeOfReshape>(context);
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOptionalError(loc, "permutation has ", perm.size(),
                             " entries for an input of rank ", input.getRank());
  llvm::SmallBitVector seen(perm.size());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen.test(p))
      return emitOptionalError(loc, "permutation [", perm,
                               "] is not a permutation of [0, ",
                               input.getRank(), ")");
    seen.set(p);
    shape.push_back(input.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  // transpose(transpose(x, p), q) -> transpose(x, p o q), in place.
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t q : perm)
      composed.push_back(inner.getPermutation()[q]);
    setPermutation(composed);
    getInputMutable().assign(inner.getInput());
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return getInput();
    return getResult();
  }
  auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  auto type = cast<RankedTensorType>(getType());
  if (!dense)
    return {};
  if (dense.isSplat())
    return dense.resizeSplat(type);
  ArrayRef<int64_t> inShape = dense.getType().getShape();
  SmallVector<int64_t> inCoords(perm.size());
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    for (size_t i = 0; i < perm.size(); ++i)
      inCoords[perm[i]] = coords[i];
    return fold::readElement(dense, linearize(inCoords, inShape));
  });
}

bool TransposeOp::movesOnlyUnitDims(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> order;
  for (int64_t p : permutation)
    if (shape[p] != 1)
      order.push_back(p);
  return llvm::is_sorted(order);
}

namespace {
/// A transpose that keeps the order of the dimensions larger than 1 (it only
/// moves size-1 dimensions, as exporters' batch-first <-> sequence-first
/// swaps do at batch 1) moves no bytes: it is a reshape, which every later
/// stage treats as a view.
struct TransposeOfUnitDims : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static shape");
    if (!TransposeOp::movesOnlyUnitDims(
            cast<RankedTensorType>(op.getInput().getType()).getShape(),
            op.getPermutation()))
      return rewriter.notifyMatchFailure(op, "moves data");
    rewriter.replaceOpWithNewOp<ReshapeOp>(
        op, op.getInput(), rewriter.getDenseI64ArrayAttr(type.getShape()));
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<TransposeOfUnitDims>(context);
}

//===----------------------------------------------------------------------===//
// BroadcastTo
//===----------------------------------------------------------------------===//

LogicalResult BroadcastToOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  FailureOr<SmallVector<int64_t>> shape =
      shapeFromAttr(loc, adaptor.getShape(), "shape");
  if (failed(shape))
    return failure();
  if (shape->size() < static_cast<size_t>(input.getRank()))
    return emitOptionalError(loc, "cannot broadcast ", input,
                             " to the lower rank ", shape->size());
  int64_t offset = shape->size() - input.getRank();
  for (int64_t d = 0; d < input.getRank(); ++d) {
    int64_t from = input.getDimSize(d), to = (*shape)[offset + d];
    if (from != 1 && !ShapedType::isDynamic(from) &&
        !ShapedType::isDynamic(to) && from != to)
      return emitOptionalError(loc, "cannot broadcast dimension ", d, " of ",
                               input, " (size ", from, ") to size ", to);
  }
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto type = cast<RankedTensorType>(getType());
  auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  if (!dense || !type.hasStaticShape())
    return {};
  if (dense.isSplat())
    return dense.resizeSplat(type);
  ArrayRef<int64_t> inShape = dense.getType().getShape();
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    return fold::readElement(
        dense, fold::broadcastIndex(type.getShape(), inShape,
                                    linearize(coords, type.getShape())));
  });
}

//===----------------------------------------------------------------------===//
// Concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = cast<RankedTensorType>(inputs.front().getType());
  if (first.getRank() == 0)
    return emitOptionalError(loc, "concat inputs must have rank >= 1");
  FailureOr<int64_t> axis =
      normalizeAxis(loc, adaptor.getAxis(), first.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, value] : llvm::enumerate(inputs.drop_front())) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getElementType() != first.getElementType() ||
        type.getRank() != first.getRank())
      return emitOptionalError(loc, "input ", i + 1, " (", type,
                               ") differs in rank or element type from input 0 (",
                               first, ")");
    for (int64_t d = 0; d < first.getRank(); ++d) {
      int64_t size = type.getDimSize(d);
      if (d == *axis) {
        shape[d] = ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(size)
                       ? ShapedType::kDynamic
                       : shape[d] + size;
      } else if (!sizesMayAgree(shape[d], size)) {
        return emitOptionalError(loc, "input ", i + 1, " has size ", size,
                                 " on dimension ", d, ", expected ", shape[d]);
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      }
    }
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  auto type = cast<RankedTensorType>(getType());
  SmallVector<DenseElementsAttr> parts;
  for (Attribute attr : adaptor.getInputs()) {
    auto dense = dyn_cast_if_present<DenseElementsAttr>(attr);
    if (!dense)
      return {};
    parts.push_back(dense);
  }
  int64_t axis = getAxis() < 0 ? getAxis() + type.getRank() : getAxis();
  SmallVector<int64_t> inCoords;
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    inCoords.assign(coords.begin(), coords.end());
    for (DenseElementsAttr part : parts) {
      ArrayRef<int64_t> partShape = part.getType().getShape();
      if (inCoords[axis] < partShape[axis])
        return fold::readElement(part, linearize(inCoords, partShape));
      inCoords[axis] -= partShape[axis];
    }
    llvm_unreachable("coordinate beyond the concatenated extent");
  });
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

SliceDim mlir::rong::normalizeSlice(int64_t dim, int64_t start, int64_t end,
                                    int64_t step) {
  if (dim == 0)
    return {0, step, 0};
  auto wrap = [dim](int64_t v) { return v < 0 ? v + dim : v; };
  start = wrap(start);
  end = wrap(end);
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return {start, step, end > start ? (end - start + step - 1) / step : 0};
  }
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  return {start, step, start > end ? (start - end - step - 1) / -step : 0};
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    steps = adaptor.getSteps();
  size_t rank = input.getRank();
  if (starts.size() != rank || ends.size() != rank || steps.size() != rank)
    return emitOptionalError(loc, "starts, ends and steps need one entry per "
                                  "dimension (",
                             rank, "), got ", starts.size(), ", ", ends.size(),
                             " and ", steps.size());
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < rank; ++d) {
    if (steps[d] == 0)
      return emitOptionalError(loc, "step of dimension ", d, " is zero");
    int64_t dim = input.getDimSize(d);
    shape.push_back(ShapedType::isDynamic(dim)
                        ? ShapedType::kDynamic
                        : normalizeSlice(dim, starts[d], ends[d], steps[d]).size);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (!input.hasStaticShape())
    return {};
  SmallVector<SliceDim> dims;
  for (int64_t d = 0; d < input.getRank(); ++d)
    dims.push_back(normalizeSlice(input.getDimSize(d), getStarts()[d],
                                  getEnds()[d], getSteps()[d]));
  bool identity = llvm::all_of(llvm::enumerate(dims), [&](auto it) {
    return it.value().start == 0 && it.value().step == 1 &&
           it.value().size == input.getDimSize(it.index());
  });
  if (identity)
    return getInput();
  auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  auto type = cast<RankedTensorType>(getType());
  if (!dense)
    return {};
  if (dense.isSplat())
    return dense.resizeSplat(type);
  SmallVector<int64_t> inCoords(dims.size());
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    for (size_t d = 0; d < dims.size(); ++d)
      inCoords[d] = dims[d].start + coords[d] * dims[d].step;
    return fold::readElement(dense, linearize(inCoords, input.getShape()));
  });
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  if (input.getRank() == 0)
    return emitOptionalError(loc, "gather input must have rank >= 1");
  FailureOr<int64_t> axis =
      normalizeAxis(loc, adaptor.getAxis(), input.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, input.getShape().drop_front(*axis + 1));
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  // Exporters gather dimensions out of constant shapes; fold those.
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  auto indices = dyn_cast_if_present<DenseElementsAttr>(adaptor.getIndices());
  auto type = cast<RankedTensorType>(getType());
  if (!input || !indices || !type.hasStaticShape())
    return {};
  ArrayRef<int64_t> inShape = input.getType().getShape();
  int64_t rank = inShape.size();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  int64_t extent = inShape[axis];
  SmallVector<int64_t> picks;
  for (const APInt &index : indices.getValues<APInt>()) {
    int64_t i = index.getSExtValue();
    if (i < -extent || i >= extent)
      return {}; // Out of range: leave the error to run time.
    picks.push_back(i < 0 ? i + extent : i);
  }
  int64_t indexRank = indices.getType().getRank();
  ArrayRef<int64_t> indexShape = indices.getType().getShape();
  SmallVector<int64_t> inCoords(rank);
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    // coords = outer (axis dims) + index coords + inner dims.
    for (int64_t d = 0; d < axis; ++d)
      inCoords[d] = coords[d];
    inCoords[axis] =
        picks[linearize(coords.slice(axis, indexRank), indexShape)];
    for (int64_t d = axis + 1; d < rank; ++d)
      inCoords[d] = coords[d - 1 + indexRank];
    return fold::readElement(input, linearize(inCoords, inShape));
  });
}

//===----------------------------------------------------------------------===//
// GatherElements
//===----------------------------------------------------------------------===//

LogicalResult GatherElementsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  if (input.getRank() == 0)
    return emitOptionalError(loc, "gather_elements input must have rank >= 1");
  if (indices.getRank() != input.getRank())
    return emitOptionalError(loc, "gather_elements indices have rank ",
                             indices.getRank(), " but the input has rank ",
                             input.getRank());
  FailureOr<int64_t> axis =
      normalizeAxis(loc, adaptor.getAxis(), input.getRank(), "axis");
  if (failed(axis))
    return failure();
  for (int64_t d = 0, e = input.getRank(); d < e; ++d) {
    int64_t in = input.getDimSize(d), idx = indices.getDimSize(d);
    if (d != *axis && !ShapedType::isDynamic(in) &&
        !ShapedType::isDynamic(idx) && idx > in)
      return emitOptionalError(loc, "gather_elements indices dimension ", d,
                               " (", idx, ") exceeds the input's (", in, ")");
  }
  inferred.push_back(
      RankedTensorType::get(indices.getShape(), input.getElementType()));
  return success();
}

OpFoldResult GatherElementsOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  auto indices = dyn_cast_if_present<DenseElementsAttr>(adaptor.getIndices());
  auto type = cast<RankedTensorType>(getType());
  if (!input || !indices || !type.hasStaticShape() ||
      !input.getType().hasStaticShape())
    return {};
  ArrayRef<int64_t> inShape = input.getType().getShape();
  int64_t axis = getAxis() < 0 ? getAxis() + inShape.size() : getAxis();
  int64_t extent = inShape[axis];
  SmallVector<int64_t> picks;
  for (const APInt &index : indices.getValues<APInt>()) {
    int64_t i = index.getSExtValue();
    if (i < -extent || i >= extent)
      return {}; // Out of range: leave it to the kernel, which clamps.
    picks.push_back(i < 0 ? i + extent : i);
  }
  ArrayRef<int64_t> outShape = type.getShape();
  SmallVector<int64_t> inCoords;
  return buildByCoords(type, [&](ArrayRef<int64_t> coords) {
    inCoords.assign(coords.begin(), coords.end());
    inCoords[axis] = picks[linearize(coords, outShape)];
    return fold::readElement(input, linearize(inCoords, inShape));
  });
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pads needs 2 * rank = ", 2 * rank,
                             " entries, got ", pads.size());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = input.getDimSize(d);
    if (ShapedType::isDynamic(dim)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t size = dim + pads[d] + pads[rank + d];
    if (size < 0)
      return emitOptionalError(loc, "pads crop dimension ", d, " (size ", dim,
                               ") below zero");
    if (adaptor.getMode() == PadMode::reflect &&
        (pads[d] >= dim || pads[rank + d] >= dim))
      return emitOptionalError(loc, "reflect padding of dimension ", d,
                               " must be smaller than its size ", dim);
    if (adaptor.getMode() == PadMode::edge && dim == 0 && size > 0)
      return emitOptionalError(loc, "edge padding of empty dimension ", d);
    shape.push_back(size);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}
