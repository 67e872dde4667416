//===- ElementEmitter.cpp - rong elementwise ops to arith/math ------------===//
//
// This file implements the element evaluator the GPU strategies share: it
// emits one rong elementwise op on f32, i1, i8, i16, i32 or i64 scalars or
// vectors. Float values are computed in f32 whatever their tensor element
// type; only rong.cast to a narrower float rounds (to the value the narrow
// type would hold), and the final store narrows to the output's element
// type. That is how f16/bf16 groups accumulate in f32. Integers are
// computed in their own width with wrap-around (two's complement)
// arithmetic, as ONNX runtimes do; division truncates toward zero. Unsigned
// integers are computed on signless integers of their width (toSignless);
// the ops whose result depends on the sign read it from the rong op's
// operand types.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "rong/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <iterator>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

Type gpu_codegen::getComputeType(Type elementType, unsigned width) {
  Type scalar;
  if (isa<Float32Type, Float16Type, BFloat16Type>(elementType))
    scalar = Float32Type::get(elementType.getContext());
  else if (isa<Float64Type>(elementType))
    scalar = elementType;
  else if (elementType.isSignlessInteger(1))
    scalar = elementType;
  else if (auto integer = dyn_cast<IntegerType>(elementType);
           integer && llvm::is_contained({8u, 16u, 32u, 64u},
                                         integer.getWidth()))
    scalar = toSignless(integer);
  else
    return {};
  if (width == 1)
    return scalar;
  return VectorType::get({static_cast<int64_t>(width)}, scalar);
}

Type gpu_codegen::toSignless(Type elementType) {
  auto integer = dyn_cast<IntegerType>(elementType);
  if (!integer || integer.isSignless())
    return elementType;
  return IntegerType::get(integer.getContext(), integer.getWidth());
}

Value gpu_codegen::createConstant(OpBuilder &b, Location loc, Type type,
                                  double value) {
  Type element = getElementTypeOrSelf(type);
  TypedAttr scalar;
  if (auto floatType = dyn_cast<FloatType>(element))
    scalar = b.getFloatAttr(floatType, value);
  else
    scalar = b.getIntegerAttr(element, static_cast<int64_t>(value));
  if (auto vectorType = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, scalar));
  return arith::ConstantOp::create(b, loc, scalar);
}

Value gpu_codegen::splatTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type || !isa<VectorType>(type))
    return value;
  return vector::BroadcastOp::create(b, loc, type, value);
}

LogicalResult gpu_codegen::checkElementwiseSupported(Operation *op) {
  bool supported =
      isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, NegOp, AbsOp, ExpOp,
          LogOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp, SigmoidOp, ReluOp,
          LeakyReluOp, GeluOp, ErfOp, SinOp, CosOp, FloorOp, CeilOp, SignOp,
          ClipOp, CastOp, WhereOp, EqOp, LtOp, LeOp, GtOp, GeOp, AndOp, OrOp,
          XorOp, NotOp, ShiftLeftOp, ShiftRightOp, BroadcastToOp>(op);
  if (!supported)
    return op->emitError() << "'" << op->getName()
                           << "' is not supported by the GPU kernel strategies";
  for (Type type : llvm::concat<Type>(op->getOperandTypes(),
                                      op->getResultTypes())) {
    Type element = getElementTypeOrSelf(type);
    if (!getComputeType(element, 1))
      return op->emitError() << "element type " << element
                             << " is not supported by the GPU kernel "
                                "strategies (f32, f64, f16, bf16, i1 and 8- "
                                "to 64-bit integers are)";
  }
  return success();
}

