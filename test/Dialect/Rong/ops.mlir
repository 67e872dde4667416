// RUN: rong-opt %s | FileCheck %s
// RUN: rong-opt %s | rong-opt | FileCheck %s
// RUN: rong-opt -emit-bytecode %s | rong-opt | FileCheck %s

// Tests that the float-only unary ops round-trip on f32 with a dynamic dimension.
// CHECK-LABEL: func.func @unary_float_f32(
// CHECK-SAME: %[[ARG0:.+]]: tensor<4x?xf32>) {
// CHECK-NEXT: %[[EXP:.+]] = rong.exp %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[LOG:.+]] = rong.log %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[SQRT:.+]] = rong.sqrt %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[RSQRT:.+]] = rong.rsqrt %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[RECIPROCAL:.+]] = rong.reciprocal %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[TANH:.+]] = rong.tanh %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[SIGMOID:.+]] = rong.sigmoid %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[ERF:.+]] = rong.erf %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[SIN:.+]] = rong.sin %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[COS:.+]] = rong.cos %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[FLOOR:.+]] = rong.floor %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: %[[CEIL:.+]] = rong.ceil %[[ARG0]] : tensor<4x?xf32>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_float_f32(%x: tensor<4x?xf32>) {
  %exp = rong.exp %x : tensor<4x?xf32>
  %log = rong.log %x : tensor<4x?xf32>
  %sqrt = rong.sqrt %x : tensor<4x?xf32>
  %rsqrt = rong.rsqrt %x : tensor<4x?xf32>
  %reciprocal = rong.reciprocal %x : tensor<4x?xf32>
  %tanh = rong.tanh %x : tensor<4x?xf32>
  %sigmoid = rong.sigmoid %x : tensor<4x?xf32>
  %erf = rong.erf %x : tensor<4x?xf32>
  %sin = rong.sin %x : tensor<4x?xf32>
  %cos = rong.cos %x : tensor<4x?xf32>
  %floor = rong.floor %x : tensor<4x?xf32>
  %ceil = rong.ceil %x : tensor<4x?xf32>
  return
}

// Tests that the float-only unary ops round-trip on f16.
// CHECK-LABEL: func.func @unary_float_f16(
// CHECK-SAME: %[[ARG0:.+]]: tensor<?x8xf16>) {
// CHECK-NEXT: %[[EXP:.+]] = rong.exp %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[LOG:.+]] = rong.log %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[SQRT:.+]] = rong.sqrt %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[RSQRT:.+]] = rong.rsqrt %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[RECIPROCAL:.+]] = rong.reciprocal %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[TANH:.+]] = rong.tanh %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[SIGMOID:.+]] = rong.sigmoid %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[ERF:.+]] = rong.erf %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[SIN:.+]] = rong.sin %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[COS:.+]] = rong.cos %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[FLOOR:.+]] = rong.floor %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: %[[CEIL:.+]] = rong.ceil %[[ARG0]] : tensor<?x8xf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_float_f16(%x: tensor<?x8xf16>) {
  %exp = rong.exp %x : tensor<?x8xf16>
  %log = rong.log %x : tensor<?x8xf16>
  %sqrt = rong.sqrt %x : tensor<?x8xf16>
  %rsqrt = rong.rsqrt %x : tensor<?x8xf16>
  %reciprocal = rong.reciprocal %x : tensor<?x8xf16>
  %tanh = rong.tanh %x : tensor<?x8xf16>
  %sigmoid = rong.sigmoid %x : tensor<?x8xf16>
  %erf = rong.erf %x : tensor<?x8xf16>
  %sin = rong.sin %x : tensor<?x8xf16>
  %cos = rong.cos %x : tensor<?x8xf16>
  %floor = rong.floor %x : tensor<?x8xf16>
  %ceil = rong.ceil %x : tensor<?x8xf16>
  return
}

// Tests that the float-only unary ops round-trip on bf16.
// CHECK-LABEL: func.func @unary_float_bf16(
// CHECK-SAME: %[[ARG0:.+]]: tensor<16xbf16>) {
// CHECK-NEXT: %[[EXP:.+]] = rong.exp %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[LOG:.+]] = rong.log %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[SQRT:.+]] = rong.sqrt %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[RSQRT:.+]] = rong.rsqrt %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[RECIPROCAL:.+]] = rong.reciprocal %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[TANH:.+]] = rong.tanh %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[SIGMOID:.+]] = rong.sigmoid %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[ERF:.+]] = rong.erf %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[SIN:.+]] = rong.sin %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[COS:.+]] = rong.cos %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[FLOOR:.+]] = rong.floor %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: %[[CEIL:.+]] = rong.ceil %[[ARG0]] : tensor<16xbf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_float_bf16(%x: tensor<16xbf16>) {
  %exp = rong.exp %x : tensor<16xbf16>
  %log = rong.log %x : tensor<16xbf16>
  %sqrt = rong.sqrt %x : tensor<16xbf16>
  %rsqrt = rong.rsqrt %x : tensor<16xbf16>
  %reciprocal = rong.reciprocal %x : tensor<16xbf16>
  %tanh = rong.tanh %x : tensor<16xbf16>
  %sigmoid = rong.sigmoid %x : tensor<16xbf16>
  %erf = rong.erf %x : tensor<16xbf16>
  %sin = rong.sin %x : tensor<16xbf16>
  %cos = rong.cos %x : tensor<16xbf16>
  %floor = rong.floor %x : tensor<16xbf16>
  %ceil = rong.ceil %x : tensor<16xbf16>
  return
}

// Tests that the numeric unary ops (abs, neg, relu, sign) round-trip on f32.
// CHECK-LABEL: func.func @unary_numeric_f32(
// CHECK-SAME: %[[ARG0:.+]]: tensor<?xf32>) {
// CHECK-NEXT: %[[ABS:.+]] = rong.abs %[[ARG0]] : tensor<?xf32>
// CHECK-NEXT: %[[NEG:.+]] = rong.neg %[[ARG0]] : tensor<?xf32>
// CHECK-NEXT: %[[RELU:.+]] = rong.relu %[[ARG0]] : tensor<?xf32>
// CHECK-NEXT: %[[SIGN:.+]] = rong.sign %[[ARG0]] : tensor<?xf32>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_numeric_f32(%x: tensor<?xf32>) {
  %abs = rong.abs %x : tensor<?xf32>
  %neg = rong.neg %x : tensor<?xf32>
  %relu = rong.relu %x : tensor<?xf32>
  %sign = rong.sign %x : tensor<?xf32>
  return
}

// Tests that the numeric unary ops round-trip on f16.
// CHECK-LABEL: func.func @unary_numeric_f16(
// CHECK-SAME: %[[ARG0:.+]]: tensor<2x3xf16>) {
// CHECK-NEXT: %[[ABS:.+]] = rong.abs %[[ARG0]] : tensor<2x3xf16>
// CHECK-NEXT: %[[NEG:.+]] = rong.neg %[[ARG0]] : tensor<2x3xf16>
// CHECK-NEXT: %[[RELU:.+]] = rong.relu %[[ARG0]] : tensor<2x3xf16>
// CHECK-NEXT: %[[SIGN:.+]] = rong.sign %[[ARG0]] : tensor<2x3xf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_numeric_f16(%x: tensor<2x3xf16>) {
  %abs = rong.abs %x : tensor<2x3xf16>
  %neg = rong.neg %x : tensor<2x3xf16>
  %relu = rong.relu %x : tensor<2x3xf16>
  %sign = rong.sign %x : tensor<2x3xf16>
  return
}

// Tests that the numeric unary ops round-trip on bf16 with all dimensions dynamic.
// CHECK-LABEL: func.func @unary_numeric_bf16(
// CHECK-SAME: %[[ARG0:.+]]: tensor<?x?xbf16>) {
// CHECK-NEXT: %[[ABS:.+]] = rong.abs %[[ARG0]] : tensor<?x?xbf16>
// CHECK-NEXT: %[[NEG:.+]] = rong.neg %[[ARG0]] : tensor<?x?xbf16>
// CHECK-NEXT: %[[RELU:.+]] = rong.relu %[[ARG0]] : tensor<?x?xbf16>
// CHECK-NEXT: %[[SIGN:.+]] = rong.sign %[[ARG0]] : tensor<?x?xbf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_numeric_bf16(%x: tensor<?x?xbf16>) {
  %abs = rong.abs %x : tensor<?x?xbf16>
  %neg = rong.neg %x : tensor<?x?xbf16>
  %relu = rong.relu %x : tensor<?x?xbf16>
  %sign = rong.sign %x : tensor<?x?xbf16>
  return
}

// Tests that the numeric unary ops round-trip on i64.
// CHECK-LABEL: func.func @unary_numeric_i64(
// CHECK-SAME: %[[ARG0:.+]]: tensor<4xi64>) {
// CHECK-NEXT: %[[ABS:.+]] = rong.abs %[[ARG0]] : tensor<4xi64>
// CHECK-NEXT: %[[NEG:.+]] = rong.neg %[[ARG0]] : tensor<4xi64>
// CHECK-NEXT: %[[RELU:.+]] = rong.relu %[[ARG0]] : tensor<4xi64>
// CHECK-NEXT: %[[SIGN:.+]] = rong.sign %[[ARG0]] : tensor<4xi64>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_numeric_i64(%x: tensor<4xi64>) {
  %abs = rong.abs %x : tensor<4xi64>
  %neg = rong.neg %x : tensor<4xi64>
  %relu = rong.relu %x : tensor<4xi64>
  %sign = rong.sign %x : tensor<4xi64>
  return
}

// Tests that the numeric unary ops round-trip on i32.
// CHECK-LABEL: func.func @unary_numeric_i32(
// CHECK-SAME: %[[ARG0:.+]]: tensor<2x?xi32>) {
// CHECK-NEXT: %[[ABS:.+]] = rong.abs %[[ARG0]] : tensor<2x?xi32>
// CHECK-NEXT: %[[NEG:.+]] = rong.neg %[[ARG0]] : tensor<2x?xi32>
// CHECK-NEXT: %[[RELU:.+]] = rong.relu %[[ARG0]] : tensor<2x?xi32>
// CHECK-NEXT: %[[SIGN:.+]] = rong.sign %[[ARG0]] : tensor<2x?xi32>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @unary_numeric_i32(%x: tensor<2x?xi32>) {
  %abs = rong.abs %x : tensor<2x?xi32>
  %neg = rong.neg %x : tensor<2x?xi32>
  %relu = rong.relu %x : tensor<2x?xi32>
  %sign = rong.sign %x : tensor<2x?xi32>
  return
}

// Tests that rong.not round-trips on i1.
// CHECK-LABEL: func.func @not(
// CHECK-SAME: %[[ARG0:.+]]: tensor<?x4xi1>) -> tensor<?x4xi1> {
// CHECK-NEXT: %[[NOT:.+]] = rong.not %[[ARG0]] : tensor<?x4xi1>
// CHECK-NEXT: return %[[NOT]] : tensor<?x4xi1>
// CHECK-NEXT: }
func.func @not(%x: tensor<?x4xi1>) -> tensor<?x4xi1> {
  %0 = rong.not %x : tensor<?x4xi1>
  return %0 : tensor<?x4xi1>
}

// Tests that rong.leaky_relu elides the default alpha and prints a given one.
// CHECK-LABEL: func.func @leaky_relu(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x?xf32>, %[[ARG1:.+]]: tensor<8xbf16>) {
// CHECK-NEXT: %[[LEAKY_RELU_0:.+]] = rong.leaky_relu %[[ARG0]] : tensor<8x?xf32>
// CHECK-NEXT: %[[LEAKY_RELU_1:.+]] = rong.leaky_relu %[[ARG0]] {alpha = 2.000000e-01 : f64} : tensor<8x?xf32>
// CHECK-NEXT: %[[LEAKY_RELU_2:.+]] = rong.leaky_relu %[[ARG1]] {alpha = 1.000000e-01 : f64} : tensor<8xbf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @leaky_relu(%x: tensor<8x?xf32>, %y: tensor<8xbf16>) {
  %0 = rong.leaky_relu %x : tensor<8x?xf32>
  %1 = rong.leaky_relu %x {alpha = 2.000000e-01 : f64} : tensor<8x?xf32>
  %2 = rong.leaky_relu %y {alpha = 1.000000e-01 : f64} : tensor<8xbf16>
  return
}

