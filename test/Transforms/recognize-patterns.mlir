// RUN: rong-opt %s --rong-recognize-patterns --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: %[[S:.*]] = rong.softmax %arg0 axis = 1 : tensor<4x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m = rong.reduce_max %x axes = [1] keepdims : tensor<4x8xf32>
  %s = rong.sub %x, %m : tensor<4x8xf32>, tensor<4x1xf32>
  %e = rong.exp %s : tensor<4x8xf32>
  %z = rong.reduce_sum %e axes = [1] keepdims : tensor<4x8xf32>
  %y = rong.div %e, %z : tensor<4x8xf32>, tensor<4x1xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The max and the sum over different axes is not a softmax.
// CHECK-LABEL: func.func @not_softmax
// CHECK-NOT: rong.softmax
func.func @not_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m = rong.reduce_max %x axes = [0] keepdims : tensor<4x8xf32>
  %s = rong.sub %x, %m : tensor<4x8xf32>, tensor<1x8xf32>
  %e = rong.exp %s : tensor<4x8xf32>
  %z = rong.reduce_sum %e axes = [1] keepdims : tensor<4x8xf32>
  %y = rong.div %e, %z : tensor<4x8xf32>, tensor<4x1xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK-NEXT: %[[S:.*]] = rong.log_softmax %arg0 axis = 1 : tensor<4x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @log_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m = rong.reduce_max %x axes = [1] keepdims : tensor<4x8xf32>
  %s = rong.sub %x, %m : tensor<4x8xf32>, tensor<4x1xf32>
  %e = rong.exp %s : tensor<4x8xf32>
  %z = rong.reduce_sum %e axes = [1] keepdims : tensor<4x8xf32>
  %l = rong.log %z : tensor<4x1xf32>
  %y = rong.sub %s, %l : tensor<4x8xf32>, tensor<4x1xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_erf
// CHECK-NEXT: %[[G:.*]] = rong.gelu %arg0 : tensor<16xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu_erf(%x: tensor<16xf32>) -> tensor<16xf32> {
  %half = rong.constant dense<0.5> : tensor<f32>
  %one = rong.constant dense<1.0> : tensor<f32>
  %sqrt2 = rong.constant dense<1.41421354> : tensor<f32>
  %d = rong.div %x, %sqrt2 : tensor<16xf32>, tensor<f32>
  %e = rong.erf %d : tensor<16xf32>
  %p = rong.add %e, %one : tensor<16xf32>, tensor<f32>
  %h = rong.mul %x, %half : tensor<16xf32>, tensor<f32>
  %y = rong.mul %h, %p : tensor<16xf32>, tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_tanh