Value gpu_codegen::emitSplatConstant(OpBuilder &b, ConstantOp op,
                                     unsigned width) {
  auto attr = cast<DenseElementsAttr>(op.getValue());
  Type element = attr.getElementType();
  Type type = getComputeType(element, width);
  if (element.isInteger(1))
    return createConstant(b, op.getLoc(), type, attr.getSplatValue<bool>());
  if (isa<IntegerType>(element)) {
    TypedAttr scalar = b.getIntegerAttr(getElementTypeOrSelf(type),
                                        attr.getSplatValue<APInt>());
    if (auto vectorType = dyn_cast<VectorType>(type))
      return arith::ConstantOp::create(
          b, op.getLoc(), DenseElementsAttr::get(vectorType, scalar));
    return arith::ConstantOp::create(b, op.getLoc(), scalar);
  }
  return createConstant(b, op.getLoc(), type,
                        attr.getSplatValue<APFloat>().convertToDouble());
}

namespace {

/// Emits ops for one rong op on compute values; each method mirrors the op's
/// documented formula.
struct Emitter {
  OpBuilder &b;
  Location loc;
  Type type; // compute type of float results

  Value cst(double v) { return createConstant(b, loc, type, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }

  Value sigmoid(Value x) {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, cst(1.0), add(cst(1.0), e));
  }

