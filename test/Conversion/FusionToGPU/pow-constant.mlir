// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that pow by a constant small positive integer becomes multiplies
// (x^3 = x * x * x), and that any other exponent keeps the generic powf.

// CHECK-LABEL: gpu.func @cube_fusion_0
//       CHECK:   %[[X:.+]] = vector.load
//       CHECK:   %[[X2:.+]] = arith.mulf %[[X]], %[[X]] : vector<4xf32>
//       CHECK:   %[[X3:.+]] = arith.mulf %[[X2]], %[[X]] : vector<4xf32>
//   CHECK-NOT:   math.powf
//       CHECK:   vector.store %[[X3]]
func.func @cube(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>):
    %c = rong.constant dense<3.0> : tensor<f32>
    %p = rong.pow %a, %c : tensor<64x256xf32>, tensor<f32>
    rong.yield %p : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// -----

// CHECK-LABEL: gpu.func @square_bf16_fusion_0
//       CHECK:   %[[X:.+]] = arith.extf %{{.+}} : vector<8xbf16> to vector<8xf32>
//       CHECK:   arith.mulf %[[X]], %[[X]] : vector<8xf32>
//   CHECK-NOT:   math.powf
func.func @square_bf16(%x: tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  ^bb0(%a: tensor<64x256xbf16>):
    %c = rong.constant dense<2.0> : tensor<bf16>
    %p = rong.pow %a, %c : tensor<64x256xbf16>, tensor<bf16>
    rong.yield %p : tensor<64x256xbf16>
  }
  return %r : tensor<64x256xbf16>
}

// -----

// CHECK-LABEL: gpu.func @half_power_fusion_0
//       CHECK:   math.powf
func.func @half_power(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>):
    %c = rong.constant dense<2.5> : tensor<f32>
    %p = rong.pow %a, %c : tensor<64x256xf32>, tensor<f32>
    rong.yield %p : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}
