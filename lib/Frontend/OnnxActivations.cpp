//===- OnnxActivations.cpp - ONNX activations built from rong ops ---------===//
//
// This file implements the ONNX converters of the activations that the rong
// dialect has no op for: Elu, Celu, Selu, HardSigmoid, HardSwish, Softplus,
// Softsign, Mish, Swish, ThresholdedRelu, PRelu and Shrink. Each becomes a
// short chain of elementwise rong ops, which fusion puts back into one kernel;
// a dedicated op would only add a case to every later stage.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

namespace {
/// Builds elementwise chains on one node's input: constants get the input's
/// element type, and every op goes through NodeContext::create, so a type the
/// ops reject becomes an error naming the node.
class Chain {
public:
  explicit Chain(NodeContext &ctx)
      : ctx(ctx), element(ctx.inputType(0).getElementType()) {}

  Value c(double value) { return ctx.scalar(element, value); }
  Value add(Value a, Value b) { return ctx.create<AddOp>(a, b); }
  Value sub(Value a, Value b) { return ctx.create<SubOp>(a, b); }
  Value mul(Value a, Value b) { return ctx.create<MulOp>(a, b); }
  Value div(Value a, Value b) { return ctx.create<DivOp>(a, b); }
  Value max(Value a, Value b) { return ctx.create<MaxOp>(a, b); }
  Value min(Value a, Value b) { return ctx.create<MinOp>(a, b); }
  Value lt(Value a, Value b) { return ctx.create<LtOp>(a, b); }
  Value gt(Value a, Value b) { return ctx.create<GtOp>(a, b); }
  Value where(Value cond, Value a, Value b) {
    return ctx.create<WhereOp>(cond, a, b);
  }
  Value exp(Value a) { return ctx.create<ExpOp>(a); }
  Value log(Value a) { return ctx.create<LogOp>(a); }
  Value abs(Value a) { return ctx.create<AbsOp>(a); }
  Value tanh(Value a) { return ctx.create<TanhOp>(a); }
  Value sigmoid(Value a) { return ctx.create<SigmoidOp>(a); }
  Value neg(Value a) { return ctx.create<NegOp>(a); }
  Value clip(Value a, double lo, double hi) {
    return ctx.create<ClipOp>(a, ctx.b().getF64FloatAttr(lo),
                              ctx.b().getF64FloatAttr(hi));
  }
  /// log(1 + e^x), written max(x, 0) + log(1 + e^-|x|) so that e^x cannot
  /// overflow for large x.
  Value softplus(Value x) {
    return add(max(x, c(0)), log(add(c(1), exp(neg(abs(x))))));
  }

private:
  NodeContext &ctx;
  Type element;
};
} // namespace

/// Checks the single input and returns a chain on it.
static FailureOr<Chain> start(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  return Chain(ctx);
}

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// Elu: x < 0 ? alpha * (e^x - 1) : x.
static LogicalResult convertElu(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.attrFloat("alpha", 1.0);
  Value negative = f->mul(f->c(alpha), f->sub(f->exp(x), f->c(1)));
  return finish(ctx, f->where(f->lt(x, f->c(0)), negative, x));
}

/// Celu: max(0, x) + min(0, alpha * (e^(x / alpha) - 1)).
static LogicalResult convertCelu(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.attrFloat("alpha", 1.0);
  if (alpha == 0)
    return ctx.fail("alpha must not be 0");
  Value scaled = f->mul(f->c(alpha),
                        f->sub(f->exp(f->div(x, f->c(alpha))), f->c(1)));
  return finish(ctx, f->add(f->max(x, f->c(0)), f->min(scaled, f->c(0))));
}

/// Selu: gamma * (x > 0 ? x : alpha * e^x - alpha).
static LogicalResult convertSelu(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  // ONNX's defaults, the constants of the SELU paper rounded to f32.
  double alpha = ctx.attrFloat("alpha", 1.67326319217681884765625);
  double gamma = ctx.attrFloat("gamma", 1.05070102214813232421875);
  Value negative = f->sub(f->mul(f->c(alpha), f->exp(x)), f->c(alpha));
  return finish(ctx, f->mul(f->c(gamma),
                            f->where(f->gt(x, f->c(0)), x, negative)));
}