  /// Multiply-add that LLVM may contract into one fma where the target has
  /// it.
  Value mulAdd(Value x, Value y, Value z) {
    auto contract = arith::FastMathFlags::contract;
    return arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, y, contract), z, contract);
  }

  /// GELU, `storage` being the element type its result is stored in.
  Value gelu(Value x, GeluApproximation approximation, Type storage) {
    bool narrow = isa<BFloat16Type, Float16Type>(storage);
    if (narrow)
      return approximation == GeluApproximation::tanh ? geluTanhNarrow(x)
                                                      : geluErfNarrow(x);
    Value half = mul(cst(0.5), x);
    if (approximation == GeluApproximation::tanh) {
      Value cube = mul(mul(x, x), x);
      Value inner = mul(cst(std::sqrt(2.0 / M_PI)),
                        add(x, mul(cst(0.044715), cube)));
      return mul(half, add(cst(1.0), math::TanhOp::create(b, loc, inner)));
    }
    Value erf = math::ErfOp::create(b, loc, mul(x, cst(M_SQRT1_2)));
    return mul(half, add(cst(1.0), erf));
  }

  // The narrow forms below compute a power of two that underflows for very
  // negative x, through `afn` ops that a backend may flush there (CUDA's
  // ex2/rcp.approx.ftz). They compute it 2^24 times too large and scale the
  // product back with an ordinary multiply, which keeps denormal results:
  // only values that round to zero in bf16 and f16 are lost.

  /// GELU with erf for results stored in bf16 or f16: x * Phi(x), where
  /// q = Phi(-|x|) = erfc(z) / 2 = t * 2^(P(t) - z^2 log2(e)),
  /// z = |x| / sqrt(2), t = 1 / (1 + A z), and Phi(x) = 1 - q for x >= 0.
  /// The relative error of the f32 result is at most about 1.2e-5 on every
  /// finite input, so every stored value is within one ulp of the correctly
  /// rounded GELU in both types. The erf form cancels in 1 + erf for
  /// negative x instead (over a hundred bf16 ulps off near x = -5.5), and
  /// costs about twice the instructions: on GPUs that decides whether a bf16
  /// GELU chain is memory-bound. A and P come from scripts/fit_gelu_erfc.py,
  /// which checks this formula on every finite bf16 and f16 input.
  Value geluErfNarrow(Value x) {
    // w |x| = z sqrt(log2(e)), so that (w |x|)^2 = z^2 log2(e).
    constexpr double kW = 0.8493218;        // sqrt(log2(e) / 2)
    constexpr double kA = 0.35383571;       // A / sqrt(log2(e)), A = 0.425
    constexpr double kP[] = {-3.06021452,  1.44212818,  0.605162084,
                             0.108068705,  0.396478593, -0.775782406,
                             0.284167618};
    auto afn = arith::FastMathFlags::afn;
    Value z = mul(math::AbsFOp::create(b, loc, x), cst(kW));
    Value t = arith::DivFOp::create(b, loc, cst(1.0),
                                    mulAdd(z, cst(kA), cst(1.0)), afn);
    Value p = cst(kP[std::size(kP) - 1]);
    for (size_t i = std::size(kP) - 1; i-- > 0;)
      p = mulAdd(p, t, cst(kP[i] + (i == 0 ? 24.0 : 0.0)));
    Value exponent = mulAdd(arith::NegFOp::create(b, loc, z), z, p);
    Value q = mul(mul(t, cst(0x1p-24)),
                  math::Exp2Op::create(b, loc, exponent, afn));
    Value upper = arith::SubFOp::create(b, loc, cst(1.0), q);
    return mul(x, select(cmp(arith::CmpFPredicate::OGE, x, cst(0.0)), upper,
                         q));
  }

  /// GELU with tanh for results stored in bf16 or f16, through
  /// (1 + tanh(u)) / 2 = 1 / (1 + e^(-2u)), u = sqrt(2 / pi) (x + 0.044715
  /// x^3): x / (1 + 2^(x (c + c 0.044715 x^2))) with c = -2 sqrt(2 / pi)
  /// log2(e). An `afn` exp2 and reciprocal with a few ulps of f32 error
  /// leave every stored value within one ulp of the correctly rounded
  /// formula, the negative tail included, where 1 + tanh(u) cancels; about
  /// a third of the instructions of tanh.
  Value geluTanhNarrow(Value x) {
    const double c = -2.0 * std::sqrt(2.0 / M_PI) / M_LN2;
    auto afn = arith::FastMathFlags::afn;
    Value slope = mulAdd(mul(x, x), cst(c * 0.044715), cst(c));
    // 2^-24 e and 2^24 / (1 + e), then the ordinary multiply by 2^-24.
    Value e = math::Exp2Op::create(b, loc, mulAdd(x, slope, cst(-24.0)), afn);
    Value r = arith::DivFOp::create(b, loc, cst(1.0), add(cst(0x1p-24), e),
                                    afn);
    return mul(x, mul(r, cst(0x1p-24)));
  }

  /// exp(x) for a softmax whose result is stored in bf16 or f16 (an exp
  /// marked `rong.narrow_result` by ExpandRowOps; x = input - row max <= 0):
  /// 2^(x log2(e) + 24) through an `afn` exp2, scaled back by 2^-24 with an
  /// ordinary multiply so that denormal results survive a flushing exp2. The
  /// f32 relative error, about 2^-18 from rounding x log2(e) for x near
  /// -87, is far below a bf16 or f16 ulp; about a third of the instructions
  /// of the accurate exp.
  Value expNarrow(Value x) {
    Value e = math::Exp2Op::create(b, loc, mulAdd(x, cst(M_LOG2E), cst(24.0)),
                                   arith::FastMathFlags::afn);
    return mul(e, cst(0x1p-24));
  }

  /// `element` at the shape (scalar or vector) of compute value `like`.
  static Type shaped(Type element, Value like) {
    if (auto vectorType = dyn_cast<VectorType>(like.getType()))
      return VectorType::get(vectorType.getShape(), element);
    return element;
  }

  /// Float compute value `x` converted to the float type `to` (same
  /// shape): extended, truncated or unchanged.
  Value convertFloat(Value x, Type to) {
    Type target = shaped(to, x);
    unsigned have = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    unsigned want = to.getIntOrFloatBitWidth();
    if (have == want)
      return x;
    if (have < want)
      return arith::ExtFOp::create(b, loc, target, x);
    return arith::TruncFOp::create(b, loc, target, x);
  }

  /// rong.cast between compute values: floats round through the target type
  /// so later ops see the narrowed value (an f64 rounds to f16 or bf16 once,
  /// not through f32); i1 maps to and from 0/1; integers convert as C does
  /// (sign-extending, truncating, floats rounding toward zero).
  Value cast(Value x, Type from, Type to) {
    bool fromBool = from.isInteger(1), toBool = to.isInteger(1);
    if (fromBool && toBool)
      return x;
    bool fromInt = isa<IntegerType>(from) && !fromBool;
    bool toInt = isa<IntegerType>(to) && !toBool;
    if (fromInt || toInt)
      return castInteger(x, from, to);
    Type toCompute = getComputeType(to, 1);
    if (fromBool) {
      Type t = shaped(toCompute, x);
      return select(x, createConstant(b, loc, t, 1.0),
                    createConstant(b, loc, t, 0.0));
    }
    if (toBool)
      return cmp(arith::CmpFPredicate::UNE, x,
                 createConstant(b, loc, x.getType(), 0.0));
    if (to == toCompute)
      return convertFloat(x, to);
    return convertFloat(convertFloat(x, to), toCompute);
  }

  /// Casts with an integer (not i1) on at least one side. Unsigned sources
  /// zero-extend and convert as unsigned; floats convert to unsigned
  /// targets as unsigned.
  Value castInteger(Value x, Type from, Type to) {
    if (to.isInteger(1)) {
      Value zero = createConstant(b, loc, x.getType(), 0);
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
    }
    if (isa<FloatType>(to)) {
      // Integer to float: convert to the compute type, then round through
      // the narrow type like any other float cast.
      Type computeType = getComputeType(to, 1);
      Type shapedType = shaped(computeType, x);
      Value converted =
          from.isUnsignedInteger()
              ? arith::UIToFPOp::create(b, loc, shapedType, x).getResult()
              : arith::SIToFPOp::create(b, loc, shapedType, x).getResult();
      return cast(converted, computeType, to);
    }
    Type target = shaped(toSignless(to), x);
    if (from.isInteger(1) || (from.isUnsignedInteger() &&
                              from.getIntOrFloatBitWidth() <
                                  to.getIntOrFloatBitWidth()))
      return arith::ExtUIOp::create(b, loc, target, x);
    if (isa<FloatType>(from)) {
      if (to.isUnsignedInteger())
        return arith::FPToUIOp::create(b, loc, target, x);
      return arith::FPToSIOp::create(b, loc, target, x);
    }
    unsigned fromBits = from.getIntOrFloatBitWidth();
    unsigned toBits = to.getIntOrFloatBitWidth();
    if (fromBits < toBits)
      return arith::ExtSIOp::create(b, loc, target, x);
    if (fromBits > toBits)
      return arith::TruncIOp::create(b, loc, target, x);
    return x;
  }
};