// CHECK: rong.gelu %arg0 approximate = tanh : tensor<16xf32>
// CHECK-NOT: rong.tanh
func.func @gelu_tanh(%x: tensor<16xf32>) -> tensor<16xf32> {
  %half = rong.constant dense<0.5> : tensor<f32>
  %one = rong.constant dense<1.0> : tensor<f32>
  %a = rong.constant dense<0.044715> : tensor<f32>
  %k = rong.constant dense<0.797884583> : tensor<f32>
  %three = rong.constant dense<3.0> : tensor<f32>
  %c = rong.pow %x, %three : tensor<16xf32>, tensor<f32>
  %ac = rong.mul %c, %a : tensor<16xf32>, tensor<f32>
  %s = rong.add %x, %ac : tensor<16xf32>, tensor<16xf32>
  %ks = rong.mul %s, %k : tensor<16xf32>, tensor<f32>
  %t = rong.tanh %ks : tensor<16xf32>
  %p = rong.add %t, %one : tensor<16xf32>, tensor<f32>
  %h = rong.mul %x, %half : tensor<16xf32>, tensor<f32>
  %y = rong.mul %h, %p : tensor<16xf32>, tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// A wrong constant (0.6 instead of 0.5) is left alone.
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: rong.gelu
func.func @not_gelu(%x: tensor<16xf32>) -> tensor<16xf32> {
  %half = rong.constant dense<0.6> : tensor<f32>
  %one = rong.constant dense<1.0> : tensor<f32>
  %sqrt2 = rong.constant dense<1.41421354> : tensor<f32>
  %d = rong.div %x, %sqrt2 : tensor<16xf32>, tensor<f32>
  %e = rong.erf %d : tensor<16xf32>
  %p = rong.add %e, %one : tensor<16xf32>, tensor<f32>
  %h = rong.mul %x, %half : tensor<16xf32>, tensor<f32>
  %y = rong.mul %h, %p : tensor<16xf32>, tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// RMSNorm as exported: pow, mean, add eps, rsqrt, mul, then a scale.
// CHECK-LABEL: func.func @rms_norm
// CHECK: %[[ONE:.*]] = rong.constant dense<1.000000e+00> : tensor<64xf32>
// CHECK: %[[N:.*]] = rong.rms_norm %arg0, %[[ONE]] axis = 1 epsilon = 9.9999999747524271E-7
// CHECK: rong.mul %[[N]], %arg1
// CHECK-NOT: rong.rsqrt
func.func @rms_norm(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> tensor<8x64xf32> {
  %two = rong.constant dense<2.0> : tensor<f32>
  %eps = rong.constant dense<1.0e-6> : tensor<f32>
  %sq = rong.pow %x, %two : tensor<8x64xf32>, tensor<f32>
  %m = rong.reduce_mean %sq axes = [-1] keepdims : tensor<8x64xf32>
  %a = rong.add %m, %eps : tensor<8x1xf32>, tensor<f32>
  %r = rong.rsqrt %a : tensor<8x1xf32>
  %n = rong.mul %x, %r : tensor<8x64xf32>, tensor<8x1xf32>
  %y = rong.mul %n, %g : tensor<8x64xf32>, tensor<64xf32>
  return %y : tensor<8x64xf32>
}

// -----

// RMSNorm as the ONNX exporter writes rsqrt: reciprocal(sqrt(.)), in bf16.
// CHECK-LABEL: func.func @rms_norm_reciprocal_sqrt
// CHECK: %[[N:.*]] = rong.rms_norm %arg0, %{{.*}} axis = 1
// CHECK: rong.mul %[[N]], %arg1
// CHECK-NOT: rong.reciprocal
func.func @rms_norm_reciprocal_sqrt(%x: tensor<8x64xbf16>, %g: tensor<64xbf16>) -> tensor<8x64xbf16> {
  %two = rong.constant dense<2.0> : tensor<bf16>
  %eps = rong.constant dense<1.0e-6> : tensor<bf16>
  %sq = rong.pow %x, %two : tensor<8x64xbf16>, tensor<bf16>
  %m = rong.reduce_mean %sq axes = [-1] keepdims : tensor<8x64xbf16>
  %a = rong.add %m, %eps : tensor<8x1xbf16>, tensor<bf16>
  %s = rong.sqrt %a : tensor<8x1xbf16>
  %r = rong.reciprocal %s : tensor<8x1xbf16>
  %n = rong.mul %x, %r : tensor<8x64xbf16>, tensor<8x1xbf16>
  %y = rong.mul %n, %g : tensor<8x64xbf16>, tensor<64xbf16>
  return %y : tensor<8x64xbf16>
}

// -----

// GELU (tanh) with its constants rounded to bf16 (0.044715 -> 0.0446777,
// sqrt(2/pi) -> 0.796875), as a bf16 model exports them.
// CHECK-LABEL: func.func @gelu_tanh_bf16
// CHECK: rong.gelu %arg0 approximate = tanh : tensor<16xbf16>
// CHECK-NOT: rong.tanh
func.func @gelu_tanh_bf16(%x: tensor<16xbf16>) -> tensor<16xbf16> {
  %half = rong.constant dense<0.5> : tensor<bf16>
  %one = rong.constant dense<1.0> : tensor<bf16>
  %a = rong.constant dense<0.044715> : tensor<bf16>
  %k = rong.constant dense<0.797884583> : tensor<bf16>
  %three = rong.constant dense<3.0> : tensor<bf16>
  %c = rong.pow %x, %three : tensor<16xbf16>, tensor<bf16>
  %ac = rong.mul %c, %a : tensor<16xbf16>, tensor<bf16>
  %s = rong.add %x, %ac : tensor<16xbf16>, tensor<16xbf16>
  %ks = rong.mul %s, %k : tensor<16xbf16>, tensor<bf16>
  %t = rong.tanh %ks : tensor<16xbf16>
  %p = rong.add %t, %one : tensor<16xbf16>, tensor<bf16>
  %h = rong.mul %x, %half : tensor<16xbf16>, tensor<bf16>
  %y = rong.mul %h, %p : tensor<16xbf16>, tensor<16xbf16>
  return %y : tensor<16xbf16>
}

// -----

// The same constants in f32 are 0.1% off: not GELU.
// CHECK-LABEL: func.func @gelu_tanh_f32_rounded
// CHECK-NOT: rong.gelu
func.func @gelu_tanh_f32_rounded(%x: tensor<16xf32>) -> tensor<16xf32> {
  %half = rong.constant dense<0.5> : tensor<f32>
  %one = rong.constant dense<1.0> : tensor<f32>
  %a = rong.constant dense<0.0446777344> : tensor<f32>
  %k = rong.constant dense<0.796875> : tensor<f32>
  %three = rong.constant dense<3.0> : tensor<f32>
  %c = rong.pow %x, %three : tensor<16xf32>, tensor<f32>
  %ac = rong.mul %c, %a : tensor<16xf32>, tensor<f32>
  %s = rong.add %x, %ac : tensor<16xf32>, tensor<16xf32>
  %ks = rong.mul %s, %k : tensor<16xf32>, tensor<f32>
  %t = rong.tanh %ks : tensor<16xf32>
  %p = rong.add %t, %one : tensor<16xf32>, tensor<f32>
  %h = rong.mul %x, %half : tensor<16xf32>, tensor<f32>
  %y = rong.mul %h, %p : tensor<16xf32>, tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// A relu whose only use is a max pool moves below it.
// CHECK-LABEL: func.func @pool_before_relu
// CHECK-NEXT: %[[P:.*]] = rong.max_pool2d %arg0 kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x4x8x8xf32>
// CHECK-NEXT: %[[R:.*]] = rong.relu %[[P]] : tensor<1x4x4x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @pool_before_relu(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %r = rong.relu %x : tensor<1x4x8x8xf32>
  %p = rong.max_pool2d %r kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x4x8x8xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// The relu has another use: it stays where it is.
// CHECK-LABEL: func.func @relu_used_twice
// CHECK-NEXT: rong.relu %arg0
// CHECK-NEXT: rong.max_pool2d
// CHECK-NEXT: return
func.func @relu_used_twice(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>) {
  %r = rong.relu %x : tensor<1x4x8x8xf32>
  %p = rong.max_pool2d %r kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x4x8x8xf32>
  return %p, %r : tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>
}

// -----

// A window of padding alone (a 1-row input, dilation 2 and pads of 1: the
// taps are rows -1 and 1) is -inf before a relu and 0 after it: no move.
// CHECK-LABEL: func.func @window_of_padding
// CHECK-NEXT: rong.relu %arg0
// CHECK-NEXT: rong.max_pool2d
func.func @window_of_padding(%x: tensor<1x2x1x4xf32>) -> tensor<1x2x1x4xf32> {
  %r = rong.relu %x : tensor<1x2x1x4xf32>
  %p = rong.max_pool2d %r kernel = [2, 1] strides = [1, 1] pads = [1, 0, 1, 0] dilations = [2, 1] : tensor<1x2x1x4xf32>
  return %p : tensor<1x2x1x4xf32>
}