// Tests that rong.gelu prints `approximate = tanh` and elides the default `none`.
// CHECK-LABEL: func.func @gelu(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x3072xf32>, %[[ARG1:.+]]: tensor<?xf16>) {
// CHECK-NEXT: %[[GELU_0:.+]] = rong.gelu %[[ARG0]] : tensor<8x3072xf32>
// CHECK-NEXT: %[[GELU_1:.+]] = rong.gelu %[[ARG0]] approximate = tanh : tensor<8x3072xf32>
// CHECK-NEXT: %[[GELU_2:.+]] = rong.gelu %[[ARG0]] : tensor<8x3072xf32>
// CHECK-NEXT: %[[GELU_3:.+]] = rong.gelu %[[ARG1]] approximate = tanh : tensor<?xf16>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @gelu(%x: tensor<8x3072xf32>, %y: tensor<?xf16>) {
  %0 = rong.gelu %x : tensor<8x3072xf32>
  %1 = rong.gelu %x approximate = tanh : tensor<8x3072xf32>
  %2 = rong.gelu %x approximate = none : tensor<8x3072xf32>
  %3 = rong.gelu %y approximate = tanh : tensor<?xf16>
  return
}

// Tests that rong.clip round-trips with both, either and neither bound, also on integers.
// CHECK-LABEL: func.func @clip(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x?xf32>, %[[ARG1:.+]]: tensor<4xi32>, %[[ARG2:.+]]: tensor<4xi64>) {
// CHECK-NEXT: %[[CLIP_0:.+]] = rong.clip %[[ARG0]] min = 0.000000e+00 max = 6.000000e+00 : tensor<8x?xf32>
// CHECK-NEXT: %[[CLIP_1:.+]] = rong.clip %[[ARG0]] min = -1.500000e+00 : tensor<8x?xf32>
// CHECK-NEXT: %[[CLIP_2:.+]] = rong.clip %[[ARG0]] max = 2.500000e+00 : tensor<8x?xf32>
// CHECK-NEXT: %[[CLIP_3:.+]] = rong.clip %[[ARG0]] : tensor<8x?xf32>
// CHECK-NEXT: %[[CLIP_4:.+]] = rong.clip %[[ARG1]] min = -3.000000e+00 max = 3.000000e+00 : tensor<4xi32>
// CHECK-NEXT: %[[CLIP_5:.+]] = rong.clip %[[ARG2]] min = 1.000000e+00 max = 1.000000e+00 : tensor<4xi64>
// CHECK-NEXT: return
// CHECK-NEXT: }
func.func @clip(%x: tensor<8x?xf32>, %i: tensor<4xi32>, %l: tensor<4xi64>) {
  %0 = rong.clip %x min = 0.0 max = 6.0 : tensor<8x?xf32>
  %1 = rong.clip %x min = -1.5 : tensor<8x?xf32>
  %2 = rong.clip %x max = 2.5 : tensor<8x?xf32>
  %3 = rong.clip %x : tensor<8x?xf32>
  %4 = rong.clip %i min = -3.0 max = 3.0 : tensor<4xi32>
  %5 = rong.clip %l min = 1.0 max = 1.0 : tensor<4xi64>
  return
}

// Tests that rong.cast round-trips to every element type and infers the cast type.
// CHECK-LABEL: func.func @cast(
// CHECK-SAME: %[[ARG0:.+]]: tensor<2x?xf32>, %[[ARG1:.+]]: tensor<4xi1>, %[[ARG2:.+]]: tensor<4xi64>, %[[ARG3:.+]]: tensor<f16>) -> (tensor<2x?xf16>, tensor<2x?xbf16>, tensor<2x?xi64>, tensor<2x?xi32>, tensor<2x?xi1>, tensor<2x?xf32>, tensor<4xf32>, tensor<4xi32>, tensor<bf16>) {
// CHECK-NEXT: %[[CAST_0:.+]] = rong.cast %[[ARG0]] to f16 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_1:.+]] = rong.cast %[[ARG0]] to bf16 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_2:.+]] = rong.cast %[[ARG0]] to i64 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_3:.+]] = rong.cast %[[ARG0]] to i32 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_4:.+]] = rong.cast %[[ARG0]] to i1 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_5:.+]] = rong.cast %[[ARG0]] to f32 : tensor<2x?xf32>
// CHECK-NEXT: %[[CAST_6:.+]] = rong.cast %[[ARG1]] to f32 : tensor<4xi1>
// CHECK-NEXT: %[[CAST_7:.+]] = rong.cast %[[ARG2]] to i32 : tensor<4xi64>
// CHECK-NEXT: %[[CAST_8:.+]] = rong.cast %[[ARG3]] to bf16 : tensor<f16>
// CHECK-NEXT: return %[[CAST_0]], %[[CAST_1]], %[[CAST_2]], %[[CAST_3]], %[[CAST_4]], %[[CAST_5]], %[[CAST_6]], %[[CAST_7]], %[[CAST_8]] : tensor<2x?xf16>, tensor<2x?xbf16>, tensor<2x?xi64>, tensor<2x?xi32>, tensor<2x?xi1>, tensor<2x?xf32>, tensor<4xf32>, tensor<4xi32>, tensor<bf16>
// CHECK-NEXT: }
func.func @cast(%x: tensor<2x?xf32>, %b: tensor<4xi1>, %l: tensor<4xi64>, %h: tensor<f16>)
    -> (tensor<2x?xf16>, tensor<2x?xbf16>, tensor<2x?xi64>, tensor<2x?xi32>, tensor<2x?xi1>, tensor<2x?xf32>, tensor<4xf32>, tensor<4xi32>, tensor<bf16>) {
  %0 = rong.cast %x to f16 : tensor<2x?xf32>
  %1 = rong.cast %x to bf16 : tensor<2x?xf32>
  %2 = rong.cast %x to i64 : tensor<2x?xf32>
  %3 = rong.cast %x to i32 : tensor<2x?xf32>
  %4 = rong.cast %x to i1 : tensor<2x?xf32>
  %5 = rong.cast %x to f32 : tensor<2x?xf32>
  %6 = rong.cast %b to f32 : tensor<4xi1>
  %7 = rong.cast %l to i32 : tensor<4xi64>
  %8 = rong.cast %h to bf16 : tensor<f16>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<2x?xf16>, tensor<2x?xbf16>, tensor<2x?xi64>, tensor<2x?xi32>, tensor<2x?xi1>, tensor<2x?xf32>, tensor<4xf32>, tensor<4xi32>, tensor<bf16>
}

// Tests that the arithmetic binary ops round-trip and infer the broadcast shape.
// CHECK-LABEL: func.func @binary_arith(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x16xf32>, %[[ARG1:.+]]: tensor<16xf32>, %[[ARG2:.+]]: tensor<8x1xf32>, %[[ARG3:.+]]: tensor<f32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
// CHECK-NEXT: %[[ADD:.+]] = rong.add %[[ARG0]], %[[ARG1]] : tensor<8x16xf32>, tensor<16xf32>
// CHECK-NEXT: %[[SUB:.+]] = rong.sub %[[ARG2]], %[[ARG1]] : tensor<8x1xf32>, tensor<16xf32>
// CHECK-NEXT: %[[MUL:.+]] = rong.mul %[[ARG0]], %[[ARG3]] : tensor<8x16xf32>, tensor<f32>
// CHECK-NEXT: %[[DIV:.+]] = rong.div %[[ARG3]], %[[ARG0]] : tensor<f32>, tensor<8x16xf32>
// CHECK-NEXT: %[[POW:.+]] = rong.pow %[[ARG0]], %[[ARG2]] : tensor<8x16xf32>, tensor<8x1xf32>
// CHECK-NEXT: %[[MAX:.+]] = rong.max %[[ARG0]], %[[ARG0]] : tensor<8x16xf32>, tensor<8x16xf32>
// CHECK-NEXT: %[[MIN:.+]] = rong.min %[[ARG1]], %[[ARG0]] : tensor<16xf32>, tensor<8x16xf32>
// CHECK-NEXT: return %[[ADD]], %[[SUB]], %[[MUL]], %[[DIV]], %[[POW]], %[[MAX]], %[[MIN]] : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
// CHECK-NEXT: }
func.func @binary_arith(%a: tensor<8x16xf32>, %b: tensor<16xf32>, %c: tensor<8x1xf32>, %d: tensor<f32>)
    -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %0 = rong.add %a, %b : tensor<8x16xf32>, tensor<16xf32>
  %1 = rong.sub %c, %b : tensor<8x1xf32>, tensor<16xf32>
  %2 = rong.mul %a, %d : tensor<8x16xf32>, tensor<f32>
  %3 = rong.div %d, %a : tensor<f32>, tensor<8x16xf32>
  %4 = rong.pow %a, %c : tensor<8x16xf32>, tensor<8x1xf32>
  %5 = rong.max %a, %a : tensor<8x16xf32>, tensor<8x16xf32>
  %6 = rong.min %b, %a : tensor<16xf32>, tensor<8x16xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// Tests that broadcasting binary ops infer dynamic dimensions.
// CHECK-LABEL: func.func @binary_arith_dynamic(
// CHECK-SAME: %[[ARG0:.+]]: tensor<?x16xf32>, %[[ARG1:.+]]: tensor<1x?xf32>, %[[ARG2:.+]]: tensor<?xf32>) -> (tensor<?x16xf32>, tensor<1x?xf32>) {
// CHECK-NEXT: %[[ADD:.+]] = rong.add %[[ARG0]], %[[ARG1]] : tensor<?x16xf32>, tensor<1x?xf32>
// CHECK-NEXT: %[[MUL:.+]] = rong.mul %[[ARG1]], %[[ARG2]] : tensor<1x?xf32>, tensor<?xf32>
// CHECK-NEXT: return %[[ADD]], %[[MUL]] : tensor<?x16xf32>, tensor<1x?xf32>
// CHECK-NEXT: }
func.func @binary_arith_dynamic(%a: tensor<?x16xf32>, %b: tensor<1x?xf32>, %c: tensor<?xf32>)
    -> (tensor<?x16xf32>, tensor<1x?xf32>) {
  %0 = rong.add %a, %b : tensor<?x16xf32>, tensor<1x?xf32>
  %1 = rong.mul %b, %c : tensor<1x?xf32>, tensor<?xf32>
  return %0, %1 : tensor<?x16xf32>, tensor<1x?xf32>
}

