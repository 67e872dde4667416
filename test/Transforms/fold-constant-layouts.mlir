// RUN: rong-opt %s --rong-fold-constant-layouts --split-input-file | FileCheck %s

// Tests the taps of a weight as ConvTranspose's phases take them: a reversed
// strided slice, then a transpose, of a constant read only by layout ops.
// The folded constant holds the picked elements: of [[0 1 2] [3 4 5]],
// rows reversed and every second column from the last, transposed.
// CHECK-LABEL: func.func @slice_then_transpose
// CHECK-NEXT: %[[C:.+]] = rong.constant dense<{{\[}}[5.000000e+00, 2.000000e+00], [3.000000e+00, 0.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @slice_then_transpose() -> tensor<2x2xf32> {
  %w = rong.constant dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]> : tensor<2x3xf32>
  %s = rong.slice %w starts = [1, 2] ends = [-9223372036854775808, -9223372036854775808] steps = [-1, -2] : tensor<2x3xf32>
  %t = rong.transpose %s permutation = [1, 0] : tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// -----

// Tests resource data: the slice and the reshape make new resources, named
// after the old one.
// CHECK-LABEL: func.func @resource
// CHECK-NEXT: %[[C:.+]] = rong.constant dense_resource<w_sliced_reshaped> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
// CHECK: w_sliced_reshaped: "0x080000000000803F00004040"
func.func @resource() -> tensor<2xf32> {
  %w = rong.constant dense_resource<w> : tensor<4x1xf32>
  %s = rong.slice %w starts = [1, 0] ends = [4, 1] steps = [2, 1] : tensor<4x1xf32>
  %r = rong.reshape %s shape = [2] : tensor<2x1xf32>
  return %r : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}

// -----

// Tests a constant that a non-layout op also reads: folding the slice would
// keep the whole weight and add a copy of a part, so it stays a slice.
// CHECK-LABEL: func.func @shared
// CHECK: rong.slice
// CHECK-NOT: rong.constant
func.func @shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
  %w = rong.constant dense_resource<w2> : tensor<4xf32>
  %a = rong.add %x, %w : tensor<4xf32>, tensor<4xf32>
  %s = rong.slice %w starts = [0] ends = [2] steps = [1] : tensor<4xf32>
  return %a, %s : tensor<4xf32>, tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w2: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}
