// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=SM90

// Tests Hardmax's stitch on the cpu target: each lane keeps a (value, i64
// column) pair, starting from (-inf, INT64_MAX) so that a masked lane loses
// every tie; a pair replaces the running one when its value is larger, equal
// with a smaller index, or NaN. The lanes are merged pairwise, and the
// resulting index is compared with the [16] iota along the row.

// CHECK-LABEL: gpu.func @hardmax_fusion_0
//   CHECK-DAG:   %[[LANES:.+]] = arith.constant dense<[0, 1, 2, 3]> : vector<4xi64>
//   CHECK-DAG:   %[[NONE:.+]] = arith.constant dense<9223372036854775807> : vector<4xi64>
//   CHECK-DAG:   %[[NEGINF:.+]] = arith.constant dense<0xFF800000> : vector<4xf32>
//       CHECK:   %[[V:.+]] = vector.load %{{.+}} : memref<64xf32>, vector<4xf32>
//       CHECK:   %[[C:.+]] = arith.index_cast %{{.+}} : index to i64
//       CHECK:   %[[CB:.+]] = vector.broadcast %[[C]] : i64 to vector<4xi64>
//       CHECK:   %[[IDX:.+]] = arith.addi %[[CB]], %[[LANES]] : vector<4xi64>
//       CHECK:   %[[FIRST:.+]] = arith.cmpi slt, %[[IDX]], %[[NONE]] : vector<4xi64>
//       CHECK:   %[[GT:.+]] = arith.cmpf ogt, %[[V]], %[[NEGINF]] : vector<4xf32>
//       CHECK:   %[[EQ:.+]] = arith.cmpf oeq, %[[V]], %[[NEGINF]] : vector<4xf32>
//       CHECK:   %[[NAN:.+]] = arith.cmpf uno, %[[V]], %[[V]] : vector<4xf32>
//       CHECK:   %[[TIE:.+]] = arith.andi %[[EQ]], %[[FIRST]] : vector<4xi1>
//       CHECK:   %[[NANWINS:.+]] = arith.andi %[[NAN]], %{{.+}} : vector<4xi1>
//       CHECK:   %[[BETTER:.+]] = arith.ori %[[GT]], %[[TIE]] : vector<4xi1>
//       CHECK:   %[[TAKE:.+]] = arith.ori %[[BETTER]], %[[NANWINS]] : vector<4xi1>
//       CHECK:   arith.select %[[TAKE]], %[[V]], %[[NEGINF]] : vector<4xi1>, vector<4xf32>
//       CHECK:   arith.select %[[TAKE]], %[[IDX]], %[[NONE]] : vector<4xi1>, vector<4xi64>
//       CHECK:   vector.extract %{{.+}}[3] : i64 from vector<4xi64>
//       CHECK:   %[[SPLAT:.+]] = vector.broadcast %{{.+}} : i64 to vector<4xi64>
//       CHECK:   %[[IOTA:.+]] = vector.load %{{.+}} : memref<16xi64>, vector<4xi64>
//       CHECK:   %[[HIT:.+]] = arith.cmpi eq, %[[SPLAT]], %[[IOTA]] : vector<4xi64>
//       CHECK:   arith.select %[[HIT]], %{{.+}}, %{{.+}} : vector<4xi1>, vector<4xf32>
func.func @hardmax(%x: tensor<4x16xf32>, %iota: tensor<16xi64>) -> tensor<4x16xf32> {
  %r = rong.fusion kind = "stitch" (%x, %iota) : (tensor<4x16xf32>, tensor<16xi64>) -> tensor<4x16xf32> {
  ^bb0(%a: tensor<4x16xf32>, %i: tensor<16xi64>):
    %m = rong.argmax %a axis = 1 keepdims : tensor<4x16xf32>
    %h = rong.eq %m, %i : tensor<4x1xi64>, tensor<16xi64>
    %y = rong.cast %h to f32 : tensor<4x16xi1>
    rong.yield %y : tensor<4x16xf32>
  }
  return %r : tensor<4x16xf32>
}

// -----

// Tests a long row on sm_90 with ties to the last index: f32 values keep
// four lanes (the i64 result is one per row and does not narrow them), masked
// lanes start at index -1, the pairs are shuffled together (value and index)
// through the subgroup, and across subgroups through an f32 and an i64
// scratch buffer with one barrier.

// SM90-LABEL: gpu.func @argmax_last_fusion_0
//  SM90-SAME:     workgroup(%[[F:.+]] : memref<32xf32, #gpu.address_space<workgroup>>, %[[I:.+]] : memref<32xi64, #gpu.address_space<workgroup>>)
//  SM90-SAME:     rong.strategy = "row.block"
//   SM90-DAG:   arith.constant dense<-1> : vector<4xi64>
//       SM90:   vector.load %{{.+}} : memref<16384xf32>, vector<4xf32>
//       SM90:   arith.cmpi sgt, %{{.+}}, %{{.+}} : vector<4xi64>
//       SM90:   %[[SV:.+]], %{{.+}} = gpu.shuffle  xor %{{.+}}, %c16_i32, %c32_i32 : f32
//       SM90:   %[[SI:.+]], %{{.+}} = gpu.shuffle  xor %{{.+}}, %c16_i32, %c32_i32 : i64
//       SM90:   arith.cmpi sgt, %[[SI]], %{{.+}} : i64
//       SM90:   memref.store %{{.+}}, %[[F]][%{{.+}}]
//       SM90:   memref.store %{{.+}}, %[[I]][%{{.+}}]
//       SM90:   gpu.barrier
//       SM90:   memref.load %[[F]]
//       SM90:   memref.load %[[I]]
//       SM90:   memref.store %{{.+}} : memref<2xi64>
func.func @argmax_last(%x: tensor<2x8192xf32>) -> tensor<2xi64> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<2x8192xf32>) -> tensor<2xi64> {
  ^bb0(%a: tensor<2x8192xf32>):
    %m = rong.argmax %a axis = 1 select_last_index : tensor<2x8192xf32>
    rong.yield %m : tensor<2xi64>
  }
  return %r : tensor<2xi64>
}

// -----

// Tests an integer argmax: values compare signed, starting from the
// smallest i32.

// CHECK-LABEL: gpu.func @argmax_i32_fusion_0
//       CHECK:   arith.constant dense<-2147483648> : vector<8xi32>
//       CHECK:   arith.cmpi sgt, %{{.+}}, %{{.+}} : vector<8xi32>
//       CHECK:   arith.cmpi eq, %{{.+}}, %{{.+}} : vector<8xi32>
//   CHECK-NOT:   arith.cmpf
//       CHECK:   memref.store %{{.+}} : memref<3xi64>
func.func @argmax_i32(%x: tensor<3x64xi32>) -> tensor<3xi64> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<3x64xi32>) -> tensor<3xi64> {
  ^bb0(%a: tensor<3x64xi32>):
    %m = rong.argmax %a axis = -1 : tensor<3x64xi32>
    rong.yield %m : tensor<3xi64>
  }
  return %r : tensor<3xi64>
}
