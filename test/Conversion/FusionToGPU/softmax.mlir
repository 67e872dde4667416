// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a softmax over 1024 f32 columns is short enough for one subgroup
// per row (32 lanes x 8 chunks of 4 elements), 8 rows per block: the row is
// loaded once into registers, reduced by max then by sum with xor shuffles of
// width 32 (no shared memory, no barrier), and every chunk's exp is reused
// for the output.

// CHECK-LABEL: gpu.func @softmax_fusion_0
//  CHECK-SAME:     (%[[X:.+]]: memref<64x1024xf32>, %[[Y:.+]]: memref<64x1024xf32>)
//   CHECK-NOT:     workgroup
//  CHECK-SAME:     rong.block = array<i64: 32, 8, 1>
//  CHECK-SAME:     rong.grid = array<i64: 8, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.warp"
//   CHECK-DAG:   %[[FX:.+]] = memref.collapse_shape %[[X]]
//   CHECK-DAG:   %[[LANE:.+]] = gpu.thread_id  x
//   CHECK-DAG:   %[[SUB:.+]] = gpu.thread_id  y
//       CHECK:   %[[ROWB:.+]] = arith.muli %{{.+}}, %c8 : index
//       CHECK:   %[[ROW:.+]] = arith.addi %[[ROWB]], %[[SUB]] : index
//       CHECK:   %[[C0:.+]] = vector.load %[[FX]][%{{.+}}] {alignment = 16 : i64} : memref<65536xf32>, vector<4xf32>
// Seven more chunks, then the subgroup butterfly.
// CHECK-COUNT-7: vector.load %[[FX]]
//       CHECK:   %[[PM:.+]] = vector.reduction <maximumf>, %{{.+}} : vector<4xf32> into f32
//       CHECK:   gpu.shuffle  xor %[[PM]], %c16_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c4_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c2_i32, %c32_i32 : f32
//       CHECK:   %[[S1:.+]], %{{.+}} = gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//       CHECK:   %[[MAX:.+]] = arith.maximumf %{{.+}}, %[[S1]] : f32
//   CHECK-NOT:   gpu.barrier
//       CHECK:   %[[MV:.+]] = vector.broadcast %[[MAX]] : f32 to vector<4xf32>
//       CHECK:   %[[D0:.+]] = arith.subf %[[C0]], %[[MV]] : vector<4xf32>
//       CHECK:   %[[E0:.+]] = math.exp %[[D0]] : vector<4xf32>
//       CHECK:   vector.reduction <add>
//       CHECK:   %[[T1:.+]], %{{.+}} = gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//       CHECK:   %[[SUM:.+]] = arith.addf %{{.+}}, %[[T1]] : f32
//  CHECK-NEXT:   %[[SV:.+]] = vector.broadcast %[[SUM]] : f32 to vector<4xf32>
//  CHECK-NEXT:   %[[Q0:.+]] = arith.divf %[[E0]], %[[SV]] : vector<4xf32>
//  CHECK-NEXT:   vector.store %[[Q0]]
//   CHECK-NOT:   vector.load %[[FX]]
//       CHECK:   gpu.return
func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}
