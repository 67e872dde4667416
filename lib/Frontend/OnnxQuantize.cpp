//===- OnnxQuantize.cpp - ONNX QuantizeLinear, DequantizeLinear, QLinearMatMul
//
// This file converts ONNX's linear quantization ops into rong elementwise
// ops, so that the quantize / dequantize pairs of a QDQ model fuse into the
// kernels around them instead of running as kernels of their own:
//
//   DequantizeLinear  y = (x - zero_point) * scale
//   QuantizeLinear    y = saturate(round(x / scale) + zero_point)
//   QLinearMatMul     y = saturate(round((a - za) @ (b - zb) * (sa sb / sy))
//                                  + zy)
//
// Scales apply per tensor, per axis or per block (`block_size`), as the ONNX
// reference spreads them. The integer side is INT8, UINT8, INT16 or UINT16
// (INT32 as a DequantizeLinear input); the 2- and 4-bit and narrow-float
// quantized types are refused by the importer's element-type check before a
// converter runs. The arithmetic is f32: differences of 8- and 16-bit
// integers are exact there, and QLinearMatMul's sums of products stay exact
// while they stay under 2^24 (up to 258 terms of 8-bit operands); longer
// reductions round in f32 where an integer accumulator would not.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

static Type elementOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

/// `value` converted to `element` (null stays null, so chains of creates
/// are checked once at the end).
static Value castTo(NodeContext &ctx, Value value, Type element) {
  if (!value || elementOf(value) == element)
    return value;
  return ctx.create<CastOp>(value, TypeAttr::get(element));
}

/// The quantized integer types the converters accept, with their ranges.
static bool isQuantizedType(Type element) {
  auto integer = dyn_cast<IntegerType>(element);
  return integer && !integer.isSigned() &&
         (integer.getWidth() == 8 || integer.getWidth() == 16);
}

static std::pair<double, double> rangeOf(Type element) {
  unsigned bits = element.getIntOrFloatBitWidth();
  if (element.isUnsignedInteger())
    return {0.0, std::ldexp(1.0, bits) - 1};
  return {-std::ldexp(1.0, bits - 1), std::ldexp(1.0, bits - 1) - 1};
}

/// Brings `param` (a scale or zero point) to a shape that broadcasts against
/// `x` as ONNX defines it: a scalar or one-element tensor applies to every
/// element; a 1-D tensor runs along `axis`; with `blockSize`, a tensor of
/// x's rank holds one value per block of `blockSize` elements along `axis`,
/// repeated over the block (and cut to x's extent). Null after reporting an
/// error.
static Value spreadParameter(NodeContext &ctx, Value param, Value x,
                             int64_t axis, int64_t blockSize,
                             StringRef what) {
  auto type = cast<RankedTensorType>(param.getType());
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> xShape = shapeOf(x);
  int64_t rank = xShape.size();
  if (!type.hasStaticShape()) {
    (void)ctx.fail(what + " needs a static shape; got " + str(type));
    return {};
  }
  if (type.getNumElements() == 1 && blockSize == 0)
    return ctx.reshape(param, {});
  if (axis < -rank || axis >= rank) {
    (void)ctx.fail("axis " + Twine(axis) + " is out of range for an input " +
                   "of rank " + Twine(rank));
    return {};
  }
  if (axis < 0)
    axis += rank;
  int64_t extent = xShape[axis];
  if (blockSize == 0) {
    if (shape.size() != 1 || shape[0] != extent) {
      (void)ctx.fail(what + " has shape " + str(shape) + "; per-axis " +
                     "quantization along axis " + Twine(axis) + " of " +
                     str(xShape) + " needs [" + Twine(extent) + "]");
      return {};
    }
    SmallVector<int64_t> spread(rank, 1);
    spread[axis] = extent;
    return ctx.reshape(param, spread);
  }
  if (blockSize < 0) {
    (void)ctx.fail("block_size " + Twine(blockSize) + " is negative");
    return {};
  }
  int64_t blocks = (extent + blockSize - 1) / blockSize;
  SmallVector<int64_t> expected(xShape);
  expected[axis] = blocks;
  if (shape != ArrayRef<int64_t>(expected)) {
    (void)ctx.fail(what + " has shape " + str(shape) + "; blocks of " +
                   Twine(blockSize) + " along axis " + Twine(axis) + " of " +
                   str(xShape) + " need " + str(expected));
    return {};
  }
  // [.., blocks, ..] -> [.., blocks, 1, ..] -> [.., blocks, B, ..] ->
  // [.., blocks * B, ..], then cut to the extent.
  SmallVector<int64_t> split(expected);
  split.insert(split.begin() + axis + 1, 1);
  SmallVector<int64_t> repeated(split);
  repeated[axis + 1] = blockSize;
  Value spread = ctx.create<BroadcastToOp>(
      ctx.reshape(param, split), ctx.b().getDenseI64ArrayAttr(repeated));
  SmallVector<int64_t> joined(expected);
  joined[axis] = blocks * blockSize;
  spread = ctx.reshape(spread, joined);
  if (joined[axis] == extent)
    return spread;
  SmallVector<int64_t> starts(rank, 0), ends(xShape), steps(rank, 1);
  return ctx.create<SliceOp>(spread, ctx.b().getDenseI64ArrayAttr(starts),
                             ctx.b().getDenseI64ArrayAttr(ends),
                             ctx.b().getDenseI64ArrayAttr(steps));
}

