// RUN: rong-opt %s --rong-legalize-library-contractions --split-input-file | FileCheck %s

// Tests that an f16 matmul contracts in f32 between casts.
// CHECK-LABEL: func.func @matmul_f16
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4xf16>, %[[B:.+]]: tensor<4x5xf16>)
// CHECK-DAG: %[[A32:.+]] = rong.cast %[[A]] to f32 : tensor<2x3x4xf16>
// CHECK-DAG: %[[B32:.+]] = rong.cast %[[B]] to f32 : tensor<4x5xf16>
// CHECK: %[[P:.+]] = rong.matmul %[[A32]], %[[B32]] : tensor<2x3x4xf32>, tensor<4x5xf32>
// CHECK: %[[R:.+]] = rong.cast %[[P]] to f16 : tensor<2x3x5xf32>
// CHECK: return %[[R]]
func.func @matmul_f16(%a: tensor<2x3x4xf16>, %b: tensor<4x5xf16>) -> tensor<2x3x5xf16> {
  %c = rong.matmul %a, %b : tensor<2x3x4xf16>, tensor<4x5xf16>
  return %c : tensor<2x3x5xf16>
}

// -----

// Tests that a bf16 matmul contracts in f32 and rounds the product once.
// CHECK-LABEL: func.func @matmul_bf16
// CHECK: rong.matmul {{.*}} : tensor<3x4xf32>, tensor<4x5xf32>
// CHECK: rong.cast {{.*}} to bf16 : tensor<3x5xf32>
// CHECK-NOT: rong.matmul
func.func @matmul_bf16(%a: tensor<3x4xbf16>, %b: tensor<4x5xbf16>) -> tensor<3x5xbf16> {
  %c = rong.matmul %a, %b : tensor<3x4xbf16>, tensor<4x5xbf16>
  return %c : tensor<3x5xbf16>
}

// -----

// Tests that f32 matmuls BLAS runs as they are stay untouched.
// CHECK-LABEL: func.func @matmul_f32
// CHECK-NEXT: %[[C:.+]] = rong.matmul %arg0, %arg1 : tensor<2x3x4xf32>, tensor<2x4x5xf32>
// CHECK-NEXT: return %[[C]]
func.func @matmul_f32(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %c = rong.matmul %a, %b : tensor<2x3x4xf32>, tensor<2x4x5xf32>
  return %c : tensor<2x3x5xf32>
}

// -----

// Tests that an f16 convolution and its bias are cast to f32.
// CHECK-LABEL: func.func @conv_f16
// CHECK-DAG: %[[X:.+]] = rong.cast %arg0 to f32
// CHECK-DAG: %[[W:.+]] = rong.cast %arg1 to f32
// CHECK-DAG: %[[B:.+]] = rong.cast %arg2 to f32
// CHECK: %[[Y:.+]] = rong.conv2d %[[X]], %[[W]], %[[B]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
// CHECK: rong.cast %[[Y]] to f16 : tensor<1x4x5x5xf32>
func.func @conv_f16(%x: tensor<1x3x5x5xf16>, %w: tensor<4x3x3x3xf16>, %b: tensor<4xf16>) -> tensor<1x4x5x5xf16> {
  %y = rong.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
      dilations = [1, 1] groups = 1
      : tensor<1x3x5x5xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>
  return %y : tensor<1x4x5x5xf16>
}

// -----

// Tests that batches broadcasting both ways are broadcast to the common
// batch shape.
// CHECK-LABEL: func.func @matmul_bcast
// CHECK-DAG: %[[A:.+]] = rong.broadcast_to %arg0 shape = [3, 2, 3, 4] : tensor<3x1x3x4xf32>
// CHECK-DAG: %[[B:.+]] = rong.broadcast_to %arg1 shape = [3, 2, 4, 2] : tensor<1x2x4x2xf32>
// CHECK: rong.matmul %[[A]], %[[B]] : tensor<3x2x3x4xf32>, tensor<3x2x4x2xf32>
func.func @matmul_bcast(%a: tensor<3x1x3x4xf32>, %b: tensor<1x2x4x2xf32>) -> tensor<3x2x3x2xf32> {
  %c = rong.matmul %a, %b : tensor<3x1x3x4xf32>, tensor<1x2x4x2xf32>
  return %c : tensor<3x2x3x2xf32>
}

// -----

// Tests that a batch of lower rank is broadcast to the other's and the
// operand already in the common shape is left alone.
// CHECK-LABEL: func.func @matmul_bcast_rank
// CHECK: %[[B:.+]] = rong.broadcast_to %arg1 shape = [2, 3, 5, 6] : tensor<3x5x6xf32>
// CHECK: rong.matmul %arg0, %[[B]] : tensor<2x3x4x5xf32>, tensor<2x3x5x6xf32>
func.func @matmul_bcast_rank(%a: tensor<2x3x4x5xf32>, %b: tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %c = rong.matmul %a, %b : tensor<2x3x4x5xf32>, tensor<3x5x6xf32>
  return %c : tensor<2x3x4x6xf32>
}
