// RUN: rong-opt %s --rong-form-fusions --split-input-file | FileCheck %s
// RUN: rong-opt %s --rong-form-fusions=target=sm_90 --split-input-file | FileCheck %s --check-prefix=SM90
// RUN: rong-opt %s --rong-form-fusions=target=gfx906 --split-input-file | FileCheck %s --check-prefix=GFX906

// Softmax spelled out: reduce, broadcast back, reduce, broadcast back. One
// stitch group on every target.
// CHECK-LABEL: func.func @softmax_decomposed
// CHECK: rong.fusion kind = "stitch"
// CHECK-COUNT-2: rong.reduce_
// CHECK: rong.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
// SM90-LABEL: func.func @softmax_decomposed
// SM90: rong.fusion kind = "stitch"
// SM90-NOT: rong.fusion
func.func @softmax_decomposed(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %m = rong.reduce_max %x axes = [1] keepdims : tensor<64x1024xf32>
  %s = rong.sub %x, %m : tensor<64x1024xf32>, tensor<64x1xf32>
  %e = rong.exp %s : tensor<64x1024xf32>
  %z = rong.reduce_sum %e axes = [1] keepdims : tensor<64x1024xf32>
  %y = rong.div %e, %z : tensor<64x1024xf32>, tensor<64x1xf32>
  return %y : tensor<64x1024xf32>
}

// -----

// Residual add + LayerNorm + a scale after it: one stitch group.
// CHECK-LABEL: func.func @residual_layer_norm
// SM90-LABEL: func.func @residual_layer_norm
// CHECK: rong.fusion kind = "stitch" (%arg0, %arg1, %arg2, %arg3)
// CHECK: rong.add
// CHECK: rong.layer_norm
// CHECK: rong.mul
// CHECK: rong.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @residual_layer_norm(%x: tensor<128x768xf32>, %r: tensor<128x768xf32>,
                               %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<128x768xf32> {
  %h = rong.add %x, %r : tensor<128x768xf32>, tensor<128x768xf32>
  %n = rong.layer_norm %h, %g, %b axis = -1 epsilon = 1.0e-5 : tensor<128x768xf32>, tensor<768xf32>, tensor<768xf32>
  %half = rong.constant dense<0.5> : tensor<f32>
  %y = rong.mul %n, %half : tensor<128x768xf32>, tensor<f32>
  return %y : tensor<128x768xf32>
}

// -----

// A 32768-element f32 row (128 KiB) stays on chip on the CPU (1 MiB per core)
// and on sm_90 (227 KiB per block) but not on gfx906 (64 KiB of LDS). It is
// one stitch group everywhere: the row kernels loop over rows of any length,
// and re-reading the row for the output pass costs no more than the separate
// kernel would (form-fusions-explain.mlir shows the report's note).
// CHECK-LABEL: func.func @long_row
// CHECK-COUNT-1: rong.fusion kind = "stitch"
// SM90-LABEL: func.func @long_row
// SM90-COUNT-1: rong.fusion kind = "stitch"
// GFX906-LABEL: func.func @long_row
// GFX906: rong.fusion kind = "stitch"
// GFX906-NOT: rong.fusion
// GFX906: return
func.func @long_row(%x: tensor<16x32768xf32>) -> tensor<16x32768xf32> {
  %m = rong.reduce_mean %x axes = [1] keepdims : tensor<16x32768xf32>
  %y = rong.sub %x, %m : tensor<16x32768xf32>, tensor<16x1xf32>
  return %y : tensor<16x32768xf32>
}

// -----

// A reduction over one axis feeding a reduction over another needs the first
// result in memory: two groups.
// CHECK-LABEL: func.func @cross_axis
// CHECK: rong.fusion kind = "reduction"
// CHECK: rong.reduce_sum {{.*}} axes = [1]
// CHECK: rong.fusion kind = "reduction"
// CHECK: rong.reduce_max {{.*}} axes = [0]
func.func @cross_axis(%x: tensor<32x64xf32>) -> tensor<1x1xf32> {
  %s = rong.reduce_sum %x axes = [1] keepdims : tensor<32x64xf32>
  %m = rong.reduce_max %s axes = [0] keepdims : tensor<32x1xf32>
  return %m : tensor<1x1xf32>
}

// -----

// Elementwise producers and per-row consumers of a reduction: one reduction
// group (input and output fusion).
// CHECK-LABEL: func.func @input_output
// CHECK: rong.fusion kind = "reduction"
// CHECK: rong.mul
// CHECK: rong.reduce_sum
// CHECK: rong.sqrt
// CHECK: rong.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @input_output(%x: tensor<32x64xf32>) -> tensor<32xf32> {
  %sq = rong.mul %x, %x : tensor<32x64xf32>, tensor<32x64xf32>
  %s = rong.reduce_sum %sq axes = [1] : tensor<32x64xf32>
  %n = rong.sqrt %s : tensor<32xf32>
  return %n : tensor<32xf32>
}
