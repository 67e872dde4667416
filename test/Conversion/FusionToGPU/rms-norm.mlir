// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a bf16 RMSNorm reads 8 elements (16 bytes) per access, widens
// them to f32, accumulates the sum of squares in f32, adds epsilon in f32
// (not rounded to bf16) and rounds once, when it stores.

// CHECK-LABEL: gpu.func @rms_norm_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<16x4096xbf16>, %[[W:[^:]+]]: memref<4096xbf16>, %[[Y:[^:]+]]: memref<16x4096xbf16>)
//  CHECK-SAME:     rong.block = array<i64: 128, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 16, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.block"
//   CHECK-DAG:   %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
//       CHECK:   %[[X0:.+]] = vector.load %{{.+}} {alignment = 16 : i64} : memref<65536xbf16>, vector<8xbf16>
//       CHECK:   %[[F0:.+]] = arith.extf %[[X0]] : vector<8xbf16> to vector<8xf32>
//       CHECK:   arith.mulf %[[F0]], %[[F0]] : vector<8xf32>
//       CHECK:   vector.reduction <add>, %{{.+}} : vector<8xf32> into f32
//       CHECK:   gpu.barrier
//       CHECK:   %[[MS:.+]] = arith.divf
//       CHECK:   %[[MSE:.+]] = arith.addf %[[MS]], %[[EPS]] : f32
//       CHECK:   %[[INV:.+]] = math.rsqrt %[[MSE]] : f32
//       CHECK:   %[[IV:.+]] = vector.broadcast %[[INV]] : f32 to vector<8xf32>
//       CHECK:   %[[N0:.+]] = arith.mulf %[[F0]], %[[IV]] : vector<8xf32>
//       CHECK:   %[[W0:.+]] = vector.load %[[W]][%{{.+}}] {alignment = 16 : i64} : memref<4096xbf16>, vector<8xbf16>
//       CHECK:   %[[WF:.+]] = arith.extf %[[W0]]
//       CHECK:   %[[Y0:.+]] = arith.mulf %[[N0]], %[[WF]] : vector<8xf32>
//       CHECK:   %[[T0:.+]] = arith.truncf %[[Y0]] : vector<8xf32> to vector<8xbf16>
//       CHECK:   vector.store %[[T0]]
func.func @rms_norm(%x: tensor<16x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<16x4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096xbf16>):
    %y = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<16x4096xbf16>, tensor<4096xbf16>
    rong.yield %y : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
}

// Tests that an explicit broadcast of a per-row sum over the row (RMSNorm's
// backward spells its mean's gradient this way) is the identity in a row
// kernel: the sum is splat across the vector and multiplies the row in
// registers.

// CHECK-LABEL: gpu.func @stretched_sum_fusion_0
//  CHECK-SAME:     rong.strategy = "row.warp"
//       CHECK:   %[[SUM:.+]] = vector.reduction <add>, %{{.+}} : vector<4xf32> into f32
//       CHECK:   %[[ROW:.+]] = vector.broadcast %{{.+}} : f32 to vector<4xf32>
//       CHECK:   arith.mulf %[[ROW]], %{{.+}} : vector<4xf32>
//       CHECK:   vector.store
func.func @stretched_sum(%x: tensor<16x256xf32>) -> tensor<16x256xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<16x256xf32>) -> tensor<16x256xf32> {
  ^bb0(%a: tensor<16x256xf32>):
    %s = rong.reduce_sum %a axes = [1] keepdims : tensor<16x256xf32>
    %e = rong.broadcast_to %s shape = [16, 256] : tensor<16x1xf32>
    %y = rong.mul %e, %a : tensor<16x256xf32>, tensor<16x256xf32>
    rong.yield %y : tensor<16x256xf32>
  }
  return %r : tensor<16x256xf32>
}
