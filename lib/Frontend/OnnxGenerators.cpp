//===- OnnxGenerators.cpp - ONNX ops built from index patterns ------------===//
//
// This file implements the ONNX converters of ops whose result is, or is
// selected by, a pattern of indices known at compile time: Range (with
// constant inputs, folded to a constant), EyeLike, Trilu (a mask from a
// constant matrix of diagonal offsets, and a select) and Hardmax (argmax
// compared with an iota). They need the sizes their patterns span to be
// static; otherwise the node is rejected with that reason.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

/// Range folds to a constant; larger results are refused rather than written
/// into the IR element by element.
static constexpr int64_t kMaxRangeElements = 1 << 20;

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// Range(start, limit, delta): start + i * delta for
/// i < max(ceil((limit - start) / delta), 0).
static LogicalResult convertRange(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 3)))
    return failure();
  Type element = ctx.inputType(0).getElementType();
  for (size_t i = 0; i < 3; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (type.getElementType() != element || type.getNumElements() != 1 ||
        !type.hasStaticShape())
      return ctx.fail("start, limit and delta must be scalars of one element "
                      "type, got " + str(type));
  }
  if (element.isInteger(1))
    return ctx.fail("the inputs have element type i1; Range needs numbers");
  RankedTensorType resultType;
  Value result;
  if (isa<FloatType>(element)) {
    std::optional<double> start = ctx.constantScalar(0),
                          limit = ctx.constantScalar(1),
                          delta = ctx.constantScalar(2);
    if (!start || !limit || !delta)
      return ctx.fail("start, limit and delta must be compile-time constants");
    if (*delta == 0 || !std::isfinite(*delta) || !std::isfinite(*start) ||
        !std::isfinite(*limit))
      return ctx.fail("delta must be non-zero and all inputs finite");
    double count = std::max(std::ceil((*limit - *start) / *delta), 0.0);
    if (count > kMaxRangeElements)
      return ctx.fail("the range would have " + Twine(int64_t(count)) +
                      " elements; Rong folds at most " +
                      Twine(kMaxRangeElements));
    SmallVector<double> values;
    for (int64_t i = 0, e = count; i < e; ++i)
      values.push_back(*start + i * *delta);
    resultType = RankedTensorType::get({int64_t(count)}, element);
    result = values.empty() ? Value() : ctx.constant(resultType, values);
  } else {
    std::optional<SmallVector<int64_t>> start = ctx.constantInts(0),
                                        limit = ctx.constantInts(1),
                                        delta = ctx.constantInts(2);
    if (!start || !limit || !delta)
      return ctx.fail("start, limit and delta must be compile-time constants");
    int64_t s = start->front(), l = limit->front(), d = delta->front();
    if (d == 0)
      return ctx.fail("delta must be non-zero");
    // ceil((l - s) / d) in exact integer arithmetic, in 128 bits so that
    // extreme int64 bounds cannot overflow.
    __int128 span = static_cast<__int128>(l) - s;
    __int128 count = span / d + (span % d != 0 && (span > 0) == (d > 0));
    count = std::max<__int128>(count, 0);
    if (count > kMaxRangeElements)
      return ctx.fail("the range would have more than " +
                      Twine(kMaxRangeElements) +
                      " elements; Rong folds at most that many");
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < static_cast<int64_t>(count); ++i)
      values.push_back(s + i * d);
    resultType = RankedTensorType::get({int64_t(count)}, element);
    result = values.empty() ? Value() : ctx.constant(resultType, values);
  }
  // An empty range is a constant with no elements.
  if (!result)
    result = ConstantOp::create(
        ctx.b(), ctx.getLoc(),
        DenseElementsAttr::get(resultType, ArrayRef<Attribute>{}));
  return finish(ctx, result);
}

/// The values of a rows x cols matrix whose (i, j) entry is entry(j - i).
static SmallVector<int64_t>
diagonalPattern(int64_t rows, int64_t cols,
                function_ref<int64_t(int64_t)> entry) {
  SmallVector<int64_t> values;
  values.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      values.push_back(entry(j - i));
  return values;
}

/// Checks that the last two dimensions of input 0 are static and their
/// product is small enough to spell out as a constant.
static LogicalResult requireStaticMatrix(NodeContext &ctx, int64_t minRank) {
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() < minRank)
    return ctx.fail("expects an input of rank >= " + Twine(minRank) + ", got " +
                    str(type));
  ArrayRef<int64_t> shape = type.getShape().take_back(2);
  if (ShapedType::isDynamic(shape[0]) || ShapedType::isDynamic(shape[1]))
    return ctx.fail("the last two dimensions must be static, got " + str(type));
  if (shape[0] * shape[1] > kMaxRangeElements)
    return ctx.fail("the matrix has " + Twine(shape[0] * shape[1]) +
                    " elements; Rong builds masks of at most " +
                    Twine(kMaxRangeElements));
  return success();
}

