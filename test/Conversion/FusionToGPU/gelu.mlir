// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests the two forms of GELU with erf. A result stored in bf16 or f16 takes
// x * Phi(x) with Phi(-|x|) = t * 2^(P(t) - z^2) (scripts/fit_gelu_erfc.py):
// an `afn` reciprocal and exp2, a degree-6 polynomial, no erf; the power of
// two is computed 2^24 times too large (in P's constant) and t scaled by
// 2^-24 with an ordinary multiply. An f32 result keeps
// 0.5 * x * (1 + erf(x / sqrt(2))) with an accurate erf.

// CHECK-LABEL: gpu.func @gelu_bf16_fusion_0
//       CHECK:   %[[X:.+]] = arith.extf %{{.+}} : vector<8xbf16> to vector<8xf32>
//       CHECK:   %[[ABS:.+]] = math.absf %[[X]]
//       CHECK:   %[[Z:.+]] = arith.mulf %[[ABS]], %{{.+}} : vector<8xf32>
//       CHECK:   arith.mulf %[[Z]], %{{.+}} fastmath<contract>
//       CHECK:   %[[D:.+]] = arith.addf %{{.+}} fastmath<contract>
//       CHECK:   %[[T:.+]] = arith.divf %{{.+}}, %[[D]] fastmath<afn> : vector<8xf32>
// CHECK-COUNT-6:   arith.mulf %{{.+}}, %{{.+}} fastmath<contract>
//       CHECK:   %[[T24:.+]] = arith.mulf %[[T]], %{{.+}} : vector<8xf32>
//       CHECK:   %[[E:.+]] = math.exp2 %{{.+}} fastmath<afn> : vector<8xf32>
//       CHECK:   %[[Q:.+]] = arith.mulf %[[T24]], %[[E]]
//       CHECK:   %[[UPPER:.+]] = arith.subf %{{.+}}, %[[Q]]
//       CHECK:   %[[NONNEG:.+]] = arith.cmpf oge, %[[X]]
//       CHECK:   %[[PHI:.+]] = arith.select %[[NONNEG]], %[[UPPER]], %[[Q]]
//       CHECK:   arith.mulf %[[X]], %[[PHI]]
//   CHECK-NOT:   math.erf
//       CHECK:   vector.store
func.func @gelu_bf16(%x: tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  ^bb0(%a: tensor<64x256xbf16>):
    %g = rong.gelu %a : tensor<64x256xbf16>
    rong.yield %g : tensor<64x256xbf16>
  }
  return %r : tensor<64x256xbf16>
}

// -----

// CHECK-LABEL: gpu.func @gelu_f16_fusion_0
//       CHECK:   math.exp2 %{{.+}} fastmath<afn> : vector<8xf32>
//   CHECK-NOT:   math.erf
func.func @gelu_f16(%x: tensor<64x256xf16>) -> tensor<64x256xf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf16>) -> tensor<64x256xf16> {
  ^bb0(%a: tensor<64x256xf16>):
    %g = rong.gelu %a : tensor<64x256xf16>
    rong.yield %g : tensor<64x256xf16>
  }
  return %r : tensor<64x256xf16>
}

// -----

// CHECK-LABEL: gpu.func @gelu_f32_fusion_0
//       CHECK:   math.erf %{{.+}} : vector<4xf32>
//   CHECK-NOT:   math.exp2
func.func @gelu_f32(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>):
    %g = rong.gelu %a : tensor<64x256xf32>
    rong.yield %g : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// -----

// The tanh approximation in bf16: x / (1 + e^(-2u)) with the `afn` exp2 and
// reciprocal, computed 2^24 times too large inside (so that the ftz forms a
// backend may use do not flush) and scaled back by an ordinary multiply.
// CHECK-LABEL: gpu.func @gelu_tanh_bf16_fusion_0
//       CHECK:   %[[X:.+]] = arith.extf %{{.+}} : vector<8xbf16> to vector<8xf32>
//       CHECK:   %[[X2:.+]] = arith.mulf %[[X]], %[[X]] : vector<8xf32>
//       CHECK:   %[[S:.+]] = arith.addf %{{.+}} fastmath<contract>
//       CHECK:   %[[W:.+]] = arith.mulf %[[X]], %[[S]] fastmath<contract>
//       CHECK:   %[[W24:.+]] = arith.addf %[[W]], %{{.+}} fastmath<contract>
//       CHECK:   %[[E:.+]] = math.exp2 %[[W24]] fastmath<afn>
//       CHECK:   %[[D:.+]] = arith.addf %[[E]], %{{.+}} : vector<8xf32>
//       CHECK:   %[[R:.+]] = arith.divf %{{.+}}, %[[D]] fastmath<afn>
//       CHECK:   %[[R1:.+]] = arith.mulf %[[R]], %{{.+}} : vector<8xf32>
//       CHECK:   arith.mulf %[[X]], %[[R1]] : vector<8xf32>
//   CHECK-NOT:   math.tanh
func.func @gelu_tanh_bf16(%x: tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  ^bb0(%a: tensor<64x256xbf16>):
    %g = rong.gelu %a approximate = tanh : tensor<64x256xbf16>
    rong.yield %g : tensor<64x256xbf16>
  }
  return %r : tensor<64x256xbf16>
}

// -----

// The tanh approximation in f32 keeps its formula.
// CHECK-LABEL: gpu.func @gelu_tanh_f32_fusion_0
//       CHECK:   math.tanh %{{.+}} : vector<4xf32>
//   CHECK-NOT:   math.exp2
func.func @gelu_tanh_f32(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>):
    %g = rong.gelu %a approximate = tanh : tensor<64x256xf32>
    rong.yield %g : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}