/// HardSigmoid: clip(alpha * x + beta, 0, 1).
static LogicalResult convertHardSigmoid(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  double alpha = ctx.attrFloat("alpha", 0.2), beta = ctx.attrFloat("beta", 0.5);
  Value x = ctx.input(0);
  return finish(ctx, f->clip(f->add(f->mul(x, f->c(alpha)), f->c(beta)), 0, 1));
}

/// HardSwish: x * clip(x / 6 + 1/2, 0, 1).
static LogicalResult convertHardSwish(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  Value gate = f->clip(f->add(f->mul(x, f->c(1.0 / 6)), f->c(0.5)), 0, 1);
  return finish(ctx, f->mul(x, gate));
}

static LogicalResult convertSoftplus(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  return finish(ctx, f->softplus(ctx.input(0)));
}

/// Softsign: x / (1 + |x|).
static LogicalResult convertSoftsign(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  return finish(ctx, f->div(x, f->add(f->c(1), f->abs(x))));
}

/// Mish: x * tanh(softplus(x)).
static LogicalResult convertMish(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  return finish(ctx, f->mul(x, f->tanh(f->softplus(x))));
}

/// Swish: x * sigmoid(alpha * x).
static LogicalResult convertSwish(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.attrFloat("alpha", 1.0);
  Value scaled = alpha == 1.0 ? x : f->mul(x, f->c(alpha));
  return finish(ctx, f->mul(x, f->sigmoid(scaled)));
}

/// ThresholdedRelu: x > alpha ? x : 0.
static LogicalResult convertThresholdedRelu(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  double alpha = ctx.attrFloat("alpha", 1.0);
  return finish(ctx, f->where(f->gt(x, f->c(alpha)), x, f->c(0)));
}

/// PRelu: x < 0 ? slope * x : x, the slope broadcasting to x's shape.
static LogicalResult convertPRelu(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  RankedTensorType type = ctx.inputType(0), slopeType = ctx.inputType(1);
  if (slopeType.getElementType() != type.getElementType())
    return ctx.fail("slope element type " + str(slopeType.getElementType()) +
                    " differs from the input's " + str(type.getElementType()));
  Chain f(ctx);
  Value x = ctx.input(0);
  Value result = f.where(f.lt(x, f.c(0)), f.mul(x, ctx.input(1)), x);
  // ONNX broadcasts the slope one way only: it may not grow the result.
  if (result && result.getType() != type)
    return ctx.fail("slope " + str(slopeType) + " does not broadcast to the "
                    "input " + str(type));
  return finish(ctx, result);
}

/// Shrink: x < -lambd ? x + bias : (x > lambd ? x - bias : 0).
static LogicalResult convertShrink(NodeContext &ctx) {
  FailureOr<Chain> f = start(ctx);
  if (failed(f))
    return failure();
  Value x = ctx.input(0);
  double lambd = ctx.attrFloat("lambd", 0.5), bias = ctx.attrFloat("bias", 0.0);
  Value above = f->where(f->gt(x, f->c(lambd)), f->sub(x, f->c(bias)), f->c(0));
  return finish(ctx,
                f->where(f->lt(x, f->c(-lambd)), f->add(x, f->c(bias)), above));
}

void onnx_import::addActivationConverters(llvm::StringMap<Converter> &table) {
  table["Elu"] = convertElu;
  table["Celu"] = convertCelu;
  table["Selu"] = convertSelu;
  table["HardSigmoid"] = convertHardSigmoid;
  table["HardSwish"] = convertHardSwish;
  table["Softplus"] = convertSoftplus;
  table["Softsign"] = convertSoftsign;
  table["Mish"] = convertMish;
  table["Swish"] = convertSwish;
  table["ThresholdedRelu"] = convertThresholdedRelu;
  table["PRelu"] = convertPRelu;
  table["Shrink"] = convertShrink;
}
