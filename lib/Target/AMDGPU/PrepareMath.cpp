//===- PrepareMath.cpp - Math ops without the ROCm device libraries -------===//
//
// This file implements rong-amdgpu-prepare-math. Upstream GPU-to-ROCDL
// lowering turns math ops into calls to the ROCm device libraries
// (__ocml_exp_f32, ...), which Rong does not link: the backend must produce a
// code object from an LLVM installation alone. So the math of a kernel is
// rewritten first:
//
// - functions LLVM's AMDGPU code generator expands by itself stay, and become
//   LLVM intrinsics later (exp, exp2, log, log2, log10, sqrt, floor, ...);
// - functions with an upstream polynomial approximation use it (tanh, erf,
//   sin, cos, atan, ...), the same rewrites the CPU backend applies;
// - powf becomes exp2(b * log2|a|) with C's special cases (upstream's
//   expansion, exp(b * log a), is NaN for every negative base);
// - functions with an upstream expansion into the above are expanded (sinh
//   into exp, tan into sin/cos, ...);
// - f16 and bf16 operands are computed in f32 around them.
//
// Whatever remains and is not in the first group would compile to a call of
// a device-library function; it is reported on the op, naming it.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/AMDGPU/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace mlir::rong::rocm {
#define GEN_PASS_DEF_AMDGPUPREPAREMATHPASS
#include "rong/Target/AMDGPU/Passes.h.inc"
} // namespace mlir::rong::rocm

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Math functions with an upstream polynomial approximation in f32. exp, log
/// and log2 are absent on purpose: the AMDGPU code generator expands their
/// intrinsics to v_exp_f32 / v_log_f32 with range reduction, which is both
/// faster and more accurate than a polynomial.
constexpr StringLiteral kApproximated[] = {
    "tanh",  "erf",  "erfc", "sin",   "cos",   "atan",
    "atan2", "asin", "acos", "log1p", "expm1", "cbrt"};

/// Math functions upstream expands into other math and arith ops.
constexpr StringLiteral kExpanded[] = {"fpowi", "sinh",  "cosh",
                                       "tan",   "asinh", "acosh",
                                       "atanh", "round", "roundeven"};

/// Math ops whose LLVM intrinsic the AMDGPU code generator selects
/// instructions for in f16 and f32 (no library call). sin and cos would be
/// too, but the approximations above always replace them in f32.
constexpr StringLiteral kNativeF32[] = {
    "absf",  "absi", "ceil",  "copysign", "ctlz",  "cttz",     "ctpop",
    "exp",   "exp2", "floor", "fma",      "log",   "log2",     "log10",
    "rsqrt", "sqrt", "trunc", "isnan",    "isinf", "isfinite", "isnormal"};

/// The subset that is exact in f64, where the transcendental functions have
/// no instruction and would be calls into the device libraries.
constexpr StringLiteral kNativeF64[] = {
    "absf",  "absi", "ceil",  "copysign", "ctlz",  "cttz",     "ctpop",
    "floor", "fma",  "rsqrt", "sqrt",     "trunc", "isnan",    "isinf",
    "isfinite", "isnormal"};

StringRef mnemonic(StringRef opName) {
  opName.consume_front("math.");
  return opName;
}

/// The floating-point element type `op` computes in, or null.
FloatType floatElementType(Operation *op) {
  for (Type type : op->getOperandTypes())
    if (auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type)))
      return element;
  return nullptr;
}

bool isNative(Operation *op) {
  StringRef name = mnemonic(op->getName().getStringRef());
  FloatType element = floatElementType(op);
  if (element && element.isF64())
    return llvm::is_contained(kNativeF64, name);
  return llvm::is_contained(kNativeF32, name);
}

/// A constant of `type` (f32 or a vector of f32) with every element `value`.
Value splat(ImplicitLocOpBuilder &b, Type type, double value) {
  FloatAttr scalar = b.getFloatAttr(getElementTypeOrSelf(type), value);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return arith::ConstantOp::create(b, DenseElementsAttr::get(shaped, scalar));
  return arith::ConstantOp::create(b, scalar);
}

