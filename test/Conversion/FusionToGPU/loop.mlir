// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that an f32 loop group becomes one kernel in its own gpu.module with
// the inputs then the outputs as memrefs, 128-bit accesses (vectorBytes / 4
// = 4 elements per thread), an exact grid, the launch configuration recorded
// on the kernel, and a gpu.launch_func on buffers in the host function.

// CHECK-LABEL: func.func @add
//  CHECK-SAME:   (%[[X:.+]]: tensor<64x256xf32>, %[[Y:.+]]: tensor<64x256xf32>)
//       CHECK:   %[[XB:.+]] = bufferization.to_buffer %[[X]] read_only
//       CHECK:   %[[YB:.+]] = bufferization.to_buffer %[[Y]] read_only
//       CHECK:   %[[OUT:.+]] = memref.alloc() {alignment = 64 : i64} : memref<64x256xf32>
//       CHECK:   gpu.launch_func @add_fusion_0::@add_fusion_0 blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}}) dynamic_shared_memory_size %{{.+}} args(%[[XB]] : memref<64x256xf32>, %[[YB]] : memref<64x256xf32>, %[[OUT]] : memref<64x256xf32>)
//       CHECK:   %[[R:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
//       CHECK:   return %[[R]]
//       CHECK: gpu.module @add_fusion_0
//       CHECK:   gpu.func @add_fusion_0(%[[A:.+]]: memref<64x256xf32>, %[[B:.+]]: memref<64x256xf32>, %[[O:.+]]: memref<64x256xf32>) kernel
//  CHECK-SAME:     known_block_size = array<i32: 256, 1, 1>
//  CHECK-SAME:     rong.args = ["in0", "in1", "out0"]
//  CHECK-SAME:     rong.block = array<i64: 256, 1, 1>
//  CHECK-SAME:     rong.grid = array<i64: 16, 1, 1>
//  CHECK-SAME:     rong.shared_bytes = 0 : i64
//  CHECK-SAME:     rong.strategy = "loop"
//   CHECK-DAG:     %[[FA:.+]] = memref.collapse_shape %[[A]] {{\[\[}}0, 1]] : memref<64x256xf32> into memref<16384xf32>
//   CHECK-DAG:     %[[FO:.+]] = memref.collapse_shape %[[O]] {{\[\[}}0, 1]]
//       CHECK:     %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//   CHECK-NOT:     scf.if
//       CHECK:     %[[VA:.+]] = vector.load %[[FA]][%[[I]]] {alignment = 16 : i64} : memref<16384xf32>, vector<4xf32>
//       CHECK:     %[[VB:.+]] = vector.load %{{.+}}[%[[I]]] {alignment = 16 : i64}
//       CHECK:     %[[S:.+]] = arith.addf %[[VA]], %[[VB]] : vector<4xf32>
//       CHECK:     vector.store %[[S]], %[[FO]][%[[I]]] {alignment = 16 : i64}
func.func @add(%x: tensor<64x256xf32>, %y: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>, %b: tensor<64x256xf32>):
    %s = rong.add %a, %b : tensor<64x256xf32>, tensor<64x256xf32>
    rong.yield %s : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// -----

// Tests that bf16 loads are 8 wide, widen to f32, and that a row vector
// broadcast over the rows is addressed modulo its length.

// CHECK-LABEL: gpu.func @bias_gelu_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 32, 1, 1>
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c8 : index
//       CHECK:   %[[X:.+]] = vector.load %{{.+}}[%[[I]]] {alignment = 16 : i64} : memref<65536xbf16>, vector<8xbf16>
//       CHECK:   %[[XF:.+]] = arith.extf %[[X]] : vector<8xbf16> to vector<8xf32>
//       CHECK:   %[[COL:.+]] = arith.remui %[[I]], %c4096 : index
//       CHECK:   %[[B:.+]] = vector.load %{{.+}}[%[[COL]]] {alignment = 16 : i64} : memref<4096xbf16>, vector<8xbf16>
//       CHECK:   math.exp2 %{{.+}} fastmath<afn> : vector<8xf32>
//       CHECK:   %[[T:.+]] = arith.truncf %{{.+}} : vector<8xf32> to vector<8xbf16>
//       CHECK:   vector.store %[[T]], %{{.+}}[%[[I]]]
func.func @bias_gelu(%x: tensor<16x4096xbf16>, %b: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %r = rong.fusion kind = "loop" (%x, %b) : (tensor<16x4096xbf16>, tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a0: tensor<16x4096xbf16>, %a1: tensor<4096xbf16>):
    %t = rong.add %a0, %a1 : tensor<16x4096xbf16>, tensor<4096xbf16>
    %g = rong.gelu %t : tensor<16x4096xbf16>
    rong.yield %g : tensor<16x4096xbf16>
  }
  return %r : tensor<16x4096xbf16>
}