// Tests that the arithmetic binary ops round-trip on f16, bf16, i64 and i32.
// CHECK-LABEL: func.func @binary_arith_types(
// CHECK-SAME: %[[ARG0:.+]]: tensor<4xf16>, %[[ARG1:.+]]: tensor<4xbf16>, %[[ARG2:.+]]: tensor<2x4xi64>, %[[ARG3:.+]]: tensor<4xi32>) -> (tensor<4xf16>, tensor<4xbf16>, tensor<2x4xi64>, tensor<2x4xi64>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
// CHECK-NEXT: %[[SUB:.+]] = rong.sub %[[ARG0]], %[[ARG0]] : tensor<4xf16>, tensor<4xf16>
// CHECK-NEXT: %[[DIV:.+]] = rong.div %[[ARG1]], %[[ARG1]] : tensor<4xbf16>, tensor<4xbf16>
// CHECK-NEXT: %[[ADD:.+]] = rong.add %[[ARG2]], %[[ARG2]] : tensor<2x4xi64>, tensor<2x4xi64>
// CHECK-NEXT: %[[POW:.+]] = rong.pow %[[ARG2]], %[[ARG2]] : tensor<2x4xi64>, tensor<2x4xi64>
// CHECK-NEXT: %[[MAX:.+]] = rong.max %[[ARG3]], %[[ARG3]] : tensor<4xi32>, tensor<4xi32>
// CHECK-NEXT: %[[MIN:.+]] = rong.min %[[ARG3]], %[[ARG3]] : tensor<4xi32>, tensor<4xi32>
// CHECK-NEXT: %[[MUL:.+]] = rong.mul %[[ARG3]], %[[ARG3]] : tensor<4xi32>, tensor<4xi32>
// CHECK-NEXT: return %[[SUB]], %[[DIV]], %[[ADD]], %[[POW]], %[[MAX]], %[[MIN]], %[[MUL]] : tensor<4xf16>, tensor<4xbf16>, tensor<2x4xi64>, tensor<2x4xi64>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
// CHECK-NEXT: }
func.func @binary_arith_types(%h: tensor<4xf16>, %bf: tensor<4xbf16>, %l: tensor<2x4xi64>, %i: tensor<4xi32>)
    -> (tensor<4xf16>, tensor<4xbf16>, tensor<2x4xi64>, tensor<2x4xi64>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %0 = rong.sub %h, %h : tensor<4xf16>, tensor<4xf16>
  %1 = rong.div %bf, %bf : tensor<4xbf16>, tensor<4xbf16>
  %2 = rong.add %l, %l : tensor<2x4xi64>, tensor<2x4xi64>
  %3 = rong.pow %l, %l : tensor<2x4xi64>, tensor<2x4xi64>
  %4 = rong.max %i, %i : tensor<4xi32>, tensor<4xi32>
  %5 = rong.min %i, %i : tensor<4xi32>, tensor<4xi32>
  %6 = rong.mul %i, %i : tensor<4xi32>, tensor<4xi32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf16>, tensor<4xbf16>, tensor<2x4xi64>, tensor<2x4xi64>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// Tests that the comparisons round-trip and infer an i1 result of the broadcast shape.
// CHECK-LABEL: func.func @compare(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x16xf32>, %[[ARG1:.+]]: tensor<16xf32>, %[[ARG2:.+]]: tensor<?xi64>, %[[ARG3:.+]]: tensor<4x1xi64>, %[[ARG4:.+]]: tensor<4xi1>, %[[ARG5:.+]]: tensor<2xf16>, %[[ARG6:.+]]: tensor<2xbf16>, %[[ARG7:.+]]: tensor<3xi32>) -> (tensor<8x16xi1>, tensor<8x16xi1>, tensor<4x?xi1>, tensor<4x?xi1>, tensor<8x16xi1>, tensor<4xi1>, tensor<2xi1>, tensor<2xi1>, tensor<3xi1>) {
// CHECK-NEXT: %[[EQ_0:.+]] = rong.eq %[[ARG0]], %[[ARG1]] : tensor<8x16xf32>, tensor<16xf32>
// CHECK-NEXT: %[[LT_0:.+]] = rong.lt %[[ARG0]], %[[ARG1]] : tensor<8x16xf32>, tensor<16xf32>
// CHECK-NEXT: %[[LE:.+]] = rong.le %[[ARG2]], %[[ARG3]] : tensor<?xi64>, tensor<4x1xi64>
// CHECK-NEXT: %[[GT:.+]] = rong.gt %[[ARG3]], %[[ARG2]] : tensor<4x1xi64>, tensor<?xi64>
// CHECK-NEXT: %[[GE_0:.+]] = rong.ge %[[ARG1]], %[[ARG0]] : tensor<16xf32>, tensor<8x16xf32>
// CHECK-NEXT: %[[EQ_1:.+]] = rong.eq %[[ARG4]], %[[ARG4]] : tensor<4xi1>, tensor<4xi1>
// CHECK-NEXT: %[[LT_1:.+]] = rong.lt %[[ARG5]], %[[ARG5]] : tensor<2xf16>, tensor<2xf16>
// CHECK-NEXT: %[[GE_1:.+]] = rong.ge %[[ARG6]], %[[ARG6]] : tensor<2xbf16>, tensor<2xbf16>
// CHECK-NEXT: %[[EQ_2:.+]] = rong.eq %[[ARG7]], %[[ARG7]] : tensor<3xi32>, tensor<3xi32>
// CHECK-NEXT: return %[[EQ_0]], %[[LT_0]], %[[LE]], %[[GT]], %[[GE_0]], %[[EQ_1]], %[[LT_1]], %[[GE_1]], %[[EQ_2]] : tensor<8x16xi1>, tensor<8x16xi1>, tensor<4x?xi1>, tensor<4x?xi1>, tensor<8x16xi1>, tensor<4xi1>, tensor<2xi1>, tensor<2xi1>, tensor<3xi1>
// CHECK-NEXT: }
func.func @compare(%a: tensor<8x16xf32>, %b: tensor<16xf32>, %i: tensor<?xi64>, %j: tensor<4x1xi64>, %p: tensor<4xi1>, %h: tensor<2xf16>, %bf: tensor<2xbf16>, %k: tensor<3xi32>)
    -> (tensor<8x16xi1>, tensor<8x16xi1>, tensor<4x?xi1>, tensor<4x?xi1>, tensor<8x16xi1>, tensor<4xi1>, tensor<2xi1>, tensor<2xi1>, tensor<3xi1>) {
  %0 = rong.eq %a, %b : tensor<8x16xf32>, tensor<16xf32>
  %1 = rong.lt %a, %b : tensor<8x16xf32>, tensor<16xf32>
  %2 = rong.le %i, %j : tensor<?xi64>, tensor<4x1xi64>
  %3 = rong.gt %j, %i : tensor<4x1xi64>, tensor<?xi64>
  %4 = rong.ge %b, %a : tensor<16xf32>, tensor<8x16xf32>
  %5 = rong.eq %p, %p : tensor<4xi1>, tensor<4xi1>
  %6 = rong.lt %h, %h : tensor<2xf16>, tensor<2xf16>
  %7 = rong.ge %bf, %bf : tensor<2xbf16>, tensor<2xbf16>
  %8 = rong.eq %k, %k : tensor<3xi32>, tensor<3xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<8x16xi1>, tensor<8x16xi1>, tensor<4x?xi1>, tensor<4x?xi1>, tensor<8x16xi1>, tensor<4xi1>, tensor<2xi1>, tensor<2xi1>, tensor<3xi1>
}

// Tests that rong.and and rong.or round-trip on i1 with broadcasting.
// CHECK-LABEL: func.func @logic(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x16xi1>, %[[ARG1:.+]]: tensor<16xi1>, %[[ARG2:.+]]: tensor<?x1xi1>) -> (tensor<8x16xi1>, tensor<?x16xi1>) {
// CHECK-NEXT: %[[AND:.+]] = rong.and %[[ARG0]], %[[ARG1]] : tensor<8x16xi1>, tensor<16xi1>
// CHECK-NEXT: %[[OR:.+]] = rong.or %[[ARG2]], %[[ARG1]] : tensor<?x1xi1>, tensor<16xi1>
// CHECK-NEXT: return %[[AND]], %[[OR]] : tensor<8x16xi1>, tensor<?x16xi1>
// CHECK-NEXT: }
func.func @logic(%a: tensor<8x16xi1>, %b: tensor<16xi1>, %c: tensor<?x1xi1>)
    -> (tensor<8x16xi1>, tensor<?x16xi1>) {
  %0 = rong.and %a, %b : tensor<8x16xi1>, tensor<16xi1>
  %1 = rong.or %c, %b : tensor<?x1xi1>, tensor<16xi1>
  return %0, %1 : tensor<8x16xi1>, tensor<?x16xi1>
}

// Tests that rong.where round-trips and infers the three-way broadcast shape.
// CHECK-LABEL: func.func @where(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x1xi1>, %[[ARG1:.+]]: tensor<8x16xf32>, %[[ARG2:.+]]: tensor<f32>, %[[ARG3:.+]]: tensor<?xi1>, %[[ARG4:.+]]: tensor<4x1xi64>, %[[ARG5:.+]]: tensor<1xi64>, %[[ARG6:.+]]: tensor<2xi1>) -> (tensor<8x16xf32>, tensor<4x?xi64>, tensor<2xi1>) {
// CHECK-NEXT: %[[WHERE_0:.+]] = rong.where %[[ARG0]], %[[ARG1]], %[[ARG2]] : tensor<8x1xi1>, tensor<8x16xf32>, tensor<f32>
// CHECK-NEXT: %[[WHERE_1:.+]] = rong.where %[[ARG3]], %[[ARG4]], %[[ARG5]] : tensor<?xi1>, tensor<4x1xi64>, tensor<1xi64>
// CHECK-NEXT: %[[WHERE_2:.+]] = rong.where %[[ARG6]], %[[ARG6]], %[[ARG6]] : tensor<2xi1>, tensor<2xi1>, tensor<2xi1>
// CHECK-NEXT: return %[[WHERE_0]], %[[WHERE_1]], %[[WHERE_2]] : tensor<8x16xf32>, tensor<4x?xi64>, tensor<2xi1>
// CHECK-NEXT: }
func.func @where(%c: tensor<8x1xi1>, %x: tensor<8x16xf32>, %y: tensor<f32>, %d: tensor<?xi1>, %i: tensor<4x1xi64>, %j: tensor<1xi64>, %p: tensor<2xi1>)
    -> (tensor<8x16xf32>, tensor<4x?xi64>, tensor<2xi1>) {
  %0 = rong.where %c, %x, %y : tensor<8x1xi1>, tensor<8x16xf32>, tensor<f32>
  %1 = rong.where %d, %i, %j : tensor<?xi1>, tensor<4x1xi64>, tensor<1xi64>
  %2 = rong.where %p, %p, %p : tensor<2xi1>, tensor<2xi1>, tensor<2xi1>
  return %0, %1, %2 : tensor<8x16xf32>, tensor<4x?xi64>, tensor<2xi1>
}

// Tests that every reduction round-trips with and without keepdims, with empty, negative and multiple axes.
// CHECK-LABEL: func.func @reductions(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x?x128xf32>, %[[ARG1:.+]]: tensor<4x6xi64>, %[[ARG2:.+]]: tensor<4x6xi32>, %[[ARG3:.+]]: tensor<2x3xf16>, %[[ARG4:.+]]: tensor<2x3xbf16>) -> (tensor<8x?xf32>, tensor<8x?x1xf32>, tensor<f32>, tensor<1x1x1xf32>, tensor<?xf32>, tensor<1x?x1xf32>, tensor<6xi64>, tensor<1x6xi64>, tensor<4xi32>, tensor<4x1xi32>, tensor<8x128xf32>, tensor<8x1x128xf32>, tensor<i64>, tensor<1x1xi32>, tensor<2xf16>, tensor<1x3xbf16>, tensor<2xbf16>) {
// CHECK-NEXT: %[[REDUCE_SUM_0:.+]] = rong.reduce_sum %[[ARG0]] axes = [-1] : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_SUM_1:.+]] = rong.reduce_sum %[[ARG0]] axes = [-1] keepdims : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_MEAN_0:.+]] = rong.reduce_mean %[[ARG0]] axes = [] : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_MEAN_1:.+]] = rong.reduce_mean %[[ARG0]] axes = [] keepdims : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_MAX_0:.+]] = rong.reduce_max %[[ARG0]] axes = [0, 2] : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_MAX_1:.+]] = rong.reduce_max %[[ARG0]] axes = [2, -3] keepdims : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_MIN_0:.+]] = rong.reduce_min %[[ARG1]] axes = [0] : tensor<4x6xi64>
// CHECK-NEXT: %[[REDUCE_MIN_1:.+]] = rong.reduce_min %[[ARG1]] axes = [0] keepdims : tensor<4x6xi64>
// CHECK-NEXT: %[[REDUCE_PROD_0:.+]] = rong.reduce_prod %[[ARG2]] axes = [1] : tensor<4x6xi32>
// CHECK-NEXT: %[[REDUCE_PROD_1:.+]] = rong.reduce_prod %[[ARG2]] axes = [1] keepdims : tensor<4x6xi32>
// CHECK-NEXT: %[[REDUCE_MIN_2:.+]] = rong.reduce_min %[[ARG0]] axes = [1] : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_PROD_2:.+]] = rong.reduce_prod %[[ARG0]] axes = [1] keepdims : tensor<8x?x128xf32>
// CHECK-NEXT: %[[REDUCE_SUM_2:.+]] = rong.reduce_sum %[[ARG1]] axes = [] : tensor<4x6xi64>
// CHECK-NEXT: %[[REDUCE_MAX_2:.+]] = rong.reduce_max %[[ARG2]] axes = [0, 1] keepdims : tensor<4x6xi32>
// CHECK-NEXT: %[[REDUCE_MEAN_2:.+]] = rong.reduce_mean %[[ARG3]] axes = [1] : tensor<2x3xf16>
// CHECK-NEXT: %[[REDUCE_SUM_3:.+]] = rong.reduce_sum %[[ARG4]] axes = [0] keepdims : tensor<2x3xbf16>
// CHECK-NEXT: %[[REDUCE_MEAN_3:.+]] = rong.reduce_mean %[[ARG4]] axes = [-1] : tensor<2x3xbf16>
// CHECK-NEXT: return %[[REDUCE_SUM_0]], %[[REDUCE_SUM_1]], %[[REDUCE_MEAN_0]], %[[REDUCE_MEAN_1]], %[[REDUCE_MAX_0]], %[[REDUCE_MAX_1]], %[[REDUCE_MIN_0]], %[[REDUCE_MIN_1]], %[[REDUCE_PROD_0]], %[[REDUCE_PROD_1]], %[[REDUCE_MIN_2]], %[[REDUCE_PROD_2]], %[[REDUCE_SUM_2]], %[[REDUCE_MAX_2]], %[[REDUCE_MEAN_2]], %[[REDUCE_SUM_3]], %[[REDUCE_MEAN_3]] : tensor<8x?xf32>, tensor<8x?x1xf32>, tensor<f32>, tensor<1x1x1xf32>, tensor<?xf32>, tensor<1x?x1xf32>, tensor<6xi64>, tensor<1x6xi64>, tensor<4xi32>, tensor<4x1xi32>, tensor<8x128xf32>, tensor<8x1x128xf32>, tensor<i64>, tensor<1x1xi32>, tensor<2xf16>, tensor<1x3xbf16>, tensor<2xbf16>
// CHECK-NEXT: }
func.func @reductions(%x: tensor<8x?x128xf32>, %i: tensor<4x6xi64>, %j: tensor<4x6xi32>, %h: tensor<2x3xf16>, %b: tensor<2x3xbf16>)
    -> (tensor<8x?xf32>, tensor<8x?x1xf32>, tensor<f32>, tensor<1x1x1xf32>, tensor<?xf32>, tensor<1x?x1xf32>,
        tensor<6xi64>, tensor<1x6xi64>, tensor<4xi32>, tensor<4x1xi32>, tensor<8x128xf32>, tensor<8x1x128xf32>,
        tensor<i64>, tensor<1x1xi32>, tensor<2xf16>, tensor<1x3xbf16>, tensor<2xbf16>) {
  %0 = rong.reduce_sum %x axes = [-1] : tensor<8x?x128xf32>
  %1 = rong.reduce_sum %x axes = [-1] keepdims : tensor<8x?x128xf32>
  %2 = rong.reduce_mean %x axes = [] : tensor<8x?x128xf32>
  %3 = rong.reduce_mean %x axes = [] keepdims : tensor<8x?x128xf32>
  %4 = rong.reduce_max %x axes = [0, 2] : tensor<8x?x128xf32>
  %5 = rong.reduce_max %x axes = [2, -3] keepdims : tensor<8x?x128xf32>
  %6 = rong.reduce_min %i axes = [0] : tensor<4x6xi64>
  %7 = rong.reduce_min %i axes = [0] keepdims : tensor<4x6xi64>
  %8 = rong.reduce_prod %j axes = [1] : tensor<4x6xi32>
  %9 = rong.reduce_prod %j axes = [1] keepdims : tensor<4x6xi32>
  %10 = rong.reduce_min %x axes = [1] : tensor<8x?x128xf32>
  %11 = rong.reduce_prod %x axes = [1] keepdims : tensor<8x?x128xf32>
  %12 = rong.reduce_sum %i axes = [] : tensor<4x6xi64>
  %13 = rong.reduce_max %j axes = [0, 1] keepdims : tensor<4x6xi32>
  %14 = rong.reduce_mean %h axes = [1] : tensor<2x3xf16>
  %15 = rong.reduce_sum %b axes = [0] keepdims : tensor<2x3xbf16>
  %16 = rong.reduce_mean %b axes = [-1] : tensor<2x3xbf16>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16
      : tensor<8x?xf32>, tensor<8x?x1xf32>, tensor<f32>, tensor<1x1x1xf32>, tensor<?xf32>, tensor<1x?x1xf32>,
        tensor<6xi64>, tensor<1x6xi64>, tensor<4xi32>, tensor<4x1xi32>, tensor<8x128xf32>, tensor<8x1x128xf32>,
        tensor<i64>, tensor<1x1xi32>, tensor<2xf16>, tensor<1x3xbf16>, tensor<2xbf16>
}

// Tests that rong.argmax round-trips with keepdims and select_last_index and infers an i64 result.
// CHECK-LABEL: func.func @argmax(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x1000xf32>, %[[ARG1:.+]]: tensor<?x4xi32>, %[[ARG2:.+]]: tensor<5xbf16>, %[[ARG3:.+]]: tensor<2x3xi64>, %[[ARG4:.+]]: tensor<3xf16>) -> (tensor<8xi64>, tensor<8x1xi64>, tensor<?xi64>, tensor<?x1xi64>, tensor<i64>, tensor<3xi64>, tensor<1xi64>) {
// CHECK-NEXT: %[[ARGMAX_0:.+]] = rong.argmax %[[ARG0]] axis = 1 : tensor<8x1000xf32>
// CHECK-NEXT: %[[ARGMAX_1:.+]] = rong.argmax %[[ARG0]] axis = -1 keepdims : tensor<8x1000xf32>
// CHECK-NEXT: %[[ARGMAX_2:.+]] = rong.argmax %[[ARG1]] axis = 1 select_last_index : tensor<?x4xi32>
// CHECK-NEXT: %[[ARGMAX_3:.+]] = rong.argmax %[[ARG1]] axis = 1 keepdims select_last_index : tensor<?x4xi32>
// CHECK-NEXT: %[[ARGMAX_4:.+]] = rong.argmax %[[ARG2]] axis = 0 : tensor<5xbf16>
// CHECK-NEXT: %[[ARGMAX_5:.+]] = rong.argmax %[[ARG3]] axis = 0 : tensor<2x3xi64>
// CHECK-NEXT: %[[ARGMAX_6:.+]] = rong.argmax %[[ARG4]] axis = 0 keepdims : tensor<3xf16>
// CHECK-NEXT: return %[[ARGMAX_0]], %[[ARGMAX_1]], %[[ARGMAX_2]], %[[ARGMAX_3]], %[[ARGMAX_4]], %[[ARGMAX_5]], %[[ARGMAX_6]] : tensor<8xi64>, tensor<8x1xi64>, tensor<?xi64>, tensor<?x1xi64>, tensor<i64>, tensor<3xi64>, tensor<1xi64>
// CHECK-NEXT: }
func.func @argmax(%x: tensor<8x1000xf32>, %y: tensor<?x4xi32>, %z: tensor<5xbf16>, %w: tensor<2x3xi64>, %v: tensor<3xf16>)
    -> (tensor<8xi64>, tensor<8x1xi64>, tensor<?xi64>, tensor<?x1xi64>, tensor<i64>, tensor<3xi64>, tensor<1xi64>) {
  %0 = rong.argmax %x axis = 1 : tensor<8x1000xf32>
  %1 = rong.argmax %x axis = -1 keepdims : tensor<8x1000xf32>
  %2 = rong.argmax %y axis = 1 select_last_index : tensor<?x4xi32>
  %3 = rong.argmax %y axis = 1 keepdims select_last_index : tensor<?x4xi32>
  %4 = rong.argmax %z axis = 0 : tensor<5xbf16>
  %5 = rong.argmax %w axis = 0 : tensor<2x3xi64>
  %6 = rong.argmax %v axis = 0 keepdims : tensor<3xf16>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<8xi64>, tensor<8x1xi64>, tensor<?xi64>, tensor<?x1xi64>, tensor<i64>, tensor<3xi64>, tensor<1xi64>
}

// Tests that rong.softmax and rong.log_softmax round-trip.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x12x?x128xf32>, %[[ARG1:.+]]: tensor<8x1000xf16>, %[[ARG2:.+]]: tensor<4xbf16>) -> (tensor<8x12x?x128xf32>, tensor<8x12x?x128xf32>, tensor<8x1000xf16>, tensor<4xbf16>) {
// CHECK-NEXT: %[[SOFTMAX_0:.+]] = rong.softmax %[[ARG0]] axis = -1 : tensor<8x12x?x128xf32>
// CHECK-NEXT: %[[LOG_SOFTMAX_0:.+]] = rong.log_softmax %[[ARG0]] axis = 2 : tensor<8x12x?x128xf32>
// CHECK-NEXT: %[[LOG_SOFTMAX_1:.+]] = rong.log_softmax %[[ARG1]] axis = 1 : tensor<8x1000xf16>
// CHECK-NEXT: %[[SOFTMAX_1:.+]] = rong.softmax %[[ARG2]] axis = 0 : tensor<4xbf16>
// CHECK-NEXT: return %[[SOFTMAX_0]], %[[LOG_SOFTMAX_0]], %[[LOG_SOFTMAX_1]], %[[SOFTMAX_1]] : tensor<8x12x?x128xf32>, tensor<8x12x?x128xf32>, tensor<8x1000xf16>, tensor<4xbf16>
// CHECK-NEXT: }
func.func @softmax(%x: tensor<8x12x?x128xf32>, %y: tensor<8x1000xf16>, %z: tensor<4xbf16>)
    -> (tensor<8x12x?x128xf32>, tensor<8x12x?x128xf32>, tensor<8x1000xf16>, tensor<4xbf16>) {
  %0 = rong.softmax %x axis = -1 : tensor<8x12x?x128xf32>
  %1 = rong.log_softmax %x axis = 2 : tensor<8x12x?x128xf32>
  %2 = rong.log_softmax %y axis = 1 : tensor<8x1000xf16>
  %3 = rong.softmax %z axis = 0 : tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<8x12x?x128xf32>, tensor<8x12x?x128xf32>, tensor<8x1000xf16>, tensor<4xbf16>
}

// Tests that rong.layer_norm round-trips with and without bias.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x?x768xf32>, %[[ARG1:.+]]: tensor<768xf32>, %[[ARG2:.+]]: tensor<768xf32>, %[[ARG3:.+]]: tensor<2x4x6xf16>, %[[ARG4:.+]]: tensor<4x6xf16>, %[[ARG5:.+]]: tensor<?x6xf16>) -> (tensor<8x?x768xf32>, tensor<8x?x768xf32>, tensor<2x4x6xf16>, tensor<2x4x6xf16>) {
// CHECK-NEXT: %[[LAYER_NORM_0:.+]] = rong.layer_norm %[[ARG0]], %[[ARG1]], %[[ARG2]] axis = -1 epsilon = 1.000000e-05 : tensor<8x?x768xf32>, tensor<768xf32>, tensor<768xf32>
// CHECK-NEXT: %[[LAYER_NORM_1:.+]] = rong.layer_norm %[[ARG0]], %[[ARG1]] axis = 2 epsilon = 0.000000e+00 : tensor<8x?x768xf32>, tensor<768xf32>
// CHECK-NEXT: %[[LAYER_NORM_2:.+]] = rong.layer_norm %[[ARG3]], %[[ARG4]], %[[ARG5]] axis = 1 epsilon = 9.9999999999999995E-7 : tensor<2x4x6xf16>, tensor<4x6xf16>, tensor<?x6xf16>
// CHECK-NEXT: %[[LAYER_NORM_3:.+]] = rong.layer_norm %[[ARG3]], %[[ARG4]] axis = -2 epsilon = 9.9999999999999995E-7 : tensor<2x4x6xf16>, tensor<4x6xf16>
// CHECK-NEXT: return %[[LAYER_NORM_0]], %[[LAYER_NORM_1]], %[[LAYER_NORM_2]], %[[LAYER_NORM_3]] : tensor<8x?x768xf32>, tensor<8x?x768xf32>, tensor<2x4x6xf16>, tensor<2x4x6xf16>
// CHECK-NEXT: }
func.func @layer_norm(%x: tensor<8x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>, %h: tensor<2x4x6xf16>, %s: tensor<4x6xf16>, %t: tensor<?x6xf16>)
    -> (tensor<8x?x768xf32>, tensor<8x?x768xf32>, tensor<2x4x6xf16>, tensor<2x4x6xf16>) {
  %0 = rong.layer_norm %x, %g, %b axis = -1 epsilon = 1.000000e-05 : tensor<8x?x768xf32>, tensor<768xf32>, tensor<768xf32>
  %1 = rong.layer_norm %x, %g axis = 2 epsilon = 0.0 : tensor<8x?x768xf32>, tensor<768xf32>
  %2 = rong.layer_norm %h, %s, %t axis = 1 epsilon = 1.000000e-06 : tensor<2x4x6xf16>, tensor<4x6xf16>, tensor<?x6xf16>
  %3 = rong.layer_norm %h, %s axis = -2 epsilon = 1.000000e-06 : tensor<2x4x6xf16>, tensor<4x6xf16>
  return %0, %1, %2, %3 : tensor<8x?x768xf32>, tensor<8x?x768xf32>, tensor<2x4x6xf16>, tensor<2x4x6xf16>
}

// Tests that rong.rms_norm round-trips.
// CHECK-LABEL: func.func @rms_norm(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x128x4096xbf16>, %[[ARG1:.+]]: tensor<4096xbf16>, %[[ARG2:.+]]: tensor<?x?xf32>, %[[ARG3:.+]]: tensor<?xf32>) -> (tensor<8x128x4096xbf16>, tensor<?x?xf32>) {
// CHECK-NEXT: %[[RMS_NORM_0:.+]] = rong.rms_norm %[[ARG0]], %[[ARG1]] axis = -1 epsilon = 9.9999999999999995E-7 : tensor<8x128x4096xbf16>, tensor<4096xbf16>
// CHECK-NEXT: %[[RMS_NORM_1:.+]] = rong.rms_norm %[[ARG2]], %[[ARG3]] axis = 1 epsilon = 1.000000e-05 : tensor<?x?xf32>, tensor<?xf32>
// CHECK-NEXT: return %[[RMS_NORM_0]], %[[RMS_NORM_1]] : tensor<8x128x4096xbf16>, tensor<?x?xf32>
// CHECK-NEXT: }
func.func @rms_norm(%x: tensor<8x128x4096xbf16>, %w: tensor<4096xbf16>, %y: tensor<?x?xf32>, %v: tensor<?xf32>)
    -> (tensor<8x128x4096xbf16>, tensor<?x?xf32>) {
  %0 = rong.rms_norm %x, %w axis = -1 epsilon = 9.9999999999999995E-7 : tensor<8x128x4096xbf16>, tensor<4096xbf16>
  %1 = rong.rms_norm %y, %v axis = 1 epsilon = 1.000000e-05 : tensor<?x?xf32>, tensor<?xf32>
  return %0, %1 : tensor<8x128x4096xbf16>, tensor<?x?xf32>
}

// Tests that rong.batch_norm round-trips, also with dynamic dimensions.
// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME: %[[ARG0:.+]]: tensor<1x64x56x56xf32>, %[[ARG1:.+]]: tensor<64xf32>, %[[ARG2:.+]]: tensor<64xf32>, %[[ARG3:.+]]: tensor<64xf32>, %[[ARG4:.+]]: tensor<64xf32>, %[[ARG5:.+]]: tensor<?x?xf16>, %[[ARG6:.+]]: tensor<8xf16>, %[[ARG7:.+]]: tensor<?xf16>) -> (tensor<1x64x56x56xf32>, tensor<?x?xf16>) {
// CHECK-NEXT: %[[BATCH_NORM_0:.+]] = rong.batch_norm %[[ARG0]], %[[ARG1]], %[[ARG2]], %[[ARG3]], %[[ARG4]] epsilon = 1.000000e-05 : tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>
// CHECK-NEXT: %[[BATCH_NORM_1:.+]] = rong.batch_norm %[[ARG5]], %[[ARG6]], %[[ARG7]], %[[ARG6]], %[[ARG7]] epsilon = 1.000000e-03 : tensor<?x?xf16>, tensor<8xf16>, tensor<?xf16>, tensor<8xf16>, tensor<?xf16>
// CHECK-NEXT: return %[[BATCH_NORM_0]], %[[BATCH_NORM_1]] : tensor<1x64x56x56xf32>, tensor<?x?xf16>
// CHECK-NEXT: }
func.func @batch_norm(%x: tensor<1x64x56x56xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>,
                      %y: tensor<?x?xf16>, %p: tensor<8xf16>, %q: tensor<?xf16>)
    -> (tensor<1x64x56x56xf32>, tensor<?x?xf16>) {
  %0 = rong.batch_norm %x, %s, %b, %m, %v epsilon = 1.000000e-05 : tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>
  %1 = rong.batch_norm %y, %p, %q, %p, %q epsilon = 0.001 : tensor<?x?xf16>, tensor<8xf16>, tensor<?xf16>, tensor<8xf16>, tensor<?xf16>
  return %0, %1 : tensor<1x64x56x56xf32>, tensor<?x?xf16>
}

// Tests that rong.matmul round-trips with a bias (one element per column).
// CHECK-LABEL: func.func @matmul_bias(
// CHECK: rong.matmul %{{.+}}, %{{.+}}, %{{.+}} : tensor<4x512x768xbf16>, tensor<768x3072xbf16>, tensor<3072xbf16>
func.func @matmul_bias(%x: tensor<4x512x768xbf16>, %w: tensor<768x3072xbf16>, %b: tensor<3072xbf16>) -> tensor<4x512x3072xbf16> {
  %0 = rong.matmul %x, %w, %b : tensor<4x512x768xbf16>, tensor<768x3072xbf16>, tensor<3072xbf16>
  return %0 : tensor<4x512x3072xbf16>
}

// Tests that rong.matmul round-trips in batched, broadcast, vector and dynamic forms.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x12x128x64xf32>, %[[ARG1:.+]]: tensor<8x12x64x128xf32>, %[[ARG2:.+]]: tensor<12x1x128x64xf16>, %[[ARG3:.+]]: tensor<5x64x32xf16>, %[[ARG4:.+]]: tensor<4x64xf32>, %[[ARG5:.+]]: tensor<64xf32>, %[[ARG6:.+]]: tensor<?x?xbf16>, %[[ARG7:.+]]: tensor<3x4xi64>, %[[ARG8:.+]]: tensor<4xi64>, %[[ARG9:.+]]: tensor<2x?x3xi32>, %[[ARG10:.+]]: tensor<3x?xi32>) -> (tensor<8x12x128x128xf32>, tensor<12x5x128x32xf16>, tensor<4xf32>, tensor<f32>, tensor<?x?xbf16>, tensor<3xi64>, tensor<2x?x?xi32>, tensor<8x12x128xf32>) {
// CHECK-NEXT: %[[MATMUL_0:.+]] = rong.matmul %[[ARG0]], %[[ARG1]] : tensor<8x12x128x64xf32>, tensor<8x12x64x128xf32>
// CHECK-NEXT: %[[MATMUL_1:.+]] = rong.matmul %[[ARG2]], %[[ARG3]] : tensor<12x1x128x64xf16>, tensor<5x64x32xf16>
// CHECK-NEXT: %[[MATMUL_2:.+]] = rong.matmul %[[ARG4]], %[[ARG5]] : tensor<4x64xf32>, tensor<64xf32>
// CHECK-NEXT: %[[MATMUL_3:.+]] = rong.matmul %[[ARG5]], %[[ARG5]] : tensor<64xf32>, tensor<64xf32>
// CHECK-NEXT: %[[MATMUL_4:.+]] = rong.matmul %[[ARG6]], %[[ARG6]] : tensor<?x?xbf16>, tensor<?x?xbf16>
// CHECK-NEXT: %[[MATMUL_5:.+]] = rong.matmul %[[ARG7]], %[[ARG8]] : tensor<3x4xi64>, tensor<4xi64>
// CHECK-NEXT: %[[MATMUL_6:.+]] = rong.matmul %[[ARG9]], %[[ARG10]] : tensor<2x?x3xi32>, tensor<3x?xi32>
// CHECK-NEXT: %[[MATMUL_7:.+]] = rong.matmul %[[ARG5]], %[[ARG1]] : tensor<64xf32>, tensor<8x12x64x128xf32>
// CHECK-NEXT: return %[[MATMUL_0]], %[[MATMUL_1]], %[[MATMUL_2]], %[[MATMUL_3]], %[[MATMUL_4]], %[[MATMUL_5]], %[[MATMUL_6]], %[[MATMUL_7]] : tensor<8x12x128x128xf32>, tensor<12x5x128x32xf16>, tensor<4xf32>, tensor<f32>, tensor<?x?xbf16>, tensor<3xi64>, tensor<2x?x?xi32>, tensor<8x12x128xf32>
// CHECK-NEXT: }
func.func @matmul(%a: tensor<8x12x128x64xf32>, %b: tensor<8x12x64x128xf32>, %c: tensor<12x1x128x64xf16>, %d: tensor<5x64x32xf16>,
                  %m: tensor<4x64xf32>, %v: tensor<64xf32>, %w: tensor<?x?xbf16>, %i: tensor<3x4xi64>, %j: tensor<4xi64>, %k: tensor<2x?x3xi32>, %n: tensor<3x?xi32>)
    -> (tensor<8x12x128x128xf32>, tensor<12x5x128x32xf16>, tensor<4xf32>, tensor<f32>, tensor<?x?xbf16>, tensor<3xi64>, tensor<2x?x?xi32>, tensor<8x12x128xf32>) {
  %0 = rong.matmul %a, %b : tensor<8x12x128x64xf32>, tensor<8x12x64x128xf32>
  %1 = rong.matmul %c, %d : tensor<12x1x128x64xf16>, tensor<5x64x32xf16>
  %2 = rong.matmul %m, %v : tensor<4x64xf32>, tensor<64xf32>
  %3 = rong.matmul %v, %v : tensor<64xf32>, tensor<64xf32>
  %4 = rong.matmul %w, %w : tensor<?x?xbf16>, tensor<?x?xbf16>
  %5 = rong.matmul %i, %j : tensor<3x4xi64>, tensor<4xi64>
  %6 = rong.matmul %k, %n : tensor<2x?x3xi32>, tensor<3x?xi32>
  %7 = rong.matmul %v, %b : tensor<64xf32>, tensor<8x12x64x128xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<8x12x128x128xf32>, tensor<12x5x128x32xf16>, tensor<4xf32>, tensor<f32>, tensor<?x?xbf16>, tensor<3xi64>, tensor<2x?x?xi32>, tensor<8x12x128xf32>
}

// Tests that rong.conv_transpose2d round-trips and infers its output: the
// full result 2 * (28 - 1) + 2 + 1 = 57, less the pads (1 + 0 on H; on W a
// negative end pad adds output_padding's column: 57 - 1 + 1 = 57).
// CHECK-LABEL: func.func @conv_transpose2d(
// CHECK-NEXT: rong.conv_transpose2d %{{.+}}, %{{.+}}, %{{.+}} strides = [2, 2] pads = [1, 1, 0, -1] dilations = [1, 1] groups = 2 : tensor<1x64x28x28xf32>, tensor<64x16x3x3xf32>, tensor<32xf32>
// CHECK-NEXT: return %{{.+}} : tensor<1x32x56x57xf32>
func.func @conv_transpose2d(%x: tensor<1x64x28x28xf32>, %w: tensor<64x16x3x3xf32>,
                            %b: tensor<32xf32>) -> tensor<1x32x56x57xf32> {
  %0 = rong.conv_transpose2d %x, %w, %b strides = [2, 2] pads = [1, 1, 0, -1] dilations = [1, 1] groups = 2 : tensor<1x64x28x28xf32>, tensor<64x16x3x3xf32>, tensor<32xf32>
  return %0 : tensor<1x32x56x57xf32>
}

// Tests that rong.conv2d round-trips with and without bias, with groups and dilations.
// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME: %[[ARG0:.+]]: tensor<1x3x224x224xf32>, %[[ARG1:.+]]: tensor<64x3x7x7xf32>, %[[ARG2:.+]]: tensor<64xf32>, %[[ARG3:.+]]: tensor<?x32x?x56xf16>, %[[ARG4:.+]]: tensor<64x8x3x3xf16>, %[[ARG5:.+]]: tensor<?xf16>, %[[ARG6:.+]]: tensor<2x4x9x9xbf16>, %[[ARG7:.+]]: tensor<4x1x3x3xbf16>) -> (tensor<1x64x112x112xf32>, tensor<1x64x218x218xf32>, tensor<?x64x?x28xf16>, tensor<2x4x5x4xbf16>) {
// CHECK-NEXT: %[[CONV2D_0:.+]] = rong.conv2d %[[ARG0]], %[[ARG1]], %[[ARG2]] strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>
// CHECK-NEXT: %[[CONV2D_1:.+]] = rong.conv2d %[[ARG0]], %[[ARG1]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>
// CHECK-NEXT: %[[CONV2D_2:.+]] = rong.conv2d %[[ARG3]], %[[ARG4]], %[[ARG5]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 4 : tensor<?x32x?x56xf16>, tensor<64x8x3x3xf16>, tensor<?xf16>
// CHECK-NEXT: %[[CONV2D_3:.+]] = rong.conv2d %[[ARG6]], %[[ARG7]] strides = [1, 2] pads = [0, 1, 0, 0] dilations = [2, 1] groups = 4 : tensor<2x4x9x9xbf16>, tensor<4x1x3x3xbf16>
// CHECK-NEXT: return %[[CONV2D_0]], %[[CONV2D_1]], %[[CONV2D_2]], %[[CONV2D_3]] : tensor<1x64x112x112xf32>, tensor<1x64x218x218xf32>, tensor<?x64x?x28xf16>, tensor<2x4x5x4xbf16>
// CHECK-NEXT: }
func.func @conv2d(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>,
                  %y: tensor<?x32x?x56xf16>, %g: tensor<64x8x3x3xf16>, %h: tensor<?xf16>, %z: tensor<2x4x9x9xbf16>, %k: tensor<4x1x3x3xbf16>)
    -> (tensor<1x64x112x112xf32>, tensor<1x64x218x218xf32>, tensor<?x64x?x28xf16>, tensor<2x4x5x4xbf16>) {
  %0 = rong.conv2d %x, %w, %b strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>
  %1 = rong.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>
  %2 = rong.conv2d %y, %g, %h strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 4 : tensor<?x32x?x56xf16>, tensor<64x8x3x3xf16>, tensor<?xf16>
  %3 = rong.conv2d %z, %k strides = [1, 2] pads = [0, 1, 0, 0] dilations = [2, 1] groups = 4 : tensor<2x4x9x9xbf16>, tensor<4x1x3x3xbf16>
  return %0, %1, %2, %3 : tensor<1x64x112x112xf32>, tensor<1x64x218x218xf32>, tensor<?x64x?x28xf16>, tensor<2x4x5x4xbf16>
}

// Tests that rong.max_pool2d and rong.avg_pool2d round-trip with ceil_mode and count_include_pad.
// CHECK-LABEL: func.func @pooling(
// CHECK-SAME: %[[ARG0:.+]]: tensor<1x64x112x112xf32>, %[[ARG1:.+]]: tensor<1x512x7x7xf32>, %[[ARG2:.+]]: tensor<?x8x?x6xf16>, %[[ARG3:.+]]: tensor<1x2x5x5xi32>, %[[ARG4:.+]]: tensor<1x1x6x6xbf16>) -> (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<?x8x?x3xf16>, tensor<1x2x2x2xi32>, tensor<1x512x1x1xf32>, tensor<1x512x4x4xf32>, tensor<1x512x4x4xf32>, tensor<1x1x3x3xbf16>) {
// CHECK-NEXT: %[[MAX_POOL2D_0:.+]] = rong.max_pool2d %[[ARG0]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x64x112x112xf32>
// CHECK-NEXT: %[[MAX_POOL2D_1:.+]] = rong.max_pool2d %[[ARG0]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode : tensor<1x64x112x112xf32>
// CHECK-NEXT: %[[MAX_POOL2D_2:.+]] = rong.max_pool2d %[[ARG2]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode : tensor<?x8x?x6xf16>
// CHECK-NEXT: %[[MAX_POOL2D_3:.+]] = rong.max_pool2d %[[ARG3]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [2, 2] : tensor<1x2x5x5xi32>
// CHECK-NEXT: %[[AVG_POOL2D_0:.+]] = rong.avg_pool2d %[[ARG1]] kernel = [7, 7] strides = [1, 1] pads = [0, 0, 0, 0] : tensor<1x512x7x7xf32>
// CHECK-NEXT: %[[AVG_POOL2D_1:.+]] = rong.avg_pool2d %[[ARG1]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] count_include_pad : tensor<1x512x7x7xf32>
// CHECK-NEXT: %[[AVG_POOL2D_2:.+]] = rong.avg_pool2d %[[ARG1]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode count_include_pad : tensor<1x512x7x7xf32>
// CHECK-NEXT: %[[AVG_POOL2D_3:.+]] = rong.avg_pool2d %[[ARG4]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode : tensor<1x1x6x6xbf16>
// CHECK-NEXT: return %[[MAX_POOL2D_0]], %[[MAX_POOL2D_1]], %[[MAX_POOL2D_2]], %[[MAX_POOL2D_3]], %[[AVG_POOL2D_0]], %[[AVG_POOL2D_1]], %[[AVG_POOL2D_2]], %[[AVG_POOL2D_3]] : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<?x8x?x3xf16>, tensor<1x2x2x2xi32>, tensor<1x512x1x1xf32>, tensor<1x512x4x4xf32>, tensor<1x512x4x4xf32>, tensor<1x1x3x3xbf16>
// CHECK-NEXT: }
func.func @pooling(%x: tensor<1x64x112x112xf32>, %y: tensor<1x512x7x7xf32>, %z: tensor<?x8x?x6xf16>, %i: tensor<1x2x5x5xi32>, %b: tensor<1x1x6x6xbf16>)
    -> (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<?x8x?x3xf16>, tensor<1x2x2x2xi32>, tensor<1x512x1x1xf32>, tensor<1x512x4x4xf32>, tensor<1x512x4x4xf32>, tensor<1x1x3x3xbf16>) {
  %0 = rong.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x64x112x112xf32>
  %1 = rong.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode : tensor<1x64x112x112xf32>
  %2 = rong.max_pool2d %z kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode : tensor<?x8x?x6xf16>
  %3 = rong.max_pool2d %i kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [2, 2] : tensor<1x2x5x5xi32>
  %4 = rong.avg_pool2d %y kernel = [7, 7] strides = [1, 1] pads = [0, 0, 0, 0] : tensor<1x512x7x7xf32>
  %5 = rong.avg_pool2d %y kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] count_include_pad : tensor<1x512x7x7xf32>
  %6 = rong.avg_pool2d %y kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode count_include_pad : tensor<1x512x7x7xf32>
  %7 = rong.avg_pool2d %b kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode : tensor<1x1x6x6xbf16>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<?x8x?x3xf16>, tensor<1x2x2x2xi32>, tensor<1x512x1x1xf32>, tensor<1x512x4x4xf32>, tensor<1x512x4x4xf32>, tensor<1x1x3x3xbf16>
}

