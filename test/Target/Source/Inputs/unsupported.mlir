// Kernel IR with an op the source backend does not print.
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%x: memref<64xf32>) kernel attributes {rong.args = ["in0"], rong.block = array<i64: 64, 1, 1>, rong.grid = array<i64: 1, 1, 1>, rong.shared_bytes = 0 : i64} {
      %t = gpu.thread_id x
      %v = memref.load %x[%t] : memref<64xf32>
      %s = gpu.subgroup_reduce add %v : (f32) -> f32
      memref.store %s, %x[%t] : memref<64xf32>
      gpu.return
    }
  }
}