/// math.powf in f32 as exp2(b * log2|a|), with the results C's powf gives
/// where that formula does not:
///   a < 0, b an odd integer    -> -|a|^b (copysign, also for a = -0)
///   a finite < 0, b not integral -> NaN
///   b = +-0, a = 1, a = -1 with b = +-inf -> 1
/// Zeros and infinities of a and b otherwise come out of exp2/log2 right
/// (log2(0) = -inf, exp2(+-inf) = inf / 0). The relative error is that of
/// log2 times |b * log2|a||: about 1e-5 for results near 1e30.
struct PowFToExp2Log2 : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "not an f32 powf");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value base = op.getLhs(), exponent = op.getRhs();
    auto cmp = [&](arith::CmpFPredicate predicate, Value x, Value y) {
      return arith::CmpFOp::create(b, predicate, x, y).getResult();
    };
    auto both = [&](Value x, Value y) {
      return arith::AndIOp::create(b, x, y).getResult();
    };
    auto either = [&](Value x, Value y) {
      return arith::OrIOp::create(b, x, y).getResult();
    };
    Value one = splat(b, type, 1.0);
    Value infinity = splat(b, type, std::numeric_limits<double>::infinity());

    Value absBase = math::AbsFOp::create(b, base);
    Value product = arith::MulFOp::create(b, exponent,
                                          math::Log2Op::create(b, absBase));
    Value magnitude = math::Exp2Op::create(b, product);

    // Integral (inf counts as even) and odd exponents.
    Value truncated = math::TruncOp::create(b, exponent);
    Value isIntegral = cmp(arith::CmpFPredicate::OEQ, truncated, exponent);
    Value half = arith::MulFOp::create(b, exponent, splat(b, type, 0.5));
    Value isOdd = both(isIntegral, cmp(arith::CmpFPredicate::ONE,
                                       math::TruncOp::create(b, half), half));
    Value result = arith::SelectOp::create(
        b, isOdd, math::CopySignOp::create(b, magnitude, base), magnitude);

    Value negativeFinite =
        both(cmp(arith::CmpFPredicate::OLT, base, splat(b, type, 0.0)),
             cmp(arith::CmpFPredicate::OGT, base,
                 splat(b, type, -std::numeric_limits<double>::infinity())));
    Value notIntegral = cmp(arith::CmpFPredicate::ONE, truncated, exponent);
    result = arith::SelectOp::create(
        b, both(negativeFinite, notIntegral),
        splat(b, type, std::numeric_limits<double>::quiet_NaN()), result);

    Value isOne = either(
        either(cmp(arith::CmpFPredicate::OEQ, exponent, splat(b, type, 0.0)),
               cmp(arith::CmpFPredicate::OEQ, base, one)),
        both(cmp(arith::CmpFPredicate::OEQ, base, splat(b, type, -1.0)),
             cmp(arith::CmpFPredicate::OEQ, math::AbsFOp::create(b, exponent),
                 infinity)));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isOne, one, result);
    return success();
  }
};

struct AMDGPUPrepareMathPass
    : rocm::impl::AMDGPUPrepareMathPassBase<AMDGPUPrepareMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    rocm::populateAMDGPUMathPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError()
          << "rong-amdgpu-prepare-math: the rewrites did not converge";
      return signalPassFailure();
    }
    if (failed(rocm::checkAMDGPUMathLowering(getOperation())))
      signalPassFailure();
  }
};

} // namespace

void rocm::populateAMDGPUMathPatterns(RewritePatternSet &patterns) {
  auto approximated = [](StringRef name) {
    return llvm::is_contained(kApproximated, mnemonic(name));
  };
  auto promoted = [](StringRef name) {
    return mnemonic(name) == "powf" ||
           llvm::is_contained(kApproximated, mnemonic(name));
  };
  SmallVector<StringRef> expanded(std::begin(kExpanded), std::end(kExpanded));
  math::populateExpansionPatterns(patterns, expanded);
  populateMathF32ExpansionPatterns(patterns, promoted);
  populateMathPolynomialApproximationPatterns(patterns, approximated);
  patterns.add<PowFToExp2Log2>(patterns.getContext());
}

LogicalResult rocm::checkAMDGPUMathLowering(Operation *root) {
  bool failedAny = false;
  root->walk([&](Operation *op) {
    if (!isa<math::MathDialect>(op->getDialect()) || isNative(op))
      return;
    InFlightDiagnostic diag = op->emitOpError();
    if (FloatType element = floatElementType(op))
      diag << "on " << element << " ";
    diag << "needs the ROCm device libraries (ocml), which the AMDGPU backend "
            "does not link: no LLVM intrinsic the AMDGPU code generator "
            "expands, no polynomial approximation and no expansion covers it";
    failedAny = true;
  });
  return failure(failedAny);
}