/// The output element type an `output_dtype` attribute names, or `fallback`
/// when the attribute is absent or 0. Null after reporting an error.
static Type outputType(NodeContext &ctx, Type fallback) {
  int64_t code = ctx.attrInt("output_dtype", 0);
  if (code == 0)
    return fallback;
  Type type = convertElementType(code, ctx.b().getContext());
  if (!type) {
    (void)ctx.fail("output_dtype " + elementTypeName(code) +
                   " is not supported; Rong quantizes to (U)INT8 and " +
                   "(U)INT16 and dequantizes to FLOAT, FLOAT16 and " +
                   "BFLOAT16");
    return {};
  }
  return type;
}

/// Checks that input `i` is present and floating-point; `what` names it.
static LogicalResult requireScale(NodeContext &ctx, size_t i, StringRef what) {
  if (!ctx.input(i))
    return ctx.fail(what + " (input " + Twine(i) + ") is missing");
  return requireElementType(ctx, ctx.input(i), what, /*floatOnly=*/true);
}

/// x - zero_point in f32 (x when there is no zero point).
static Value centred(NodeContext &ctx, Value x, Value zeroPoint, int64_t axis,
                     int64_t blockSize, StringRef what) {
  Type f32 = ctx.b().getF32Type();
  Value value = castTo(ctx, x, f32);
  if (!zeroPoint)
    return value;
  Value spread = spreadParameter(ctx, zeroPoint, x, axis, blockSize, what);
  if (!spread)
    return {};
  return ctx.create<SubOp>(value, castTo(ctx, spread, f32));
}

static LogicalResult convertDequantizeLinear(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireScale(ctx, 1, "x_scale")))
    return failure();
  Value x = ctx.input(0), zeroPoint = ctx.input(2);
  Type element = elementOf(x);
  if (!isQuantizedType(element) && !element.isSignlessInteger(32))
    return ctx.fail("x has element type " + str(element) +
                    "; Rong dequantizes (U)INT8, (U)INT16 and INT32");
  if (zeroPoint && elementOf(zeroPoint) != element)
    return ctx.fail("x_zero_point has element type " +
                    str(elementOf(zeroPoint)) + ", x has " + str(element));
  Type result = outputType(ctx, elementOf(ctx.input(1)));
  if (!result)
    return failure();
  if (!isa<FloatType>(result))
    return ctx.fail("output_dtype " + str(result) + " is not a float type");
  int64_t axis = ctx.attrInt("axis", 1);
  int64_t blockSize = ctx.attrInt("block_size", 0);
  Value scale = spreadParameter(ctx, ctx.input(1), x, axis, blockSize,
                                "x_scale");
  if (!scale)
    return failure();
  Value value = centred(ctx, x, zeroPoint, axis, blockSize, "x_zero_point");
  if (!value)
    return failure();
  Value y = castTo(
      ctx, ctx.create<MulOp>(value, castTo(ctx, scale, ctx.b().getF32Type())),
      result);
  if (!y)
    return failure();
  ctx.setResults(y);
  return success();
}

