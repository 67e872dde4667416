// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s

// Tests that on the cpu target (one-thread blocks, 32-byte vectors) a
// transpose keeping the innermost axis is 8 wide, one block per vector:
// block (1, 1, 1), grid 32768 / 8, the same index map as on a GPU.

// CHECK-LABEL: gpu.func @cpu_transpose_inner_fusion_0
//  CHECK-SAME:     rong.block = array<i64: 1, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 4096, 1, 1>
//       CHECK:   %[[T:.+]] = arith.addi %{{.*}}block_id_x, %{{.*}}thread_id_x : index
//       CHECK:   %[[I:.+]] = arith.muli %[[T]], %c8 : index
//   CHECK-DAG:   %[[C0:.+]] = arith.divui %[[I]], %c512 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.remui %{{.+}}, %c2 : index
//   CHECK-DAG:   arith.muli %[[C1]], %c16384 : index
//   CHECK-DAG:   arith.muli %[[C0]], %c256 : index
//       CHECK:   %[[V:.+]] = vector.load %{{.+}} {alignment = 32 : i64} : memref<32768xf32>, vector<8xf32>
//       CHECK:   vector.store %[[V]], %{{.+}}[%[[I]]] {alignment = 32 : i64}
func.func @cpu_transpose_inner(%x: tensor<2x64x256xf32>) -> tensor<64x2x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<2x64x256xf32>) -> tensor<64x2x256xf32> {
  ^bb0(%a: tensor<2x64x256xf32>):
    %t = rong.transpose %a permutation = [1, 0, 2] : tensor<2x64x256xf32>
    rong.yield %t : tensor<64x2x256xf32>
  }
  return %r : tensor<64x2x256xf32>
}

// -----

// Tests the scalar fallback on the cpu target: one element per block, no
// tail guard (the grid is exact with one-thread blocks).

// CHECK-LABEL: gpu.func @cpu_transpose_2d_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 3072, 1, 1>
//   CHECK-NOT:   scf.if
//       CHECK:   %[[C:.+]] = arith.remui %{{.+}}, %c96 : index
//       CHECK:   arith.muli %[[C]], %c32 : index
//       CHECK:   memref.load %{{.+}} : memref<3072xf32>
func.func @cpu_transpose_2d(%x: tensor<96x32xf32>) -> tensor<32x96xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<96x32xf32>) -> tensor<32x96xf32> {
  ^bb0(%a: tensor<96x32xf32>):
    %t = rong.transpose %a permutation = [1, 0] : tensor<96x32xf32>
    rong.yield %t : tensor<32x96xf32>
  }
  return %r : tensor<32x96xf32>
}

// -----

// Tests the concat chain on the cpu target.

// CHECK-LABEL: gpu.func @cpu_concat3_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 36, 1, 1>
//       CHECK:   %[[C:.+]] = arith.remui %{{.+}}, %c9 : index
//       CHECK:   %[[P0:.+]] = arith.cmpi ult, %[[C]], %c3 : index
//       CHECK:   scf.if %[[P0]] -> (f32) {
//       CHECK:   } else {
//       CHECK:     %[[P1:.+]] = arith.cmpi ult, %[[C]], %c8 : index
//       CHECK:     scf.if %[[P1]] -> (f32) {
//       CHECK:       arith.addi %[[C]], %c-3 : index
func.func @cpu_concat3(%x: tensor<4x3xf32>, %y: tensor<4x5xf32>, %z: tensor<4x1xf32>) -> tensor<4x9xf32> {
  %r = rong.fusion kind = "loop" (%x, %y, %z) : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32>) -> tensor<4x9xf32> {
  ^bb0(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %c: tensor<4x1xf32>):
    %k = rong.concat %a, %b, %c axis = -1 : tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32>
    rong.yield %k : tensor<4x9xf32>
  }
  return %r : tensor<4x9xf32>
}

// -----

// Tests a row pad of bf16 on the cpu target: 16 elements per block, one
// bounds check per vector.

// CHECK-LABEL: gpu.func @cpu_pad_rows_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 8, 1, 1>
//       CHECK:   %[[R:.+]] = arith.divui %{{.+}}, %c16 : index
//       CHECK:   %[[IN:.+]] = arith.cmpi uge, %[[R]], %c2 : index
//       CHECK:   scf.if %[[IN]] -> (vector<16xf32>) {
//       CHECK:     vector.load %{{.+}} {alignment = 32 : i64} : memref<96xbf16>, vector<16xbf16>
func.func @cpu_pad_rows(%x: tensor<6x16xbf16>) -> tensor<8x16xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<6x16xbf16>) -> tensor<8x16xbf16> {
  ^bb0(%a: tensor<6x16xbf16>):
    %p = rong.pad %a pads = [2, 0, 0, 0] mode = constant value = 0.0 : tensor<6x16xbf16>
    rong.yield %p : tensor<8x16xbf16>
  }
  return %r : tensor<8x16xbf16>
}

