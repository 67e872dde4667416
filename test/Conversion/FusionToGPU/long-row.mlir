// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a softmax row too long to stay in registers (2^20 f32: 256
// chunks per thread at 1024 threads) loops over its chunks and re-reads the
// row, and that max and sum are computed in one online pass (a running max
// and a sum rescaled by exp(old max - new max)), merged across threads the
// same way: the row is read twice, not three times.

// CHECK-LABEL: gpu.func @long_softmax_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 1024, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.block.loop"
//       CHECK:   %[[STATE:.+]]:2 = scf.for %{{.+}} = %c0 to %c256 step %c1 iter_args(%[[M:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}}) -> (vector<4xf32>, vector<4xf32>) {
//       CHECK:     %[[X:.+]] = vector.load
//       CHECK:     %[[M2:.+]] = arith.maximumf %[[M]], %[[X]] : vector<4xf32>
//       CHECK:     %[[EMPTY:.+]] = arith.cmpf oeq, %[[M2]], %{{.+}} : vector<4xf32>
//       CHECK:     %[[PIVOT:.+]] = arith.select %[[EMPTY]], %{{.+}}, %[[M2]]
//       CHECK:     %[[D:.+]] = arith.subf %[[M]], %[[PIVOT]]
//       CHECK:     %[[R:.+]] = math.exp %[[D]]
//       CHECK:     %[[SR:.+]] = arith.mulf %[[S]], %[[R]]
//       CHECK:     %[[XD:.+]] = arith.subf %[[X]], %[[PIVOT]]
//       CHECK:     %[[E:.+]] = math.exp %[[XD]]
//       CHECK:     %[[S2:.+]] = arith.addf %[[SR]], %[[E]]
//       CHECK:     scf.yield %[[M2]], %[[S2]]
//       CHECK:   vector.reduction <maximumf>, %[[STATE]]#0
//       CHECK:   gpu.shuffle  xor
//       CHECK:   gpu.shuffle  xor
//       CHECK:   gpu.barrier
//   CHECK-NOT:   gpu.barrier
//       CHECK:   scf.for %{{.+}} = %c0 to %c256 step %c1 {
//       CHECK:     vector.load
//       CHECK:     math.exp
//       CHECK:     arith.divf
//       CHECK:     vector.store
//   CHECK-NOT:   scf.for
func.func @long_softmax(%x: tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  ^bb0(%a: tensor<2x1048576xf32>):
    %s = rong.softmax %a axis = -1 : tensor<2x1048576xf32>
    rong.yield %s : tensor<2x1048576xf32>
  }
  return %r : tensor<2x1048576xf32>
}

// -----

// Tests that a long LayerNorm row keeps its two passes (mean, then centred
// variance) and re-reads the row in each, plus once for the output.

// CHECK-LABEL: gpu.func @long_layer_norm_fusion_0
//  CHECK-SAME:     rong.strategy = "row.block.loop"
//       CHECK:   scf.for {{.+}} -> (vector<4xf32>)
//       CHECK:   gpu.barrier
//       CHECK:   scf.for {{.+}} -> (vector<4xf32>)
//       CHECK:   gpu.barrier
//       CHECK:   math.rsqrt
//       CHECK:   scf.for
//       CHECK:     vector.store
func.func @long_layer_norm(%x: tensor<2x1048576xf32>, %g: tensor<1048576xf32>) -> tensor<2x1048576xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<2x1048576xf32>, tensor<1048576xf32>) -> tensor<2x1048576xf32> {
  ^bb0(%a: tensor<2x1048576xf32>, %b: tensor<1048576xf32>):
    %s = rong.layer_norm %a, %b axis = -1 epsilon = 1.0e-05 : tensor<2x1048576xf32>, tensor<1048576xf32>
    rong.yield %s : tensor<2x1048576xf32>
  }
  return %r : tensor<2x1048576xf32>
}
