//===- RongElementwiseOps.td - Elementwise ops -------------*- tablegen -*-===//
//
// This file defines Rong's elementwise ops: unary math, activations, casts and
// clipping, binary arithmetic and comparisons with NumPy broadcasting, and the
// ternary select.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGELEMENTWISEOPS_TD
#define RONG_IR_RONGELEMENTWISEOPS_TD

include "rong/IR/RongBase.td"

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

def Rong_AbsOp : Rong_UnaryOp<"abs", Rong_NumericTensor> {
  let summary = "elementwise absolute value";
  let description = [{
    Computes `|x|` for every element.

    Example:

    ```mlir
    %y = rong.abs %x : tensor<4x?xf32>
    ```
  }];
}

def Rong_NegOp : Rong_UnaryOp<"neg", Rong_NumericTensor> {
  let summary = "elementwise negation";
  let description = [{
    Computes `-x` for every element.

    Example:

    ```mlir
    %y = rong.neg %x : tensor<4xi64>
    ```
  }];
}

def Rong_ExpOp : Rong_UnaryOp<"exp", Rong_FloatTensor> {
  let summary = "elementwise natural exponential";
  let description = [{
    Computes `e^x` for every element.

    Example:

    ```mlir
    %y = rong.exp %x : tensor<2x8xf32>
    ```
  }];
}

def Rong_LogOp : Rong_UnaryOp<"log", Rong_FloatTensor> {
  let summary = "elementwise natural logarithm";
  let description = [{
    Computes `ln(x)` for every element; `ln(0) = -inf`, negative inputs give
    NaN.

    Example:

    ```mlir
    %y = rong.log %x : tensor<2x8xf16>
    ```
  }];
}

def Rong_SqrtOp : Rong_UnaryOp<"sqrt", Rong_FloatTensor> {
  let summary = "elementwise square root";
  let description = [{
    Computes `sqrt(x)` for every element.

    Example:

    ```mlir
    %y = rong.sqrt %x : tensor<16xbf16>
    ```
  }];
}

def Rong_RsqrtOp : Rong_UnaryOp<"rsqrt", Rong_FloatTensor> {
  let summary = "elementwise reciprocal square root";
  let description = [{
    Computes `1 / sqrt(x)` for every element.

    Example:

    ```mlir
    %y = rong.rsqrt %x : tensor<16xf32>
    ```
  }];
}

def Rong_ReciprocalOp : Rong_UnaryOp<"reciprocal", Rong_FloatTensor> {
  let summary = "elementwise reciprocal";
  let description = [{
    Computes `1 / x` for every element.

    Example:

    ```mlir
    %y = rong.reciprocal %x : tensor<16xf32>
    ```
  }];
}

def Rong_TanhOp : Rong_UnaryOp<"tanh", Rong_FloatTensor> {
  let summary = "elementwise hyperbolic tangent";
  let description = [{
    Computes `tanh(x)` for every element.

    Example:

    ```mlir
    %y = rong.tanh %x : tensor<16xf32>
    ```
  }];
}

def Rong_SigmoidOp : Rong_UnaryOp<"sigmoid", Rong_FloatTensor> {
  let summary = "elementwise logistic sigmoid";
  let description = [{
    Computes `1 / (1 + e^-x)` for every element.

    Example:

    ```mlir
    %y = rong.sigmoid %x : tensor<16xf32>
    ```
  }];
}

def Rong_ReluOp : Rong_UnaryOp<"relu", Rong_NumericTensor> {
  let summary = "elementwise rectified linear unit";
  let description = [{
    Computes `max(x, 0)` for every element.

    Example:

    ```mlir
    %y = rong.relu %x : tensor<1x64x56x56xf32>
    ```
  }];
}

def Rong_LeakyReluOp : Rong_UnaryOp<"leaky_relu", Rong_FloatTensor> {
  let summary = "elementwise leaky rectified linear unit";
  let description = [{
    Computes `x >= 0 ? x : alpha * x` for every element. `alpha` defaults to
    0.01, as in ONNX and PyTorch.

    Example:

    ```mlir
    %y = rong.leaky_relu %x {alpha = 2.000000e-01 : f64} : tensor<8xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.01">:$alpha);
}

def Rong_GeluOp : Rong_UnaryOp<"gelu", Rong_FloatTensor> {
  let summary = "elementwise Gaussian error linear unit";
  let description = [{
    Computes `x * Phi(x)`, where `Phi` is the standard normal CDF. With
    `approximate = tanh` it uses
    `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))` instead, as
    PyTorch's `gelu(approximate="tanh")` and ONNX's `Gelu` do.

    Example:

    ```mlir
    %y = rong.gelu %x : tensor<8x3072xf32>
    %z = rong.gelu %x approximate = tanh : tensor<8x3072xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input,
      DefaultValuedAttr<Rong_GeluApproximation,
                        "::mlir::rong::GeluApproximation::none">:$approximate);
  let assemblyFormat = [{
    $input (`approximate` `=` $approximate^)? attr-dict `:` type($input)
  }];
}

