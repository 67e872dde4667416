// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=gfx906 --canonicalize --cse | FileCheck %s --check-prefix=SMALL

// Tests that a row too long for registers (49152 f32: 12 chunks of 4 per
// thread) but within the block's on-chip memory (192 KiB of sm_90's 227 KiB)
// is copied to dynamic shared memory by the first pass and read back from it
// by the later ones, so global memory is read once; the launch asks for the
// bytes in rong.shared_bytes. The [N] scale is not cached: it does not vary
// per row.

// CHECK-LABEL: gpu.func @mid_layer_norm_fusion_0
//  CHECK-SAME:     (%[[X:[^:]+]]: memref<4x49152xf32>, %[[G:[^:]+]]: memref<49152xf32>, %[[Y:[^:]+]]: memref<4x49152xf32>)
//  CHECK-SAME:     rong.shared_bytes = 196608 : i64
//  CHECK-SAME:     rong.strategy = "row.block.smem"
//       CHECK:   %[[DYN:.+]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
//       CHECK:   %[[ROW:.+]] = memref.view %[[DYN]][%{{.+}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<49152xf32, #gpu.address_space<workgroup>>
//       CHECK:   scf.for %{{.+}} = %c0 to %c12
//       CHECK:     %[[V:.+]] = vector.load %{{.+}} : memref<196608xf32>, vector<4xf32>
//       CHECK:     vector.store %[[V]], %[[ROW]][%[[COL:.+]]] {alignment = 16 : i64}
//       CHECK:   gpu.barrier
//       CHECK:   scf.for %{{.+}} = %c0 to %c12
//       CHECK:     vector.load %[[ROW]]
//   CHECK-NOT:     memref<196608xf32>, vector<4xf32>
//       CHECK:   gpu.barrier
//       CHECK:   scf.for %{{.+}} = %c0 to %c12
//       CHECK:     vector.load %[[ROW]]
//       CHECK:     vector.load %[[G]]
//       CHECK:     vector.store

// With 64 KiB of LDS (gfx906) the row does not fit: every pass re-reads it.

// SMALL-LABEL: gpu.func @mid_layer_norm_fusion_0
//  SMALL-SAME:     rong.shared_bytes = 0 : i64
//  SMALL-SAME:     rong.strategy = "row.block.loop"
//   SMALL-NOT:   gpu.dynamic_shared_memory
func.func @mid_layer_norm(%x: tensor<4x49152xf32>, %g: tensor<49152xf32>) -> tensor<4x49152xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<4x49152xf32>, tensor<49152xf32>) -> tensor<4x49152xf32> {
  ^bb0(%a: tensor<4x49152xf32>, %c: tensor<49152xf32>):
    %n = rong.layer_norm %a, %c axis = -1 epsilon = 1.0e-05 : tensor<4x49152xf32>, tensor<49152xf32>
    rong.yield %n : tensor<4x49152xf32>
  }
  return %r : tensor<4x49152xf32>
}
