// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that f64 values are computed in f64: a softmax row loads two doubles
// per 128-bit access, reduces and shuffles f64 and never passes through f32;
// a loop group casts f64 to f16 with one truncation (no f32 step), converts
// an i32 straight to f64, and takes f64 constants for relu.

// CHECK-LABEL: gpu.func @softmax_f64_fusion_0
//  CHECK-SAME:     rong.strategy = "row.warp"
//   CHECK-NOT:   f32
//       CHECK:   vector.load {{.+}} : memref<2560xf64>, vector<2xf64>
//       CHECK:   vector.reduction <maximumf>, %{{.+}} : vector<2xf64> into f64
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c16_i32, %c32_i32 : f64
//       CHECK:   math.exp %{{.+}} : vector<2xf64>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f64
//       CHECK:   arith.divf %{{.+}}, %{{.+}} : vector<2xf64>
//   CHECK-NOT:   f32
//       CHECK:   gpu.return
func.func @softmax_f64(%x: tensor<64x40xf64>) -> tensor<64x40xf64> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x40xf64>) -> tensor<64x40xf64> {
  ^bb0(%a: tensor<64x40xf64>):
    %s = rong.softmax %a axis = -1 : tensor<64x40xf64>
    rong.yield %s : tensor<64x40xf64>
  }
  return %r : tensor<64x40xf64>
}

// CHECK-LABEL: gpu.func @casts_fusion_0
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<2xf64>
//       CHECK:   %[[X:.+]] = vector.load {{.+}} : memref<1024xf64>, vector<2xf64>
//  CHECK-NEXT:   %[[H:.+]] = arith.truncf %[[X]] : vector<2xf64> to vector<2xf16>
//  CHECK-NEXT:   vector.store %[[H]]
//  CHECK-NEXT:   %[[R:.+]] = arith.maximumf %[[X]], %[[ZERO]] : vector<2xf64>
//       CHECK:   %[[D:.+]] = arith.sitofp %{{.+}} : vector<2xi32> to vector<2xf64>
//  CHECK-NEXT:   %[[T:.+]] = arith.addf %[[R]], %[[D]] : vector<2xf64>
//       CHECK:   arith.truncf %[[T]] : vector<2xf64> to vector<2xf32>
func.func @casts(%x: tensor<4x256xf64>, %i: tensor<4x256xi32>) -> (tensor<4x256xf16>, tensor<4x256xf64>, tensor<4x256xf32>) {
  %r:3 = rong.fusion kind = "loop" (%x, %i) : (tensor<4x256xf64>, tensor<4x256xi32>) -> (tensor<4x256xf16>, tensor<4x256xf64>, tensor<4x256xf32>) {
  ^bb0(%a: tensor<4x256xf64>, %b: tensor<4x256xi32>):
    %h = rong.cast %a to f16 : tensor<4x256xf64>
    %d = rong.cast %b to f64 : tensor<4x256xi32>
    %s = rong.relu %a : tensor<4x256xf64>
    %t = rong.add %s, %d : tensor<4x256xf64>, tensor<4x256xf64>
    %f = rong.cast %t to f32 : tensor<4x256xf64>
    rong.yield %h, %t, %f : tensor<4x256xf16>, tensor<4x256xf64>, tensor<4x256xf32>
  }
  return %r#0, %r#1, %r#2 : tensor<4x256xf16>, tensor<4x256xf64>, tensor<4x256xf32>
}
