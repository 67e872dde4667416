// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=gfx906 --canonicalize --cse | FileCheck %s --check-prefix=WAVE64

// Tests rows of fewer chunks than a subgroup has lanes (row.subwarp): each
// row takes the fewest lanes, a power of two, that cover its chunks, and a
// 256-thread block holds 256 / lanes rows. The butterfly stays within the
// row's lanes (xor offsets below its lane count, shuffle width still the
// subgroup's). Lanes of rows past the last one still reach every shuffle:
// they compute the last row again and store nothing.

// A 64-column f32 softmax: 16 chunks of 4, so 16 lanes per row and 16 rows
// per block; 37 rows take 3 blocks, the last one 5 rows and 11 clamped.
// CHECK-LABEL: gpu.func @softmax_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 16, 16, 1>
//  CHECK-SAME:     rong.grid = array<i64: 3, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.subwarp"
//   CHECK-DAG:   %[[LANE:.+]] = gpu.thread_id  x
//   CHECK-DAG:   %[[SUB:.+]] = gpu.thread_id  y
//       CHECK:   %[[FIRST:.+]] = arith.muli %{{.+}}, %c16 : index
//       CHECK:   %[[MINE:.+]] = arith.addi %[[FIRST]], %[[SUB]] : index
//       CHECK:   %[[VALID:.+]] = arith.cmpi ule, %[[MINE]], %c36 : index
//       CHECK:   %[[ROW:.+]] = arith.minui %[[MINE]], %c36 : index
//   CHECK-NOT:   scf.if
//       CHECK:   %[[COL:.+]] = arith.muli %[[LANE]], %c4 : index
//       CHECK:   %[[BASE:.+]] = arith.muli %[[ROW]], %c64 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[BASE]], %[[COL]] : index
//       CHECK:   vector.load %{{.+}}[%[[OFF]]]
//       CHECK:   vector.reduction <maximumf>
//  CHECK-NEXT:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c4_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c2_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//       CHECK:   vector.reduction <add>
//  CHECK-NEXT:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c32_i32 : f32
//   CHECK-NOT:   gpu.barrier
//       CHECK:   %[[Q:.+]] = arith.divf
//  CHECK-NEXT:   scf.if %[[VALID]] {
//  CHECK-NEXT:     vector.store %[[Q]], %{{.+}}[%[[OFF]]]
// WAVE64-LABEL: gpu.func @softmax_fusion_0
//  WAVE64-SAME:     rong.block = array<i64: 16, 16, 1>
//  WAVE64-SAME:     rong.strategy = "row.subwarp"
//       WAVE64:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c64_i32 : f32
func.func @softmax(%x: tensor<37x64xf32>) -> tensor<37x64xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<37x64xf32>) -> tensor<37x64xf32> {
  ^bb0(%a: tensor<37x64xf32>):
    %s = rong.softmax %a axis = -1 : tensor<37x64xf32>
    rong.yield %s : tensor<37x64xf32>
  }
  return %r : tensor<37x64xf32>
}

// A 20-column f32 mean: 5 chunks, so 8 lanes per row (the last three read
// the row's last chunk and add the identity) and 32 rows per block. The
// per-row result is stored by the row's first lane, where the row is its own.
// CHECK-LABEL: gpu.func @mean_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 8, 32, 1>
//  CHECK-SAME:     rong.grid = array<i64: 2, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.subwarp"
//       CHECK:   %[[VALID:.+]] = arith.cmpi ule, %{{.+}}, %c36 : index
//       CHECK:   %[[ROW:.+]] = arith.minui %{{.+}}, %c36 : index
//       CHECK:   %[[COL:.+]] = arith.muli %{{.+}}, %c4 : index
//       CHECK:   %[[IN:.+]] = arith.cmpi ult, %[[COL]], %c20 : index
//       CHECK:   arith.minui %[[COL]], %c16 : index
//       CHECK:   arith.select %[[IN]]
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c4_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c2_i32, %c32_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c32_i32 : f32
//       CHECK:   %[[LEAD:.+]] = arith.cmpi eq, %{{.+}}, %c0 : index
//       CHECK:   %[[STORE:.+]] = arith.andi %[[LEAD]], %[[VALID]] : i1
//       CHECK:   scf.if %[[STORE]] {
//  CHECK-NEXT:     memref.store %{{.+}}[%[[ROW]]] : memref<37xf32>
func.func @mean(%x: tensor<37x20xf32>) -> tensor<37x1xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<37x20xf32>) -> tensor<37x1xf32> {
  ^bb0(%a: tensor<37x20xf32>):
    %s = rong.reduce_mean %a axes = [1] keepdims : tensor<37x20xf32>
    rong.yield %s : tensor<37x1xf32>
  }
  return %r : tensor<37x1xf32>
}

// A 128-column bf16 LayerNorm over rows that fill their blocks: 16 chunks
// of 8, 16 lanes per row, no clamp and no store guard.
// CHECK-LABEL: gpu.func @layer_norm_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 16, 16, 1>
//  CHECK-SAME:     rong.grid = array<i64: 4, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.subwarp"
//   CHECK-NOT:   arith.minui
//       CHECK:   vector.load %{{.+}} : memref<8192xbf16>, vector<8xbf16>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c32_i32 : f32
//   CHECK-NOT:   scf.if
//       CHECK:   vector.store
//       CHECK:   gpu.return
func.func @layer_norm(%x: tensor<64x128xbf16>, %w: tensor<128xbf16>, %b: tensor<128xbf16>) -> tensor<64x128xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %w, %b) : (tensor<64x128xbf16>, tensor<128xbf16>, tensor<128xbf16>) -> tensor<64x128xbf16> {
  ^bb0(%a: tensor<64x128xbf16>, %c: tensor<128xbf16>, %d: tensor<128xbf16>):
    %n = rong.layer_norm %a, %c, %d axis = -1 epsilon = 1.000000e-05 : tensor<64x128xbf16>, tensor<128xbf16>, tensor<128xbf16>
    rong.yield %n : tensor<64x128xbf16>
  }
  return %r : tensor<64x128xbf16>
}