/// and, or, xor and not on i1 or integer compute values (logical on i1,
/// bitwise on integers: the same instructions); null for other ops.
Value emitBitwise(OpBuilder &b, Location loc, Operation *op,
                  ValueRange operands) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AndOp) -> Value {
        return arith::AndIOp::create(b, loc, operands[0], operands[1]);
      })
      .Case([&](OrOp) -> Value {
        return arith::OrIOp::create(b, loc, operands[0], operands[1]);
      })
      .Case([&](XorOp) -> Value {
        return arith::XOrIOp::create(b, loc, operands[0], operands[1]);
      })
      .Case([&](NotOp) -> Value {
        // All ones: -1, which is true for i1.
        Value ones = createConstant(b, loc, operands[0].getType(), -1);
        return arith::XOrIOp::create(b, loc, operands[0], ones);
      })
      .Default([](Operation *) -> Value { return {}; });
}

/// True for i32/i64 compute values (not i1).
bool isIntegerCompute(Value v) {
  Type element = getElementTypeOrSelf(v.getType());
  return isa<IntegerType>(element) && !element.isInteger(1);
}

/// Whether the integer operands of `op` are unsigned (by their tensor
/// element type; the compute values are signless).
bool hasUnsignedOperands(Operation *op) {
  return op->getNumOperands() &&
         getElementTypeOrSelf(op->getOperand(0).getType())
             .isUnsignedInteger();
}

