//===- NarrowF64.cpp - f64 to f16/bf16 without a runtime library ----------===//
//
// This file implements the rewrite of `arith.truncf` from f64 to f16 or bf16
// for targets without one instruction for it. On the CPU, LLVM lowers those
// truncations to calls to compiler-rt / libgcc (`__truncdfhf2`,
// `__truncdfbf2`), which the kernel shared object does not link and the host
// process may not have (libgcc has no `__truncdfbf2` at all); the printed
// source profiles have only Rong's f32 -> f16 / bf16 helpers. Rounding through f32 the ordinary way would round
// twice: an f64 just above an f16 halfway point rounds to that point in f32,
// and the tie then goes to even. So the f64 is rounded to f32 *to odd*
// (toward zero, then the last significand bit set where the conversion was
// inexact), which f32's 13 (f16) or 16 (bf16) spare bits turn into one
// correct rounding to nearest even; the f32 truncation that follows is the
// one the backend already expands (bf16) or has instructions for (f16).
//
//===----------------------------------------------------------------------===//

#include "rong/Target/NarrowF64.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::rong;

namespace {

/// `t` (a scalar or vector type) with element type `element`.
Type withElement(Type t, Type element) {
  if (auto vec = dyn_cast<VectorType>(t))
    return vec.clone(element);
  return element;
}

struct NarrowF64Truncation : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type from = getElementTypeOrSelf(op.getIn().getType());
    Type to = getElementTypeOrSelf(op.getType());
    if (!from.isF64() || !isa<Float16Type, BFloat16Type>(to))
      return rewriter.notifyMatchFailure(op, "not f64 to f16 or bf16");
    if (op.getRoundingmodeAttr() &&
        *op.getRoundingmode() != arith::RoundingMode::to_nearest_even)
      return rewriter.notifyMatchFailure(op, "rounds other than to even");
    Location loc = op.getLoc();
    Value x = op.getIn();
    Type f32 = withElement(x.getType(), rewriter.getF32Type());
    Type i32 = withElement(x.getType(), rewriter.getI32Type());
    Value nearest = arith::TruncFOp::create(rewriter, loc, f32, x);
    Value back = arith::ExtFOp::create(rewriter, loc, x.getType(), nearest);
    // NaN compares unequal: its bits only gain a set low bit, still NaN.
    Value inexact = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::UNE, back, x);
    Value away = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGT,
        math::AbsFOp::create(rewriter, loc, back),
        math::AbsFOp::create(rewriter, loc, x));
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, nearest);
    // Toward zero: one step down in magnitude where nearest rounded away.
    bits = arith::SubIOp::create(
        rewriter, loc, bits, arith::ExtUIOp::create(rewriter, loc, i32, away));
    bits = arith::OrIOp::create(
        rewriter, loc, bits,
        arith::ExtUIOp::create(rewriter, loc, i32, inexact));
    Value odd = arith::BitcastOp::create(rewriter, loc, f32, bits);
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), odd);
    return success();
  }
};

} // namespace

void mlir::rong::populateNarrowF64Patterns(RewritePatternSet &patterns) {
  patterns.add<NarrowF64Truncation>(patterns.getContext());
}