// Tests that rong.reshape round-trips, a -1 entry giving a dynamic dimension.
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x128x768xf32>, %[[ARG1:.+]]: tensor<?x4xi64>, %[[ARG2:.+]]: tensor<6xi1>) -> (tensor<8x128x12x64xf32>, tensor<8x?x64xf32>, tensor<?xi64>, tensor<2x?xi64>, tensor<2x3xi1>, tensor<1x6x1xi1>) {
// CHECK-NEXT: %[[RESHAPE_0:.+]] = rong.reshape %[[ARG0]] shape = [8, 128, 12, 64] : tensor<8x128x768xf32>
// CHECK-NEXT: %[[RESHAPE_1:.+]] = rong.reshape %[[ARG0]] shape = [8, -1, 64] : tensor<8x128x768xf32>
// CHECK-NEXT: %[[RESHAPE_2:.+]] = rong.reshape %[[ARG1]] shape = [-1] : tensor<?x4xi64>
// CHECK-NEXT: %[[RESHAPE_3:.+]] = rong.reshape %[[ARG1]] shape = [2, -1] : tensor<?x4xi64>
// CHECK-NEXT: %[[RESHAPE_4:.+]] = rong.reshape %[[ARG2]] shape = [2, 3] : tensor<6xi1>
// CHECK-NEXT: %[[RESHAPE_5:.+]] = rong.reshape %[[ARG2]] shape = [1, 6, 1] : tensor<6xi1>
// CHECK-NEXT: return %[[RESHAPE_0]], %[[RESHAPE_1]], %[[RESHAPE_2]], %[[RESHAPE_3]], %[[RESHAPE_4]], %[[RESHAPE_5]] : tensor<8x128x12x64xf32>, tensor<8x?x64xf32>, tensor<?xi64>, tensor<2x?xi64>, tensor<2x3xi1>, tensor<1x6x1xi1>
// CHECK-NEXT: }
func.func @reshape(%x: tensor<8x128x768xf32>, %y: tensor<?x4xi64>, %z: tensor<6xi1>)
    -> (tensor<8x128x12x64xf32>, tensor<8x?x64xf32>, tensor<?xi64>, tensor<2x?xi64>, tensor<2x3xi1>, tensor<1x6x1xi1>) {
  %0 = rong.reshape %x shape = [8, 128, 12, 64] : tensor<8x128x768xf32>
  %1 = rong.reshape %x shape = [8, -1, 64] : tensor<8x128x768xf32>
  %2 = rong.reshape %y shape = [-1] : tensor<?x4xi64>
  %3 = rong.reshape %y shape = [2, -1] : tensor<?x4xi64>
  %4 = rong.reshape %z shape = [2, 3] : tensor<6xi1>
  %5 = rong.reshape %z shape = [1, 6, 1] : tensor<6xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<8x128x12x64xf32>, tensor<8x?x64xf32>, tensor<?xi64>, tensor<2x?xi64>, tensor<2x3xi1>, tensor<1x6x1xi1>
}

// Tests that rong.transpose round-trips and permutes the shape.
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x128x12x64xf32>, %[[ARG1:.+]]: tensor<?x3xi32>, %[[ARG2:.+]]: tensor<2x3x4xf16>) -> (tensor<8x12x128x64xf32>, tensor<3x?xi32>, tensor<4x2x3xf16>) {
// CHECK-NEXT: %[[TRANSPOSE_0:.+]] = rong.transpose %[[ARG0]] permutation = [0, 2, 1, 3] : tensor<8x128x12x64xf32>
// CHECK-NEXT: %[[TRANSPOSE_1:.+]] = rong.transpose %[[ARG1]] permutation = [1, 0] : tensor<?x3xi32>
// CHECK-NEXT: %[[TRANSPOSE_2:.+]] = rong.transpose %[[ARG2]] permutation = [2, 0, 1] : tensor<2x3x4xf16>
// CHECK-NEXT: return %[[TRANSPOSE_0]], %[[TRANSPOSE_1]], %[[TRANSPOSE_2]] : tensor<8x12x128x64xf32>, tensor<3x?xi32>, tensor<4x2x3xf16>
// CHECK-NEXT: }
func.func @transpose(%x: tensor<8x128x12x64xf32>, %y: tensor<?x3xi32>, %z: tensor<2x3x4xf16>)
    -> (tensor<8x12x128x64xf32>, tensor<3x?xi32>, tensor<4x2x3xf16>) {
  %0 = rong.transpose %x permutation = [0, 2, 1, 3] : tensor<8x128x12x64xf32>
  %1 = rong.transpose %y permutation = [1, 0] : tensor<?x3xi32>
  %2 = rong.transpose %z permutation = [2, 0, 1] : tensor<2x3x4xf16>
  return %0, %1, %2 : tensor<8x12x128x64xf32>, tensor<3x?xi32>, tensor<4x2x3xf16>
}

// Tests that rong.broadcast_to round-trips, a -1 entry giving a dynamic dimension.
// CHECK-LABEL: func.func @broadcast_to(
// CHECK-SAME: %[[ARG0:.+]]: tensor<768xf32>, %[[ARG1:.+]]: tensor<?x1xbf16>, %[[ARG2:.+]]: tensor<i1>, %[[ARG3:.+]]: tensor<1x?xi64>) -> (tensor<8x128x768xf32>, tensor<2x?x5xbf16>, tensor<3x2xi1>, tensor<4x?xi64>) {
// CHECK-NEXT: %[[BROADCAST_TO_0:.+]] = rong.broadcast_to %[[ARG0]] shape = [8, 128, 768] : tensor<768xf32>
// CHECK-NEXT: %[[BROADCAST_TO_1:.+]] = rong.broadcast_to %[[ARG1]] shape = [2, -1, 5] : tensor<?x1xbf16>
// CHECK-NEXT: %[[BROADCAST_TO_2:.+]] = rong.broadcast_to %[[ARG2]] shape = [3, 2] : tensor<i1>
// CHECK-NEXT: %[[BROADCAST_TO_3:.+]] = rong.broadcast_to %[[ARG3]] shape = [4, -1] : tensor<1x?xi64>
// CHECK-NEXT: return %[[BROADCAST_TO_0]], %[[BROADCAST_TO_1]], %[[BROADCAST_TO_2]], %[[BROADCAST_TO_3]] : tensor<8x128x768xf32>, tensor<2x?x5xbf16>, tensor<3x2xi1>, tensor<4x?xi64>
// CHECK-NEXT: }
func.func @broadcast_to(%x: tensor<768xf32>, %y: tensor<?x1xbf16>, %z: tensor<i1>, %w: tensor<1x?xi64>)
    -> (tensor<8x128x768xf32>, tensor<2x?x5xbf16>, tensor<3x2xi1>, tensor<4x?xi64>) {
  %0 = rong.broadcast_to %x shape = [8, 128, 768] : tensor<768xf32>
  %1 = rong.broadcast_to %y shape = [2, -1, 5] : tensor<?x1xbf16>
  %2 = rong.broadcast_to %z shape = [3, 2] : tensor<i1>
  %3 = rong.broadcast_to %w shape = [4, -1] : tensor<1x?xi64>
  return %0, %1, %2, %3 : tensor<8x128x768xf32>, tensor<2x?x5xbf16>, tensor<3x2xi1>, tensor<4x?xi64>
}

// Tests that rong.concat round-trips with one or more inputs and dynamic sizes.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[ARG0:.+]]: tensor<2x3xf32>, %[[ARG1:.+]]: tensor<2x5xf32>, %[[ARG2:.+]]: tensor<?x3xf32>, %[[ARG3:.+]]: tensor<4xi64>, %[[ARG4:.+]]: tensor<?xi64>, %[[ARG5:.+]]: tensor<1x2xi1>) -> (tensor<2x8xf32>, tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<3x2xi1>, tensor<2x6xf32>) {
// CHECK-NEXT: %[[CONCAT_0:.+]] = rong.concat %[[ARG0]], %[[ARG1]] axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>
// CHECK-NEXT: %[[CONCAT_1:.+]] = rong.concat %[[ARG0]], %[[ARG2]], %[[ARG0]] axis = 0 : tensor<2x3xf32>, tensor<?x3xf32>, tensor<2x3xf32>
// CHECK-NEXT: %[[CONCAT_2:.+]] = rong.concat %[[ARG3]], %[[ARG4]] axis = -1 : tensor<4xi64>, tensor<?xi64>
// CHECK-NEXT: %[[CONCAT_3:.+]] = rong.concat %[[ARG3]] axis = 0 : tensor<4xi64>
// CHECK-NEXT: %[[CONCAT_4:.+]] = rong.concat %[[ARG5]], %[[ARG5]], %[[ARG5]] axis = 0 : tensor<1x2xi1>, tensor<1x2xi1>, tensor<1x2xi1>
// CHECK-NEXT: %[[CONCAT_5:.+]] = rong.concat %[[ARG2]], %[[ARG0]] axis = 1 : tensor<?x3xf32>, tensor<2x3xf32>
// CHECK-NEXT: return %[[CONCAT_0]], %[[CONCAT_1]], %[[CONCAT_2]], %[[CONCAT_3]], %[[CONCAT_4]], %[[CONCAT_5]] : tensor<2x8xf32>, tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<3x2xi1>, tensor<2x6xf32>
// CHECK-NEXT: }
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<?x3xf32>, %i: tensor<4xi64>, %j: tensor<?xi64>, %p: tensor<1x2xi1>)
    -> (tensor<2x8xf32>, tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<3x2xi1>, tensor<2x6xf32>) {
  %0 = rong.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>
  %1 = rong.concat %a, %c, %a axis = 0 : tensor<2x3xf32>, tensor<?x3xf32>, tensor<2x3xf32>
  %2 = rong.concat %i, %j axis = -1 : tensor<4xi64>, tensor<?xi64>
  %3 = rong.concat %i axis = 0 : tensor<4xi64>
  %4 = rong.concat %p, %p, %p axis = 0 : tensor<1x2xi1>, tensor<1x2xi1>, tensor<1x2xi1>
  %5 = rong.concat %c, %a axis = 1 : tensor<?x3xf32>, tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x8xf32>, tensor<?x3xf32>, tensor<?xi64>, tensor<4xi64>, tensor<3x2xi1>, tensor<2x6xf32>
}