/// Comparisons of integer compute values, signed or unsigned as `op`'s
/// operands are; null for other ops.
Value emitIntegerCompare(OpBuilder &b, Operation *op, ValueRange operands) {
  Location loc = op->getLoc();
  using P = arith::CmpIPredicate;
  bool u = hasUnsignedOperands(op);
  auto cmp = [&](P predicate) -> Value {
    return arith::CmpIOp::create(b, loc, predicate, operands[0], operands[1]);
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](EqOp) { return cmp(P::eq); })
      .Case([&](LtOp) { return cmp(u ? P::ult : P::slt); })
      .Case([&](LeOp) { return cmp(u ? P::ule : P::sle); })
      .Case([&](GtOp) { return cmp(u ? P::ugt : P::sgt); })
      .Case([&](GeOp) { return cmp(u ? P::uge : P::sge); })
      .Default([](Operation *) -> Value { return {}; });
}

/// Arithmetic on i32/i64 compute values; null for ops without an integer
/// form (comparisons, where and cast are handled elsewhere).
struct IntegerEmitter {
  OpBuilder &b;
  Location loc;
  Type type; // compute type of the operands (scalar or vector)
  bool isUnsigned; // the operands' tensor element type is unsigned

  Value cst(int64_t v) { return createConstant(b, loc, type, v); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value neg(Value x) { return arith::SubIOp::create(b, loc, cst(0), x); }

  /// x / y truncating toward zero. Division by zero is undefined in ONNX and
  /// the most negative value divided by -1 overflows; both trap on the CPU,
  /// so the divisor is made safe first: x / 0 gives x, x / -1 gives -x
  /// (wrapping).
  Value div(Value x, Value y) {
    using P = arith::CmpIPredicate;
    if (isUnsigned) {
      // Unsigned: only x / 0 needs a guard (it gives x).
      Value divisor = select(cmp(P::eq, y, cst(0)), cst(1), y);
      return arith::DivUIOp::create(b, loc, x, divisor);
    }
    Value isMinusOne = cmp(P::eq, y, cst(-1));
    Value unsafe = arith::OrIOp::create(b, loc, cmp(P::eq, y, cst(0)),
                                        isMinusOne);
    Value divisor = select(unsafe, cst(1), y);
    Value quotient = arith::DivSIOp::create(b, loc, x, divisor);
    return select(isMinusOne, neg(x), quotient);
  }

  /// x ^ y by square-and-multiply over the bits of y (exact, wrapping like
  /// repeated multiplication). A negative exponent gives 1 / x^|y| truncated:
  /// 1 for x = 1, +-1 for x = -1, 0 otherwise (x = 0 gives 0, where the
  /// result is undefined).
  Value pow(Value x, Value y) {
    using P = arith::CmpIPredicate;
    unsigned bits = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
    Value zero = cst(0), one = cst(1);
    auto loop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, bits - 1),
        arith::ConstantIndexOp::create(b, loc, 1), ValueRange{one, x, y},
        [&](OpBuilder &nested, Location, Value, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value result = args[0], base = args[1], exponent = args[2];
          Value bit = arith::AndIOp::create(b, loc, exponent, one);
          Value times = arith::MulIOp::create(b, loc, result, base);
          result = select(cmp(P::ne, bit, zero), times, result);
          base = arith::MulIOp::create(b, loc, base, base);
          exponent = arith::ShRUIOp::create(b, loc, exponent, one);
          scf::YieldOp::create(b, loc, ValueRange{result, base, exponent});
        });
    Value positive = loop.getResult(0);
    if (isUnsigned)
      return positive;
    // y < 0: 1 / x^|y| truncated toward zero.
    Value odd = cmp(P::ne, arith::AndIOp::create(b, loc, y, one), zero);
    Value minusOne = select(odd, cst(-1), one);
    Value inverse = select(cmp(P::eq, x, one), one,
                           select(cmp(P::eq, x, cst(-1)), minusOne, zero));
    return select(cmp(P::slt, y, zero), inverse, positive);
  }

  /// x shifted left or right by y bits. Shifts by the width or more are
  /// poison in LLVM; they give what NumPy gives: 0, or the sign for a
  /// negative signed value shifted right (an arithmetic shift by width - 1).
  Value shift(Value x, Value y, bool left) {
    using P = arith::CmpIPredicate;
    unsigned bits = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
    Value tooFar = cmp(P::uge, y, cst(bits));
    if (!left && !isUnsigned)
      return arith::ShRSIOp::create(b, loc, x,
                                    select(tooFar, cst(bits - 1), y));
    Value safe = select(tooFar, cst(0), y);
    Value shifted =
        left ? arith::ShLIOp::create(b, loc, x, safe).getResult()
             : arith::ShRUIOp::create(b, loc, x, safe).getResult();
    return select(tooFar, cst(0), shifted);
  }

  Value max(Value x, Value y) {
    if (isUnsigned)
      return arith::MaxUIOp::create(b, loc, x, y);
    return arith::MaxSIOp::create(b, loc, x, y);
  }
  Value min(Value x, Value y) {
    if (isUnsigned)
      return arith::MinUIOp::create(b, loc, x, y);
    return arith::MinSIOp::create(b, loc, x, y);
  }

  Value emit(Operation *op, ValueRange operands) {
    using P = arith::CmpIPredicate;
    auto lhs = [&] { return operands[0]; };
    auto rhs = [&] { return operands[1]; };
    return llvm::TypeSwitch<Operation *, Value>(op)
        .Case([&](AddOp) -> Value {
          return arith::AddIOp::create(b, loc, lhs(), rhs());
        })
        .Case([&](SubOp) -> Value {
          return arith::SubIOp::create(b, loc, lhs(), rhs());
        })
        .Case([&](MulOp) -> Value {
          return arith::MulIOp::create(b, loc, lhs(), rhs());
        })
        .Case([&](DivOp) { return div(lhs(), rhs()); })
        .Case([&](PowOp) { return pow(lhs(), rhs()); })
        .Case([&](MaxOp) { return max(lhs(), rhs()); })
        .Case([&](MinOp) { return min(lhs(), rhs()); })
        .Case([&](NegOp) { return neg(lhs()); })
        .Case([&](AbsOp) {
          if (isUnsigned)
            return lhs();
          return select(cmp(P::slt, lhs(), cst(0)), neg(lhs()), lhs());
        })
        .Case([&](ReluOp) { return isUnsigned ? lhs() : max(lhs(), cst(0)); })
        .Case([&](ShiftLeftOp) { return shift(lhs(), rhs(), true); })
        .Case([&](ShiftRightOp) { return shift(lhs(), rhs(), false); })
        .Case([&](SignOp) {
          Value negative = isUnsigned ? cst(0)
                                      : select(cmp(P::slt, lhs(), cst(0)),
                                               cst(-1), cst(0));
          Value positive = cmp(isUnsigned ? P::ne : P::sgt, lhs(), cst(0));
          return select(positive, cst(1), negative);
        })
        .Case([&](ClipOp clip) {
          Value v = lhs();
          // The bounds are integers stored as f64 attributes; an unsigned
          // value is clipped by bounds in its range.
          auto bound = [&](double d) {
            if (isUnsigned)
              d = std::max(d, 0.0);
            return cst(static_cast<int64_t>(d));
          };
          if (std::optional<APFloat> lo = clip.getMin())
            v = max(v, bound(std::ceil(lo->convertToDouble())));
          if (std::optional<APFloat> hi = clip.getMax())
            v = min(v, bound(std::floor(hi->convertToDouble())));
          return v;
        })
        .Default([](Operation *) -> Value { return {}; });
  }
};