// -----

// Tests the embedding gather on the cpu target: the index clamped, the row
// read 8 wide.

// CHECK-LABEL: gpu.func @cpu_gather_rows_fusion_0
//       CHECK:   %[[RAW:.+]] = memref.load %{{.+}} : memref<128xi64>
//       CHECK:   %[[IDX:.+]] = arith.index_cast %[[RAW]] : i64 to index
//       CHECK:   %[[ROW:.+]] = arith.minsi %{{.+}}, %c99 : index
//       CHECK:   %[[RS:.+]] = arith.muli %[[ROW]], %c64 : index
//       CHECK:   vector.load %{{.+}} {alignment = 32 : i64} : memref<6400xf32>, vector<8xf32>
func.func @cpu_gather_rows(%t: tensor<100x64xf32>, %ids: tensor<8x16xi64>) -> tensor<8x16x64xf32> {
  %r = rong.fusion kind = "loop" (%t, %ids) : (tensor<100x64xf32>, tensor<8x16xi64>) -> tensor<8x16x64xf32> {
  ^bb0(%a: tensor<100x64xf32>, %i: tensor<8x16xi64>):
    %g = rong.gather %a, %i axis = 0 : tensor<100x64xf32>, tensor<8x16xi64>
    rong.yield %g : tensor<8x16x64xf32>
  }
  return %r : tensor<8x16x64xf32>
}

// -----

// Tests the mask on the cpu target: i64 loads bound the vector to 4.

// CHECK-LABEL: gpu.func @cpu_where_mask_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 16, 1, 1>
//       CHECK:   %[[M:.+]] = vector.load %{{.+}} {alignment = 32 : i64} : memref<16xi64>, vector<4xi64>
//       CHECK:   arith.cmpi eq, %[[M]], %{{.+}} : vector<4xi64>
//       CHECK:   arith.sitofp %[[M]] : vector<4xi64> to vector<4xf32>
func.func @cpu_where_mask(%m: tensor<2x1x8xi64>, %x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %r = rong.fusion kind = "loop" (%m, %x) : (tensor<2x1x8xi64>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  ^bb0(%a: tensor<2x1x8xi64>, %b: tensor<2x4x8xf32>):
    %z = rong.constant dense<0> : tensor<i64>
    %e = rong.eq %a, %z : tensor<2x1x8xi64>, tensor<i64>
    %n = rong.constant dense<-1.0e+09> : tensor<f32>
    %w = rong.where %e, %n, %b : tensor<2x1x8xi1>, tensor<f32>, tensor<2x4x8xf32>
    %f = rong.cast %a to f32 : tensor<2x1x8xi64>
    %s = rong.add %w, %f : tensor<2x4x8xf32>, tensor<2x1x8xf32>
    rong.yield %s : tensor<2x4x8xf32>
  }
  return %r : tensor<2x4x8xf32>
}

// -----

// Tests the padded max pool on the cpu target: the same window loop.

// CHECK-LABEL: gpu.func @cpu_max_pad_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 512, 1, 1>
//   CHECK-DAG:   %[[NINF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args(%{{.+}} = %[[NINF]]) -> (f32) {
//       CHECK:     scf.for
//       CHECK:       %[[IN:.+]] = arith.andi
//       CHECK:       %[[X:.+]] = memref.load %{{.+}} : memref<2048xf32>
//       CHECK:       %[[XM:.+]] = arith.select %[[IN]], %[[X]], %[[NINF]] : f32
//       CHECK:       arith.maximumf %{{.+}}, %[[XM]] : f32
func.func @cpu_max_pad(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  ^bb0(%a: tensor<1x8x16x16xf32>):
    %p = rong.max_pool2d %a kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x8x16x16xf32>
    rong.yield %p : tensor<1x8x8x8xf32>
  }
  return %r : tensor<1x8x8x8xf32>
}

// -----

// Tests the average pool's divisor on the cpu target.

// CHECK-LABEL: gpu.func @cpu_avg_include_ceil_fusion_0
//       CHECK:   %[[S:.+]]:2 = scf.for
//       CHECK:   arith.divf %[[S]]#0, %[[S]]#1 : f32
func.func @cpu_avg_include_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  ^bb0(%a: tensor<1x2x6x6xf32>):
    %p = rong.avg_pool2d %a kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode count_include_pad : tensor<1x2x6x6xf32>
    rong.yield %p : tensor<1x2x4x4xf32>
  }
  return %r : tensor<1x2x4x4xf32>
}
