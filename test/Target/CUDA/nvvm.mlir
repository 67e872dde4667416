// RUN: rong-gpu-compile %s --target=sm_90 --emit=nvvm | FileCheck %s

// Tests the lowering of kernel IR to the NVVM dialect: one pointer argument
// per buffer, the known block size kept as maxntid, the block's shared
// scratch a global in address space 3 (8 subgroups x 1 reduction), barriers
// and shuffles as NVVM ops, math as calls into libdevice (linked later).
// No CUDA toolkit is involved.

// CHECK: gpu.module @rms_norm_fusion_0
// CHECK: llvm.mlir.global internal @__wg_rms_norm_fusion_0_0() {addr_space = 3 : i32
// CHECK-SAME: !llvm.array<8 x f32>
// CHECK: llvm.func @__nv_rsqrtf(f32) -> f32
// CHECK: llvm.func @rms_norm_fusion_0(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
// CHECK-SAME: gpu.kernel
// CHECK-SAME: nvvm.kernel
// CHECK-SAME: nvvm.maxntid = array<i32: 256, 1, 1>
// CHECK: nvvm.shfl.sync bfly
// CHECK: nvvm.barrier
// CHECK: llvm.return
func.func @rms_norm(%x: tensor<8x4096xf32>, %w: tensor<4096xf32>) -> tensor<8x4096xf32> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<8x4096xf32>, tensor<4096xf32>) -> tensor<8x4096xf32> {
  ^bb0(%a: tensor<8x4096xf32>, %b: tensor<4096xf32>):
    %n = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<8x4096xf32>, tensor<4096xf32>
    rong.yield %n : tensor<8x4096xf32>
  }
  return %r : tensor<8x4096xf32>
}