/// The exponent of a pow when it is a constant small positive integer
/// (looking through widening and broadcasts): pow(x, 2) as x * x costs one
/// multiply, where the generic powf costs a log, an exp and their guards.
std::optional<unsigned> smallIntegerExponent(Value exponent) {
  while (Operation *def = exponent.getDefiningOp()) {
    if (isa<arith::ExtFOp, vector::BroadcastOp>(def)) {
      exponent = def->getOperand(0);
      continue;
    }
    break;
  }
  Attribute attr;
  if (!matchPattern(exponent, m_Constant(&attr)))
    return std::nullopt;
  std::optional<APFloat> value;
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    value = splat.getSplatValue<APFloat>();
  else if (auto scalar = dyn_cast<FloatAttr>(attr))
    value = scalar.getValue();
  if (!value)
    return std::nullopt;
  double d = value->convertToDouble();
  if (d >= 1 && d <= 4 && d == std::floor(d))
    return static_cast<unsigned>(d);
  return std::nullopt;
}

} // namespace

/// The type `op`'s float constants take at `width`: that of its first float
/// operand, else its result's compute type (f32 or f64).
static Type floatComputeType(Operation *op, ValueRange operands,
                             unsigned width) {
  for (Value v : operands)
    if (isa<FloatType>(getElementTypeOrSelf(v.getType())))
      return v.getType();
  Type result = getComputeType(getElementTypeOrSelf(op->getResult(0)), width);
  if (result && isa<FloatType>(getElementTypeOrSelf(result)))
    return result;
  return getComputeType(Float32Type::get(op->getContext()), width);
}

