// RUN: rong-opt %s --rong-decompose --split-input-file | FileCheck %s
// RUN: rong-opt %s --rong-decompose --canonicalize --split-input-file | FileCheck %s --check-prefix=FOLD

// Inference batch norm becomes a per-channel multiply and add.
// CHECK-LABEL: func.func @batch_norm_args
// CHECK-NOT: rong.batch_norm
// CHECK: rong.rsqrt
// CHECK: rong.reshape {{.*}} shape = [3, 1, 1]
// CHECK: rong.mul %arg0
// CHECK: rong.add
func.func @batch_norm_args(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>,
                           %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %y = rong.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-5 : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// With constant statistics the scale and shift fold to constants:
// s = scale / sqrt(var) = [1, 1, 1] (so the multiply folds away) and
// t = bias - mean * s = [-0.5, 0.75, -1].
// FOLD-LABEL: func.func @batch_norm_const
// FOLD-NEXT: %[[T:.*]] = rong.constant dense<{{\[\[\[}}-5.000000e-01]], {{\[\[}}7.500000e-01]], {{\[\[}}-1.000000e+00]]]> : tensor<3x1x1xf32>
// FOLD-NEXT: %[[A:.*]] = rong.add %arg0, %[[T]]
// FOLD-NEXT: return %[[A]]
func.func @batch_norm_const(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  %s = rong.constant dense<[1.0, 2.0, 0.5]> : tensor<3xf32>
  %b = rong.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %m = rong.constant dense<[0.5, 0.25, 0.0]> : tensor<3xf32>
  %v = rong.constant dense<[1.0, 4.0, 0.25]> : tensor<3xf32>
  %y = rong.batch_norm %x, %s, %b, %m, %v epsilon = 0.0 : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Scalar scales on both matmul operands move to the product.
// CHECK-LABEL: func.func @scale_through_matmul
// CHECK: %[[P:.*]] = rong.matmul %arg0, %arg1
// CHECK: rong.mul %[[P]]
// CHECK: rong.mul
// CHECK-NOT: rong.matmul
func.func @scale_through_matmul(%q: tensor<2x4x64x32xf32>, %k: tensor<2x4x32x64xf32>) -> tensor<2x4x64x64xf32> {
  %s = rong.constant dense<0.42> : tensor<1xf32>
  %qs = rong.mul %q, %s : tensor<2x4x64x32xf32>, tensor<1xf32>
  %ks = rong.mul %k, %s : tensor<2x4x32x64xf32>, tensor<1xf32>
  %m = rong.matmul %qs, %ks : tensor<2x4x64x32xf32>, tensor<2x4x32x64xf32>
  return %m : tensor<2x4x64x64xf32>
}

// -----

// A non-scalar multiply stays on the operand.
// CHECK-LABEL: func.func @vector_scale_stays
// CHECK: rong.mul %arg0
// CHECK: rong.matmul
func.func @vector_scale_stays(%a: tensor<8x16xf32>, %b: tensor<16x8xf32>, %s: tensor<16xf32>) -> tensor<8x8xf32> {
  %as = rong.mul %a, %s : tensor<8x16xf32>, tensor<16xf32>
  %m = rong.matmul %as, %b : tensor<8x16xf32>, tensor<16x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

// The un-flattening reshape after a GEMM moves past the residual add, so the
// add can join the GEMM's epilogue; the flattening reshape does not move back.
// CHECK-LABEL: func.func @sink_reshape
// CHECK: %[[M:.*]] = rong.matmul
// CHECK: %[[X:.*]] = rong.reshape %arg0 shape = [16, 8]
// CHECK: %[[A:.*]] = rong.add %[[M]], %[[X]] : tensor<16x8xf32>
// CHECK: %[[R:.*]] = rong.reshape %[[A]] shape = [2, 8, 8]
// CHECK: return %[[R]]
func.func @sink_reshape(%x: tensor<2x8x8xf32>, %w: tensor<8x8xf32>) -> tensor<2x8x8xf32> {
  %rows = rong.reshape %x shape = [16, 8] : tensor<2x8x8xf32>
  %m = rong.matmul %rows, %w : tensor<16x8xf32>, tensor<8x8xf32>
  %up = rong.reshape %m shape = [2, 8, 8] : tensor<16x8xf32>
  %y = rong.add %up, %x : tensor<2x8x8xf32>, tensor<2x8x8xf32>
  return %y : tensor<2x8x8xf32>
}

// -----

// A transposed convolution of stride 2 is four stride-1 convolutions, one
// per output phase, each with the taps that reach it (kernel 3: 2 x 2, 2 x 1,
// 1 x 2 and 1 x 1 taps), interleaved by reshapes around concatenations; the
// output (2 * 4 - 1 = 7 per axis) is one short of 2 x 4, so a slice drops it.
// CHECK-LABEL: func.func @conv_transpose
// CHECK-NOT: rong.conv_transpose2d
// CHECK-COUNT-4: rong.conv2d %arg0, %{{.+}}, %arg2 strides = [1, 1]
// CHECK: rong.concat {{.*}} axis = 5
// CHECK: rong.concat {{.*}} axis = 3
// CHECK: rong.reshape {{.*}} shape = [1, 2, 8, 8]
// CHECK: rong.slice {{.*}} ends = [9223372036854775807, 9223372036854775807, 7, 7]
// FOLD-LABEL: func.func @conv_transpose
// FOLD-COUNT-4: rong.conv2d
func.func @conv_transpose(%x: tensor<1x3x4x4xf32>, %w: tensor<3x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x7x7xf32> {
  %y = rong.conv_transpose2d %x, %w, %b strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<1x3x4x4xf32>, tensor<3x2x3x3xf32>, tensor<2xf32>
  return %y : tensor<1x2x7x7xf32>
}
