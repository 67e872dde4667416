//===- OnnxElementwise.cpp - ONNX elementwise ops -------------------------===//
//
// This file implements the ONNX converters of elementwise ops: unary math and
// activations, Cast, Clip, the broadcasting binary and comparison ops
// (variadic Max/Min/Sum/Mean folded pairwise), Where, and the ops that are
// identities at inference time (Identity, Dropout).
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

template <typename OpTy>
static LogicalResult convertUnary(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  ctx.setResults(ctx.create<OpTy>(ctx.input(0)));
  return success();
}

template <typename OpTy>
static LogicalResult convertBinary(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  if (ctx.inputType(0).getElementType() != ctx.inputType(1).getElementType())
    return ctx.emitError() << "input element types differ: "
                           << ctx.inputType(0) << " vs " << ctx.inputType(1);
  ctx.setResults(ctx.create<OpTy>(ctx.input(0), ctx.input(1)));
  return success();
}

/// Variadic Max/Min/Sum: a left fold of the binary op.
template <typename OpTy>
static LogicalResult convertVariadic(NodeContext &ctx) {
  if (failed(requireInputs(ctx, std::max<size_t>(ctx.numInputs(), 1))))
    return failure();
  Value acc = ctx.input(0);
  for (size_t i = 1; i < ctx.numInputs(); ++i)
    acc = ctx.create<OpTy>(acc, ctx.input(i));
  ctx.setResults(acc);
  return success();
}

static LogicalResult convertMean(NodeContext &ctx) {
  if (failed(convertVariadic<AddOp>(ctx)))
    return failure();
  Value sum = ctx.getResults().front();
  Type element = cast<RankedTensorType>(sum.getType()).getElementType();
  Value count = ctx.scalar(element, static_cast<double>(ctx.numInputs()));
  ctx.setResults(ctx.create<DivOp>(sum, count));
  return success();
}

static LogicalResult convertIdentity(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  ctx.setResults(ctx.input(0));
  return success();
}

static LogicalResult convertDropout(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  // Inference: Dropout is the identity unless training_mode is a constant true.
  if (Value training = ctx.input(2)) {
    std::optional<double> mode = ctx.constantScalar(2);
    if (!mode)
      return ctx.fail("training_mode must be a constant");
    if (*mode != 0)
      return ctx.fail("training_mode = true is not supported; Rong imports "
                      "models for inference");
  }
  SmallVector<Value> results{ctx.input(0)};
  if (ctx.proto().output_size() > 1 && !ctx.proto().output(1).empty()) {
    // The mask of an inference Dropout keeps everything. Before opset 10
    // it has the input's element type (ones), from then on it is boolean.
    auto type = ctx.inputType(0);
    if (!type.hasStaticShape())
      return ctx.fail("the mask output needs a static input shape");
    if (ctx.opsetVersion() < 10)
      results.push_back(ctx.constant(type, ArrayRef<double>{1.0}));
    else
      results.push_back(ConstantOp::create(
          ctx.b(), ctx.getLoc(),
          DenseElementsAttr::get(type.clone(ctx.b().getI1Type()), true)));
  }
  ctx.setResults(results);
  return success();
}

static LogicalResult convertLeakyRelu(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  ctx.setResults(ctx.create<LeakyReluOp>(
      ctx.input(0), ctx.b().getF64FloatAttr(ctx.attrFloat("alpha", 0.01))));
  return success();
}

static LogicalResult convertGelu(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  std::string approximate = ctx.attrString("approximate", "none");
  std::optional<GeluApproximation> mode =
      symbolizeGeluApproximation(approximate);
  if (!mode)
    return ctx.fail("approximate = '" + approximate +
                    "' is not one of 'none', 'tanh'");
  ctx.setResults(ctx.create<GeluOp>(ctx.input(0), *mode));
  return success();
}

static LogicalResult convertCast(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  if (!ctx.hasAttr("to"))
    return ctx.fail("has no 'to' attribute");
  int64_t to = ctx.attrInt("to", 0);
  Type element = convertElementType(to, ctx.b().getContext());
  if (!element)
    return ctx.fail("casts to " + elementTypeName(to) +
                    ", which Rong does not support");
  ctx.setResults(ctx.create<CastOp>(ctx.input(0), TypeAttr::get(element)));
  return success();
}

static LogicalResult convertCastLike(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  ctx.setResults(ctx.create<CastOp>(
      ctx.input(0), TypeAttr::get(ctx.inputType(1).getElementType())));
  return success();
}

