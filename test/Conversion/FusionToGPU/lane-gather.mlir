// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=GPU

// Tests that a gather along the input's innermost axis keeps its group
// vectorised (Resize's flattened 2x upsample): the index table, computed in
// the kernel from a per-row and a per-column table, is one vector of 8 i32,
// wrapped and clamped into [0, 15] as a vector; each lane then reads its
// element of the gathered value (here exp of the input, computed per lane)
// and the lanes form one vector for the rest of the group and its store.

// CHECK-LABEL: gpu.func @upsample_fusion_0
//       CHECK:   %[[ROW:.+]] = memref.load %{{.+}} : memref<4xi32>
//       CHECK:   %[[ROWS:.+]] = vector.broadcast %[[ROW]] : i32 to vector<8xi32>
//       CHECK:   %[[COLS:.+]] = vector.load %{{.+}} : memref<8xi32>, vector<8xi32>
//       CHECK:   %[[RAW:.+]] = arith.addi %[[ROWS]], %[[COLS]] : vector<8xi32>
//       CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[RAW]], %[[ZERO:.+]] : vector<8xi32>
//       CHECK:   %[[WRAP:.+]] = arith.addi %[[RAW]], %[[N:.+]] : vector<8xi32>
//       CHECK:   %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[RAW]]
//       CHECK:   %[[LO:.+]] = arith.maxsi %[[SEL]], %[[ZERO]] : vector<8xi32>
//       CHECK:   %[[IDX:.+]] = arith.minsi %[[LO]], %{{.+}} : vector<8xi32>
//       CHECK:   %[[I0:.+]] = vector.extract %[[IDX]][0] : i32 from vector<8xi32>
//       CHECK:   %[[J0:.+]] = arith.index_castui %[[I0]] : i32 to index
//       CHECK:   vector.extract %[[IDX]][7] : i32 from vector<8xi32>
//       CHECK:   %[[BASE:.+]] = arith.muli %{{.+}}, %c16 : index
//       CHECK:   %[[AT0:.+]] = arith.addi %[[BASE]], %[[J0]] : index
//       CHECK:   %[[X0:.+]] = memref.load %{{.+}}[%[[AT0]]] : memref<32xf32>
//       CHECK:   %[[E0:.+]] = math.exp %[[X0]] : f32
//       CHECK:   %[[V:.+]] = vector.from_elements %[[E0]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
//       CHECK:   %[[S:.+]] = arith.addf %[[V]], %[[V]] : vector<8xf32>
//       CHECK:   vector.store %[[S]], %{{.+}} : memref<64xf32>, vector<8xf32>
//   CHECK-NOT:   memref.store
func.func @upsample(%x: tensor<1x2x16xf32>, %r: tensor<4x1xi32>, %c: tensor<8xi32>) -> tensor<1x2x4x8xf32> {
  %y = rong.fusion kind = "loop" (%x, %r, %c) : (tensor<1x2x16xf32>, tensor<4x1xi32>, tensor<8xi32>) -> tensor<1x2x4x8xf32> {
  ^bb0(%a: tensor<1x2x16xf32>, %ri: tensor<4x1xi32>, %ci: tensor<8xi32>):
    %i = rong.add %ri, %ci : tensor<4x1xi32>, tensor<8xi32>
    %e = rong.exp %a : tensor<1x2x16xf32>
    %g = rong.gather %e, %i axis = 2 : tensor<1x2x16xf32>, tensor<4x8xi32>
    %s = rong.add %g, %g : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
    rong.yield %s : tensor<1x2x4x8xf32>
  }
  return %y : tensor<1x2x4x8xf32>
}

// -----

// Tests gather_elements along the last axis (a loss's pick of targets): the
// indices are read as one vector (8 lanes on the CPU, 4 in sm_90's 16-byte
// accesses), each lane reads its row's element, and the result is stored
// as one vector.

// CHECK-LABEL: gpu.func @pick_fusion_0
//       CHECK:   %[[ROW:.+]] = arith.divui %{{.+}}, %c8 : index
//       CHECK:   %[[RAW:.+]] = vector.load %{{.+}} : memref<32xi32>, vector<8xi32>
//       CHECK:   %[[IDX:.+]] = arith.minsi %{{.+}} : vector<8xi32>
//       CHECK:   %[[I1:.+]] = vector.extract %[[IDX]][1] : i32 from vector<8xi32>
//       CHECK:   %[[J1:.+]] = arith.index_castui %[[I1]] : i32 to index
//       CHECK:   %[[BASE:.+]] = arith.muli %[[ROW]], %c16 : index
//       CHECK:   %[[AT1:.+]] = arith.addi %[[BASE]], %[[J1]] : index
//       CHECK:   %[[X1:.+]] = memref.load %{{.+}}[%[[AT1]]] : memref<64xf32>
//       CHECK:   %[[V:.+]] = vector.from_elements %{{.+}}, %[[X1]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : vector<8xf32>
//       CHECK:   vector.store %[[V]], %{{.+}} : memref<32xf32>, vector<8xf32>

