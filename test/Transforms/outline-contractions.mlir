// RUN: rong-opt %s --rong-outline-contractions --split-input-file | FileCheck %s

// Tests a convolution whose epilogue is a transpose of the same shape: the
// library call writes its result densely, so the transpose stays a kernel
// (a loop group after the call), not a view the result is returned through.
// CHECK-LABEL: func.func @conv_then_transpose
// CHECK: %[[C:.+]] = rong.conv2d
// CHECK: rong.fusion kind = "epilogue" (%[[C]])
// CHECK: rong.transpose
func.func @conv_then_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<4x1x3x3xf32> {
  %0 = rong.fusion kind = "epilogue" (%x, %w) : (tensor<1x4x5x5xf32>, tensor<4x4x3x3xf32>) -> tensor<4x1x3x3xf32> {
  ^bb0(%a: tensor<1x4x5x5xf32>, %b: tensor<4x4x3x3xf32>):
    %1 = rong.conv2d %a, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x4x5x5xf32>, tensor<4x4x3x3xf32>
    %2 = rong.transpose %1 permutation = [1, 0, 2, 3] : tensor<1x4x3x3xf32>
    rong.yield %2 : tensor<4x1x3x3xf32>
  }
  return %0 : tensor<4x1x3x3xf32>
}

// -----

// Tests a matmul whose result is only transposed: the GEMM writes it in
// place, so the group is gone and the transpose is a view outside.
// CHECK-LABEL: func.func @matmul_then_transpose
// CHECK: %[[M:.+]] = rong.matmul
// CHECK-NEXT: %[[T:.+]] = rong.transpose %[[M]]
// CHECK-NEXT: return %[[T]]
func.func @matmul_then_transpose(%x: tensor<4x8xf32>, %w: tensor<8x6xf32>) -> tensor<6x4xf32> {
  %0 = rong.fusion kind = "epilogue" (%x, %w) : (tensor<4x8xf32>, tensor<8x6xf32>) -> tensor<6x4xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<8x6xf32>):
    %1 = rong.matmul %a, %b : tensor<4x8xf32>, tensor<8x6xf32>
    %2 = rong.transpose %1 permutation = [1, 0] : tensor<4x6xf32>
    rong.yield %2 : tensor<6x4xf32>
  }
  return %0 : tensor<6x4xf32>
}
