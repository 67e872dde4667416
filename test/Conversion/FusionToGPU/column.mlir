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

// Tests a bias-gradient sum over the batch with a bias added per column, on
// a GPU: 33 columns (odd, so scalar lanes) of 512 elements, each split among
// the 64 threads of its block (TX = 1 column, TY = 64 slices). Thread ty
// walks elements ty, ty + 64, ... (loads 33 elements apart), stores its
// partial in shared memory, and after one barrier every thread folds the 64
// partials; the first slice adds the bias, read once per column outside the
// loop, and stores. No thread is out of range: no guard around the barrier.

// CHECK-LABEL: gpu.func @bias_grad_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<512x33xf32>, %[[B:[^:]+]]: memref<33xf32>, %[[OUT:[^:]+]]: memref<1x33xf32>)
//  CHECK-SAME:     workgroup(%[[SCRATCH:.+]] : memref<64xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.block = array<i64: 64, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 33, 1, 1>
//  CHECK-SAME:     rong.strategy = "column.split"
//       CHECK:   %[[TY:.+]] = gpu.thread_id x
//       CHECK:   %[[BLOCK:.+]] = gpu.block_id x
//       CHECK:   %[[INNER:.+]] = arith.remui %[[BLOCK]], %c33 : index
//       CHECK:   arith.addi %{{.+}}, %[[INNER]] : index
//       CHECK:   %[[COL:.+]] = arith.addi %{{.+}}, %[[INNER]] : index
//       CHECK:   %[[BIAS:.+]] = memref.load %[[B]][%[[COL]]] : memref<33xf32>
//   CHECK-NOT:   scf.if
//       CHECK:   %[[PART:.+]] = scf.for %[[R:.+]] = %[[TY]] to %c512 step %c64 iter_args(%[[ACC:.+]] = %cst) -> (f32) {
//       CHECK:     %[[STEP:.+]] = arith.muli %[[R]], %c33 : index
//       CHECK:     %[[AT:.+]] = arith.addi %{{.+}}, %[[STEP]] : index
//       CHECK:     %[[V:.+]] = memref.load %{{.+}}[%[[AT]]] : memref<16896xf32>
//       CHECK:     %[[NEXT:.+]] = arith.addf %[[ACC]], %[[V]] : f32
//       CHECK:     scf.yield %[[NEXT]] : f32
//       CHECK:   memref.store %[[PART]], %[[SCRATCH]][%[[TY]]]
//  CHECK-NEXT:   gpu.barrier
//       CHECK:   %[[SUM:.+]] = scf.for %[[K:.+]] = %c0 to %c64 step %c1 iter_args(%[[T:.+]] = %cst) -> (f32) {
//       CHECK:     %[[P:.+]] = memref.load %[[SCRATCH]][%[[K]]]
//       CHECK:     %[[T2:.+]] = arith.addf %[[T]], %[[P]] : f32
//       CHECK:     scf.yield %[[T2]] : f32
//       CHECK:   %[[OUTV:.+]] = arith.addf %[[SUM]], %[[BIAS]] : f32
//       CHECK:   %[[FIRST:.+]] = arith.cmpi eq, %[[TY]], %c0 : index
//       CHECK:   scf.if %[[FIRST]] {
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

// Tests that an integer column, whose partials the split does not combine,
// is walked by one thread: 33 columns, a block of 64 with the tail guarded,
// the 512-element column walked by a loop whose loads are 33 elements apart.

// CHECK-LABEL: gpu.func @int_column_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 64, 1, 1>
//  CHECK-SAME:     rong.strategy = "column.loop"
//   CHECK-NOT:   gpu.barrier
//       CHECK:   %[[T:.+]] = arith.addi %{{.+}}, %{{.+}} : index
//       CHECK:   %[[LIVE:.+]] = arith.cmpi ult, %[[T]], %c33 : index
//       CHECK:   scf.if %[[LIVE]] {
//       CHECK:     scf.for %[[R:.+]] = %c0 to %c512 step %c1 iter_args(%{{.+}} = %c0_i32) -> (i32) {
//       CHECK:       arith.muli %[[R]], %c33 : index
//       CHECK:       memref.load %{{.+}} : memref<16896xi32>
//       CHECK:       arith.addi
func.func @int_column(%x: tensor<512x33xi32>) -> tensor<1x33xi32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<512x33xi32>) -> tensor<1x33xi32> {
  ^bb0(%a: tensor<512x33xi32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<512x33xi32>
    rong.yield %s : tensor<1x33xi32>
  }
  return %r : tensor<1x33xi32>
}