// GPU-LABEL: gpu.func @pick_fusion_0
//       GPU:   vector.load %{{.+}} : memref<32xi32>, vector<4xi32>
//       GPU:   vector.from_elements %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : vector<4xf32>
//       GPU:   vector.store %{{.+}} : memref<32xf32>, vector<4xf32>
func.func @pick(%x: tensor<4x16xf32>, %t: tensor<4x8xi32>) -> tensor<4x8xf32> {
  %r = rong.fusion kind = "loop" (%x, %t) : (tensor<4x16xf32>, tensor<4x8xi32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x16xf32>, %i: tensor<4x8xi32>):
    %g = rong.gather_elements %a, %i axis = 1 : tensor<4x16xf32>, tensor<4x8xi32>
    rong.yield %g : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// Tests gather_elements along the outer axis: lane k reads row index[k] at
// column c + k. The i64 indices bound the CPU vector to 4 lanes.

// CHECK-LABEL: gpu.func @pick_rows_fusion_0
//       CHECK:   %[[COL:.+]] = arith.remui %{{.+}}, %c8 : index
//       CHECK:   %[[IDX:.+]] = arith.minsi %{{.+}} : vector<4xi64>
//       CHECK:   %[[I1:.+]] = vector.extract %[[IDX]][1] : i64 from vector<4xi64>
//       CHECK:   %[[R1:.+]] = arith.index_castui %[[I1]] : i64 to index
//       CHECK:   %[[C1:.+]] = arith.addi %[[COL]], %c1 : index
//       CHECK:   %[[OFF1:.+]] = arith.muli %[[R1]], %c8 : index
//       CHECK:   %[[AT1:.+]] = arith.addi %[[OFF1]], %[[C1]] : index
//       CHECK:   %[[X1:.+]] = memref.load %{{.+}}[%[[AT1]]] : memref<40xf32>
//       CHECK:   vector.from_elements %{{.+}}, %[[X1]], %{{.+}}, %{{.+}} : vector<4xf32>
func.func @pick_rows(%x: tensor<5x8xf32>, %t: tensor<3x8xi64>) -> tensor<3x8xf32> {
  %r = rong.fusion kind = "loop" (%x, %t) : (tensor<5x8xf32>, tensor<3x8xi64>) -> tensor<3x8xf32> {
  ^bb0(%a: tensor<5x8xf32>, %i: tensor<3x8xi64>):
    %g = rong.gather_elements %a, %i axis = 0 : tensor<5x8xf32>, tensor<3x8xi64>
    rong.yield %g : tensor<3x8xf32>
  }
  return %r : tensor<3x8xf32>
}

// -----

// Tests that i32 indices into an axis of 2^31 elements, whose length i32
// cannot hold, are widened and clamped lane by lane.

// CHECK-LABEL: gpu.func @huge_axis_fusion_0
//       CHECK:   %[[RAW:.+]] = vector.load %{{.+}} : memref<8xi32>, vector<8xi32>
//       CHECK:   %[[I0:.+]] = vector.extract %[[RAW]][0] : i32 from vector<8xi32>
//       CHECK:   %[[J0:.+]] = arith.index_cast %[[I0]] : i32 to index
//       CHECK:   arith.addi %[[J0]], %c2147483648 : index
//       CHECK:   arith.minsi %{{.+}}, %c2147483647 : index
//   CHECK-NOT:   vector<8xi1>
//       CHECK:   vector.from_elements
func.func @huge_axis(%x: tensor<2147483648xf32>, %t: tensor<8xi32>) -> tensor<8xf32> {
  %r = rong.fusion kind = "loop" (%x, %t) : (tensor<2147483648xf32>, tensor<8xi32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<2147483648xf32>, %i: tensor<8xi32>):
    %g = rong.gather %a, %i axis = 0 : tensor<2147483648xf32>, tensor<8xi32>
    rong.yield %g : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

// Tests that a splat index along the innermost axis reads one element
// (-3 of 16 is column 13) and splats it.

// CHECK-LABEL: gpu.func @splat_index_fusion_0
//       CHECK:   %[[AT:.+]] = arith.addi %{{.+}}, %c13 : index
//       CHECK:   %[[X:.+]] = memref.load %{{.+}}[%[[AT]]] : memref<32xf32>
//       CHECK:   %[[V:.+]] = vector.broadcast %[[X]] : f32 to vector<8xf32>
//       CHECK:   vector.store %[[V]]
func.func @splat_index(%x: tensor<2x16xf32>) -> tensor<2x8xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<2x16xf32>) -> tensor<2x8xf32> {
  ^bb0(%a: tensor<2x16xf32>):
    %i = rong.constant dense<-3> : tensor<8xi64>
    %g = rong.gather %a, %i axis = 1 : tensor<2x16xf32>, tensor<8xi64>
    rong.yield %g : tensor<2x8xf32>
  }
  return %r : tensor<2x8xf32>
}