/// saturate(round(value) + zero_point) in `element`, `value` being f32.
static Value requantize(NodeContext &ctx, Value value, Value zeroPoint,
                        Type element) {
  Value y = roundHalfToEven(ctx, value);
  if (zeroPoint)
    y = ctx.create<AddOp>(y, castTo(ctx, zeroPoint, ctx.b().getF32Type()));
  auto [low, high] = rangeOf(element);
  y = ctx.create<ClipOp>(y, ctx.b().getF64FloatAttr(low),
                         ctx.b().getF64FloatAttr(high));
  if (!y)
    return {};
  return castTo(ctx, y, element);
}

static LogicalResult convertQuantizeLinear(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireScale(ctx, 1, "y_scale")) ||
      failed(requireElementType(ctx, ctx.input(0), "x", /*floatOnly=*/false)))
    return failure();
  Value x = ctx.input(0), zeroPoint = ctx.input(2);
  // Without a zero point or output_dtype, ONNX quantizes to UINT8.
  Type uint8 =
      IntegerType::get(ctx.b().getContext(), 8, IntegerType::Unsigned);
  Type element = outputType(ctx, zeroPoint ? elementOf(zeroPoint) : uint8);
  if (!element)
    return failure();
  if (zeroPoint && elementOf(zeroPoint) != element)
    return ctx.fail("y_zero_point has element type " +
                    str(elementOf(zeroPoint)) + ", output_dtype names " +
                    str(element));
  if (!isQuantizedType(element))
    return ctx.fail("quantizes to " + str(element) +
                    "; Rong quantizes to (U)INT8 and (U)INT16");
  int64_t axis = ctx.attrInt("axis", 1);
  int64_t blockSize = ctx.attrInt("block_size", 0);
  Value scale = spreadParameter(ctx, ctx.input(1), x, axis, blockSize,
                                "y_scale");
  Value spreadZero;
  if (scale && zeroPoint)
    spreadZero = spreadParameter(ctx, zeroPoint, x, axis, blockSize,
                                 "y_zero_point");
  if (!scale || (zeroPoint && !spreadZero))
    return failure();
  // The division runs in `precision` (default: the scale's type); f32
  // division rounded once more to a narrower type is that type's division.
  Type precision = elementOf(ctx.input(1));
  if (ctx.hasAttr("precision")) {
    int64_t code = ctx.attrInt("precision", 0);
    precision = code ? convertElementType(code, ctx.b().getContext())
                     : elementOf(ctx.input(1));
    if (!precision || !isa<Float32Type, Float16Type, BFloat16Type>(precision))
      return ctx.fail("precision " + elementTypeName(code) +
                      " is not supported; Rong divides in FLOAT, FLOAT16 "
                      "or BFLOAT16");
  }
  Type f32 = ctx.b().getF32Type();
  auto inPrecision = [&](Value v) {
    return castTo(ctx, castTo(ctx, v, precision), f32);
  };
  Value quotient = ctx.create<DivOp>(inPrecision(x), inPrecision(scale));
  if (!quotient)
    return failure();
  quotient = inPrecision(quotient);
  Value y = requantize(ctx, quotient, spreadZero, element);
  if (!y)
    return failure();
  ctx.setResults(y);
  return success();
}

