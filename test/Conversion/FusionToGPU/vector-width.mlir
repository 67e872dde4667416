// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s --check-prefix=CPU
// RUN: rong-opt %s --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=SM90

// Tests that GPU row groups, and column groups on every target, take the
// widest vector, up to the target's, that divides the last axis, instead of
// falling back to one element per access: 100 f32 columns give 4-element
// vectors on sm_90, 100 bf16 columns give 4 (where 8 fill 16 bytes), and 100
// inner positions of a column group 4 on the CPU. 49 columns stay scalar on
// sm_90. CPU row groups keep the full width with an overlapping last chunk
// instead (row-overlap-tail.mlir): 100 f32 columns take 8-lane vectors there.

// CPU-LABEL: gpu.func @softmax100_fusion_0
//       CPU:   vector.load %{{.+}} : memref<1600xf32>, vector<8xf32>
//   CPU-NOT:   memref.load
//       CPU:   gpu.return
// SM90-LABEL: gpu.func @softmax100_fusion_0
//       SM90:   vector.load %{{.+}} {alignment = 16 : i64} : memref<1600xf32>, vector<4xf32>
func.func @softmax100(%x: tensor<16x100xf32>) -> tensor<16x100xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<16x100xf32>) -> tensor<16x100xf32> {
  ^bb0(%a: tensor<16x100xf32>):
    %s = rong.softmax %a axis = -1 : tensor<16x100xf32>
    rong.yield %s : tensor<16x100xf32>
  }
  return %r : tensor<16x100xf32>
}

// SM90-LABEL: gpu.func @sum50_fusion_0
//       SM90:   vector.load %{{.+}} : memref<400xf32>, vector<2xf32>
func.func @sum50(%x: tensor<8x50xf32>) -> tensor<8x1xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<8x50xf32>) -> tensor<8x1xf32> {
  ^bb0(%a: tensor<8x50xf32>):
    %s = rong.reduce_sum %a axes = [1] keepdims : tensor<8x50xf32>
    rong.yield %s : tensor<8x1xf32>
  }
  return %r : tensor<8x1xf32>
}

// SM90-LABEL: gpu.func @rms100_bf16_fusion_0
//       SM90:   vector.load %{{.+}} : memref<800xbf16>, vector<4xbf16>
func.func @rms100_bf16(%x: tensor<8x100xbf16>, %w: tensor<100xbf16>) -> tensor<8x100xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<8x100xbf16>, tensor<100xbf16>) -> tensor<8x100xbf16> {
  ^bb0(%a: tensor<8x100xbf16>, %b: tensor<100xbf16>):
    %n = rong.rms_norm %a, %b axis = -1 epsilon = 1.000000e-05 : tensor<8x100xbf16>, tensor<100xbf16>
    rong.yield %n : tensor<8x100xbf16>
  }
  return %r : tensor<8x100xbf16>
}

// A column sum over 100 inner positions: vectors of 4 columns on the CPU.
// CPU-LABEL: gpu.func @column100_fusion_0
//       CPU:   vector.load %{{.+}} : memref<6400xf32>, vector<4xf32>
func.func @column100(%x: tensor<64x100xf32>) -> tensor<1x100xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<64x100xf32>) -> tensor<1x100xf32> {
  ^bb0(%a: tensor<64x100xf32>):
    %s = rong.reduce_sum %a axes = [0] keepdims : tensor<64x100xf32>
    rong.yield %s : tensor<1x100xf32>
  }
  return %r : tensor<1x100xf32>
}

// SM90-LABEL: gpu.func @softmax49_fusion_0
//   SM90-NOT:   vector.load
//       SM90:   gpu.return
func.func @softmax49(%x: tensor<16x49xf32>) -> tensor<16x49xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<16x49xf32>) -> tensor<16x49xf32> {
  ^bb0(%a: tensor<16x49xf32>):
    %s = rong.softmax %a axis = -1 : tensor<16x49xf32>
    rong.yield %s : tensor<16x49xf32>
  }
  return %r : tensor<16x49xf32>
}