def Rong_ErfOp : Rong_UnaryOp<"erf", Rong_FloatTensor> {
  let summary = "elementwise Gauss error function";
  let description = [{
    Computes `erf(x)` for every element.

    Example:

    ```mlir
    %y = rong.erf %x : tensor<16xf32>
    ```
  }];
}

def Rong_SinOp : Rong_UnaryOp<"sin", Rong_FloatTensor> {
  let summary = "elementwise sine";
  let description = [{
    Computes `sin(x)` for every element (radians).

    Example:

    ```mlir
    %y = rong.sin %x : tensor<16xf32>
    ```
  }];
}

def Rong_CosOp : Rong_UnaryOp<"cos", Rong_FloatTensor> {
  let summary = "elementwise cosine";
  let description = [{
    Computes `cos(x)` for every element (radians).

    Example:

    ```mlir
    %y = rong.cos %x : tensor<16xf32>
    ```
  }];
}

def Rong_FloorOp : Rong_UnaryOp<"floor", Rong_FloatTensor> {
  let summary = "elementwise floor";
  let description = [{
    Rounds every element towards negative infinity.

    Example:

    ```mlir
    %y = rong.floor %x : tensor<16xf32>
    ```
  }];
}

def Rong_CeilOp : Rong_UnaryOp<"ceil", Rong_FloatTensor> {
  let summary = "elementwise ceiling";
  let description = [{
    Rounds every element towards positive infinity.

    Example:

    ```mlir
    %y = rong.ceil %x : tensor<16xf32>
    ```
  }];
}

def Rong_SignOp : Rong_UnaryOp<"sign", Rong_NumericTensor> {
  let summary = "elementwise sign";
  let description = [{
    Gives -1, 0 or 1 by the sign of every element (NaN stays NaN).

    Example:

    ```mlir
    %y = rong.sign %x : tensor<16xi32>
    ```
  }];
}

def Rong_NotOp : Rong_UnaryOp<"not", Rong_BitsTensor> {
  let summary = "elementwise logical or bitwise not";
  let description = [{
    Negates every element of a boolean tensor; complements every bit of an
    integer tensor.

    Example:

    ```mlir
    %y = rong.not %x : tensor<16xi1>
    %z = rong.not %i : tensor<16xui8>
    ```
  }];
}