// Tests a long column's softmax on a GPU: 2 column vectors of 4, each split
// into 32 slices of 9-10 elements (a block of 64). Each thread folds the max and the sum of
// exp(x - max) of its slice in one online pass (the running sum rescaled
// when the max grows); the (max, sum) pairs of the 32 slices meet in shared
// memory, one slot each, and are merged the same way; then the output pass:
// the column is read twice, not three times.

// CHECK-LABEL: gpu.func @long_softmax_fusion_0
//  CHECK-SAME:     workgroup(%[[SCRATCH:.+]] : memref<512xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.block = array<i64: 64, 1, 1>
//  CHECK-SAME:     rong.strategy = "column.split"
//       CHECK:   %[[TY:.+]] = arith.divui %{{.+}}, %c2 : index
//       CHECK:   %[[STATE:.+]]:2 = scf.for %{{.+}} = %[[TY]] to %c300 step %c32 iter_args(%[[M:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}}) -> (vector<4xf32>, vector<4xf32>) {
//       CHECK:     %[[X:.+]] = vector.load
//       CHECK:     %[[NEWM:.+]] = arith.maximumf %[[M]], %[[X]] : vector<4xf32>
// CHECK-COUNT-2:   math.exp
//       CHECK:     scf.yield %[[NEWM]], %{{.+}} : vector<4xf32>, vector<4xf32>
//       CHECK:   vector.store %[[STATE]]#0, %[[SCRATCH]]
//       CHECK:   vector.store %[[STATE]]#1, %[[SCRATCH]]
//  CHECK-NEXT:   gpu.barrier
//       CHECK:   %[[TOTAL:.+]]:2 = scf.for %{{.+}} = %c0 to %c32 step %c1
// CHECK-COUNT-2:   vector.load %[[SCRATCH]]
//       CHECK:     arith.maximumf
// CHECK-COUNT-2:   math.exp
//       CHECK:     scf.yield
//       CHECK:   scf.for %{{.+}} = %[[TY]] to %c300 step %c32 {
//       CHECK:     %[[X2:.+]] = vector.load
//       CHECK:     %[[D:.+]] = arith.subf %[[X2]], %[[TOTAL]]#0 : vector<4xf32>
//       CHECK:     %[[E:.+]] = math.exp %[[D]] : vector<4xf32>
//       CHECK:     arith.divf %[[E]], %[[TOTAL]]#1 : vector<4xf32>
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
// one-thread blocks. On sm_90 each thread owns one chunk; 256 threads alone
// would leave most of 132 SMs idle, so each pair of neighbouring chunks (a
// 32-byte row segment) is split into 16 slices of 4 rows: 128 blocks of 32.

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
//  CHECK-SAME:     workgroup(%{{.+}} : memref<128xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.block = array<i64: 32, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 128, 1, 1>
//  CHECK-SAME:     rong.strategy = "column.split"
//       CHECK:   %[[TX:.+]] = arith.remui %{{.+}}, %c2 : index
//       CHECK:   %[[TY:.+]] = arith.divui %{{.+}}, %c2 : index
//       CHECK:   scf.for %{{.+}} = %[[TY]] to %c64 step %c16
func.func @wide_sum(%x: tensor<64x1024xf32>) -> tensor<1x1024xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<64x1024xf32>) -> tensor<1x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<64x1024xf32>
    rong.yield %s : tensor<1x1024xf32>
  }
  return %r : tensor<1x1024xf32>
}
