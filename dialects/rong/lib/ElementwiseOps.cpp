//===- ElementwiseOps.cpp - Elementwise ops of the rong dialect -----------===//
//
// This file implements the elementwise ops: result type inference for casts
// and selects, the clip verifier, and the folders (constant evaluation of every
// elementwise op plus the algebraic identities x+0, x-0, x*1, x/1, and casts
// to the same type).
//
//===----------------------------------------------------------------------===//

#include "ConstantFold.h"
#include "rong/IR/RongOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::rong;
using fold::Scalar;

#define GET_OP_CLASSES
#include "rong/IR/RongElementwiseOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Unary folders
//===----------------------------------------------------------------------===//

namespace {
/// A unary kernel: one function for floats, one for integers (absent when the
/// op has no integer form).
struct UnaryKernel {
  std::function<double(double)> onFloat;
  std::function<int64_t(int64_t)> onInt;
};
} // namespace

/// Folds a unary elementwise op on a constant operand with `kernel`.
static OpFoldResult foldUnary(Attribute operand, Type resultType,
                              const UnaryKernel &kernel) {
  auto type = cast<RankedTensorType>(resultType);
  DenseElementsAttr input = fold::getFoldable(operand, type);
  if (!input)
    return {};
  bool isFloat = isa<FloatType>(type.getElementType());
  return fold::mapElements(input, type, [&](Scalar x) -> std::optional<Scalar> {
    Scalar r;
    if (isFloat) {
      r.f = kernel.onFloat(x.f);
    } else {
      if (!kernel.onInt)
        return std::nullopt;
      r.i = kernel.onInt(x.i);
    }
    return r;
  });
}

static double gelu(double x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::tanh) {
    constexpr double kAlpha = 0.7978845608028654; // sqrt(2 / pi)
    return 0.5 * x * (1.0 + std::tanh(kAlpha * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

template <typename T>
static T signOf(T x) {
  return x > 0 ? 1 : (x < 0 ? -1 : x);
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::fabs(x); },
                    [](int64_t x) { return x < 0 ? -x : x; }});
}
OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return -x; }, [](int64_t x) { return -x; }});
}
OpFoldResult ExpOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::exp(x); }, nullptr});
}
OpFoldResult LogOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::log(x); }, nullptr});
}
OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::sqrt(x); }, nullptr});
}
OpFoldResult RsqrtOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return 1.0 / std::sqrt(x); }, nullptr});
}
OpFoldResult ReciprocalOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return 1.0 / x; }, nullptr});
}
OpFoldResult TanhOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::tanh(x); }, nullptr});
}
OpFoldResult SigmoidOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return 1.0 / (1.0 + std::exp(-x)); },
                    nullptr});
}
OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return x > 0 ? x : 0.0; },
                    [](int64_t x) { return x > 0 ? x : int64_t(0); }});
}
OpFoldResult LeakyReluOp::fold(FoldAdaptor adaptor) {
  double alpha = getAlpha().convertToDouble();
  return foldUnary(adaptor.getInput(), getType(),
                   {[alpha](double x) { return x >= 0 ? x : alpha * x; },
                    nullptr});
}
OpFoldResult GeluOp::fold(FoldAdaptor adaptor) {
  GeluApproximation approximation = getApproximate();
  return foldUnary(
      adaptor.getInput(), getType(),
      {[approximation](double x) { return gelu(x, approximation); }, nullptr});
}
OpFoldResult ErfOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::erf(x); }, nullptr});
}
OpFoldResult SinOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::sin(x); }, nullptr});
}
OpFoldResult CosOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::cos(x); }, nullptr});
}
OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::floor(x); }, nullptr});
}
OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::ceil(x); }, nullptr});
}
OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldUnary(adaptor.getInput(), getType(),
                   {[](double x) { return std::isnan(x) ? x : signOf(x); },
                    [](int64_t x) { return signOf(x); }});
}
OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  // not(not(x)) -> x.
  if (auto inner = getInput().getDefiningOp<NotOp>())
    return inner.getInput();
  // ~x: the complement truncated to the width, so booleans flip too.
  return foldUnary(adaptor.getInput(), getType(),
                   {nullptr, [](int64_t x) { return ~x; }});
}

