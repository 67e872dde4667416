// RUN: rong-opt %s --split-input-file --rong-expand-row-ops | FileCheck %s
// RUN: rong-opt %s --split-input-file --rong-expand-row-ops=reciprocal-softmax=true | FileCheck %s --check-prefix=RCP

// Tests that softmax becomes max, shift, exp, sum and divide over the same
// axis, with keepdims reductions. With reciprocal-softmax (the CPU's form),
// the sum's reciprocal multiplies each element instead.

// CHECK-LABEL: func.func @softmax
//       CHECK:   ^bb0(%[[X:.+]]: tensor<4x8xf32>):
//       CHECK:     %[[M:.+]] = rong.reduce_max %[[X]] axes = [1] keepdims : tensor<4x8xf32>
//       CHECK:     %[[D:.+]] = rong.sub %[[X]], %[[M]] : tensor<4x8xf32>, tensor<4x1xf32>
//       CHECK:     %[[E:.+]] = rong.exp %[[D]] : tensor<4x8xf32>
//       CHECK:     %[[S:.+]] = rong.reduce_sum %[[E]] axes = [1] keepdims : tensor<4x8xf32>
//       CHECK:     %[[Y:.+]] = rong.div %[[E]], %[[S]] : tensor<4x8xf32>, tensor<4x1xf32>
//       CHECK:     rong.yield %[[Y]]
// RCP-LABEL: func.func @softmax
//       RCP:     %[[S:.+]] = rong.reduce_sum %[[E:.+]] axes = [1] keepdims : tensor<4x8xf32>
//       RCP:     %[[R:.+]] = rong.reciprocal %[[S]] : tensor<4x1xf32>
//       RCP:     %[[Y:.+]] = rong.mul %[[E]], %[[R]] : tensor<4x8xf32>, tensor<4x1xf32>
//       RCP:     rong.yield %[[Y]]
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %s = rong.softmax %a axis = -1 : tensor<4x8xf32>
    rong.yield %s : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// Tests that log_softmax subtracts the log of the sum from the shifted input.

// CHECK-LABEL: func.func @log_softmax
//       CHECK:   %[[M:.+]] = rong.reduce_max %{{.+}} axes = [1] keepdims
//       CHECK:   %[[D:.+]] = rong.sub %{{.+}}, %[[M]]
//       CHECK:   %[[E:.+]] = rong.exp %[[D]]
//       CHECK:   %[[S:.+]] = rong.reduce_sum %[[E]] axes = [1] keepdims
//       CHECK:   %[[L:.+]] = rong.log %[[S]]
//       CHECK:   %[[Y:.+]] = rong.sub %[[D]], %[[L]]
//       CHECK:   rong.yield %[[Y]]
func.func @log_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %s = rong.log_softmax %a axis = 1 : tensor<4x8xf32>
    rong.yield %s : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// Tests that a bf16 LayerNorm over the last two axes computes in f32 (inputs,
// scale and bias cast up, epsilon an f32 constant) with a two-pass variance,
// and casts the result back once.

// CHECK-LABEL: func.func @layer_norm
//       CHECK:   ^bb0(%[[X:[^:]+]]: tensor<2x4x8xbf16>, %[[G:[^:]+]]: tensor<4x8xbf16>, %[[B:[^:]+]]: tensor<4x8xbf16>):
//   CHECK-DAG:     %[[EPS:.+]] = rong.constant dense<9.99999974E-6> : tensor<f32>
//   CHECK-DAG:     %[[XF:.+]] = rong.cast %[[X]] to f32 : tensor<2x4x8xbf16>
//       CHECK:     %[[MEAN:.+]] = rong.reduce_mean %[[XF]] axes = [1, 2] keepdims : tensor<2x4x8xf32>
//       CHECK:     %[[D:.+]] = rong.sub %[[XF]], %[[MEAN]] : tensor<2x4x8xf32>, tensor<2x1x1xf32>
//       CHECK:     %[[SQ:.+]] = rong.mul %[[D]], %[[D]]
//       CHECK:     %[[VAR:.+]] = rong.reduce_mean %[[SQ]] axes = [1, 2] keepdims
//       CHECK:     %[[VE:.+]] = rong.add %[[VAR]], %[[EPS]] : tensor<2x1x1xf32>, tensor<f32>
//       CHECK:     %[[R:.+]] = rong.rsqrt %[[VE]]
//       CHECK:     %[[N:.+]] = rong.mul %[[D]], %[[R]]
//       CHECK:     %[[GF:.+]] = rong.cast %[[G]] to f32
//       CHECK:     %[[S:.+]] = rong.mul %[[N]], %[[GF]]
//       CHECK:     %[[BF:.+]] = rong.cast %[[B]] to f32
//       CHECK:     %[[Y:.+]] = rong.add %[[S]], %[[BF]]
//       CHECK:     %[[YB:.+]] = rong.cast %[[Y]] to bf16 : tensor<2x4x8xf32>
//       CHECK:     rong.yield %[[YB]]
func.func @layer_norm(%x: tensor<2x4x8xbf16>, %g: tensor<4x8xbf16>, %b: tensor<4x8xbf16>) -> tensor<2x4x8xbf16> {
  %r = rong.fusion kind = "stitch" (%x, %g, %b) : (tensor<2x4x8xbf16>, tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<2x4x8xbf16> {
  ^bb0(%a: tensor<2x4x8xbf16>, %c: tensor<4x8xbf16>, %d: tensor<4x8xbf16>):
    %n = rong.layer_norm %a, %c, %d axis = 1 epsilon = 1.0e-05 : tensor<2x4x8xbf16>, tensor<4x8xbf16>, tensor<4x8xbf16>
    rong.yield %n : tensor<2x4x8xbf16>
  }
  return %r : tensor<2x4x8xbf16>
}

// -----

// Tests that RMSNorm divides by the root of the mean square plus epsilon and
// scales, without subtracting a mean.

// CHECK-LABEL: func.func @rms_norm
//       CHECK:   ^bb0(%[[X:[^:]+]]: tensor<4x8xf32>, %[[W:[^:]+]]: tensor<8xf32>):
//   CHECK-NOT:     rong.cast
//       CHECK:     %[[SQ:.+]] = rong.mul %[[X]], %[[X]]
//       CHECK:     %[[MS:.+]] = rong.reduce_mean %[[SQ]] axes = [1] keepdims
//       CHECK:     %[[MSE:.+]] = rong.add %[[MS]], %{{.+}} : tensor<4x1xf32>, tensor<f32>
//       CHECK:     %[[R:.+]] = rong.rsqrt %[[MSE]]
//       CHECK:     %[[N:.+]] = rong.mul %[[X]], %[[R]]
//       CHECK:     %[[Y:.+]] = rong.mul %[[N]], %[[W]]
//       CHECK:     rong.yield %[[Y]]
func.func @rms_norm(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<8xf32>):
    %n = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<4x8xf32>, tensor<8xf32>
    rong.yield %n : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}