// Tests that rong.slice round-trips with negative starts, ends and steps and empty results.
// CHECK-LABEL: func.func @slice(
// CHECK-SAME: %[[ARG0:.+]]: tensor<4x10xf32>, %[[ARG1:.+]]: tensor<?x8xi32>, %[[ARG2:.+]]: tensor<5xi1>) -> (tensor<4x4xf32>, tensor<4x10xf32>, tensor<?x3xi32>, tensor<2xi1>, tensor<0x10xf32>) {
// CHECK-NEXT: %[[SLICE_0:.+]] = rong.slice %[[ARG0]] starts = [0, 1] ends = [4, -1] steps = [1, 2] : tensor<4x10xf32>
// CHECK-NEXT: %[[SLICE_1:.+]] = rong.slice %[[ARG0]] starts = [-1, 9] ends = [-5, -11] steps = [-1, -1] : tensor<4x10xf32>
// CHECK-NEXT: %[[SLICE_2:.+]] = rong.slice %[[ARG1]] starts = [0, 7] ends = [-1, 0] steps = [2, -3] : tensor<?x8xi32>
// CHECK-NEXT: %[[SLICE_3:.+]] = rong.slice %[[ARG2]] starts = [4] ends = [0] steps = [-2] : tensor<5xi1>
// CHECK-NEXT: %[[SLICE_4:.+]] = rong.slice %[[ARG0]] starts = [3, 0] ends = [1, 10] steps = [1, 1] : tensor<4x10xf32>
// CHECK-NEXT: return %[[SLICE_0]], %[[SLICE_1]], %[[SLICE_2]], %[[SLICE_3]], %[[SLICE_4]] : tensor<4x4xf32>, tensor<4x10xf32>, tensor<?x3xi32>, tensor<2xi1>, tensor<0x10xf32>
// CHECK-NEXT: }
func.func @slice(%x: tensor<4x10xf32>, %y: tensor<?x8xi32>, %z: tensor<5xi1>)
    -> (tensor<4x4xf32>, tensor<4x10xf32>, tensor<?x3xi32>, tensor<2xi1>, tensor<0x10xf32>) {
  %0 = rong.slice %x starts = [0, 1] ends = [4, -1] steps = [1, 2] : tensor<4x10xf32>
  %1 = rong.slice %x starts = [-1, 9] ends = [-5, -11] steps = [-1, -1] : tensor<4x10xf32>
  %2 = rong.slice %y starts = [0, 7] ends = [-1, 0] steps = [2, -3] : tensor<?x8xi32>
  %3 = rong.slice %z starts = [4] ends = [0] steps = [-2] : tensor<5xi1>
  %4 = rong.slice %x starts = [3, 0] ends = [1, 10] steps = [1, 1] : tensor<4x10xf32>
  return %0, %1, %2, %3, %4 : tensor<4x4xf32>, tensor<4x10xf32>, tensor<?x3xi32>, tensor<2xi1>, tensor<0x10xf32>
}

