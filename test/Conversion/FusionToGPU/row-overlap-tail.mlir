// RUN: rong-opt %s --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s

// Tests that CPU rows the full vector width does not divide keep it: the
// last chunk re-reads the row's last 8 elements, overlapping the chunk
// before it, and a constant lane mask keeps the overlapped lanes out of the
// reductions; stores write the overlap again. Every vector access is then
// aligned to one element only. A row whose operands broadcast inside it
// (a [3, 100] row times a [100] weight) halves the width instead, and a row
// narrower than the vector stays scalar.

// 197 = 24 whole chunks (a loop of 4 accumulator sets) and a tail at 189
// whose first 3 lanes were covered by the chunk at 184.
// CHECK-LABEL: gpu.func @softmax197_fusion_0
//   CHECK-DAG:   %[[MASK:.+]] = arith.constant dense<[false, false, false, true, true, true, true, true]> : vector<8xi1>
//   CHECK-DAG:   %[[C189:.+]] = arith.constant 189 : index
//   CHECK-DAG:   %[[C24:.+]] = arith.constant 24 : index
//       CHECK:   scf.for %{{.+}} = %{{.+}} to %[[C24]] step %{{.+}} iter_args
//       CHECK:     vector.load %{{.+}} {alignment = 4 : i64} : memref<788xf32>, vector<8xf32>
//       CHECK:   %[[TAILAT:.+]] = arith.addi %{{.+}}, %[[C189]] : index
//       CHECK:   %[[TAIL:.+]] = vector.load %{{.+}}[%[[TAILAT]]] {alignment = 4 : i64} : memref<788xf32>, vector<8xf32>
//       CHECK:   arith.select %[[MASK]], %[[TAIL]], %{{.+}} : vector<8xi1>, vector<8xf32>
//       CHECK:   vector.reduction <maximumf>
//       CHECK:   scf.for %{{.+}} = %{{.+}} to %[[C24]]
//       CHECK:   vector.store %{{.+}}, %{{.+}}[%[[C189]]] {alignment = 4 : i64} : memref<197xf32, #gpu.address_space<workgroup>>
//       CHECK:   arith.select %[[MASK]]
//       CHECK:   vector.reduction <add>
//       CHECK:   scf.for %{{.+}} = %{{.+}} to %[[C24]]
//       CHECK:   vector.store %{{.+}}, %{{.+}}[%[[TAILAT]]] {alignment = 4 : i64} : memref<788xf32>, vector<8xf32>
//   CHECK-NOT:   memref.load
//       CHECK:   gpu.return
func.func @softmax197(%x: tensor<4x197xf32>) -> tensor<4x197xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<4x197xf32>) -> tensor<4x197xf32> {
  ^bb0(%a: tensor<4x197xf32>):
    %s = rong.softmax %a axis = -1 : tensor<4x197xf32>
    rong.yield %s : tensor<4x197xf32>
  }
  return %r : tensor<4x197xf32>
}

// A row kept in registers: chunks at 0 and 8, the tail at 12 with its first
// 4 lanes masked.
// CHECK-LABEL: gpu.func @sum20_fusion_0
//   CHECK-DAG:   %[[MASK:.+]] = arith.constant dense<[false, false, false, false, true, true, true, true]> : vector<8xi1>
//   CHECK-DAG:   %[[C12:.+]] = arith.constant 12 : index
//   CHECK-NOT:   scf.for
//       CHECK:   vector.load
//       CHECK:   vector.load
//       CHECK:   %[[TAILAT:.+]] = arith.addi %{{.+}}, %[[C12]] : index
//       CHECK:   %[[TAIL:.+]] = vector.load %{{.+}}[%[[TAILAT]]] {alignment = 4 : i64} : memref<160xf32>, vector<8xf32>
//       CHECK:   arith.select %[[MASK]], %[[TAIL]], %{{.+}} : vector<8xi1>, vector<8xf32>
//       CHECK:   vector.reduction <add>
func.func @sum20(%x: tensor<8x20xf32>) -> tensor<8x1xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<8x20xf32>) -> tensor<8x1xf32> {
  ^bb0(%a: tensor<8x20xf32>):
    %s = rong.reduce_sum %a axes = [1] keepdims : tensor<8x20xf32>
    rong.yield %s : tensor<8x1xf32>
  }
  return %r : tensor<8x1xf32>
}

// 300 elements in 4-element vectors, aligned: 75 chunks, a loop over 72 in
// sets of 4 and the 3 left over after it.
// CHECK-LABEL: gpu.func @rows3x100_fusion_0
//   CHECK-DAG:   %[[C72:.+]] = arith.constant 72 : index
//       CHECK:   scf.for %{{.+}} = %{{.+}} to %[[C72]] step %{{.+}} iter_args({{.+}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
//       CHECK:   scf.yield
// CHECK-COUNT-6:   vector.load %{{.+}} {alignment = 16 : i64} : memref<{{1200|100}}xf32>, vector<4xf32>
//   CHECK-NOT:   vector.load
//       CHECK:   vector.reduction <add>
func.func @rows3x100(%x: tensor<4x3x100xf32>, %w: tensor<100xf32>) -> tensor<4x1x1xf32> {
  %r = rong.fusion kind = "reduction" (%x, %w) : (tensor<4x3x100xf32>, tensor<100xf32>) -> tensor<4x1x1xf32> {
  ^bb0(%a: tensor<4x3x100xf32>, %b: tensor<100xf32>):
    %m = rong.mul %a, %b : tensor<4x3x100xf32>, tensor<100xf32>
    %s = rong.reduce_sum %m axes = [1, 2] keepdims : tensor<4x3x100xf32>
    rong.yield %s : tensor<4x1x1xf32>
  }
  return %r : tensor<4x1x1xf32>
}

// CHECK-LABEL: gpu.func @softmax5_fusion_0
//   CHECK-NOT:   vector.load
//       CHECK:   gpu.return
func.func @softmax5(%x: tensor<16x5xf32>) -> tensor<16x5xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<16x5xf32>) -> tensor<16x5xf32> {
  ^bb0(%a: tensor<16x5xf32>):
    %s = rong.softmax %a axis = -1 : tensor<16x5xf32>
    rong.yield %s : tensor<16x5xf32>
  }
  return %r : tensor<16x5xf32>
}
