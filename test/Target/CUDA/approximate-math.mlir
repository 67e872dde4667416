// REQUIRES: libdevice
// RUN: rong-gpu-compile %s --target=sm_90 --emit=ptx --cuda-path=%cuda_path | FileCheck %s

// Tests that the `afn` reciprocal and exp2 of a bf16 GELU become the ftz
// MUFU forms, one instruction each with no denormal rescaling around them,
// while an ordinary division keeps IEEE rounding and an f32 GELU keeps
// libdevice's erf.

// CHECK-LABEL: // rong.kernel @gelu_bf16_fusion_0
//   CHECK-NOT: div.rn.f32
//       CHECK: rcp.approx.ftz.f32
//   CHECK-NOT: rcp.approx.f32
//       CHECK: ex2.approx.ftz.f32
//   CHECK-NOT: ex2.approx.f32
//       CHECK: st.global.v4.b32
func.func @gelu_bf16(%x: tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xbf16>) -> tensor<64x256xbf16> {
  ^bb0(%a: tensor<64x256xbf16>):
    %g = rong.gelu %a : tensor<64x256xbf16>
    rong.yield %g : tensor<64x256xbf16>
  }
  return %r : tensor<64x256xbf16>
}

// CHECK-LABEL: // rong.kernel @divide_fusion_0
//   CHECK-NOT: rcp.approx
//       CHECK: div.rn.f32
func.func @divide(%x: tensor<64x256xf32>, %y: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>, %b: tensor<64x256xf32>):
    %q = rong.div %a, %b : tensor<64x256xf32>, tensor<64x256xf32>
    rong.yield %q : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// CHECK-LABEL: // rong.kernel @gelu_f32_fusion_0
//   CHECK-NOT: rcp.approx
//       CHECK: fma.rn.f32
//       CHECK: st.global.v4.b32
func.func @gelu_f32(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>):
    %g = rong.gelu %a : tensor<64x256xf32>
    rong.yield %g : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}
