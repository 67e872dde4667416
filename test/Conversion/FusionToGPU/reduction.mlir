// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests a reduction group over two trailing axes (rows of 8 x 100 = 800
// elements) whose result leaves the group without keepdims: one subgroup per
// row, 7 chunks per lane of which the last overhangs the row for most lanes
// (its column is clamped for the load and its contribution masked with the
// identity), the 4 rows in one block of 8 subgroups (the tail guarded), and
// the row's first lane storing the row's value.

// CHECK-LABEL: gpu.func @sum_squares_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<4x8x100xf32>, %[[OUT:[^:]+]]: memref<4xf32>)
//  CHECK-SAME:     rong.block = array<i64: 32, 8, 1>
//  CHECK-SAME:     rong.grid = array<i64: 1, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.warp"
//       CHECK:   %[[LANE:.+]] = gpu.thread_id  x
//       CHECK:   %[[ROW:.+]] = arith.addi %{{.+}}, %{{.+}} : index
//       CHECK:   %[[LIVE:.+]] = arith.cmpi ult, %[[ROW]], %c4 : index
//       CHECK:   scf.if %[[LIVE]] {
//       CHECK:     arith.addi %[[LANE]], %c192 : index
//  CHECK-NEXT:     %[[LAST:.+]] = arith.muli %{{.+}}, %c4 : index
//  CHECK-NEXT:     %[[IN:.+]] = arith.cmpi ult, %[[LAST]], %c800 : index
//       CHECK:     %[[CLAMP:.+]] = arith.minui %[[LAST]], %c796 : index
// CHECK-COUNT-6:   vector.load
//       CHECK:     %[[OFF:.+]] = arith.addi %{{.+}}, %[[CLAMP]] : index
//       CHECK:     %[[V:.+]] = vector.load %{{.+}}[%[[OFF]]]
//       CHECK:     %[[SQ:.+]] = arith.mulf %[[V]], %[[V]]
//       CHECK:     arith.select %[[IN]], %[[SQ]], %{{.+}} : vector<4xf32>
//       CHECK:     vector.reduction <add>
// CHECK-COUNT-5:   gpu.shuffle  xor
//       CHECK:     %[[FIRST:.+]] = arith.cmpi eq, %[[LANE]], %c0 : index
//       CHECK:     scf.if %[[FIRST]] {
//  CHECK-NEXT:       memref.store %{{.+}}, %[[OUT]][%[[ROW]]] : memref<4xf32>
func.func @sum_squares(%x: tensor<4x8x100xf32>) -> tensor<4xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x8x100xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x8x100xf32>):
    %q = rong.mul %a, %a : tensor<4x8x100xf32>, tensor<4x8x100xf32>
    %s = rong.reduce_sum %q axes = [1, 2] : tensor<4x8x100xf32>
    rong.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// Tests output fusion after a reduction without keepdims: the group computes
// on the reduced values (one per row), so the [6] input added to them is read
// at the row index, not along the row, and the square root is stored once per
// row. A row of 16 chunks takes 16 lanes (row.subwarp), so the block's 16
// rows cover all six and the row index is clamped to the last one.

// CHECK-LABEL: gpu.func @norm_plus_bias_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<6x64xf32>, %[[B:[^:]+]]: memref<6xf32>, %[[OUT:[^:]+]]: memref<6xf32>)
//       CHECK:   %[[ROW:.+]] = arith.minui %{{.+}}, %c5 : index
//       CHECK:   %[[BIAS:.+]] = memref.load %[[B]][%[[ROW]]] : memref<6xf32>
//       CHECK:   vector.reduction <add>
// CHECK-COUNT-4:   gpu.shuffle  xor
//       CHECK:   %[[SUM:.+]] = arith.addf %{{.+}}, %[[BIAS]] : f32
//       CHECK:   %[[ROOT:.+]] = math.sqrt %[[SUM]] : f32
//       CHECK:   scf.if
//  CHECK-NEXT:     memref.store %[[ROOT]], %[[OUT]][%[[ROW]]] : memref<6xf32>
func.func @norm_plus_bias(%x: tensor<6x64xf32>, %b: tensor<6xf32>) -> tensor<6xf32> {
  %r = rong.fusion kind = "reduction" (%x, %b) : (tensor<6x64xf32>, tensor<6xf32>) -> tensor<6xf32> {
  ^bb0(%a: tensor<6x64xf32>, %c: tensor<6xf32>):
    %q = rong.mul %a, %a : tensor<6x64xf32>, tensor<6x64xf32>
    %s = rong.reduce_sum %q axes = [1] : tensor<6x64xf32>
    %t = rong.add %s, %c : tensor<6xf32>, tensor<6xf32>
    %n = rong.sqrt %t : tensor<6xf32>
    rong.yield %n : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}
