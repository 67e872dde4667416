//===- OnnxMath.cpp - ONNX math ops built from rong ops -------------------===//
//
// This file implements the ONNX converters of math ops the rong dialect has
// no op for, as compositions of its elementwise ops: Mod (both the integer
// floor-style and the C fmod semantics), Round (half to even), Tan, the
// hyperbolic functions and their inverses, IsNaN and IsInf. Exporters mostly
// use Mod on shapes, where the composition folds to a constant while the
// graph is read.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

static Type elementOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// Mod. With fmod = 1 the result has the dividend's sign (C fmod):
/// a - b * trunc(a / b). With fmod = 0 it has the divisor's sign (Python %):
/// the fmod result, plus b where it is non-zero and its sign differs from
/// b's. For floats the quotient is rounded before it is truncated, so a
/// quotient beyond the mantissa's precision loses the remainder, where a
/// libm fmod would keep it. A finite dividend over an infinite divisor is
/// its own remainder, as in C (so -3 mod inf is inf with fmod = 0, as in
/// NumPy).
static LogicalResult convertMod(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  Value a = ctx.input(0), b = ctx.input(1);
  Type element = elementOf(a);
  if (element != elementOf(b))
    return ctx.fail("input element types differ: " + str(a.getType()) +
                    " vs " + str(b.getType()));
  if (element.isInteger(1))
    return ctx.fail("the inputs have element type i1; Mod needs numbers");
  bool fmod = ctx.attrInt("fmod", 0) != 0;
  bool isFloat = isa<FloatType>(element);
  Value zero = ctx.scalar(element, 0);
  Value quotient = ctx.create<DivOp>(a, b);
  if (isFloat) // Truncate: integer division already does.
    quotient = ctx.create<WhereOp>(ctx.create<LtOp>(quotient, zero),
                                   ctx.create<CeilOp>(quotient),
                                   ctx.create<FloorOp>(quotient));
  Value rem = ctx.create<SubOp>(a, ctx.create<MulOp>(b, quotient));
  if (isFloat) { // A finite a over an infinite b leaves a (not inf * 0).
    Value inf = ctx.scalar(element, std::numeric_limits<double>::infinity());
    Value overInfinity = ctx.create<AndOp>(
        ctx.create<LtOp>(ctx.create<AbsOp>(a), inf),
        ctx.create<EqOp>(ctx.create<AbsOp>(b), inf));
    rem = ctx.create<WhereOp>(overInfinity, a, rem);
  }
  if (fmod)
    return finish(ctx, rem);
  Value signsDiffer = ctx.create<NotOp>(ctx.create<EqOp>(
      ctx.create<LtOp>(rem, zero), ctx.create<LtOp>(b, zero)));
  Value fix = ctx.create<AndOp>(
      ctx.create<NotOp>(ctx.create<EqOp>(rem, zero)), signsDiffer);
  return finish(ctx, ctx.create<WhereOp>(fix, ctx.create<AddOp>(rem, b), rem));
}

/// Round to nearest, ties to even: floor(x) + 1 where the fraction is above
/// one half, or exactly one half and floor(x) is odd.
Value onnx_import::roundHalfToEven(NodeContext &ctx, Value x) {
  Type element = elementOf(x);
  Value half = ctx.scalar(element, 0.5), one = ctx.scalar(element, 1);
  Value two = ctx.scalar(element, 2);
  Value low = ctx.create<FloorOp>(x);
  Value fraction = ctx.create<SubOp>(x, low);
  Value halfLow = ctx.create<FloorOp>(ctx.create<DivOp>(low, two));
  Value odd = ctx.create<GtOp>(low, ctx.create<MulOp>(halfLow, two));
  Value up = ctx.create<OrOp>(
      ctx.create<GtOp>(fraction, half),
      ctx.create<AndOp>(ctx.create<EqOp>(fraction, half), odd));
  return ctx.create<WhereOp>(up, ctx.create<AddOp>(low, one), low);
}

static LogicalResult convertRound(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  return finish(ctx, roundHalfToEven(ctx, ctx.input(0)));
}