Value gpu_codegen::emitElementwise(OpBuilder &b, Operation *op,
                                   ValueRange operands, unsigned width) {
  // Strategies evaluate operands at the result's position with NumPy
  // broadcasting, so an explicit broadcast is the identity (row groups hold
  // the stretch of a per-row value over the row this way).
  if (isa<BroadcastToOp>(op))
    return operands[0];
  Location loc = op->getLoc();
  if (Value bits = emitBitwise(b, loc, op, operands))
    return bits;
  Emitter e{b, loc, floatComputeType(op, operands, width)};
  auto lhs = [&] { return operands[0]; };
  auto rhs = [&] { return operands[1]; };
  using P = arith::CmpFPredicate;
  bool boolOperands = !operands.empty() &&
                      getElementTypeOrSelf(operands[0].getType()).isInteger(1);
  // Integer comparisons (where and cast take the generic path: select and
  // the cast rules serve every type).
  if (!isa<WhereOp, CastOp>(op) && !operands.empty() &&
      isIntegerCompute(operands[0])) {
    if (Value result = emitIntegerCompare(b, op, operands))
      return result;
    IntegerEmitter ie{b, loc, operands[0].getType(), hasUnsignedOperands(op)};
    if (Value result = ie.emit(op, operands))
      return result;
    llvm_unreachable("integer op without an integer form");
  }
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return e.add(lhs(), rhs()); })
      .Case([&](SubOp) -> Value {
        return arith::SubFOp::create(b, loc, lhs(), rhs());
      })
      .Case([&](MulOp) { return e.mul(lhs(), rhs()); })
      .Case([&](DivOp) -> Value {
        return arith::DivFOp::create(b, loc, lhs(), rhs());
      })
      .Case([&](PowOp) -> Value {
        if (std::optional<unsigned> n = smallIntegerExponent(rhs())) {
          Value x = lhs(), result = x;
          for (unsigned i = 1; i < *n; ++i)
            result = e.mul(result, x);
          return result;
        }
        return math::PowFOp::create(b, loc, lhs(), rhs());
      })
      .Case([&](MaxOp) -> Value {
        return arith::MaximumFOp::create(b, loc, lhs(), rhs());
      })
      .Case([&](MinOp) -> Value {
        return arith::MinimumFOp::create(b, loc, lhs(), rhs());
      })
      .Case([&](NegOp) -> Value {
        return arith::NegFOp::create(b, loc, lhs());
      })
      .Case([&](AbsOp) -> Value { return math::AbsFOp::create(b, loc, lhs()); })
      .Case([&](ExpOp exp) -> Value {
        if (exp->hasAttr(kNarrowResultAttr))
          return e.expNarrow(lhs());
        return math::ExpOp::create(b, loc, lhs());
      })
      .Case([&](LogOp) -> Value { return math::LogOp::create(b, loc, lhs()); })
      .Case([&](SqrtOp) -> Value {
        return math::SqrtOp::create(b, loc, lhs());
      })
      .Case([&](RsqrtOp) -> Value {
        return math::RsqrtOp::create(b, loc, lhs());
      })
      .Case([&](ReciprocalOp) -> Value {
        return arith::DivFOp::create(b, loc, e.cst(1.0), lhs());
      })
      .Case([&](TanhOp) -> Value {
        return math::TanhOp::create(b, loc, lhs());
      })
      .Case([&](SigmoidOp) { return e.sigmoid(lhs()); })
      .Case([&](ReluOp) -> Value {
        return arith::MaximumFOp::create(b, loc, lhs(), e.cst(0.0));
      })
      .Case([&](LeakyReluOp relu) {
        Value scaled = e.mul(e.cst(relu.getAlpha().convertToDouble()), lhs());
        return e.select(e.cmp(P::OGE, lhs(), e.cst(0.0)), lhs(), scaled);
      })
      .Case([&](GeluOp gelu) {
        return e.gelu(lhs(), gelu.getApproximate(),
                      getElementTypeOrSelf(gelu.getType()));
      })
      .Case([&](ErfOp) -> Value { return math::ErfOp::create(b, loc, lhs()); })
      .Case([&](SinOp) -> Value { return math::SinOp::create(b, loc, lhs()); })
      .Case([&](CosOp) -> Value { return math::CosOp::create(b, loc, lhs()); })
      .Case([&](FloorOp) -> Value {
        return math::FloorOp::create(b, loc, lhs());
      })
      .Case([&](CeilOp) -> Value {
        return math::CeilOp::create(b, loc, lhs());
      })
      .Case([&](SignOp) {
        Value negative = e.select(e.cmp(P::OLT, lhs(), e.cst(0.0)),
                                  e.cst(-1.0), e.cst(0.0));
        return e.select(e.cmp(P::OGT, lhs(), e.cst(0.0)), e.cst(1.0),
                        negative);
      })
      .Case([&](ClipOp clip) {
        Value v = lhs();
        if (std::optional<APFloat> lo = clip.getMin())
          v = arith::MaximumFOp::create(b, loc, v,
                                        e.cst(lo->convertToDouble()));
        if (std::optional<APFloat> hi = clip.getMax())
          v = arith::MinimumFOp::create(b, loc, v,
                                        e.cst(hi->convertToDouble()));
        return v;
      })
      .Case([&](CastOp cast) {
        return e.cast(lhs(), getElementTypeOrSelf(cast.getInput().getType()),
                      cast.getTo());
      })
      .Case([&](WhereOp) {
        return e.select(operands[0], operands[1], operands[2]);
      })
      .Case([&](EqOp) -> Value {
        if (boolOperands)
          return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lhs(),
                                       rhs());
        return e.cmp(P::OEQ, lhs(), rhs());
      })
      .Case([&](LtOp) { return e.cmp(P::OLT, lhs(), rhs()); })
      .Case([&](LeOp) { return e.cmp(P::OLE, lhs(), rhs()); })
      .Case([&](GtOp) { return e.cmp(P::OGT, lhs(), rhs()); })
      .Case([&](GeOp) { return e.cmp(P::OGE, lhs(), rhs()); })
      .Default([](Operation *) -> Value {
        llvm_unreachable("op not checked by checkElementwiseSupported");
      });
}
