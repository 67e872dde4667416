// RUN: rong-opt %s --rong-fusion-to-gpu=target=gfx906 --canonicalize --cse | FileCheck %s

// Tests that the strategies read the subgroup width from the target: on a
// 64-wide wavefront target (gfx906) a 1024-column f32 softmax row is one
// wavefront (64 lanes x 4 chunks), 4 rows per 256-thread block, reduced by a
// 6-step butterfly of width 64.

// CHECK-LABEL: gpu.func @softmax_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 64, 4, 1>
//  CHECK-SAME:     rong.grid = array<i64: 16, 1, 1>
//  CHECK-SAME:     rong.strategy = "row.warp"
//       CHECK:   vector.reduction <maximumf>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c32_i32, %c64_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c16_i32, %c64_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c64_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c4_i32, %c64_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c2_i32, %c64_i32 : f32
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c1_i32, %c64_i32 : f32
//   CHECK-NOT:   gpu.barrier
//       CHECK:   vector.reduction <add>
//       CHECK:   gpu.shuffle  xor %{{.+}}, %c32_i32, %c64_i32 : f32

// Rows of 16384 use a block per row: 1024 threads = 16 wavefronts, whose
// partial values meet in shared memory and are combined by a 4-step
// butterfly.

// CHECK-LABEL: gpu.func @layer_norm_fusion_0
//  CHECK-SAME:     workgroup(%{{.+}} : memref<32xf32, #gpu.address_space<workgroup>>)
//  CHECK-SAME:     rong.block = array<i64: 1024, 1, 1>
//       CHECK:   gpu.barrier
//       CHECK:   memref.load
//  CHECK-NEXT:   gpu.shuffle  xor %{{.+}}, %c8_i32, %c64_i32 : f32
func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}

func.func @layer_norm(%x: tensor<4x16384xf32>, %g: tensor<16384xf32>) -> tensor<4x16384xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<4x16384xf32>, tensor<16384xf32>) -> tensor<4x16384xf32> {
  ^bb0(%a: tensor<4x16384xf32>, %b: tensor<16384xf32>):
    %s = rong.layer_norm %a, %b axis = -1 epsilon = 1.0e-05 : tensor<4x16384xf32>, tensor<16384xf32>
    rong.yield %s : tensor<4x16384xf32>
  }
  return %r : tensor<4x16384xf32>
}
