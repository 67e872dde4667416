// Kernel IR, written by hand, with an f64 exponential: the AMDGPU backend
// would need the ROCm device libraries for it.
module attributes {gpu.container_module} {
  gpu.module @exp_f64_fusion_0 {
    gpu.func @exp_f64_fusion_0(%in: memref<64xf64>, %out: memref<64xf64>) kernel attributes {known_block_size = array<i32: 64, 1, 1>, known_grid_size = array<i32: 1, 1, 1>, rong.block = array<i64: 64, 1, 1>, rong.grid = array<i64: 1, 1, 1>} {
      %tid = gpu.thread_id x
      %x = memref.load %in[%tid] : memref<64xf64>
      %y = math.exp %x : f64
      memref.store %y, %out[%tid] : memref<64xf64>
      gpu.return
    }
  }
}
