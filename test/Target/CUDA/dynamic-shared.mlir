// RUN: rong-gpu-compile %s --target=sm_90 --emit=nvvm | FileCheck %s
// REQUIRES: libdevice
// RUN: rong-gpu-compile %s --target=sm_90 --emit=ptx --cuda-path=%cuda_path | FileCheck %s --check-prefix=PTX

// Tests that the dynamic shared memory holding a cached row is an external
// zero-length array, which NVPTX prints as `.extern .shared ... []` (the
// start of the launch's dynamic shared memory), not a one-byte variable
// placed among the static ones.

// CHECK: llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// PTX: .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// PTX: st.shared.v4.b32
func.func @mid_layer_norm(%x: tensor<4x49152xf32>, %g: tensor<49152xf32>) -> tensor<4x49152xf32> {
  %r = rong.fusion kind = "stitch" (%x, %g) : (tensor<4x49152xf32>, tensor<49152xf32>) -> tensor<4x49152xf32> {
  ^bb0(%a: tensor<4x49152xf32>, %c: tensor<49152xf32>):
    %n = rong.layer_norm %a, %c axis = -1 epsilon = 1.0e-05 : tensor<4x49152xf32>, tensor<49152xf32>
    rong.yield %n : tensor<4x49152xf32>
  }
  return %r : tensor<4x49152xf32>
}