/// A QLinearMatMul scale or zero point (input `i`) of `operand`: a scalar,
/// or a 1-D tensor per row of a (shaped [M, 1]) or per column of b (shaped
/// [N]).
static Value matmulParameter(NodeContext &ctx, size_t i, Value operand,
                             bool perRow, StringRef what) {
  Value param = ctx.input(i);
  auto type = cast<RankedTensorType>(param.getType());
  if (type.hasStaticShape() && type.getNumElements() == 1)
    return ctx.reshape(param, {});
  ArrayRef<int64_t> shape = shapeOf(operand);
  int64_t extent = perRow ? shape[shape.size() - 2] : shape.back();
  if (ShapedType::isDynamic(extent)) {
    (void)ctx.fail(what + " is per " + (perRow ? "row" : "column") +
                   " of a dimension that is not static");
    return {};
  }
  if (type.getRank() != 1 || type.getDimSize(0) != extent) {
    (void)ctx.fail(what + " has shape " + str(type.getShape()) +
                   "; it must be a scalar or hold one value per " +
                   (perRow ? "row" : "column") + " (" + Twine(extent) + ")");
    return {};
  }
  return perRow ? ctx.reshape(param, {extent, 1}) : param;
}

static LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 8)))
    return failure();
  Value a = ctx.input(0), b = ctx.input(3), zy = ctx.input(7);
  static const char *const names[] = {
      "a", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point",
      "y_scale", "y_zero_point"};
  for (size_t i : {0, 3}) {
    if (!isQuantizedType(elementOf(ctx.input(i))))
      return ctx.fail(Twine(names[i]) + " has element type " +
                      str(elementOf(ctx.input(i))) +
                      "; Rong multiplies (U)INT8 and (U)INT16");
    if (shapeOf(ctx.input(i)).size() < 2)
      return ctx.fail(Twine(names[i]) + " has rank " +
                      Twine(shapeOf(ctx.input(i)).size()) +
                      "; QLinearMatMul needs rank 2 or more");
  }
  for (size_t i : {2, 5})
    if (elementOf(ctx.input(i)) != elementOf(ctx.input(i - 2)))
      return ctx.fail(Twine(names[i]) + " has element type " +
                      str(elementOf(ctx.input(i))) + ", " + names[i - 2] +
                      " has " + str(elementOf(ctx.input(i - 2))));
  for (size_t i : {1, 4, 6})
    if (failed(requireScale(ctx, i, names[i])))
      return failure();
  Type element = elementOf(zy);
  if (!isQuantizedType(element))
    return ctx.fail("y_zero_point has element type " + str(element) +
                    "; Rong quantizes to (U)INT8 and (U)INT16");
  Value sa = matmulParameter(ctx, 1, a, true, "a_scale");
  Value za = sa ? matmulParameter(ctx, 2, a, true, "a_zero_point") : Value();
  Value sb = za ? matmulParameter(ctx, 4, b, false, "b_scale") : Value();
  Value zb = sb ? matmulParameter(ctx, 5, b, false, "b_zero_point") : Value();
  if (!zb)
    return failure();
  for (size_t i : {6, 7}) {
    auto type = cast<RankedTensorType>(ctx.input(i).getType());
    if (!type.hasStaticShape() || type.getNumElements() != 1)
      return ctx.fail(Twine(names[i]) + " has shape " +
                      str(type.getShape()) + "; it must be a scalar");
  }
  Value sy = ctx.reshape(ctx.input(6), {});
  Type f32 = ctx.b().getF32Type();
  Value lhs = ctx.create<SubOp>(castTo(ctx, a, f32), castTo(ctx, za, f32));
  Value rhs = ctx.create<SubOp>(castTo(ctx, b, f32), castTo(ctx, zb, f32));
  Value product = ctx.create<MatMulOp>(lhs, rhs, /*bias=*/Value());
  // The multiplier as the reference forms it: a_scale * b_scale / y_scale.
  Value multiplier = ctx.create<DivOp>(
      ctx.create<MulOp>(castTo(ctx, sa, f32), castTo(ctx, sb, f32)),
      castTo(ctx, sy, f32));
  Value scaled = ctx.create<MulOp>(product, multiplier);
  if (!scaled)
    return failure();
  Value y = requantize(ctx, scaled, ctx.reshape(zy, {}), element);
  if (!y)
    return failure();
  ctx.setResults(y);
  return success();
}

void onnx_import::addQuantizationConverters(
    llvm::StringMap<Converter> &table) {
  table["DequantizeLinear"] = convertDequantizeLinear;
  table["QuantizeLinear"] = convertQuantizeLinear;
  table["QLinearMatMul"] = convertQLinearMatMul;
}
