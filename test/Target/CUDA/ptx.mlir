// REQUIRES: libdevice
// RUN: rong-gpu-compile %s --target=sm_90 --emit=ptx --cuda-path=%cuda_path | FileCheck %s

// Tests the PTX of a row-per-subgroup softmax: a kernel entry taking one
// pointer per buffer (bare-pointer convention), the launch bounds from the
// known block size, 128-bit global loads and stores, xor butterflies, and
// exp from libdevice inlined (no call left).

// CHECK: // rong.kernel @softmax_fusion_0
// CHECK: .target sm_90
// CHECK: .visible .entry softmax_fusion_0(
// CHECK-NEXT: .param .u64 .ptr .align 1 softmax_fusion_0_param_0,
// CHECK-NEXT: .param .u64 .ptr .align 1 softmax_fusion_0_param_1
// CHECK-NEXT: )
// CHECK-NEXT: .maxntid 32, 8, 1
// CHECK-NOT: call
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly.b32 {{.+}}, 16, 31, -1;
// CHECK: ex2.approx
// CHECK: st.global.v4.b32
// CHECK-NOT: .local
func.func @softmax(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  ^bb0(%a: tensor<64x1024xf32>):
    %s = rong.softmax %a axis = -1 : tensor<64x1024xf32>
    rong.yield %s : tensor<64x1024xf32>
  }
  return %r : tensor<64x1024xf32>
}
