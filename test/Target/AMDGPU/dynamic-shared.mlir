// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=rocdl | FileCheck %s
// RUN: rong-gpu-compile %s --target=rocm:gfx906 --emit=hsaco -o %t.hsaco
// RUN: llvm-readelf --notes %t.hsaco | FileCheck %s --check-prefix=NOTES
// REQUIRES: ld.lld

// Tests that dynamic shared memory becomes LLVM's dynamic LDS: an external,
// zero-length, 16-byte aligned global in address space 3 (HIP's `extern
// __shared__`), placed after the static LDS and sized by the launch. The
// kernel's group segment holds only the static buffer (17 x f32 = 68 bytes),
// rounded up to the dynamic LDS's alignment: 80. The kernel IR is written by
// hand: for gfx906 no strategy caches a row in LDS (a row too long for
// registers does not fit 64 KiB).

// CHECK: llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK: llvm.mlir.global internal @__wg_reverse_fusion_0_0() {addr_space = 3 : i32} : !llvm.array<17 x f32>
// CHECK: llvm.func @reverse_fusion_0
// CHECK: llvm.mlir.addressof @__dynamic_shmem__0 : !llvm.ptr<3>

// NOTES: .group_segment_fixed_size: 80
// NOTES: .name: reverse_fusion_0
module attributes {gpu.container_module} {
  gpu.module @reverse_fusion_0 {
    gpu.func @reverse_fusion_0(%in: memref<256xf32>, %out: memref<256xf32>) workgroup(%scratch : memref<17xf32, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 256, 1, 1>, known_grid_size = array<i32: 1, 1, 1>, rong.block = array<i64: 256, 1, 1>, rong.grid = array<i64: 1, 1, 1>, rong.shared_bytes = 1024 : i64} {
      %tid = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c15 = arith.constant 15 : index
      %c255 = arith.constant 255 : index
      %dyn = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %row = memref.view %dyn[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<256xf32, #gpu.address_space<workgroup>>
      %x = memref.load %in[%tid] : memref<256xf32>
      memref.store %x, %row[%tid] : memref<256xf32, #gpu.address_space<workgroup>>
      %lane = arith.andi %tid, %c15 : index
      memref.store %x, %scratch[%lane] : memref<17xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %j = arith.subi %c255, %tid : index
      %y = memref.load %row[%j] : memref<256xf32, #gpu.address_space<workgroup>>
      %k = arith.subi %c15, %lane : index
      %z = memref.load %scratch[%k] : memref<17xf32, #gpu.address_space<workgroup>>
      %s = arith.addf %y, %z : f32
      memref.store %s, %out[%tid] : memref<256xf32>
      gpu.return
    }
  }
}