OpFoldResult ClipOp::fold(FoldAdaptor adaptor) {
  // A clip with neither bound is the identity.
  if (!getMin() && !getMax())
    return getInput();
  double lo = getMin() ? getMin()->convertToDouble() : -INFINITY;
  double hi = getMax() ? getMax()->convertToDouble() : INFINITY;
  return foldUnary(adaptor.getInput(), getType(),
                   {[=](double x) { return std::isnan(x) ? x : std::clamp(x, lo, hi); },
                    [=](int64_t x) {
                      return static_cast<int64_t>(
                          std::clamp(static_cast<double>(x), lo, hi));
                    }});
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() &&
      getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ") << getMin()->convertToDouble()
                               << " is greater than max "
                               << getMax()->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

LogicalResult CastOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  inferred.push_back(input.clone(adaptor.getTo()));
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto type = cast<RankedTensorType>(getType());
  DenseElementsAttr input = fold::getFoldable(adaptor.getInput(), type);
  if (!input)
    return {};
  bool fromFloat = isa<FloatType>(input.getElementType());
  Type to = type.getElementType();
  bool toFloat = isa<FloatType>(to);
  return fold::mapElements(input, type, [&](Scalar x) -> std::optional<Scalar> {
    Scalar r;
    if (to.isInteger(1)) {
      r.i = fromFloat ? x.f != 0 : x.i != 0;
    } else if (toFloat) {
      r.f = fromFloat ? x.f : static_cast<double>(x.i);
    } else if (fromFloat) {
      // Float to integer truncates; NaN and out-of-range values are undefined
      // in ONNX, so they are left to run time rather than folded.
      double bound = std::ldexp(1.0, to.getIntOrFloatBitWidth() - 1);
      if (!(std::fabs(x.f) < bound))
        return std::nullopt;
      r.i = static_cast<int64_t>(std::trunc(x.f));
    } else {
      r.i = x.i;
    }
    return r;
  });
}

//===----------------------------------------------------------------------===//
// Binary folders
//===----------------------------------------------------------------------===//

namespace {
/// A binary kernel; a kernel returns nullopt to decline an element.
struct BinaryKernel {
  std::function<std::optional<double>(double, double)> onFloat;
  std::function<std::optional<int64_t>(int64_t, int64_t)> onInt;
};
} // namespace

/// Folds a binary op whose operands are both constant with `kernel`; the
/// kernel's result is the result element (or a boolean for comparisons).
static OpFoldResult foldBinary(Attribute lhsAttr, Attribute rhsAttr,
                               Type resultType, const BinaryKernel &kernel) {
  auto type = cast<RankedTensorType>(resultType);
  DenseElementsAttr lhs = fold::getFoldable(lhsAttr, type);
  DenseElementsAttr rhs = fold::getFoldable(rhsAttr, type);
  if (!lhs || !rhs)
    return {};
  bool isFloat = isa<FloatType>(lhs.getElementType());
  bool boolResult = type.getElementType().isInteger(1) &&
                    !lhs.getElementType().isInteger(1);
  return fold::zipElements(
      lhs, rhs, type, [&](Scalar a, Scalar b) -> std::optional<Scalar> {
        Scalar r;
        if (isFloat) {
          std::optional<double> value = kernel.onFloat(a.f, b.f);
          if (!value)
            return std::nullopt;
          if (boolResult)
            r.i = *value != 0;
          else
            r.f = *value;
          return r;
        }
        if (!kernel.onInt)
          return std::nullopt;
        std::optional<int64_t> value = kernel.onInt(a.i, b.i);
        if (!value)
          return std::nullopt;
        r.i = *value;
        return r;
      });
}

/// Returns `value` if the op is `value <op> identity` with `identity` a splat
/// that leaves `value`'s type unchanged (so no broadcast is lost).
static Value foldRightIdentity(Value value, Attribute other, Type resultType,
                               double identity) {
  if (value.getType() == resultType && fold::isSplatOf(other, identity))
    return value;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0))
    return v;
  if (Value v = foldRightIdentity(getRhs(), adaptor.getLhs(), getType(), 0))
    return v;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) { return a + b; },
                     [](int64_t a, int64_t b) { return a + b; }});
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 0))
    return v;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) { return a - b; },
                     [](int64_t a, int64_t b) { return a - b; }});
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1))
    return v;
  if (Value v = foldRightIdentity(getRhs(), adaptor.getLhs(), getType(), 1))
    return v;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) { return a * b; },
                     [](int64_t a, int64_t b) { return a * b; }});
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1))
    return v;
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      {[](double a, double b) { return a / b; },
       [](int64_t a, int64_t b) -> std::optional<int64_t> {
         // Integer division by zero traps at run time; never fold it away.
         if (b == 0 || (a == INT64_MIN && b == -1))
           return std::nullopt;
         return a / b;
       }});
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldRightIdentity(getLhs(), adaptor.getRhs(), getType(), 1))
    return v;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) { return std::pow(a, b); },
                     [](int64_t a, int64_t b) -> std::optional<int64_t> {
                       if (b < 0)
                         return std::nullopt;
                       int64_t r = 1;
                       for (int64_t i = 0; i < b && i < 64; ++i)
                         r *= a;
                       return r;
                     }});
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) {
                       return std::isnan(a) || std::isnan(b) ? NAN
                                                             : std::max(a, b);
                     },
                     [](int64_t a, int64_t b) { return std::max(a, b); }});
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {[](double a, double b) {
                       return std::isnan(a) || std::isnan(b) ? NAN
                                                             : std::min(a, b);
                     },
                     [](int64_t a, int64_t b) { return std::min(a, b); }});
}

/// Comparison kernels give 1.0/0.0 for floats and 1/0 for integers.
template <typename Compare>
static BinaryKernel compareKernel(Compare compare) {
  return {[compare](double a, double b) -> std::optional<double> {
            return compare(a, b) ? 1.0 : 0.0;
          },
          [compare](int64_t a, int64_t b) -> std::optional<int64_t> {
            return compare(a, b) ? 1 : 0;
          }};
}

