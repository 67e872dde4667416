//===- OnnxNormalizations.cpp - ONNX normalisations built from rong ops ---===//
//
// This file implements the ONNX converters of the normalisations that map
// onto rong's reductions and norms rather than onto an op of their own:
// LpNormalization (x divided by its L1 or L2 norm along one axis) and
// InstanceNormalization (a rong.layer_norm over the spatial axes, followed by
// the per-channel scale and bias, so that fusion still sees one row-wise
// normalisation), and LRN (a sum of shifted squares, elementwise).
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// Checks that input 0 is a floating-point tensor of rank >= `minRank`.
static LogicalResult requireFloatInput(NodeContext &ctx, int64_t minRank) {
  if (failed(requireElementType(ctx, ctx.input(0), "the input",
                                /*floatOnly=*/true)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() < minRank)
    return ctx.fail("expects an input of rank >= " + Twine(minRank) +
                    ", got " + str(type));
  return success();
}

/// LpNormalization: x / ||x||_p along `axis` (p = 1 or 2). A zero norm gives
/// 0 rather than NaN, as the ONNX reference does.
static LogicalResult convertLpNormalization(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) || failed(requireFloatInput(ctx, 1)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank(), axis = ctx.attrInt("axis", -1);
  if (axis < -rank || axis >= rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for " +
                    str(type));
  int64_t p = ctx.attrInt("p", 2);
  if (p != 1 && p != 2)
    return ctx.fail("p = " + Twine(p) + " is not supported; ONNX allows 1 "
                    "and 2");
  Value x = ctx.input(0);
  Value terms = p == 1 ? ctx.create<AbsOp>(x) : ctx.create<MulOp>(x, x);
  Value norm = ctx.create<ReduceSumOp>(terms,
                                       ctx.b().getDenseI64ArrayAttr({axis}),
                                       ctx.b().getUnitAttr());
  if (p == 2)
    norm = ctx.create<SqrtOp>(norm);
  Value zero = ctx.scalar(type.getElementType(), 0);
  Value isZero = ctx.create<EqOp>(norm, zero);
  return finish(ctx, ctx.create<WhereOp>(isZero, zero,
                                         ctx.create<DivOp>(x, norm)));
}

/// InstanceNormalization: per sample and channel, (x - mean) / sqrt(var +
/// epsilon) over the spatial axes, then scale[c] * y + B[c].
static LogicalResult convertInstanceNormalization(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 3)) || failed(requireFloatInput(ctx, 3)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  Type element = type.getElementType();
  int64_t rank = type.getRank(), channels = type.getDimSize(1);
  ArrayRef<int64_t> spatial = type.getShape().drop_front(2);
  if (llvm::any_of(spatial, ShapedType::isDynamic))
    return ctx.fail("the spatial dimensions must be static, got " + str(type));
  static const char *const names[] = {"scale", "B"};
  for (size_t i = 1; i < 3; ++i) {
    RankedTensorType param = ctx.inputType(i);
    if (param.getElementType() != element || param.getRank() != 1 ||
        !sizesMayAgree(param.getDimSize(0), channels))
      return ctx.fail(Twine(names[i - 1]) + " must have shape [C] = " +
                      str(ArrayRef<int64_t>{channels}) + " and element type " +
                      str(element) + ", got " + str(param));
  }
  double epsilon = ctx.attrFloat("epsilon", 1e-5);
  if (epsilon < 0)
    return ctx.fail("epsilon must be non-negative");
  // layer_norm normalises the trailing (spatial) axes with an identity
  // scale; the per-channel affine part follows as a broadcast multiply-add.
  auto spatialType = RankedTensorType::get(spatial, element);
  Value ones = ctx.constant(spatialType, ArrayRef<double>{1.0});
  Value zeros = ctx.constant(spatialType, ArrayRef<double>{0.0});
  Value normalized = ctx.create<LayerNormOp>(
      ctx.input(0), ones, zeros, ctx.b().getI64IntegerAttr(2),
      ctx.b().getF64FloatAttr(epsilon));
  SmallVector<int64_t> perChannel(rank - 1, 1);
  perChannel[0] = channels;
  Value scale = ctx.reshape(ctx.input(1), perChannel);
  Value bias = ctx.reshape(ctx.input(2), perChannel);
  return finish(ctx, ctx.create<AddOp>(ctx.create<MulOp>(normalized, scale),
                                       bias));
}

/// LRN across channels: y = x / (bias + alpha / size * s)^beta, where s
/// sums x^2 over the channels [c - floor((size - 1) / 2), c + ceil((size -
/// 1) / 2)] that exist. The squares are padded with zeros on the channel
/// axis and the window is `size` shifted slices added up, all elementwise,
/// so the whole normalisation fuses into one loop.
static LogicalResult convertLRN(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) || failed(requireFloatInput(ctx, 3)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  int64_t size = ctx.attrInt("size", 0);
  if (!ctx.hasAttr("size") || size < 1)
    return ctx.fail("size must be given and >= 1, got " + Twine(size));
  if (type.isDynamicDim(1))
    return ctx.fail("the channel dimension of " + str(type) +
                    " must be static");
  double alpha = ctx.attrFloat("alpha", 1e-4);
  double beta = ctx.attrFloat("beta", 0.75), bias = ctx.attrFloat("bias", 1.0);
  int64_t rank = type.getRank(), channels = type.getDimSize(1);
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  Type element = type.getElementType();
  Value x = ctx.input(0);
  Value squares = ctx.create<MulOp>(x, x);
  SmallVector<int64_t> pads(2 * rank, 0);
  pads[1] = before;
  pads[rank + 1] = after;
  Value padded = ctx.create<PadOp>(
      squares, ctx.b().getDenseI64ArrayAttr(pads),
      PadModeAttr::get(ctx.b().getContext(), PadMode::constant),
      ctx.b().getF64FloatAttr(0.0));
  Value sum;
  for (int64_t k = 0; k < size && padded; ++k) {
    SmallVector<int64_t> starts(rank, 0), ends, steps(rank, 1);
    for (int64_t d = 0; d < rank; ++d)
      ends.push_back(type.isDynamicDim(d) ? INT64_MAX : type.getDimSize(d));
    starts[1] = k;
    ends[1] = k + channels;
    Value term = ctx.create<SliceOp>(padded,
                                     ctx.b().getDenseI64ArrayAttr(starts),
                                     ctx.b().getDenseI64ArrayAttr(ends),
                                     ctx.b().getDenseI64ArrayAttr(steps));
    sum = sum ? ctx.create<AddOp>(sum, term) : term;
  }
  if (!sum)
    return failure();
  Value base = ctx.create<AddOp>(
      ctx.create<MulOp>(sum, ctx.scalar(element, alpha / size)),
      ctx.scalar(element, bias));
  return finish(ctx, ctx.create<MulOp>(
                         x, ctx.create<PowOp>(base, ctx.scalar(element, -beta))));
}

void onnx_import::addNormalizationConverters(
    llvm::StringMap<Converter> &table) {
  table["LpNormalization"] = convertLpNormalization;
  table["InstanceNormalization"] = convertInstanceNormalization;
  table["LRN"] = convertLRN;
}