def Rong_ClipOp : Rong_UnaryOp<"clip", Rong_NumericTensor> {
  let summary = "elementwise clamp to [min, max]";
  let description = [{
    Clamps every element to `[min, max]`. Either bound may be absent, which
    leaves that side open. When both are given, `min <= max` is required.

    Example:

    ```mlir
    %y = rong.clip %x min = 0.000000e+00 max = 6.000000e+00 : tensor<8xf32>
    ```
  }];
  let arguments = (ins Rong_NumericTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let assemblyFormat = [{
    $input (`min` `=` $min^)? (`max` `=` $max^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Rong_CastOp : Rong_InferredOp<"cast", [Elementwise, SameOperandsAndResultShape]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Converts every element to the element type `to`. Float to integer
    conversion truncates towards zero; conversion to `i1` gives `x != 0`;
    `i1` converts to 0 or 1.

    Example:

    ```mlir
    %y = rong.cast %x to f16 : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input,
                       TypeAttrOf<AnyTypeOf<[F32, F64, F16, BF16, I64, I32, I16, I8,
                                              UI64, UI32, UI16, UI8, I1]>>:$to);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = "$input `to` $to attr-dict `:` type($input)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

class Rong_ArithOp<string mnemonic, string formula, list<Trait> traits = []>
    : Rong_BinaryOp<mnemonic, Rong_NumericTensor, Rong_NumericTensor, 0, traits> {
  let summary = "elementwise `" # formula # "` with broadcasting";
  let description = "Computes `" # formula # "` for every pair of elements "
    # "after broadcasting both operands to a common shape (NumPy rules). Both "
    # "operands have the same element type.\n\nExample:\n\n```mlir\n"
    # "%z = rong." # mnemonic # " %x, %y : tensor<8x16xf32>, tensor<16xf32>\n```";
}

def Rong_AddOp : Rong_ArithOp<"add", "lhs + rhs", [Commutative]>;
def Rong_SubOp : Rong_ArithOp<"sub", "lhs - rhs">;
def Rong_MulOp : Rong_ArithOp<"mul", "lhs * rhs", [Commutative]>;
def Rong_DivOp : Rong_ArithOp<"div", "lhs / rhs"> {
  let description = [{
    Computes `lhs / rhs` for every pair of elements after broadcasting (NumPy
    rules). Integer division truncates towards zero, as in ONNX.

    Example:

    ```mlir
    %z = rong.div %x, %y : tensor<8x16xf32>, tensor<1x16xf32>
    ```
  }];
}
def Rong_PowOp : Rong_ArithOp<"pow", "lhs ^ rhs">;
def Rong_MaxOp : Rong_ArithOp<"max", "max(lhs, rhs)", [Commutative]>;
def Rong_MinOp : Rong_ArithOp<"min", "min(lhs, rhs)", [Commutative]>;

class Rong_CompareOp<string mnemonic, string formula, Type operandType,
                     list<Trait> traits = []>
    : Rong_BinaryOp<mnemonic, operandType, Rong_BoolTensor, 1, traits> {
  let summary = "elementwise comparison `" # formula # "` with broadcasting";
  let description = "Computes the boolean `" # formula # "` for every pair of "
    # "elements after broadcasting both operands to a common shape (NumPy "
    # "rules). The result is an `i1` tensor.\n\nExample:\n\n```mlir\n"
    # "%z = rong." # mnemonic # " %x, %y : tensor<8x16xf32>, tensor<16xf32>\n```";
}

def Rong_EqOp : Rong_CompareOp<"eq", "lhs == rhs", Rong_Tensor, [Commutative]>;
def Rong_LtOp : Rong_CompareOp<"lt", "lhs < rhs", Rong_NumericTensor>;
def Rong_LeOp : Rong_CompareOp<"le", "lhs <= rhs", Rong_NumericTensor>;
def Rong_GtOp : Rong_CompareOp<"gt", "lhs > rhs", Rong_NumericTensor>;
def Rong_GeOp : Rong_CompareOp<"ge", "lhs >= rhs", Rong_NumericTensor>;

class Rong_LogicOp<string mnemonic, string formula>
    : Rong_BinaryOp<mnemonic, Rong_BitsTensor, Rong_BitsTensor, 0,
                    [Commutative]> {
  let summary = "elementwise logical or bitwise `" # formula
    # "` with broadcasting";
  let description = "Computes `" # formula # "` after broadcasting (NumPy "
    # "rules): logically on boolean tensors, bit by bit on integer tensors."
    # "\n\nExample:\n\n```mlir\n"
    # "%z = rong." # mnemonic # " %x, %y : tensor<8x16xi1>, tensor<16xi1>\n```";
}

def Rong_AndOp : Rong_LogicOp<"and", "lhs and rhs">;
def Rong_OrOp : Rong_LogicOp<"or", "lhs or rhs">;
def Rong_XorOp : Rong_LogicOp<"xor", "lhs xor rhs">;

class Rong_ShiftOp<string mnemonic, string direction>
    : Rong_BinaryOp<mnemonic, Rong_IntegerTensor, Rong_IntegerTensor, 0> {
  let summary = "elementwise bit shift " # direction # " with broadcasting";
  let description = "Shifts each element of `lhs` " # direction # " by the "
    # "number of bits in `rhs` after broadcasting (NumPy rules). Unsigned and "
    # "left shifts fill with zeros, a signed right shift with the sign bit. "
    # "A shift by the element width or more gives 0 (-1 for a negative "
    # "signed value shifted right), as NumPy does; a negative amount is "
    # "undefined.\n\nExample:\n\n```mlir\n"
    # "%z = rong." # mnemonic # " %x, %y : tensor<8xui8>, tensor<8xui8>\n```";
}

def Rong_ShiftLeftOp : Rong_ShiftOp<"shift_left", "left">;
def Rong_ShiftRightOp : Rong_ShiftOp<"shift_right", "right">;

//===----------------------------------------------------------------------===//
// Select
//===----------------------------------------------------------------------===//

def Rong_WhereOp : Rong_InferredOp<"where", [Rong_BroadcastElementwise]> {
  let summary = "elementwise select with broadcasting";
  let description = [{
    Picks `on_true` where `condition` holds and `on_false` elsewhere, after
    broadcasting all three operands to a common shape (NumPy rules). Both
    value operands have the same element type.

    Example:

    ```mlir
    %z = rong.where %c, %x, %y : tensor<8x1xi1>, tensor<8x16xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins Rong_BoolTensor:$condition, Rong_Tensor:$on_true,
                       Rong_Tensor:$on_false);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` type($condition) `,`
    type($on_true) `,` type($on_false)
  }];
  let hasFolder = 1;
}

#endif // RONG_IR_RONGELEMENTWISEOPS_TD