OpFoldResult EqOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    compareKernel([](auto a, auto b) { return a == b; }));
}
OpFoldResult LtOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    compareKernel([](auto a, auto b) { return a < b; }));
}
OpFoldResult LeOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    compareKernel([](auto a, auto b) { return a <= b; }));
}
OpFoldResult GtOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    compareKernel([](auto a, auto b) { return a > b; }));
}
OpFoldResult GeOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    compareKernel([](auto a, auto b) { return a >= b; }));
}
// Booleans read as 0 / 1, so the bitwise kernels serve them too.
OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {nullptr, [](int64_t a, int64_t b) -> std::optional<int64_t> {
                       return a & b;
                     }});
}
OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {nullptr, [](int64_t a, int64_t b) -> std::optional<int64_t> {
                       return a | b;
                     }});
}
OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {nullptr, [](int64_t a, int64_t b) -> std::optional<int64_t> {
                       return a ^ b;
                     }});
}

/// The bits of the element type of shift `op`'s result and whether it is
/// unsigned.
static std::pair<unsigned, bool> shiftedBits(Operation *op) {
  Type element = getElementTypeOrSelf(op->getResult(0).getType());
  return {element.getIntOrFloatBitWidth(), element.isUnsignedInteger()};
}

OpFoldResult ShiftLeftOp::fold(FoldAdaptor adaptor) {
  unsigned width = shiftedBits(*this).first;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {nullptr, [=](int64_t a, int64_t b) -> std::optional<int64_t> {
                       if (b < 0)
                         return std::nullopt;
                       if (static_cast<uint64_t>(b) >= width)
                         return 0;
                       return static_cast<int64_t>(static_cast<uint64_t>(a)
                                                   << b);
                     }});
}
OpFoldResult ShiftRightOp::fold(FoldAdaptor adaptor) {
  unsigned width = shiftedBits(*this).first;
  bool isUnsigned = shiftedBits(*this).second;
  return foldBinary(adaptor.getLhs(), adaptor.getRhs(), getType(),
                    {nullptr, [=](int64_t a, int64_t b) -> std::optional<int64_t> {
                       if (b < 0)
                         return std::nullopt;
                       // Unsigned values read zero-extended, signed ones
                       // sign-extended: shifting the 64 bits is exact.
                       if (isUnsigned)
                         return static_cast<uint64_t>(b) >= width
                                    ? 0
                                    : static_cast<int64_t>(
                                          static_cast<uint64_t>(a) >> b);
                       return a >> std::min<int64_t>(b, 63);
                     }});
}

//===----------------------------------------------------------------------===//
// Where
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto cond = cast<RankedTensorType>(adaptor.getCondition().getType());
  auto onTrue = cast<RankedTensorType>(adaptor.getOnTrue().getType());
  auto onFalse = cast<RankedTensorType>(adaptor.getOnFalse().getType());
  if (onTrue.getElementType() != onFalse.getElementType())
    return emitOptionalError(loc, "value element types differ: ",
                             onTrue.getElementType(), " vs ",
                             onFalse.getElementType());
  SmallVector<int64_t> values, shape;
  if (!OpTrait::util::getBroadcastedShape(onTrue.getShape(),
                                          onFalse.getShape(), values) ||
      !OpTrait::util::getBroadcastedShape(cond.getShape(), values, shape))
    return emitOptionalError(loc, "shapes ", cond, ", ", onTrue, " and ",
                             onFalse, " are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(shape, onTrue.getElementType()));
  return success();
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // A constant condition picks one side when no broadcast is lost.
  if (auto cond = dyn_cast_if_present<DenseElementsAttr>(adaptor.getCondition());
      cond && cond.isSplat()) {
    Value picked = cond.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
    if (picked.getType() == getType())
      return picked;
  }
  if (getOnTrue() == getOnFalse() && getOnTrue().getType() == getType())
    return getOnTrue();
  auto type = cast<RankedTensorType>(getType());
  DenseElementsAttr cond = fold::getFoldable(adaptor.getCondition(), type);
  DenseElementsAttr onTrue = fold::getFoldable(adaptor.getOnTrue(), type);
  DenseElementsAttr onFalse = fold::getFoldable(adaptor.getOnFalse(), type);
  if (!cond || !onTrue || !onFalse)
    return {};
  bool splat = cond.isSplat() && onTrue.isSplat() && onFalse.isSplat();
  int64_t count = splat ? 1 : type.getNumElements();
  SmallVector<Scalar> values;
  ArrayRef<int64_t> shape = type.getShape();
  auto at = [&](DenseElementsAttr attr, int64_t i) {
    return fold::readElement(
        attr, splat ? 0 : fold::broadcastIndex(shape, attr.getType().getShape(), i));
  };
  for (int64_t i = 0; i < count; ++i)
    values.push_back(at(cond, i).i ? at(onTrue, i) : at(onFalse, i));
  return fold::buildElements(type, values);
}
