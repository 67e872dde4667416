// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s --check-prefix=CPU

// Tests the column strategy on a softmax over the middle axis of 2x4x64: one
// thread per vector of 4 neighbouring columns (2 x 16 threads, one block of
// 32), the short column (4 elements) unrolled and kept in registers, so the
// input is read once (4 loads 64 elements apart) and each exp is reused by
// the output pass. Reductions stay inside the thread: no shuffle, no barrier.

// CHECK-LABEL: gpu.func @softmax_channels_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<2x4x64xf32>, %[[Y:[^:]+]]: memref<2x4x64xf32>)
//  CHECK-SAME:     rong.block = array<i64: 32, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 1, 1, 1>
//  CHECK-SAME:     rong.strategy = "column"
//   CHECK-NOT:   gpu.shuffle
//   CHECK-NOT:   gpu.barrier
//       CHECK:   %[[T:.+]] = arith.addi %{{.+}}, %{{.+}} : index
//       CHECK:   %[[LEAD:.+]] = arith.divui %[[T]], %c16 : index
//       CHECK:   %[[VEC:.+]] = arith.remui %[[T]], %c16 : index
//       CHECK:   %[[INNER:.+]] = arith.muli %[[VEC]], %c4 : index
//       CHECK:   %[[BASE0:.+]] = arith.muli %[[LEAD]], %c256 : index
//       CHECK:   %[[BASE:.+]] = arith.addi %[[BASE0]], %[[INNER]] : index
//       CHECK:   %[[X0:.+]] = vector.load %{{.+}}[%[[BASE]]]
//       CHECK:   %[[R1:.+]] = arith.addi %[[BASE]], %c64 : index
//       CHECK:   %[[X1:.+]] = vector.load %{{.+}}[%[[R1]]]
//       CHECK:   arith.maximumf %[[X0]], %[[X1]] : vector<4xf32>
// CHECK-COUNT-2:   vector.load
//   CHECK-NOT:   vector.load
//       CHECK:   %[[E0:.+]] = math.exp
// CHECK-COUNT-3:   math.exp
//       CHECK:   %[[SUM:.+]] = arith.addf
//       CHECK:   %[[Y0:.+]] = arith.divf %[[E0]], %[[SUM]] : vector<4xf32>
//       CHECK:   vector.store %[[Y0]], %{{.+}}[%[[BASE]]]
// CHECK-COUNT-3:   vector.store
//   CHECK-NOT:   gpu.shuffle
func.func @softmax_channels(%x: tensor<2x4x64xf32>) -> tensor<2x4x64xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<2x4x64xf32>) -> tensor<2x4x64xf32> {
  ^bb0(%a: tensor<2x4x64xf32>):
    %s = rong.softmax %a axis = 1 : tensor<2x4x64xf32>
    rong.yield %s : tensor<2x4x64xf32>
  }
  return %r : tensor<2x4x64xf32>
}

// Tests a bias-gradient sum over the batch with a bias added per column: 33
// columns (odd, so scalar lanes), a block of 64 with the tail guarded, the
// 512-element column walked by a loop whose loads are 33 elements apart, and
// the [33] input read once per column, outside the loop.

