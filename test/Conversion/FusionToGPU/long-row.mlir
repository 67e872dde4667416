// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a row too long to stay in registers (2^20 f32: 256 chunks per
// thread at 1024 threads) loops over its chunks in every pass and re-reads
// the row: one loop for the max, one for the sum, one for the output.

// CHECK-LABEL: gpu.func @long_softmax_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 1024, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.block.loop"
//       CHECK:   scf.for %{{.+}} = %c0 to %c256 step %c1 iter_args(%{{.+}} = %{{.+}}) -> (vector<4xf32>) {
//       CHECK:     vector.load
//       CHECK:     arith.maximumf
//       CHECK:   gpu.barrier
//       CHECK:   scf.for %{{.+}} = %c0 to %c256 step %c1 iter_args(%{{.+}} = %{{.+}}) -> (vector<4xf32>) {
//       CHECK:     vector.load
//       CHECK:     math.exp
//       CHECK:   gpu.barrier
//       CHECK:   scf.for %{{.+}} = %c0 to %c256 step %c1 {
//       CHECK:     vector.load
//       CHECK:     math.exp
//       CHECK:     arith.divf
//       CHECK:     vector.store
func.func @long_softmax(%x: tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x1048576xf32>) -> tensor<2x1048576xf32> {
  ^bb0(%a: tensor<2x1048576xf32>):
    %s = rong.softmax %a axis = -1 : tensor<2x1048576xf32>
    rong.yield %s : tensor<2x1048576xf32>
  }
  return %r : tensor<2x1048576xf32>
}