namespace {
enum class Fn { Tan, Sinh, Cosh, Asinh, Acosh, Atanh };
}

/// The trigonometric and hyperbolic functions by their textbook identities.
/// They are exact up to rounding except where they cancel: sinh and asinh
/// near 0 lose relative precision, which a kernel with its own libm call
/// would not; a later pass may recognise the patterns.
template <Fn Kind>
static LogicalResult convertFunction(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  Value x = ctx.input(0);
  Type element = elementOf(x);
  Value one = ctx.scalar(element, 1), half = ctx.scalar(element, 0.5);
  auto sqrtOfSquarePlus = [&](double c) {
    return ctx.create<SqrtOp>(ctx.create<AddOp>(ctx.create<MulOp>(x, x),
                                                ctx.scalar(element, c)));
  };
  switch (Kind) {
  case Fn::Tan:
    return finish(ctx, ctx.create<DivOp>(ctx.create<SinOp>(x),
                                         ctx.create<CosOp>(x)));
  case Fn::Sinh: // (e^x - e^-x) / 2
  case Fn::Cosh: { // (e^x + e^-x) / 2
    Value ex = ctx.create<ExpOp>(x);
    Value enx = ctx.create<ExpOp>(ctx.create<NegOp>(x));
    Value sum = Kind == Fn::Sinh ? ctx.create<SubOp>(ex, enx)
                                 : ctx.create<AddOp>(ex, enx);
    return finish(ctx, ctx.create<MulOp>(sum, half));
  }
  case Fn::Asinh: // log(x + sqrt(x^2 + 1))
    return finish(ctx, ctx.create<LogOp>(
                           ctx.create<AddOp>(x, sqrtOfSquarePlus(1))));
  case Fn::Acosh: // log(x + sqrt(x^2 - 1))
    return finish(ctx, ctx.create<LogOp>(
                           ctx.create<AddOp>(x, sqrtOfSquarePlus(-1))));
  case Fn::Atanh: // log((1 + x) / (1 - x)) / 2
    return finish(ctx, ctx.create<MulOp>(
                           ctx.create<LogOp>(ctx.create<DivOp>(
                               ctx.create<AddOp>(one, x),
                               ctx.create<SubOp>(one, x))),
                           half));
  }
  llvm_unreachable("unknown function");
}

/// IsNaN: x != x, the one value that is not equal to itself.
static LogicalResult convertIsNaN(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  Value x = ctx.input(0);
  return finish(ctx, ctx.create<NotOp>(ctx.create<EqOp>(x, x)));
}

/// IsInf: x == +inf and/or x == -inf, as detect_positive/negative select.
static LogicalResult convertIsInf(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  Value x = ctx.input(0);
  Type element = elementOf(x);
  bool positive = ctx.attrInt("detect_positive", 1) != 0;
  bool negative = ctx.attrInt("detect_negative", 1) != 0;
  double inf = std::numeric_limits<double>::infinity();
  Value isPos = ctx.create<EqOp>(x, ctx.scalar(element, inf));
  Value isNeg = ctx.create<EqOp>(x, ctx.scalar(element, -inf));
  if (positive && negative)
    return finish(ctx, ctx.create<OrOp>(isPos, isNeg));
  if (positive || negative)
    return finish(ctx, positive ? isPos : isNeg);
  // Neither: all false, but still shaped like x (which may be dynamic).
  return finish(ctx, ctx.create<AndOp>(isPos, isNeg));
}

void onnx_import::addMathConverters(llvm::StringMap<Converter> &table) {
  table["Mod"] = convertMod;
  table["Round"] = convertRound;
  table["Tan"] = convertFunction<Fn::Tan>;
  table["Sinh"] = convertFunction<Fn::Sinh>;
  table["Cosh"] = convertFunction<Fn::Cosh>;
  table["Asinh"] = convertFunction<Fn::Asinh>;
  table["Acosh"] = convertFunction<Fn::Acosh>;
  table["Atanh"] = convertFunction<Fn::Atanh>;
  table["IsNaN"] = convertIsNaN;
  table["IsInf"] = convertIsInf;
}