// CHECK-LABEL: gpu.func @bias_grad_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<512x33xf32>, %[[B:[^:]+]]: memref<33xf32>, %[[OUT:[^:]+]]: memref<1x33xf32>)
//  CHECK-SAME:     rong.block = array<i64: 64, 1, 1>
//  CHECK-SAME:     rong.strategy = "column.loop"
//       CHECK:   %[[T:.+]] = arith.addi %{{.+}}, %{{.+}} : index
//       CHECK:   %[[LIVE:.+]] = arith.cmpi ult, %[[T]], %c33 : index
//       CHECK:   scf.if %[[LIVE]] {
//       CHECK:     %[[COL0:.+]] = arith.muli %{{.+}}, %c33 : index
//       CHECK:     %[[COL:.+]] = arith.addi %[[COL0]], %{{.+}} : index
//       CHECK:     %[[BIAS:.+]] = memref.load %[[B]][%[[COL]]] : memref<33xf32>
//       CHECK:     %[[SUM:.+]] = scf.for %[[R:.+]] = %c0 to %c512 step %c1 iter_args(%[[ACC:.+]] = %cst) -> (f32) {
//       CHECK:       %[[STEP:.+]] = arith.muli %[[R]], %c33 : index
//       CHECK:       %[[AT:.+]] = arith.addi %{{.+}}, %[[STEP]] : index
//       CHECK:       %[[V:.+]] = memref.load %{{.+}}[%[[AT]]] : memref<16896xf32>
//       CHECK:       %[[NEXT:.+]] = arith.addf %[[ACC]], %[[V]] : f32
//       CHECK:       scf.yield %[[NEXT]] : f32
//       CHECK:     %[[OUTV:.+]] = arith.addf %[[SUM]], %[[BIAS]] : f32
//       CHECK:     memref.store %[[OUTV]], %{{.+}}[%[[COL]]] : memref<33xf32>
func.func @bias_grad(%x: tensor<512x33xf32>, %b: tensor<33xf32>) -> tensor<1x33xf32> {
  %r = rong.fusion kind = "reduction" (%x, %b) : (tensor<512x33xf32>, tensor<33xf32>) -> tensor<1x33xf32> {
  ^bb0(%a: tensor<512x33xf32>, %c: tensor<33xf32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<512x33xf32>
    %t = rong.add %s, %c : tensor<1x33xf32>, tensor<33xf32>
    rong.yield %t : tensor<1x33xf32>
  }
  return %r : tensor<1x33xf32>
}

// Tests a long column's softmax on a GPU: the max and the sum of exp(x - max)
// in one online pass (the running sum rescaled when the max grows), then the
// output pass: the column is read twice, not three times.

// CHECK-LABEL: gpu.func @long_softmax_fusion_0
//  CHECK-SAME:     rong.strategy = "column.loop"
//       CHECK:   %[[STATE:.+]]:2 = scf.for %{{.+}} = %c0 to %c300 step %c1 iter_args(%[[M:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}}) -> (vector<4xf32>, vector<4xf32>) {
//       CHECK:     %[[X:.+]] = vector.load
//       CHECK:     %[[NEWM:.+]] = arith.maximumf %[[M]], %[[X]] : vector<4xf32>
// CHECK-COUNT-2:   math.exp
//       CHECK:     scf.yield %[[NEWM]], %{{.+}} : vector<4xf32>, vector<4xf32>
//       CHECK:   scf.for
//       CHECK:     %[[X2:.+]] = vector.load
//       CHECK:     %[[D:.+]] = arith.subf %[[X2]], %[[STATE]]#0 : vector<4xf32>
//       CHECK:     %[[E:.+]] = math.exp %[[D]] : vector<4xf32>
//       CHECK:     arith.divf %[[E]], %[[STATE]]#1 : vector<4xf32>
//       CHECK:     vector.store
func.func @long_softmax(%x: tensor<300x8xf32>) -> tensor<300x8xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<300x8xf32>) -> tensor<300x8xf32> {
  ^bb0(%a: tensor<300x8xf32>):
    %s = rong.softmax %a axis = 0 : tensor<300x8xf32>
    rong.yield %s : tensor<300x8xf32>
  }
  return %r : tensor<300x8xf32>
}

// Tests that a CPU thread reads 256 bytes of each row it walks: 8 chunks of
// 8 floats, 8 accumulators carried by one loop, so 1024 columns are 16
// one-thread blocks. On sm_90 each thread owns one chunk (neighbouring
// threads read neighbouring chunks): 256 threads.

// CPU-LABEL: gpu.func @wide_sum_fusion_0
//  CPU-SAME:     rong.block = array<i64: 1, 1, 1>
//  CPU-SAME:     rong.grid = array<i64: 16, 1, 1>
//  CPU-SAME:     rong.strategy = "column.loop"
//       CPU:   scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args({{.+}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CPU-COUNT-8:     vector.load
//   CPU-NOT:     vector.load
//       CPU:     scf.yield
// CPU-COUNT-8:   vector.store
// CHECK-LABEL: gpu.func @wide_sum_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 256, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 1, 1, 1>
func.func @wide_sum(%x: tensor<64x1024xf32>) -> tensor<1x1024xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<64x1024xf32>) -> tensor<1x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<64x1024xf32>
    rong.yield %s : tensor<1x1024xf32>
  }
  return %r : tensor<1x1024xf32>
}
