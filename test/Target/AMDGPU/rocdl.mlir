// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=rocdl | FileCheck %s
// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=llvm | FileCheck %s --check-prefix=LLVM
// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=llvm --code-object=5 | FileCheck %s --check-prefix=V5
// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=llvm | FileCheck %s --check-prefix=NOLIB

// Tests the lowering of kernel IR to the ROCDL dialect and LLVM IR: one
// pointer argument per buffer, a kernel (amdgpu_kernel) whose flat
// work-group size is the launch's block of 256, the block's scratch (4
// wavefronts x 1 reduction) a global in LDS (address space 3), the
// wavefront's butterfly as ds_bpermute (xor 32) and ds_swizzle (xor 16 ... 1),
// the barrier fenced at work-group scope, rsqrt as an LLVM intrinsic and no
// call into the ROCm device libraries. The module flag selects code object v4
// (400) unless --code-object=5 (500).

// CHECK: gpu.module @rms_norm_fusion_0 attributes {llvm.data_layout = "e-m:e-p:64:64-p1:64:64-p2:32:32-p3:32:32
// CHECK: llvm.mlir.global internal @__wg_rms_norm_fusion_0_0() {addr_space = 3 : i32} : !llvm.array<4 x f32>
// CHECK: llvm.func @rms_norm_fusion_0(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
// CHECK-SAME: rocdl.flat_work_group_size = "256,256"
// CHECK-SAME: rocdl.kernel
// CHECK-SAME: rocdl.reqd_work_group_size = array<i32: 256, 1, 1>
// CHECK: rocdl.workitem.id.x
// CHECK: rocdl.ds_bpermute
// CHECK-COUNT-5: rocdl.ds_swizzle
// CHECK: llvm.store %{{.+}}, %{{.+}} : f32, !llvm.ptr<3>
// CHECK: rocdl.barrier
// CHECK: llvm.load %{{.+}} : !llvm.ptr<3> -> f32
// CHECK-COUNT-2: rocdl.ds_swizzle
// CHECK: llvm.intr.sqrt
// CHECK: llvm.return

// LLVM: target triple = "amdgcn-amd-amdhsa"
// LLVM: @__wg_rms_norm_fusion_0_0 = internal unnamed_addr addrspace(3) global [4 x float] undef
// LLVM: define amdgpu_kernel void @rms_norm_fusion_0(ptr {{.*}}, ptr {{.*}}, ptr {{.*}}) {{.*}} #[[ATTRS:[0-9]+]] !reqd_work_group_size ![[BLOCK:[0-9]+]]
// LLVM: fence syncscope("workgroup") release
// LLVM-NEXT: tail call void @llvm.amdgcn.s.barrier()
// LLVM-NEXT: fence syncscope("workgroup") acquire
// LLVM: attributes #[[ATTRS]] = {{{.*}}"amdgpu-flat-work-group-size"="256,256"{{.*}}"uniform-work-group-size"="true"
// LLVM: !{i32 1, !"amdhsa_code_object_version", i32 400}
// LLVM: ![[BLOCK]] = !{i32 256, i32 1, i32 1}

// V5: !{i32 1, !"amdhsa_code_object_version", i32 500}

// NOLIB-NOT: ocml
// NOLIB-NOT: ockl
func.func @rms_norm(%x: tensor<8x4096xf32>, %w: tensor<4096xf32>) -> tensor<8x4096xf32> {
  %r = rong.fusion kind = "stitch" (%x, %w) : (tensor<8x4096xf32>, tensor<4096xf32>) -> tensor<8x4096xf32> {
  ^bb0(%a: tensor<8x4096xf32>, %b: tensor<4096xf32>):
    %n = rong.rms_norm %a, %b axis = -1 epsilon = 1.0e-06 : tensor<8x4096xf32>, tensor<4096xf32>
    rong.yield %n : tensor<8x4096xf32>
  }
  return %r : tensor<8x4096xf32>
}