static LogicalResult convertClip(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  // Opset >= 11 passes the bounds as optional inputs; Rong needs constants.
  // Before, they are float attributes.
  FloatAttr bounds[2];
  for (int i = 0; i < 2; ++i) {
    if (ctx.opsetVersion() < 11) {
      const char *name = i == 0 ? "min" : "max";
      if (ctx.hasAttr(name))
        bounds[i] = ctx.b().getF64FloatAttr(ctx.attrFloat(name, 0.0));
      continue;
    }
    if (!ctx.input(1 + i))
      continue;
    std::optional<double> value = ctx.constantScalar(1 + i);
    if (!value)
      return ctx.fail(Twine(i == 0 ? "min" : "max") +
                      " must be a constant scalar");
    bounds[i] = ctx.b().getF64FloatAttr(*value);
  }
  ctx.setResults(ctx.create<ClipOp>(ctx.input(0), bounds[0], bounds[1]));
  return success();
}

static LogicalResult convertWhere(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 3)))
    return failure();
  ctx.setResults(ctx.create<WhereOp>(ctx.input(0), ctx.input(1), ctx.input(2)));
  return success();
}

/// Not-equal style ops are built from their positive form and a not.
template <typename OpTy>
static LogicalResult convertNegated(NodeContext &ctx) {
  if (failed(convertBinary<OpTy>(ctx)))
    return failure();
  ctx.setResults(ctx.create<NotOp>(ctx.getResults().front()));
  return success();
}

static LogicalResult convertXor(NodeContext &ctx) {
  // a xor b == (a != b) for booleans.
  return convertNegated<EqOp>(ctx);
}

/// BitShift (unsigned integers): LEFT or RIGHT.
static LogicalResult convertBitShift(NodeContext &ctx) {
  std::string direction = ctx.attrString("direction", "");
  if (direction == "LEFT")
    return convertBinary<ShiftLeftOp>(ctx);
  if (direction == "RIGHT")
    return convertBinary<ShiftRightOp>(ctx);
  return ctx.fail("direction '" + direction + "' is not LEFT or RIGHT");
}

void onnx_import::addElementwiseConverters(llvm::StringMap<Converter> &table) {
  table["Abs"] = convertUnary<AbsOp>;
  table["Neg"] = convertUnary<NegOp>;
  table["Exp"] = convertUnary<ExpOp>;
  table["Log"] = convertUnary<LogOp>;
  table["Sqrt"] = convertUnary<SqrtOp>;
  table["Reciprocal"] = convertUnary<ReciprocalOp>;
  table["Tanh"] = convertUnary<TanhOp>;
  table["Sigmoid"] = convertUnary<SigmoidOp>;
  table["Relu"] = convertUnary<ReluOp>;
  table["Erf"] = convertUnary<ErfOp>;
  table["Sin"] = convertUnary<SinOp>;
  table["Cos"] = convertUnary<CosOp>;
  table["Floor"] = convertUnary<FloorOp>;
  table["Ceil"] = convertUnary<CeilOp>;
  table["Sign"] = convertUnary<SignOp>;
  table["Not"] = convertUnary<NotOp>;
  table["LeakyRelu"] = convertLeakyRelu;
  table["Gelu"] = convertGelu;
  table["Cast"] = convertCast;
  table["CastLike"] = convertCastLike;
  table["Clip"] = convertClip;
  table["Identity"] = convertIdentity;
  table["Dropout"] = convertDropout;

  table["Add"] = convertBinary<AddOp>;
  table["Sub"] = convertBinary<SubOp>;
  table["Mul"] = convertBinary<MulOp>;
  table["Div"] = convertBinary<DivOp>;
  table["Pow"] = convertBinary<PowOp>;
  table["Max"] = convertVariadic<MaxOp>;
  table["Min"] = convertVariadic<MinOp>;
  table["Sum"] = convertVariadic<AddOp>;
  table["Mean"] = convertMean;
  table["Equal"] = convertBinary<EqOp>;
  table["Less"] = convertBinary<LtOp>;
  table["LessOrEqual"] = convertBinary<LeOp>;
  table["Greater"] = convertBinary<GtOp>;
  table["GreaterOrEqual"] = convertBinary<GeOp>;
  table["And"] = convertBinary<AndOp>;
  table["Or"] = convertBinary<OrOp>;
  table["Xor"] = convertXor;
  table["BitwiseAnd"] = convertBinary<AndOp>;
  table["BitwiseOr"] = convertBinary<OrOp>;
  table["BitwiseXor"] = convertBinary<XorOp>;
  table["BitwiseNot"] = convertUnary<NotOp>;
  table["BitShift"] = convertBitShift;
  table["Where"] = convertWhere;
}
