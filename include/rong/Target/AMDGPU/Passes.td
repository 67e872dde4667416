//===- Passes.td - AMDGPU backend passes -------------------*- tablegen -*-===//
//
// This file declares the passes of the AMDGPU backend that are useful on
// their own (rong-opt reproduces them); the rest of the backend is driven by
// lowerKernelIRToROCDL and emitHSACO.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_AMDGPU_PASSES_TD
#define RONG_TARGET_AMDGPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def AMDGPUPrepareMathPass : Pass<"rong-amdgpu-prepare-math"> {
  let summary = "Rewrite math ops into what LLVM's AMDGPU code generator "
                "expands without the ROCm device libraries";
  let description = [{
    Upstream GPU-to-ROCDL lowering calls the ROCm device libraries (ocml) for
    math functions; Rong's AMDGPU backend links none. This pass rewrites the
    math ops below the anchor so that every one left is an op whose LLVM
    intrinsic the AMDGPU code generator expands itself (`exp`, `exp2`,
    `log`, `log2`, `log10`, `sqrt`, `rsqrt`, `floor`, `ceil`, `fma`, ...):

    - `tanh`, `erf`, `erfc`, `sin`, `cos`, `atan`, `atan2`, `asin`, `acos`,
      `log1p`, `expm1`, `cbrt`: upstream's f32 polynomial approximations;
    - `powf`: `exp2(b * log2|a|)` with C's special cases (negative bases
      with integral exponents, zeros, infinities, `pow(x, 0) = 1`,
      `pow(1, y) = 1`);
    - `sinh`, `cosh`, `tan`, `asinh`, `acosh`, `atanh`, `fpowi`, `round`,
      `roundeven`: upstream's expansions into the above;
    - f16 and bf16 operands of these are computed in f32.

    A math op that still has no such lowering (the transcendental functions
    in f64, for instance) is reported as an error naming it.

    Example: `%y = math.powf %a, %b : f32` becomes `math.exp2` of
    `%b * math.log2(math.absf %a)` and a few `arith.select`s.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // RONG_TARGET_AMDGPU_PASSES_TD