// -----

// Tests that an operand broadcast along the innermost axis is read once per
// vector and splat, its row found by delinearising the linear index.

// CHECK-LABEL: gpu.func @sub_row_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//       CHECK:   %[[X:.+]] = vector.load %{{.+}}[%[[I]]]
//       CHECK:   %[[Q:.+]] = arith.divui %[[I]], %c256 : index
//       CHECK:   %[[ROW:.+]] = arith.remui %[[Q]], %c64 : index
//       CHECK:   %[[C:.+]] = memref.load %{{.+}}[%[[ROW]]] : memref<64xf32>
//       CHECK:   %[[CV:.+]] = vector.broadcast %[[C]] : f32 to vector<4xf32>
//       CHECK:   arith.subf %[[X]], %[[CV]] : vector<4xf32>
func.func @sub_row(%x: tensor<64x256xf32>, %c: tensor<64x1xf32>) -> tensor<64x256xf32> {
  %r = rong.fusion kind = "loop" (%x, %c) : (tensor<64x256xf32>, tensor<64x1xf32>) -> tensor<64x256xf32> {
  ^bb0(%a: tensor<64x256xf32>, %b: tensor<64x1xf32>):
    %s = rong.sub %a, %b : tensor<64x256xf32>, tensor<64x1xf32>
    rong.yield %s : tensor<64x256xf32>
  }
  return %r : tensor<64x256xf32>
}

// -----

// Tests that an innermost size that is not a multiple of the vector width
// falls back to one element per thread with a guarded tail, that i1 results
// are stored as such, and that where/clip/compare/constants are evaluated in
// f32.

// CHECK-LABEL: gpu.func @odd_fusion_0
//  CHECK-SAME:     rong.args = ["in0", "out0", "out1"]
//  CHECK-SAME:     rong.grid = array<i64: 1, 1, 1>
//       CHECK:   %[[I:.+]] = arith.addi
//       CHECK:   %[[IN:.+]] = arith.cmpi ult, %[[I]], %c15 : index
//       CHECK:   scf.if %[[IN]] {
//       CHECK:     %[[X:.+]] = memref.load %{{.+}}[%[[I]]] : memref<15xf16>
//       CHECK:     %[[XF:.+]] = arith.extf %[[X]] : f16 to f32
//       CHECK:     %[[P:.+]] = arith.cmpf ogt, %[[XF]], %{{.+}} : f32
//       CHECK:     %[[LO:.+]] = arith.maximumf %[[XF]], %{{.+}} : f32
//       CHECK:     %[[HI:.+]] = arith.minimumf %[[LO]], %{{.+}} : f32
//       CHECK:     %[[W:.+]] = arith.select %[[P]], %[[HI]], %{{.+}} : f32
//       CHECK:     %[[T:.+]] = arith.truncf %[[W]] : f32 to f16
//       CHECK:     memref.store %[[T]], %{{.+}}[%[[I]]] : memref<15xf16>
//       CHECK:     memref.store %[[P]], %{{.+}}[%[[I]]] : memref<15xi1>
func.func @odd(%x: tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  %r:2 = rong.fusion kind = "loop" (%x) : (tensor<3x5xf16>) -> (tensor<3x5xf16>, tensor<3x5xi1>) {
  ^bb0(%a: tensor<3x5xf16>):
    %z = rong.constant dense<0.0> : tensor<f16>
    %p = rong.gt %a, %z : tensor<3x5xf16>, tensor<f16>
    %c = rong.clip %a min = -1.0 max = 1.0 : tensor<3x5xf16>
    %w = rong.where %p, %c, %z : tensor<3x5xi1>, tensor<3x5xf16>, tensor<f16>
    rong.yield %w, %p : tensor<3x5xf16>, tensor<3x5xi1>
  }
  return %r#0, %r#1 : tensor<3x5xf16>, tensor<3x5xi1>
}