/// EyeLike: ones on the k-th diagonal of a static 2-D shape.
static LogicalResult convertEyeLike(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() != 2)
    return ctx.fail("expects a 2-D input, got " + str(type));
  if (failed(requireStaticMatrix(ctx, 2)))
    return failure();
  Type element = type.getElementType();
  if (ctx.hasAttr("dtype")) {
    int64_t dtype = ctx.attrInt("dtype", 0);
    element = convertElementType(dtype, ctx.b().getContext());
    if (!element)
      return ctx.fail("dtype " + elementTypeName(dtype) +
                      " is not supported by Rong");
  }
  int64_t k = ctx.attrInt("k", 0);
  auto resultType = RankedTensorType::get(type.getShape(), element);
  SmallVector<int64_t> values =
      diagonalPattern(type.getDimSize(0), type.getDimSize(1),
                      [&](int64_t offset) { return offset == k; });
  return finish(ctx, ctx.constant(resultType, values));
}

/// Trilu: keeps the elements on and above (upper) or on and below (lower)
/// the k-th diagonal of the last two dimensions and zeroes the rest. The mask
/// compares a constant matrix of column - row offsets with k, so k may be a
/// run-time value; a constant k folds the mask into a constant.
static LogicalResult convertTrilu(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) || failed(requireStaticMatrix(ctx, 2)))
    return failure();
  Type i64 = ctx.b().getI64Type();
  Value k = ctx.input(1);
  if (k) {
    RankedTensorType kType = ctx.inputType(1);
    if (kType.getElementType() != i64 || kType.getNumElements() != 1 ||
        !kType.hasStaticShape())
      return ctx.fail("k must be an int64 scalar, got " + str(kType));
  } else {
    k = ctx.scalar(i64, 0);
  }
  bool upper = ctx.attrInt("upper", 1) != 0;
  RankedTensorType type = ctx.inputType(0);
  ArrayRef<int64_t> matrix = type.getShape().take_back(2);
  Value offsets = ctx.constant(
      RankedTensorType::get(matrix, i64),
      diagonalPattern(matrix[0], matrix[1], [](int64_t offset) {
        return offset;
      }));
  if (cast<RankedTensorType>(k.getType()).getRank() > 0)
    k = ctx.reshape(k, {});
  Value keep = upper ? ctx.create<GeOp>(offsets, k)
                     : ctx.create<LeOp>(offsets, k);
  Value zero = ctx.scalar(type.getElementType(), 0);
  return finish(ctx, ctx.create<WhereOp>(keep, ctx.input(0), zero));
}

/// Hardmax of `x` along `axis`, which must be static: 1 where an element is
/// the first largest, else 0. rong.argmax picks the first index on ties, as
/// Hardmax does.
static Value hardmax(NodeContext &ctx, Value x, int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), size = type.getDimSize(axis);
  if (ShapedType::isDynamic(size)) {
    (void)ctx.fail("dimension " + Twine(axis) + " of " + str(type) +
                   " must be static");
    return {};
  }
  Value index = ctx.create<ArgMaxOp>(x, ctx.b().getI64IntegerAttr(axis),
                                     ctx.b().getUnitAttr(), UnitAttr());
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[axis] = size;
  Value iota = ctx.constant(
      RankedTensorType::get(iotaShape, ctx.b().getI64Type()),
      llvm::to_vector(llvm::seq<int64_t>(0, size)));
  Value hit = ctx.create<EqOp>(index, iota);
  return ctx.create<CastOp>(hit, TypeAttr::get(type.getElementType()));
}

/// Hardmax: from opset 13 along one axis (default -1); before, along the
/// rows of the input flattened to 2-D at `axis` (default 1).
static LogicalResult convertHardmax(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  if (ctx.opsetVersion() < 13)
    return finish(ctx, onCoercedRows(ctx, [&](Value rows, int64_t axis) {
                    return hardmax(ctx, rows, axis);
                  }));
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank(), axis = ctx.attrInt("axis", -1);
  if (rank == 0 || axis < -rank || axis >= rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for " +
                    str(type));
  if (axis < 0)
    axis += rank;
  return finish(ctx, hardmax(ctx, ctx.input(0), axis));
}

void onnx_import::addGeneratorConverters(llvm::StringMap<Converter> &table) {
  table["Range"] = convertRange;
  table["EyeLike"] = convertEyeLike;
  table["Trilu"] = convertTrilu;
  table["Hardmax"] = convertHardmax;
}
