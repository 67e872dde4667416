// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=GPU

// Tests that a CPU thread walking its row in passes prefetches the next row
// (the last row prefetches itself) in its second pass: one cache line of
// each full-size input (read) and output (write) per 64 bytes the loop
// iteration covers. The first and last passes issue none.

// CHECK-LABEL: gpu.func @softmax_fusion_0
//  CHECK-SAME:     (%[[X:.+]]: memref<64x1024xf32>, %[[Y:.+]]: memref<64x1024xf32>)
//       CHECK:   %[[XF:.+]] = memref.collapse_shape %[[X]]
//       CHECK:   %[[YF:.+]] = memref.collapse_shape %[[Y]]
//       CHECK:   %[[ROW:.+]] = arith.addi %{{.+}}, %{{.+}} : index
//       CHECK:   %[[PLUS1:.+]] = arith.addi %[[ROW]], %c1 : index
//       CHECK:   %[[NEXT:.+]] = arith.minui %[[PLUS1]], %c63 : index
//       CHECK:   scf.for
//   CHECK-NOT:     memref.prefetch
//       CHECK:     arith.maximumf
//       CHECK:     scf.yield
//       CHECK:   scf.for %[[K:.+]] = %c0 to %c128 step %c4
//       CHECK:     math.exp
//       CHECK:     %[[BASE:.+]] = arith.muli %[[NEXT]], %c1024 : index
//       CHECK:     %[[COL:.+]] = arith.muli %[[K]], %c8 : index
//       CHECK:     %[[AT0:.+]] = arith.addi %[[BASE]], %[[COL]] : index
//       CHECK:     memref.prefetch %[[XF]][%[[AT0]]], read, locality<3>, data
//       CHECK:     %[[COL16:.+]] = arith.addi %[[COL]], %c16 : index
//       CHECK:     %[[AT16:.+]] = arith.addi %[[BASE]], %[[COL16]] : index
//       CHECK:     memref.prefetch %[[XF]][%[[AT16]]], read, locality<3>, data
//       CHECK:     memref.prefetch %[[YF]][%[[AT0]]], write, locality<3>, data
//       CHECK:     memref.prefetch %[[YF]][%[[AT16]]], write, locality<3>, data
//   CHECK-NOT:     memref.prefetch
//       CHECK:     scf.yield
//       CHECK:   scf.for
//   CHECK-NOT:     memref.prefetch
//       CHECK:   gpu.return
// GPU-LABEL: gpu.func @softmax_fusion_0
//   GPU-NOT:   memref.prefetch
//       GPU:   gpu.return
func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = 1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

// Tests that LayerNorm prefetches its input rows and output rows, not its
// scale and bias (one row, read by every row, already in the cache).

// CHECK-LABEL: gpu.func @layer_norm_fusion_0
//  CHECK-SAME:     (%[[X:.+]]: memref<64x1024xf32>, %{{.+}}: memref<1024xf32>, %{{.+}}: memref<1024xf32>, %[[Y:.+]]: memref<64x1024xf32>)
//       CHECK:   %[[XF:.+]] = memref.collapse_shape %[[X]]
//       CHECK:   %[[YF:.+]] = memref.collapse_shape %[[Y]]
//       CHECK:   scf.for
//   CHECK-NOT:     memref.prefetch
//       CHECK:     scf.yield
//       CHECK:   scf.for
//   CHECK-COUNT-2: memref.prefetch %[[XF]][{{.+}}], read
//   CHECK-COUNT-2: memref.prefetch %[[YF]][{{.+}}], write
//   CHECK-NOT:     memref.prefetch
//       CHECK:     scf.yield
//       CHECK:   scf.for
//   CHECK-NOT:     memref.prefetch
//       CHECK:   gpu.return
func.func @layer_norm(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g, %b) : (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>, %c: tensor<1024xf32>, %d: tensor<1024xf32>):
    %s = rong.layer_norm %a, %c, %d axis = -1 epsilon = 1.0e-5 : tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

// Tests that a LayerNorm row too wide to share the L1 cache with the next
// one (64 KiB in, 64 KiB out) prefetches nothing: its passes are cheap and
// reread the row, which the next row's lines would evict.

// CHECK-LABEL: gpu.func @wide_layer_norm_fusion_0
//   CHECK-NOT:   memref.prefetch
//       CHECK:   gpu.return
func.func @wide_layer_norm(%x: tensor<8x16384xf32>, %g: tensor<16384xf32>, %b: tensor<16384xf32>) -> tensor<8x16384xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g, %b) : (tensor<8x16384xf32>, tensor<16384xf32>, tensor<16384xf32>) -> tensor<8x16384xf32> {
  ^bb0(%a: tensor<8x16384xf32>, %c: tensor<16384xf32>, %d: tensor<16384xf32>):
    %s = rong.layer_norm %a, %c, %d axis = -1 epsilon = 1.0e-5 : tensor<8x16384xf32>, tensor<16384xf32>, tensor<16384xf32>
    rong.yield %s : tensor<8x16384xf32>
  }
  return %r : tensor<8x16384xf32>
}

// Tests that a softmax row as wide still prefetches: its second pass
// computes an exp per element, and the memory traffic hides under it.

// CHECK-LABEL: gpu.func @wide_softmax_fusion_0
//       CHECK:   math.exp
//       CHECK:   memref.prefetch
//       CHECK:   gpu.return
func.func @wide_softmax(%x: tensor<8x16384xf32>) -> tensor<8x16384xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<8x16384xf32>) -> tensor<8x16384xf32> {
  ^bb0(%a: tensor<8x16384xf32>):
    %s = rong.softmax %a axis = 1 : tensor<8x16384xf32>
    rong.yield %s : tensor<8x16384xf32>
  }
  return %r : tensor<8x16384xf32>
}
