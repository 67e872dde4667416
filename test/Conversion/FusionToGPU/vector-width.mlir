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

// Loop groups that read every value at the element's own linear offset
// (elementwise on the result's shape, reshapes, one-element operands) run
// over their linear offsets: 1x64x7x7 = 3136 elements take 8 lanes on the
// CPU and 4 on sm_90 although 7 does not divide by either.
// CPU-LABEL: gpu.func @linear7_fusion_0
//       CPU:   vector.load %{{.+}} : memref<3136xf32>, vector<8xf32>
//       CPU:   vector.load %{{.+}} : memref<3136xf32>, vector<8xf32>
//       CPU:   vector.store %{{.+}} : memref<3136xf32>, vector<8xf32>
// SM90-LABEL: gpu.func @linear7_fusion_0
//       SM90:   vector.load %{{.+}} : memref<3136xf32>, vector<4xf32>
func.func @linear7(%x: tensor<1x64x7x7xf32>, %y: tensor<64x49xf32>, %s: tensor<1x1x1x1xf32>) -> tensor<1x64x7x7xf32> {
  %r = rong.fusion kind = "loop" (%x, %y, %s) : (tensor<1x64x7x7xf32>, tensor<64x49xf32>, tensor<1x1x1x1xf32>) -> tensor<1x64x7x7xf32> {
  ^bb0(%a: tensor<1x64x7x7xf32>, %b: tensor<64x49xf32>, %c: tensor<1x1x1x1xf32>):
    %rb = rong.reshape %b shape = [1, 64, 7, 7] : tensor<64x49xf32>
    %t = rong.add %a, %rb : tensor<1x64x7x7xf32>, tensor<1x64x7x7xf32>
    %m = rong.mul %t, %c : tensor<1x64x7x7xf32>, tensor<1x1x1x1xf32>
    rong.yield %m : tensor<1x64x7x7xf32>
  }
  return %r : tensor<1x64x7x7xf32>
}

// A bias along an innermost axis of 12 is not read at the linear offset;
// the width narrows to 4 (12 = 3 x 4) instead of falling back to scalars.
// CPU-LABEL: gpu.func @bias12_fusion_0
//       CPU:   vector.load %{{.+}} : memref<768xf32>, vector<4xf32>
//       CPU:   vector.load %{{.+}} : memref<12xf32>, vector<4xf32>
func.func @bias12(%x: tensor<64x12xf32>, %b: tensor<12xf32>) -> tensor<64x12xf32> {
  %r = rong.fusion kind = "loop" (%x, %b) : (tensor<64x12xf32>, tensor<12xf32>) -> tensor<64x12xf32> {
  ^bb0(%a: tensor<64x12xf32>, %c: tensor<12xf32>):
    %s = rong.add %a, %c : tensor<64x12xf32>, tensor<12xf32>
    rong.yield %s : tensor<64x12xf32>
  }
  return %r : tensor<64x12xf32>
}

// A per-row scale (64x1) changes within a run that crosses rows, so an
// innermost axis of 7 stays one element per thread.
// CPU-LABEL: gpu.func @rowscale7_fusion_0
//   CPU-NOT:   vector.load
//       CPU:   gpu.return
func.func @rowscale7(%x: tensor<64x7xf32>, %s: tensor<64x1xf32>) -> tensor<64x7xf32> {
  %r = rong.fusion kind = "loop" (%x, %s) : (tensor<64x7xf32>, tensor<64x1xf32>) -> tensor<64x7xf32> {
  ^bb0(%a: tensor<64x7xf32>, %c: tensor<64x1xf32>):
    %m = rong.mul %a, %c : tensor<64x7xf32>, tensor<64x1xf32>
    rong.yield %m : tensor<64x7xf32>
  }
  return %r : tensor<64x7xf32>
}
