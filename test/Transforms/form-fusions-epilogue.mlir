// RUN: rong-opt %s --rong-form-fusions --split-input-file | FileCheck %s

// matmul + bias + GELU: one epilogue group.
// CHECK-LABEL: func.func @bias_gelu
// CHECK: rong.fusion kind = "epilogue" (%arg0, %arg1, %arg2)
// CHECK: rong.matmul
// CHECK: rong.add
// CHECK: rong.gelu
// CHECK: rong.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @bias_gelu(%x: tensor<128x768xf32>, %w: tensor<768x3072xf32>, %b: tensor<3072xf32>) -> tensor<128x3072xf32> {
  %m = rong.matmul %x, %w : tensor<128x768xf32>, tensor<768x3072xf32>
  %a = rong.add %m, %b : tensor<128x3072xf32>, tensor<3072xf32>
  %g = rong.gelu %a : tensor<128x3072xf32>
  return %g : tensor<128x3072xf32>
}

// -----

// Conv + per-channel scale and shift (a decomposed batch norm) + residual +
// ReLU: one epilogue group.
// CHECK-LABEL: func.func @conv_bn_relu
// CHECK: rong.fusion kind = "epilogue"
// CHECK: rong.conv2d
// CHECK: rong.relu
// CHECK: rong.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @conv_bn_relu(%x: tensor<1x64x56x56xf32>, %w: tensor<64x64x3x3xf32>,
                        %s: tensor<64x1x1xf32>, %t: tensor<64x1x1xf32>) -> tensor<1x64x56x56xf32> {
  %c = rong.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>
  %m = rong.mul %c, %s : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>
  %a = rong.add %m, %t : tensor<1x64x56x56xf32>, tensor<64x1x1xf32>
  %r = rong.add %a, %x : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>
  %y = rong.relu %r : tensor<1x64x56x56xf32>
  return %y : tensor<1x64x56x56xf32>
}

// -----

// Elementwise work on a matmul's operand is not fused into it (no prologue
// fusion): the scale is its own group.
// CHECK-LABEL: func.func @no_prologue
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.mul
// CHECK: rong.fusion kind = "contraction"
// CHECK: rong.matmul
func.func @no_prologue(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %c = rong.constant dense<0.125> : tensor<f32>
  %q = rong.mul %x, %c : tensor<64x64xf32>, tensor<f32>
  %m = rong.matmul %q, %w : tensor<64x64xf32>, tensor<64x64xf32>
  return %m : tensor<64x64xf32>
}

// -----

// A norm after a matmul needs whole rows of the product: the matmul is a
// library call, and the bias add joins the norm's stitch group.
// CHECK-LABEL: func.func @matmul_then_norm
// CHECK: rong.fusion kind = "contraction"
// CHECK: rong.matmul
// CHECK: rong.fusion kind = "stitch"
// CHECK: rong.add
// CHECK: rong.rms_norm
func.func @matmul_then_norm(%x: tensor<64x256xf32>, %w: tensor<256x256xf32>,
                            %b: tensor<256xf32>, %g: tensor<256xf32>) -> tensor<64x256xf32> {
  %m = rong.matmul %x, %w : tensor<64x256xf32>, tensor<256x256xf32>
  %a = rong.add %m, %b : tensor<64x256xf32>, tensor<256xf32>
  %n = rong.rms_norm %a, %g axis = -1 epsilon = 1.0e-6 : tensor<64x256xf32>, tensor<256xf32>
  return %n : tensor<64x256xf32>
}
