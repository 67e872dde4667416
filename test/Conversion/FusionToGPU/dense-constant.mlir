// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 | FileCheck %s

// Tests that a non-splat constant inside a group becomes an input buffer of
// the kernel (kernels materialise only splats as immediates), while a splat
// stays an immediate.

// CHECK-LABEL: func.func @dense_constant
// CHECK: %[[C:.*]] = rong.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[CB:.*]] = bufferization.to_buffer %[[C]]
// CHECK: gpu.launch_func @dense_constant_fusion_0::@dense_constant_fusion_0 {{.*}} args(%{{.*}} : memref<2xf32>, %[[CB]] : memref<2xf32>, %{{.*}} : memref<2xf32>)
// CHECK: gpu.func @dense_constant_fusion_0(%{{.*}}: memref<2xf32>, %{{.*}}: memref<2xf32>, %{{.*}}: memref<2xf32>) kernel
// CHECK-SAME: rong.args = ["in0", "in1", "out0"]
// CHECK: arith.constant {{.*}}3.000000e+00
func.func @dense_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    %c = rong.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %three = rong.constant dense<3.0> : tensor<f32>
    %s = rong.add %a, %c : tensor<2xf32>, tensor<2xf32>
    %t = rong.mul %s, %three : tensor<2xf32>, tensor<f32>
    rong.yield %t : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// A gather by a constant index list reads the list from its buffer.

// CHECK: gpu.func @dense_indices_fusion_0(%{{.*}}: memref<10x4xf32>, %{{.*}}: memref<2xi64>, %{{.*}}: memref<2x4xf32>) kernel
func.func @dense_indices(%t: tensor<10x4xf32>) -> tensor<2x4xf32> {
  %r = rong.fusion kind = "loop" (%t) : (tensor<10x4xf32>) -> tensor<2x4xf32> {
  ^bb0(%a: tensor<10x4xf32>):
    %i = rong.constant dense<[3, 7]> : tensor<2xi64>
    %g = rong.gather %a, %i axis = 0 : tensor<10x4xf32>, tensor<2xi64>
    rong.yield %g : tensor<2x4xf32>
  }
  return %r : tensor<2x4xf32>
}
