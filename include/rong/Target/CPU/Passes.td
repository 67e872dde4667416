//===- Passes.td - CPU backend passes ----------------------*- tablegen -*-===//
//
// This file declares the passes of the CPU backend that are useful on their
// own (rong-opt reproduces them); the rest of the backend is driven by
// lowerKernelsToLLVM and emitSharedObject.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_CPU_PASSES_TD
#define RONG_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUApproximateMathPass : Pass<"rong-cpu-approximate-math"> {
  let summary = "Rewrite math ops into vectorisable arithmetic for the CPU";
  let description = [{
    The CPU backend's math rewrites, applied before lowering to LLVM so that
    transcendental functions stay vectorised instead of becoming libm calls
    lane by lane:

    - `exp` in f32: Rong's own expansion (round-to-nearest by a magic-number
      add, so 2^n comes from the float's bits without a round, a clamp of n
      and a conversion), about 15 vector instructions against upstream's 21;
      within 1 ulp of the true value for normal results below 127.5 ln 2
      and 8 ulp above, `exp(+inf) = +inf`, `exp(-inf) = 0`, NaN propagates,
      and results below 2^-126 flush to 0 as upstream's do;
    - `exp2`: `exp(x ln 2)`;
    - `tanh`, `erf`, `log`, `log2`, `log1p`, `expm1`, `sin`, `cos`, `atan`,
      ... : upstream's f32 polynomial approximations;
    - f16 and bf16 operands of these are computed in f32.

    Example: `%y = math.exp %x : vector<8xf32>` becomes a `math.fma`
    rounding `x log2(e)` to an integer, two `math.fma`s reducing the
    argument, a polynomial of seven `math.fma`s, and a shift of the rounded
    value's bits into the exponent of the scale.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // RONG_TARGET_CPU_PASSES_TD
