// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=GPU

// Tests that a CPU thread walking a long row sums it in blocks (cascade
// summation): 65536 f32 are 2048 iterations of 4 chunks of 8, walked as 2
// blocks of 32 blocks of 32 iterations, each block from zero and added to
// the running sums of its level. Each accumulator adds 32 + 32 + 2 values
// deep instead of 2048. On sm_90 a block of 1024 threads shares the row and
// each thread's walk (16 chunks) stays one loop.

// CHECK-LABEL: gpu.func @long_row_sum_fusion_0
//       CHECK:   %[[TOP:.+]]:4 = scf.for %[[I:.+]] = %c0 to %c2 step %c1 iter_args(%[[T0:.+]] = %[[ZERO:[^,]+]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]]) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
//       CHECK:     %[[I0:.+]] = arith.muli %[[I]], %c4096 : index
//       CHECK:     %[[MID:.+]]:4 = scf.for %[[J:.+]] = %c0 to %c32 step %c1 iter_args(%[[M0:.+]] = %[[ZERO]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]])
//       CHECK:       %[[J0:.+]] = arith.muli %[[J]], %c128 : index
//       CHECK:       %[[FROM:.+]] = arith.addi %[[I0]], %[[J0]] : index
//       CHECK:       %[[TO:.+]] = arith.addi %[[FROM]], %c128 : index
//       CHECK:       %[[IN:.+]]:4 = scf.for %{{.+}} = %[[FROM]] to %[[TO]] step %c4 iter_args(%[[A0:.+]] = %[[ZERO]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]], %{{[^,]+}} = %[[ZERO]])
//       CHECK:         %[[X:.+]] = vector.load
//       CHECK:         arith.addf %[[A0]], %[[X]] : vector<8xf32>
// CHECK-COUNT-3:       vector.load
//       CHECK:         scf.yield
//       CHECK:       %[[M1:.+]] = arith.addf %[[M0]], %[[IN]]#0 : vector<8xf32>
//       CHECK:       scf.yield %[[M1]],
//       CHECK:     %[[T1:.+]] = arith.addf %[[T0]], %[[MID]]#0 : vector<8xf32>
//       CHECK:     scf.yield %[[T1]],
//       CHECK:   arith.addf %[[TOP]]#0, %[[TOP]]#1 : vector<8xf32>
//       CHECK:   vector.reduction <add>

// GPU-LABEL: gpu.func @long_row_sum_fusion_0
//       GPU:   scf.for %{{.+}} = %c0 to %c16 step %c1 iter_args(%{{.+}}) -> (vector<4xf32>) {
//   GPU-NOT:     scf.for
//       GPU:     vector.load
//       GPU:     scf.yield
func.func @long_row_sum(%x: tensor<4x65536xf32>) -> tensor<4xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x65536xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x65536xf32>):
    %s = rong.reduce_sum %a axes = [1] : tensor<4x65536xf32>
    rong.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// Tests that reductions exact in any order, a max and an integer sum, walk
// the same rows in one loop.

// CHECK-LABEL: gpu.func @long_row_max_fusion_0
//       CHECK:   scf.for %{{.+}} = %c0 to %c8192 step %c4 iter_args
//   CHECK-NOT:     scf.for
//       CHECK:     arith.maximumf
//       CHECK:     scf.yield
func.func @long_row_max(%x: tensor<4x65536xf32>) -> tensor<4xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x65536xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x65536xf32>):
    %s = rong.reduce_max %a axes = [1] : tensor<4x65536xf32>
    rong.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// CHECK-LABEL: gpu.func @long_int_row_sum_fusion_0
//       CHECK:   scf.for %{{.+}} = %c0 to %c8192 step %c4 iter_args
//   CHECK-NOT:     scf.for
//       CHECK:     arith.addi %{{.+}}, %{{.+}} : vector<8xi32>
//       CHECK:     scf.yield
func.func @long_int_row_sum(%x: tensor<4x65536xi32>) -> tensor<4xi32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x65536xi32>) -> tensor<4xi32> {
  ^bb0(%a: tensor<4x65536xi32>):
    %s = rong.reduce_sum %a axes = [1] : tensor<4x65536xi32>
    rong.yield %s : tensor<4xi32>
  }
  return %r : tensor<4xi32>
}

// Tests that a CPU thread walking a long column sums it in blocks too:
// 4100 rows are 4 blocks of 32 x 32 rows, and the 4 rows left over are
// added to the running sum.

// CHECK-LABEL: gpu.func @long_column_sum_fusion_0
//       CHECK:   %[[ACC:.+]] = scf.for %[[I:.+]] = %c0 to %c4 step %c1 iter_args(%[[T:.+]] = %[[ZERO:[^)]+]]) -> (vector<8xf32>) {
//       CHECK:     %[[MID:.+]] = scf.for %{{.+}} = %c0 to %c32 step %c1 iter_args(%[[M:.+]] = %[[ZERO]]) -> (vector<8xf32>) {
//       CHECK:       %[[IN:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c1 iter_args(%{{.+}} = %[[ZERO]]) -> (vector<8xf32>) {
//       CHECK:         vector.load
//       CHECK:       arith.addf %[[M]], %[[IN]] : vector<8xf32>
//       CHECK:     arith.addf %[[T]], %[[MID]] : vector<8xf32>
//       CHECK:   scf.for %{{.+}} = %c4096 to %c4100 step %c1 iter_args(%{{.+}} = %[[ACC]]) -> (vector<8xf32>) {
//   CHECK-NOT:     scf.for
//       CHECK:     vector.load
func.func @long_column_sum(%x: tensor<4100x64xf32>) -> tensor<1x64xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4100x64xf32>) -> tensor<1x64xf32> {
  ^bb0(%a: tensor<4100x64xf32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<4100x64xf32>
    rong.yield %s : tensor<1x64xf32>
  }
  return %r : tensor<1x64xf32>
}
