//===- ApproximateMath.cpp - Vectorisable math for the CPU ----------------===//
//
// This file implements rong-cpu-approximate-math, the math rewrites the CPU
// backend applies before lowering kernels to LLVM. LLVM would lower a vector
// math.exp to a libm call per lane; these rewrites turn transcendental
// functions into arithmetic that stays in vector registers.
//
// Most functions use upstream's f32 polynomial approximations. exp, the one
// softmax, sigmoid, SiLU and GELU spend their time in, has Rong's own
// expansion: upstream's rounds x log2(e) with a floor, clamps the integer to
// [-127, 127] with two compares, converts it to an integer and adds the
// exponent bias, 21 instructions per vector on x86 in all. Here the rounding,
// the bias and the clamp come from one add of a magic number, as in the
// vectorised exp of numerical libraries:
//
//   x' = max(x, -87.8)                       (exp(-inf) = 0, NaN kept)
//   t  = min(fma(x', log2(e), M), M + 127)   M = 1.5 * 2^23 + 127
//
// t lies in [2^23, 2^24), where floats are the integers, so the fma rounds
// x' log2(e) to the nearest integer n and the low bits of t's significand
// hold n + 127, the biased exponent of 2^n: shifting t's bits left by 23
// gives 2^n itself (0 for n = -127, which flushes results below 2^-126 to
// zero as upstream's does). The min keeps n <= 127, so that 2^n is finite;
// for x above 127.5 ln 2 the reduced argument grows up to 0.69 where the
// result is finite (and beyond, where it overflows to +inf as it should).
// Then
//
//   r    = x' - n ln 2                       (two fmas, ln 2 split in two)
//   e^r  = Horner of degree 7 in r           (Cephes' coefficients)
//   exp  = e^r * 2^n
//
// about 15 instructions. NaN stays NaN through r; +inf gives r = +inf and a
// polynomial of positive coefficients, so +inf.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong::cpu {
#define GEN_PASS_DEF_CPUAPPROXIMATEMATHPASS
#include "rong/Target/CPU/Passes.h.inc"
} // namespace mlir::rong::cpu

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Builds f32 and i32 constants of the shape of `floatType` (a scalar or a
/// vector).
struct Constants {
  ImplicitLocOpBuilder &b;
  Type floatType;
  Type intType;

  Value splat(Type type, TypedAttr element) const {
    if (auto vector = dyn_cast<VectorType>(type))
      return arith::ConstantOp::create(
          b, DenseElementsAttr::get(vector, cast<Attribute>(element)));
    return arith::ConstantOp::create(b, element);
  }
  Value f32(float value) const {
    return splat(floatType, b.getF32FloatAttr(value));
  }
  Value i32(int32_t value) const {
    return splat(intType, b.getI32IntegerAttr(value));
  }
};

struct ExpF32Approximation : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    if (auto vector = dyn_cast<VectorType>(type);
        vector && vector.isScalable())
      return rewriter.notifyMatchFailure(op, "scalable vector");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type intType = cloneOrReplace(type, b.getI32Type());
    Constants c{b, type, intType};
    auto fma = [&](Value x, Value y, Value z) -> Value {
      return math::FmaOp::create(b, x, y, z);
    };
    // select(x uge bound, x, bound) and select(x ule bound, x, bound): x86's
    // maxps / minps, which return their first operand when it is NaN.
    auto atLeast = [&](Value x, Value bound) -> Value {
      Value keep =
          arith::CmpFOp::create(b, arith::CmpFPredicate::UGE, x, bound);
      return arith::SelectOp::create(b, keep, x, bound);
    };
    auto atMost = [&](Value x, Value bound) -> Value {
      Value keep =
          arith::CmpFOp::create(b, arith::CmpFPredicate::ULE, x, bound);
      return arith::SelectOp::create(b, keep, x, bound);
    };

    // 1.5 * 2^23 + 127: adding it rounds to an integer and biases it.
    constexpr float kMagic = 12583039.0f;
    Value x = atLeast(op.getOperand(), c.f32(-87.8f));
    Value t = fma(x, c.f32(1.44269504088896341f), c.f32(kMagic));
    t = atMost(t, c.f32(kMagic + 127.0f));
    Value n = arith::SubFOp::create(b, t, c.f32(kMagic));

    // r = x - n ln 2, with ln 2 = 0.693359375 - 2.12194440e-4: the first
    // part has 9 significant bits, so n times it is exact.
    Value r = fma(n, c.f32(-0.693359375f), x);
    r = fma(n, c.f32(2.12194440e-4f), r);

    // e^r = 1 + r + r^2 (P5 + r (P4 + ...)), evaluated by Horner's rule.
    const float coefficients[] = {1.9875691500e-4f, 1.3981999507e-3f,
                                  8.3334519073e-3f, 4.1665795894e-2f,
                                  1.6666665459e-1f, 5.0000001201e-1f,
                                  1.0f,             1.0f};
    Value p = c.f32(coefficients[0]);
    for (float coefficient : ArrayRef<float>(coefficients).drop_front())
      p = fma(p, r, c.f32(coefficient));

    Value bits = arith::BitcastOp::create(b, intType, t);
    bits = arith::ShLIOp::create(b, bits, c.i32(23));
    Value scale = arith::BitcastOp::create(b, type, bits);
    rewriter.replaceOp(op, arith::MulFOp::create(b, p, scale));
    return success();
  }

  static Type cloneOrReplace(Type type, Type element) {
    if (auto shaped = dyn_cast<ShapedType>(type))
      return shaped.clone(element);
    return element;
  }
};

struct CPUApproximateMathPass
    : cpu::impl::CPUApproximateMathPassBase<CPUApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    cpu::populateCPUMathPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError()
          << "rong-cpu-approximate-math: the rewrites did not converge";
      signalPassFailure();
    }
  }
};

} // namespace

void cpu::populateCPUMathPatterns(RewritePatternSet &patterns) {
  // exp2 (narrow GELU) becomes exp(x ln 2), then the exp below; LLVM would
  // call libm's exp2f lane by lane.
  math::populateExpansionPatterns(patterns, {"exp2"});
  // Upstream's approximations (and f32 promotion around them), exp's
  // included; Rong's f32 exp has the higher benefit, so it is the one the
  // greedy driver applies to f32 (and to f16 / bf16 once promoted).
  populateMathPolynomialApproximationPatterns(patterns);
  patterns.add<ExpF32Approximation>(patterns.getContext(),
                                    /*benefit=*/2);
}