// Tests that rong.gather round-trips with vector, matrix and scalar indices.
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[ARG0:.+]]: tensor<30522x768xf32>, %[[ARG1:.+]]: tensor<8x128xi64>, %[[ARG2:.+]]: tensor<?x4x6xf16>, %[[ARG3:.+]]: tensor<3xi32>, %[[ARG4:.+]]: tensor<i64>) -> (tensor<8x128x768xf32>, tensor<?x4x3xf16>, tensor<?x6xf16>, tensor<30522x8x128xf32>) {
// CHECK-NEXT: %[[GATHER_0:.+]] = rong.gather %[[ARG0]], %[[ARG1]] axis = 0 : tensor<30522x768xf32>, tensor<8x128xi64>
// CHECK-NEXT: %[[GATHER_1:.+]] = rong.gather %[[ARG2]], %[[ARG3]] axis = -1 : tensor<?x4x6xf16>, tensor<3xi32>
// CHECK-NEXT: %[[GATHER_2:.+]] = rong.gather %[[ARG2]], %[[ARG4]] axis = 1 : tensor<?x4x6xf16>, tensor<i64>
// CHECK-NEXT: %[[GATHER_3:.+]] = rong.gather %[[ARG0]], %[[ARG1]] axis = 1 : tensor<30522x768xf32>, tensor<8x128xi64>
// CHECK-NEXT: return %[[GATHER_0]], %[[GATHER_1]], %[[GATHER_2]], %[[GATHER_3]] : tensor<8x128x768xf32>, tensor<?x4x3xf16>, tensor<?x6xf16>, tensor<30522x8x128xf32>
// CHECK-NEXT: }
func.func @gather(%t: tensor<30522x768xf32>, %ids: tensor<8x128xi64>, %x: tensor<?x4x6xf16>, %i: tensor<3xi32>, %s: tensor<i64>)
    -> (tensor<8x128x768xf32>, tensor<?x4x3xf16>, tensor<?x6xf16>, tensor<30522x8x128xf32>) {
  %0 = rong.gather %t, %ids axis = 0 : tensor<30522x768xf32>, tensor<8x128xi64>
  %1 = rong.gather %x, %i axis = -1 : tensor<?x4x6xf16>, tensor<3xi32>
  %2 = rong.gather %x, %s axis = 1 : tensor<?x4x6xf16>, tensor<i64>
  %3 = rong.gather %t, %ids axis = 1 : tensor<30522x768xf32>, tensor<8x128xi64>
  return %0, %1, %2, %3 : tensor<8x128x768xf32>, tensor<?x4x3xf16>, tensor<?x6xf16>, tensor<30522x8x128xf32>
}

// Tests that rong.gather_elements round-trips; the result has the indices
// shape, smaller than the input's off the axis.
// CHECK-LABEL: func.func @gather_elements(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x10xf32>, %[[ARG1:.+]]: tensor<8x1xi64>, %[[ARG2:.+]]: tensor<4x?x6xbf16>, %[[ARG3:.+]]: tensor<2x3x9xi32>) -> (tensor<8x1xf32>, tensor<2x3x9xbf16>) {
// CHECK-NEXT: %[[G0:.+]] = rong.gather_elements %[[ARG0]], %[[ARG1]] axis = 1 : tensor<8x10xf32>, tensor<8x1xi64>
// CHECK-NEXT: %[[G1:.+]] = rong.gather_elements %[[ARG2]], %[[ARG3]] axis = -1 : tensor<4x?x6xbf16>, tensor<2x3x9xi32>
// CHECK-NEXT: return %[[G0]], %[[G1]] : tensor<8x1xf32>, tensor<2x3x9xbf16>
func.func @gather_elements(%x: tensor<8x10xf32>, %t: tensor<8x1xi64>, %y: tensor<4x?x6xbf16>, %i: tensor<2x3x9xi32>)
    -> (tensor<8x1xf32>, tensor<2x3x9xbf16>) {
  %0 = rong.gather_elements %x, %t axis = 1 : tensor<8x10xf32>, tensor<8x1xi64>
  %1 = rong.gather_elements %y, %i axis = -1 : tensor<4x?x6xbf16>, tensor<2x3x9xi32>
  return %0, %1 : tensor<8x1xf32>, tensor<2x3x9xbf16>
}

// Tests that rong.pad round-trips in each mode, with negative (cropping) pads.
// CHECK-LABEL: func.func @pad(
// CHECK-SAME: %[[ARG0:.+]]: tensor<1x3x32x32xf32>, %[[ARG1:.+]]: tensor<4x?xi64>, %[[ARG2:.+]]: tensor<3x4xbf16>, %[[ARG3:.+]]: tensor<2xi1>) -> (tensor<1x3x34x34xf32>, tensor<6x?xi64>, tensor<5x6xbf16>, tensor<4xi1>, tensor<1x3x30x33xf32>) {
// CHECK-NEXT: %[[PAD_0:.+]] = rong.pad %[[ARG0]] pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = constant value = 0.000000e+00 : tensor<1x3x32x32xf32>
// CHECK-NEXT: %[[PAD_1:.+]] = rong.pad %[[ARG1]] pads = [1, 2, 1, 3] mode = reflect value = 0.000000e+00 : tensor<4x?xi64>
// CHECK-NEXT: %[[PAD_2:.+]] = rong.pad %[[ARG2]] pads = [1, 1, 1, 1] mode = edge value = 0.000000e+00 : tensor<3x4xbf16>
// CHECK-NEXT: %[[PAD_3:.+]] = rong.pad %[[ARG3]] pads = [1, 1] mode = constant value = 1.000000e+00 : tensor<2xi1>
// CHECK-NEXT: %[[PAD_4:.+]] = rong.pad %[[ARG0]] pads = [0, 0, -1, 0, 0, 0, -1, 1] mode = constant value = -1.500000e+00 : tensor<1x3x32x32xf32>
// CHECK-NEXT: return %[[PAD_0]], %[[PAD_1]], %[[PAD_2]], %[[PAD_3]], %[[PAD_4]] : tensor<1x3x34x34xf32>, tensor<6x?xi64>, tensor<5x6xbf16>, tensor<4xi1>, tensor<1x3x30x33xf32>
// CHECK-NEXT: }
func.func @pad(%x: tensor<1x3x32x32xf32>, %y: tensor<4x?xi64>, %z: tensor<3x4xbf16>, %b: tensor<2xi1>)
    -> (tensor<1x3x34x34xf32>, tensor<6x?xi64>, tensor<5x6xbf16>, tensor<4xi1>, tensor<1x3x30x33xf32>) {
  %0 = rong.pad %x pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = constant value = 0.000000e+00 : tensor<1x3x32x32xf32>
  %1 = rong.pad %y pads = [1, 2, 1, 3] mode = reflect value = 0.000000e+00 : tensor<4x?xi64>
  %2 = rong.pad %z pads = [1, 1, 1, 1] mode = edge value = 0.000000e+00 : tensor<3x4xbf16>
  %3 = rong.pad %b pads = [1, 1] mode = constant value = 1.000000e+00 : tensor<2xi1>
  %4 = rong.pad %x pads = [0, 0, -1, 0, 0, 0, -1, 1] mode = constant value = -1.500000e+00 : tensor<1x3x32x32xf32>
  return %0, %1, %2, %3, %4 : tensor<1x3x34x34xf32>, tensor<6x?xi64>, tensor<5x6xbf16>, tensor<4xi1>, tensor<1x3x30x33xf32>
}

// Tests that rong.fusion and rong.yield round-trip with one and several results, with and without a kind.
// CHECK-LABEL: func.func @fusion(
// CHECK-SAME: %[[ARG0:.+]]: tensor<8x768xf32>, %[[ARG1:.+]]: tensor<768xf32>, %[[ARG2:.+]]: tensor<?x4xf16>) -> (tensor<8x768xf32>, tensor<8x768xf32>, tensor<8xf32>, tensor<?x4xf16>) {
// CHECK-NEXT: %[[FUSION_0:.+]] = rong.fusion kind = "loop" (%[[ARG0]], %[[ARG1]]) : (tensor<8x768xf32>, tensor<768xf32>) -> tensor<8x768xf32> {
// CHECK-NEXT: ^bb0(%[[B0_IN0:.+]]: tensor<8x768xf32>, %[[B0_IN1:.+]]: tensor<768xf32>):
// CHECK-NEXT: %[[ADD:.+]] = rong.add %[[B0_IN0]], %[[B0_IN1]] : tensor<8x768xf32>, tensor<768xf32>
// CHECK-NEXT: %[[GELU:.+]] = rong.gelu %[[ADD]] : tensor<8x768xf32>
// CHECK-NEXT: rong.yield %[[GELU]] : tensor<8x768xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[FUSION_1:.+]]:2 = rong.fusion kind = "reduction" (%[[FUSION_0]]) : (tensor<8x768xf32>) -> (tensor<8x768xf32>, tensor<8xf32>) {
// CHECK-NEXT: ^bb0(%[[B1_IN0:.+]]: tensor<8x768xf32>):
// CHECK-NEXT: %[[EXP:.+]] = rong.exp %[[B1_IN0]] : tensor<8x768xf32>
// CHECK-NEXT: %[[REDUCE_SUM:.+]] = rong.reduce_sum %[[EXP]] axes = [1] : tensor<8x768xf32>
// CHECK-NEXT: rong.yield %[[EXP]], %[[REDUCE_SUM]] : tensor<8x768xf32>, tensor<8xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[FUSION_2:.+]] = rong.fusion (%[[ARG2]]) : (tensor<?x4xf16>) -> tensor<?x4xf16> {
// CHECK-NEXT: ^bb0(%[[B2_IN0:.+]]: tensor<?x4xf16>):
// CHECK-NEXT: rong.yield %[[B2_IN0]] : tensor<?x4xf16>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[FUSION_0]], %[[FUSION_1]]#0, %[[FUSION_1]]#1, %[[FUSION_2]] : tensor<8x768xf32>, tensor<8x768xf32>, tensor<8xf32>, tensor<?x4xf16>
// CHECK-NEXT: }
func.func @fusion(%x: tensor<8x768xf32>, %b: tensor<768xf32>, %d: tensor<?x4xf16>) -> (tensor<8x768xf32>, tensor<8x768xf32>, tensor<8xf32>, tensor<?x4xf16>) {
  %0 = rong.fusion kind = "loop" (%x, %b) : (tensor<8x768xf32>, tensor<768xf32>) -> tensor<8x768xf32> {
  ^bb0(%a: tensor<8x768xf32>, %c: tensor<768xf32>):
    %s = rong.add %a, %c : tensor<8x768xf32>, tensor<768xf32>
    %g = rong.gelu %s : tensor<8x768xf32>
    rong.yield %g : tensor<8x768xf32>
  }
  %1:2 = rong.fusion kind = "reduction" (%0) : (tensor<8x768xf32>) -> (tensor<8x768xf32>, tensor<8xf32>) {
  ^bb0(%a: tensor<8x768xf32>):
    %e = rong.exp %a : tensor<8x768xf32>
    %r = rong.reduce_sum %e axes = [1] : tensor<8x768xf32>
    rong.yield %e, %r : tensor<8x768xf32>, tensor<8xf32>
  }
  %2 = rong.fusion (%d) : (tensor<?x4xf16>) -> tensor<?x4xf16> {
  ^bb0(%a: tensor<?x4xf16>):
    rong.yield %a : tensor<?x4xf16>
  }
  return %0, %1#0, %1#1, %2 : tensor<8x768xf32>, tensor<8x768xf32>, tensor<8xf32>, tensor<?x4xf16>
}

// Tests that rong.constant round-trips dense, splat and dense_resource values.
// CHECK-LABEL: func.func @constant(
// CHECK-SAME: ) -> (tensor<2xf32>, tensor<2x2xf16>, tensor<3xi64>, tensor<i32>, tensor<2xi1>, tensor<4xbf16>, tensor<2x2xf32>, tensor<2x2xi32>) {
// CHECK-NEXT: %[[CONSTANT_0:.+]] = rong.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[CONSTANT_1:.+]] = rong.constant dense<5.000000e-01> : tensor<2x2xf16>
// CHECK-NEXT: %[[CONSTANT_2:.+]] = rong.constant dense<[1, -2, 3]> : tensor<3xi64>
// CHECK-NEXT: %[[CONSTANT_3:.+]] = rong.constant dense<7> : tensor<i32>
// CHECK-NEXT: %[[CONSTANT_4:.+]] = rong.constant dense<[true, false]> : tensor<2xi1>
// CHECK-NEXT: %[[CONSTANT_5:.+]] = rong.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xbf16>
// CHECK-NEXT: %[[CONSTANT_6:.+]] = rong.constant dense_resource<fc1_weight> : tensor<2x2xf32>
// CHECK-NEXT: %[[CONSTANT_7:.+]] = rong.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[CONSTANT_0]], %[[CONSTANT_1]], %[[CONSTANT_2]], %[[CONSTANT_3]], %[[CONSTANT_4]], %[[CONSTANT_5]], %[[CONSTANT_6]], %[[CONSTANT_7]] : tensor<2xf32>, tensor<2x2xf16>, tensor<3xi64>, tensor<i32>, tensor<2xi1>, tensor<4xbf16>, tensor<2x2xf32>, tensor<2x2xi32>
// CHECK-NEXT: }
func.func @constant() -> (tensor<2xf32>, tensor<2x2xf16>, tensor<3xi64>, tensor<i32>, tensor<2xi1>, tensor<4xbf16>, tensor<2x2xf32>, tensor<2x2xi32>) {
  %0 = rong.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = rong.constant dense<5.000000e-01> : tensor<2x2xf16>
  %2 = rong.constant dense<[1, -2, 3]> : tensor<3xi64>
  %3 = rong.constant dense<7> : tensor<i32>
  %4 = rong.constant dense<[true, false]> : tensor<2xi1>
  %5 = rong.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xbf16>
  %6 = rong.constant dense_resource<fc1_weight> : tensor<2x2xf32>
  %7 = rong.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2xf32>, tensor<2x2xf16>, tensor<3xi64>, tensor<i32>, tensor<2xi1>, tensor<4xbf16>, tensor<2x2xf32>, tensor<2x2xi32>
}

// Tests that a fusion with no inputs and a fusion with no results round-trip.
// CHECK-LABEL: func.func @fusion_empty(
// CHECK-SAME: %[[X:.+]]: tensor<2xf32>) -> tensor<2xf32> {
// CHECK-NEXT: %[[F:.+]] = rong.fusion () : () -> tensor<2xf32> {
// CHECK-NEXT: %[[C:.+]] = rong.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NEXT: rong.yield %[[C]] : tensor<2xf32>
// CHECK-NEXT: }
// CHECK-NEXT: rong.fusion (%[[X]]) : (tensor<2xf32>) -> () {
// CHECK-NEXT: ^bb0(%{{.+}}: tensor<2xf32>):
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]] : tensor<2xf32>
func.func @fusion_empty(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = rong.fusion () : () -> tensor<2xf32> {
    %c = rong.constant dense<1.0> : tensor<2xf32>
    rong.yield %c : tensor<2xf32>
  }
  rong.fusion (%x) : (tensor<2xf32>) -> () {
  ^bb0(%a: tensor<2xf32>):
    rong.yield
  }
  return %0 : tensor<2xf32>
}

// CHECK: {-#
// CHECK-NEXT: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-NEXT: fc1_weight: "0x040000000000803F000000400000404000008040"
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: #-}

{-#
  dialect_resources: {
    builtin: {
      fc1_weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
