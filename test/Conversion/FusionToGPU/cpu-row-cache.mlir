// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=GPU

// Tests that a CPU thread walking a softmax row in passes keeps exp(x - max)
// in a row buffer on its stack: the sum pass computes and stores it, the
// output pass loads it back instead of a second exp, and multiplies it by the
// row's reciprocal (one division per row). GPU targets keep their own schemes
// (registers, the online pass) and get no buffer.

// CHECK-LABEL: gpu.func @softmax_fusion_0
//  CHECK-SAME:     workgroup(%[[CACHE:.+]] : memref<1024xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.strategy = "row.warp.loop"
//       CHECK:   scf.for
//       CHECK:     arith.maximumf
//       CHECK:   scf.for %{{.+}} = %c0 to %c128
//       CHECK:     %[[E:.+]] = math.exp %{{.+}} : vector<8xf32>
//       CHECK:     vector.store %[[E]], %[[CACHE]][%[[COL:.+]]] {{.+}} vector<8xf32>
//       CHECK:     arith.addf %{{.+}}, %[[E]]
//       CHECK:   %[[SUM:.+]] = vector.reduction <add>
//       CHECK:   %[[INV:.+]] = arith.divf %{{.+}}, %[[SUM]] : f32
//       CHECK:   scf.for %{{.+}} = %c0 to %c128
//       CHECK:     %[[BACK:.+]] = vector.load %[[CACHE]][%{{.+}}] {{.+}} vector<8xf32>
//   CHECK-NOT:     math.exp
//   CHECK-NOT:     arith.divf
//       CHECK:     %[[SPLAT:.+]] = vector.broadcast %[[INV]] : f32 to vector<8xf32>
//       CHECK:     arith.mulf %[[BACK]], %[[SPLAT]] : vector<8xf32>
// GPU-LABEL: gpu.func @softmax_fusion_0
//   GPU-NOT:   workgroup(
//       GPU:   rong.strategy
func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = 1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

// Tests that cheap values are recomputed, not cached: LayerNorm's centred
// values cost one subtraction, less than a store and a load.

// CHECK-LABEL: gpu.func @layer_norm_fusion_0
//   CHECK-NOT:   workgroup(
//       CHECK:   rong.strategy = "row.warp.loop"
func.func @layer_norm(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g, %b) : (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>, %c: tensor<1024xf32>, %d: tensor<1024xf32>):
    %s = rong.layer_norm %a, %c, %d axis = -1 epsilon = 1.0e-5 : tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}
