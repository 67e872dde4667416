// RUN: rong-opt %s --rong-hoist-layouts-above-epilogues --split-input-file | FileCheck %s

// Tests BERT's output projection: GEMM, bias add, view to [S, B, H] and the
// batch-first transpose. The transpose moves onto the GEMM's (viewed)
// result and the bias is added in the new layout, viewed as [1, 1, H].
// CHECK-LABEL: func.func @out_proj
// CHECK-SAME: (%[[X:.+]]: tensor<32x64xf32>, %[[W:.+]]: tensor<64x64xf32>, %[[B:.+]]: tensor<64xf32>)
// CHECK: %[[P:.+]] = rong.matmul %[[X]], %[[W]]
// CHECK: %[[R:.+]] = rong.reshape %[[P]] shape = [16, 2, 64] : tensor<32x64xf32>
// CHECK: %[[T:.+]] = rong.transpose %[[R]] permutation = [1, 0, 2] : tensor<16x2x64xf32>
// CHECK: %[[V:.+]] = rong.reshape %[[B]] shape = [1, 1, 64] : tensor<64xf32>
// CHECK: %[[A:.+]] = rong.add %[[T]], %[[V]] : tensor<2x16x64xf32>, tensor<1x1x64xf32>
// CHECK: return %[[A]]
func.func @out_proj(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<2x16x64xf32> {
  %p = rong.matmul %x, %w : tensor<32x64xf32>, tensor<64x64xf32>
  %a = rong.add %p, %b : tensor<32x64xf32>, tensor<64xf32>
  %r = rong.reshape %a shape = [16, 2, 64] : tensor<32x64xf32>
  %t = rong.transpose %r permutation = [1, 0, 2] : tensor<16x2x64xf32>
  return %t : tensor<2x16x64xf32>
}

// -----

// Tests that the operand order of a non-commutative op is kept (a scale
// divided by the product).
// CHECK-LABEL: func.func @scale_over_product
// CHECK: %[[T:.+]] = rong.transpose
// CHECK: rong.div %{{.+}}, %[[T]]
func.func @scale_over_product(%x: tensor<4x3x8xf32>, %w: tensor<8x8xf32>, %s: tensor<1x1x8xf32>) -> tensor<3x4x8xf32> {
  %p = rong.matmul %x, %w : tensor<4x3x8xf32>, tensor<8x8xf32>
  %d = rong.div %s, %p : tensor<1x1x8xf32>, tensor<4x3x8xf32>
  %t = rong.transpose %d permutation = [1, 0, 2] : tensor<4x3x8xf32>
  return %t : tensor<3x4x8xf32>
}

// -----

// Tests what stays: a transpose that moves the last axis, a per-row (not
// per-column) bias, and an add that does not follow a matmul.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: rong.add
// CHECK: rong.transpose
// CHECK-SAME: permutation = [1, 0] : tensor<4x8xf32>
// CHECK: rong.transpose
// CHECK-SAME: permutation = [1, 0, 2] : tensor<2x3x8xf32>
// CHECK: rong.transpose
// CHECK-SAME: permutation = [1, 0, 2] : tensor<2x3x8xf32>
func.func @left_alone(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>,
                      %y: tensor<2x3x8xf32>, %w3: tensor<8x8xf32>, %rowb: tensor<2x3x1xf32>)
    -> (tensor<8x4xf32>, tensor<3x2x8xf32>, tensor<3x2x8xf32>) {
  %p = rong.matmul %x, %w : tensor<4x8xf32>, tensor<8x8xf32>
  %a = rong.add %p, %b : tensor<4x8xf32>, tensor<8xf32>
  %q = rong.matmul %y, %w3 : tensor<2x3x8xf32>, tensor<8x8xf32>
  %c = rong.add %q, %rowb : tensor<2x3x8xf32>, tensor<2x3x1xf32>
  %e = rong.add %y, %b : tensor<2x3x8xf32>, tensor<8xf32>
  %t1 = rong.transpose %a permutation = [1, 0] : tensor<4x8xf32>
  %t2 = rong.transpose %c permutation = [1, 0, 2] : tensor<2x3x8xf32>
  %t3 = rong.transpose %e permutation = [1, 0, 2] : tensor<2x3x8xf32>
  return %t1, %t2, %t3 : tensor<8x4xf32>, tensor<3x2x8xf32>, tensor<3x2x8xf32>
}
