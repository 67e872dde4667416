// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s

// Tests that a transpose that keeps the innermost axis stays 4 wide: the
// output position is delinearised over [64, 2, 256] and re-linearised with
// the permuted input strides (input [2, 64, 256]: out[1] * 16384 +
// out[0] * 256 + out[2]).

// CHECK-LABEL: gpu.func @transpose_inner_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//   CHECK-DAG:   %[[C0:.+]] = arith.divui %[[I]], %c512 : index
//   CHECK-DAG:   %[[Q:.+]] = arith.divui %[[I]], %c256 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.remui %[[Q]], %c2 : index
//   CHECK-DAG:   %[[C2:.+]] = arith.remui %[[I]], %c256 : index
//   CHECK-DAG:   %[[A:.+]] = arith.muli %[[C1]], %c16384 : index
//   CHECK-DAG:   %[[B:.+]] = arith.muli %[[C0]], %c256 : index
//       CHECK:   %[[AB:.+]] = arith.addi %[[A]], %[[B]] : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[AB]], %[[C2]] : index
//       CHECK:   %[[V:.+]] = vector.load %{{.+}}[%[[OFF]]] {alignment = 16 : i64} : memref<32768xf32>, vector<4xf32>
//       CHECK:   vector.store %[[V]], %{{.+}}[%[[I]]] {alignment = 16 : i64}
func.func @transpose_inner(%x: tensor<2x64x256xf32>) -> tensor<64x2x256xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<2x64x256xf32>) -> tensor<64x2x256xf32> {
  ^bb0(%a: tensor<2x64x256xf32>):
    %t = rong.transpose %a permutation = [1, 0, 2] : tensor<2x64x256xf32>
    rong.yield %t : tensor<64x2x256xf32>
  }
  return %r : tensor<64x2x256xf32>
}

// -----

// Tests that a transpose that moves the innermost axis falls back to one
// element per thread: input [96, 32] read at out[1] * 32 + out[0].

// CHECK-LABEL: gpu.func @transpose_2d_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 12, 1, 1>
//       CHECK:   %[[I:.+]] = arith.addi
//   CHECK-DAG:   %[[R:.+]] = arith.divui %[[I]], %c96 : index
//   CHECK-DAG:   %[[C:.+]] = arith.remui %[[I]], %c96 : index
//       CHECK:   %[[S:.+]] = arith.muli %[[C]], %c32 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[S]], %[[R]] : index
//       CHECK:   %[[V:.+]] = memref.load %{{.+}}[%[[OFF]]] : memref<3072xf32>
//       CHECK:   memref.store %[[V]], %{{.+}}[%[[I]]] : memref<3072xf32>
//   CHECK-NOT:   vector.load
func.func @transpose_2d(%x: tensor<96x32xf32>) -> tensor<32x96xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<96x32xf32>) -> tensor<32x96xf32> {
  ^bb0(%a: tensor<96x32xf32>):
    %t = rong.transpose %a permutation = [1, 0] : tensor<96x32xf32>
    rong.yield %t : tensor<32x96xf32>
  }
  return %r : tensor<32x96xf32>
}

// -----

// Tests that reshapes keep the linear offset (two reshapes cost nothing),
// and that a value used twice at the same position is loaded once.

// CHECK-LABEL: gpu.func @reshape_transpose_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//   CHECK-DAG:   %[[C0:.+]] = arith.divui %[[I]], %c512 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.remui %{{.+}}, %c8 : index
//   CHECK-DAG:   %[[C2:.+]] = arith.remui %[[I]], %c64 : index
//   CHECK-DAG:   arith.muli %[[C1]], %c768 : index
//   CHECK-DAG:   arith.muli %[[C0]], %c64 : index
//       CHECK:   %[[V:.+]] = vector.load %{{.+}} : memref<6144xf32>, vector<4xf32>
//   CHECK-NOT:   vector.load
//       CHECK:   %[[M:.+]] = arith.mulf %[[V]], %[[V]] : vector<4xf32>
//       CHECK:   vector.store %[[M]]
func.func @reshape_transpose(%x: tensor<8x12x64xf32>) -> tensor<12x8x64xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<8x12x64xf32>) -> tensor<12x8x64xf32> {
  ^bb0(%a: tensor<8x12x64xf32>):
    %s = rong.reshape %a shape = [96, 64] : tensor<8x12x64xf32>
    %q = rong.reshape %s shape = [8, 12, 64] : tensor<96x64xf32>
    %t = rong.transpose %q permutation = [1, 0, 2] : tensor<8x12x64xf32>
    %u = rong.mul %t, %t : tensor<12x8x64xf32>, tensor<12x8x64xf32>
    rong.yield %u : tensor<12x8x64xf32>
  }
  return %r : tensor<12x8x64xf32>
}

// -----

// Tests that broadcast_to of a [4, 1] column over [3, 4, 16] reads one
// element per vector, at the row (out / 16) mod 4, and splats it.

// CHECK-LABEL: gpu.func @broadcast_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//       CHECK:   %[[X:.+]] = vector.load %{{.+}}[%[[I]]] {alignment = 16 : i64} : memref<192xf32>, vector<4xf32>
//       CHECK:   %[[Q:.+]] = arith.divui %[[I]], %c16 : index
//       CHECK:   %[[ROW:.+]] = arith.remui %[[Q]], %c4 : index
//       CHECK:   %[[S:.+]] = memref.load %{{.+}}[%[[ROW]]] : memref<4xf32>
//       CHECK:   %[[SV:.+]] = vector.broadcast %[[S]] : f32 to vector<4xf32>
//       CHECK:   arith.addf %[[X]], %[[SV]] : vector<4xf32>
func.func @broadcast(%x: tensor<4x1xf32>, %y: tensor<3x4x16xf32>) -> tensor<3x4x16xf32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<4x1xf32>, tensor<3x4x16xf32>) -> tensor<3x4x16xf32> {
  ^bb0(%a: tensor<4x1xf32>, %b: tensor<3x4x16xf32>):
    %t = rong.transpose %b permutation = [0, 1, 2] : tensor<3x4x16xf32>
    %s = rong.broadcast_to %a shape = [3, 4, 16] : tensor<4x1xf32>
    %u = rong.add %t, %s : tensor<3x4x16xf32>, tensor<3x4x16xf32>
    rong.yield %u : tensor<3x4x16xf32>
  }
  return %r : tensor<3x4x16xf32>
}

// -----

// Tests that a slice offsets and strides the coordinates
// (in = [1 + 2 * out[0], 8 + out[1]]) and stays 4 wide when the innermost
// start is aligned and the step is 1.

// CHECK-LABEL: gpu.func @slice_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//       CHECK:   %[[R:.+]] = arith.divui %[[I]], %c8 : index
//       CHECK:   %[[C:.+]] = arith.remui %[[I]], %c8 : index
//       CHECK:   %[[R2:.+]] = arith.muli %[[R]], %c2 : index
//       CHECK:   %[[IR:.+]] = arith.addi %[[R2]], %c1 : index
//       CHECK:   %[[IC:.+]] = arith.addi %[[C]], %c8 : index
//       CHECK:   %[[RS:.+]] = arith.muli %[[IR]], %c32 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[RS]], %[[IC]] : index
//       CHECK:   vector.load %{{.+}}[%[[OFF]]] {alignment = 16 : i64} : memref<256xf32>, vector<4xf32>
func.func @slice(%x: tensor<8x32xf32>) -> tensor<3x8xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<8x32xf32>) -> tensor<3x8xf32> {
  ^bb0(%a: tensor<8x32xf32>):
    %s = rong.slice %a starts = [1, 8] ends = [7, 16] steps = [2, 1] : tensor<8x32xf32>
    rong.yield %s : tensor<3x8xf32>
  }
  return %r : tensor<3x8xf32>
}

// -----

// Tests a negative step and a negative start (ONNX rules): column
// 30 - 3 * out[1], one element per thread.

// CHECK-LABEL: gpu.func @slice_reverse_fusion_0
//       CHECK:   %[[C:.+]] = arith.remui %{{.+}}, %c10 : index
//       CHECK:   %[[M:.+]] = arith.muli %[[C]], %c-3 : index
//       CHECK:   %[[IC:.+]] = arith.addi %[[M]], %c30 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %{{.+}}, %[[IC]] : index
//       CHECK:   memref.load %{{.+}}[%[[OFF]]] : memref<256xf32>
func.func @slice_reverse(%x: tensor<8x32xf32>) -> tensor<8x10xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<8x32xf32>) -> tensor<8x10xf32> {
  ^bb0(%a: tensor<8x32xf32>):
    %s = rong.slice %a starts = [0, -2] ends = [8, 0] steps = [1, -3] : tensor<8x32xf32>
    rong.yield %s : tensor<8x10xf32>
  }
  return %r : tensor<8x10xf32>
}

// -----

// Tests that a concat along rows selects the operand with scf.if on the row
// and reads the second one at row - 2, 4 wide.

// CHECK-LABEL: gpu.func @concat_outer_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %[[I:.+]], %c16 : index
//       CHECK:   %[[C:.+]] = arith.remui %[[I]], %c16 : index
//       CHECK:   %[[FIRST:.+]] = arith.cmpi ult, %[[R]], %c2 : index
//       CHECK:   %[[V:.+]] = scf.if %[[FIRST]] -> (vector<4xf32>) {
//       CHECK:     vector.load %{{.+}} : memref<32xf32>, vector<4xf32>
//       CHECK:   } else {
//       CHECK:     %[[R1:.+]] = arith.addi %[[R]], %c-2 : index
//       CHECK:     %[[S:.+]] = arith.muli %[[R1]], %c16 : index
//       CHECK:     %[[OFF:.+]] = arith.addi %[[S]], %[[C]] : index
//       CHECK:     vector.load %{{.+}}[%[[OFF]]] {alignment = 16 : i64} : memref<48xf32>, vector<4xf32>
//       CHECK:   vector.store %[[V]]
func.func @concat_outer(%x: tensor<2x16xf32>, %y: tensor<3x16xf32>) -> tensor<5x16xf32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<2x16xf32>, tensor<3x16xf32>) -> tensor<5x16xf32> {
  ^bb0(%a: tensor<2x16xf32>, %b: tensor<3x16xf32>):
    %c = rong.concat %a, %b axis = 0 : tensor<2x16xf32>, tensor<3x16xf32>
    rong.yield %c : tensor<5x16xf32>
  }
  return %r : tensor<5x16xf32>
}

// -----

// Tests that a concat of three operands along unaligned columns is a chain
// of scf.if on the column (< 3, < 8, else), one element per thread.

// CHECK-LABEL: gpu.func @concat3_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %[[I:.+]], %c9 : index
//       CHECK:   %[[C:.+]] = arith.remui %[[I]], %c9 : index
//       CHECK:   %[[P0:.+]] = arith.cmpi ult, %[[C]], %c3 : index
//       CHECK:   %[[V:.+]] = scf.if %[[P0]] -> (f32) {
//       CHECK:     memref.load %{{.+}} : memref<12xf32>
//       CHECK:   } else {
//       CHECK:     %[[P1:.+]] = arith.cmpi ult, %[[C]], %c8 : index
//       CHECK:     scf.if %[[P1]] -> (f32) {
//       CHECK:       %[[C1:.+]] = arith.addi %[[C]], %c-3 : index
//       CHECK:       %[[S:.+]] = arith.muli %[[R]], %c5 : index
//       CHECK:       %[[OFF:.+]] = arith.addi %[[S]], %[[C1]] : index
//       CHECK:       memref.load %{{.+}}[%[[OFF]]] : memref<20xf32>
//       CHECK:     } else {
//       CHECK:       memref.load %{{.+}}[%[[R]]] : memref<4xf32>
//       CHECK:   memref.store %[[V]], %{{.+}}[%[[I]]] : memref<36xf32>
func.func @concat3(%x: tensor<4x3xf32>, %y: tensor<4x5xf32>, %z: tensor<4x1xf32>) -> tensor<4x9xf32> {
  %r = rong.fusion kind = "loop" (%x, %y, %z) : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32>) -> tensor<4x9xf32> {
  ^bb0(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %c: tensor<4x1xf32>):
    %k = rong.concat %a, %b, %c axis = -1 : tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x1xf32>
    rong.yield %k : tensor<4x9xf32>
  }
  return %r : tensor<4x9xf32>
}

// -----

// Tests a constant pad of H and W: in bounds when 1 <= out < 31 on both
// axes, read at out - 1, the pad value otherwise.

// CHECK-LABEL: gpu.func @pad_constant_fusion_0
//   CHECK-DAG:   %[[PAD:.+]] = arith.constant 2.500000e+00 : f32
//       CHECK:   %[[H:.+]] = arith.remui %{{.+}}, %c32 : index
//       CHECK:   %[[W:.+]] = arith.remui %[[I:.+]], %c32 : index
//       CHECK:   %[[H0:.+]] = arith.cmpi uge, %[[H]], %c1 : index
//       CHECK:   %[[H1:.+]] = arith.cmpi ult, %[[H]], %c31 : index
//       CHECK:   arith.andi %[[H0]], %[[H1]] : i1
//       CHECK:   %[[W0:.+]] = arith.cmpi uge, %[[W]], %c1 : index
//       CHECK:   %[[W1:.+]] = arith.cmpi ult, %[[W]], %c31 : index
//       CHECK:   %[[IN:.+]] = arith.andi %{{.+}}, %[[W1]] : i1
//       CHECK:   %[[V:.+]] = scf.if %[[IN]] -> (f32) {
//       CHECK:     %[[IH:.+]] = arith.addi %[[H]], %c-1 : index
//       CHECK:     %[[IW:.+]] = arith.addi %[[W]], %c-1 : index
//       CHECK:     memref.load %{{.+}} : memref<2700xf32>
//       CHECK:   } else {
//       CHECK:     scf.yield %[[PAD]] : f32
//       CHECK:   memref.store %[[V]], %{{.+}}[%[[I]]] : memref<3072xf32>
func.func @pad_constant(%x: tensor<1x3x30x30xf32>) -> tensor<1x3x32x32xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<1x3x30x30xf32>) -> tensor<1x3x32x32xf32> {
  ^bb0(%a: tensor<1x3x30x30xf32>):
    %p = rong.pad %a pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = constant value = 2.5 : tensor<1x3x30x30xf32>
    rong.yield %p : tensor<1x3x32x32xf32>
  }
  return %r : tensor<1x3x32x32xf32>
}

// -----

// Tests that padding only leading axes keeps bf16 accesses 8 wide, with
// one bounds check per vector.

// CHECK-LABEL: gpu.func @pad_rows_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %{{.+}}, %c16 : index
//       CHECK:   %[[IN:.+]] = arith.cmpi uge, %[[R]], %c2 : index
//       CHECK:   %[[V:.+]] = scf.if %[[IN]] -> (vector<8xf32>) {
//       CHECK:     arith.addi %[[R]], %c-2 : index
//       CHECK:     vector.load %{{.+}} {alignment = 16 : i64} : memref<96xbf16>, vector<8xbf16>
//       CHECK:   } else {
//       CHECK:     scf.yield %{{.+}} : vector<8xf32>
//       CHECK:   arith.truncf %[[V]] : vector<8xf32> to vector<8xbf16>
func.func @pad_rows(%x: tensor<6x16xbf16>) -> tensor<8x16xbf16> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<6x16xbf16>) -> tensor<8x16xbf16> {
  ^bb0(%a: tensor<6x16xbf16>):
    %p = rong.pad %a pads = [2, 0, 0, 0] mode = constant value = 0.0 : tensor<6x16xbf16>
    rong.yield %p : tensor<8x16xbf16>
  }
  return %r : tensor<8x16xbf16>
}

// -----

// Tests reflect padding: t = out - 2, -t before the start, 8 - t past the
// end (2 * (5 - 1) - t).

// CHECK-LABEL: gpu.func @pad_reflect_fusion_0
//       CHECK:   %[[C:.+]] = arith.remui %{{.+}}, %c9 : index
//       CHECK:   %[[T:.+]] = arith.addi %[[C]], %c-2 : index
//       CHECK:   %[[NEG:.+]] = arith.subi %c2, %[[C]] : index
//       CHECK:   %[[LO:.+]] = arith.cmpi slt, %[[T]], %c0 : index
//       CHECK:   %[[T1:.+]] = arith.select %[[LO]], %[[NEG]], %[[T]] : index
//       CHECK:   %[[MIR:.+]] = arith.subi %c8, %[[T1]] : index
//       CHECK:   %[[HI:.+]] = arith.cmpi sgt, %[[T1]], %c4 : index
//       CHECK:   %[[T2:.+]] = arith.select %[[HI]], %[[MIR]], %[[T1]] : index
//       CHECK:   %[[OFF:.+]] = arith.addi %{{.+}}, %[[T2]] : index
//       CHECK:   memref.load %{{.+}}[%[[OFF]]] : memref<20xf32>
func.func @pad_reflect(%x: tensor<4x5xf32>) -> tensor<4x9xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<4x5xf32>) -> tensor<4x9xf32> {
  ^bb0(%a: tensor<4x5xf32>):
    %p = rong.pad %a pads = [0, 2, 0, 2] mode = reflect value = 0.0 : tensor<4x5xf32>
    rong.yield %p : tensor<4x9xf32>
  }
  return %r : tensor<4x9xf32>
}

// -----

// Tests edge padding: the row clamps to [0, 3].

// CHECK-LABEL: gpu.func @pad_edge_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %{{.+}}, %c5 : index
//       CHECK:   %[[T:.+]] = arith.addi %[[R]], %c-1 : index
//       CHECK:   %[[LO:.+]] = arith.maxsi %[[T]], %c0 : index
//       CHECK:   %[[HI:.+]] = arith.minsi %[[LO]], %c3 : index
//       CHECK:   arith.muli %[[HI]], %c5 : index
func.func @pad_edge(%x: tensor<4x5xf32>) -> tensor<6x5xf32> {
  %r = rong.fusion kind = "loop" (%x) : (tensor<4x5xf32>) -> tensor<6x5xf32> {
  ^bb0(%a: tensor<4x5xf32>):
    %p = rong.pad %a pads = [1, 0, 1, 0] mode = edge value = 0.0 : tensor<4x5xf32>
    rong.yield %p : tensor<6x5xf32>
  }
  return %r : tensor<6x5xf32>
}

// -----

// Tests an embedding lookup: the i64 index is loaded at out[0:2], negative
// indices count from the end, the index is clamped to [0, 99], and the row
// is read 4 wide.

// CHECK-LABEL: gpu.func @gather_rows_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c4 : index
//       CHECK:   %[[B:.+]] = arith.divui %[[I]], %c1024 : index
//       CHECK:   %[[Q:.+]] = arith.divui %[[I]], %c64 : index
//       CHECK:   %[[S:.+]] = arith.remui %[[Q]], %c16 : index
//       CHECK:   %[[E:.+]] = arith.remui %[[I]], %c64 : index
//       CHECK:   %[[B16:.+]] = arith.muli %[[B]], %c16 : index
//       CHECK:   %[[IO:.+]] = arith.addi %[[B16]], %[[S]] : index
//       CHECK:   %[[RAW:.+]] = memref.load %{{.+}}[%[[IO]]] : memref<128xi64>
//       CHECK:   %[[IDX:.+]] = arith.index_cast %[[RAW]] : i64 to index
//       CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[IDX]], %c0 : index
//       CHECK:   %[[WRAP:.+]] = arith.addi %[[IDX]], %c100 : index
//       CHECK:   %[[N:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[IDX]] : index
//       CHECK:   %[[LO:.+]] = arith.maxsi %[[N]], %c0 : index
//       CHECK:   %[[ROW:.+]] = arith.minsi %[[LO]], %c99 : index
//       CHECK:   %[[RS:.+]] = arith.muli %[[ROW]], %c64 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[RS]], %[[E]] : index
//       CHECK:   vector.load %{{.+}}[%[[OFF]]] {alignment = 16 : i64} : memref<6400xf32>, vector<4xf32>
func.func @gather_rows(%t: tensor<100x64xf32>, %ids: tensor<8x16xi64>) -> tensor<8x16x64xf32> {
  %r = rong.fusion kind = "loop" (%t, %ids) : (tensor<100x64xf32>, tensor<8x16xi64>) -> tensor<8x16x64xf32> {
  ^bb0(%a: tensor<100x64xf32>, %i: tensor<8x16xi64>):
    %g = rong.gather %a, %i axis = 0 : tensor<100x64xf32>, tensor<8x16xi64>
    rong.yield %g : tensor<8x16x64xf32>
  }
  return %r : tensor<8x16x64xf32>
}

// -----

// Tests a gather along the innermost axis with i32 indices: one element per
// thread, the column from the index.

// CHECK-LABEL: gpu.func @gather_inner_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %{{.+}}, %c3 : index
//       CHECK:   %[[J:.+]] = arith.remui %{{.+}}, %c3 : index
//       CHECK:   %[[RAW:.+]] = memref.load %{{.+}}[%[[J]]] : memref<3xi32>
//       CHECK:   arith.index_cast %[[RAW]] : i32 to index
//       CHECK:   %[[COL:.+]] = arith.minsi %{{.+}}, %c9 : index
//       CHECK:   %[[RS:.+]] = arith.muli %[[R]], %c10 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[RS]], %[[COL]] : index
//       CHECK:   memref.load %{{.+}}[%[[OFF]]] : memref<40xf32>
func.func @gather_inner(%t: tensor<4x10xf32>, %ids: tensor<3xi32>) -> tensor<4x3xf32> {
  %r = rong.fusion kind = "loop" (%t, %ids) : (tensor<4x10xf32>, tensor<3xi32>) -> tensor<4x3xf32> {
  ^bb0(%a: tensor<4x10xf32>, %i: tensor<3xi32>):
    %g = rong.gather %a, %i axis = 1 : tensor<4x10xf32>, tensor<3xi32>
    rong.yield %g : tensor<4x3xf32>
  }
  return %r : tensor<4x3xf32>
}

// -----

// Tests the q/k/v selects of a packed projection (a horizontal group of
// gathers by constant index): index 0 and index -1 (= 2, offset 65536) are
// folded, no index is loaded.

// CHECK-LABEL: gpu.func @gather_select_fusion_0
//  CHECK-SAME:     rong.strategy = "loop"
//   CHECK-NOT:   index_cast
//       CHECK:   %[[B:.+]] = arith.muli %{{.+}}, %c512 : index
//       CHECK:   %[[V0:.+]] = vector.load %{{.+}} {alignment = 16 : i64} : memref<98304xf32>, vector<4xf32>
//       CHECK:   vector.store %[[V0]]
//       CHECK:   arith.addi %[[B]], %c65536 : index
//       CHECK:   %[[V2:.+]] = vector.load %{{.+}} : memref<98304xf32>, vector<4xf32>
//       CHECK:   vector.store %[[V2]]
func.func @gather_select(%x: tensor<3x64x2x256xf32>) -> (tensor<64x2x256xf32>, tensor<64x2x256xf32>) {
  %r:2 = rong.fusion kind = "horizontal" (%x) : (tensor<3x64x2x256xf32>) -> (tensor<64x2x256xf32>, tensor<64x2x256xf32>) {
  ^bb0(%a: tensor<3x64x2x256xf32>):
    %c0 = rong.constant dense<0> : tensor<i64>
    %g0 = rong.gather %a, %c0 axis = 0 : tensor<3x64x2x256xf32>, tensor<i64>
    %c1 = rong.constant dense<-1> : tensor<i64>
    %g1 = rong.gather %a, %c1 axis = 0 : tensor<3x64x2x256xf32>, tensor<i64>
    rong.yield %g0, %g1 : tensor<64x2x256xf32>, tensor<64x2x256xf32>
  }
  return %r#0, %r#1 : tensor<64x2x256xf32>, tensor<64x2x256xf32>
}

// -----

// Tests an attention-style mask: an i64 [2, 1, 8] mask compared with 0
// (integer compare), where, and an i64-to-f32 cast of the same mask, loaded
// once; the i64 loads bound the vector to 2 elements.

// CHECK-LABEL: gpu.func @where_mask_fusion_0
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c2 : index
//       CHECK:   %[[M:.+]] = vector.load %{{.+}} {alignment = 16 : i64} : memref<16xi64>, vector<2xi64>
//       CHECK:   %[[EQ:.+]] = arith.cmpi eq, %[[M]], %{{.+}} : vector<2xi64>
//       CHECK:   %[[X:.+]] = vector.load %{{.+}}[%[[I]]] {alignment = 8 : i64} : memref<64xf32>, vector<2xf32>
//       CHECK:   %[[W:.+]] = arith.select %[[EQ]], %{{.+}}, %[[X]] : vector<2xi1>, vector<2xf32>
//   CHECK-NOT:   vector.load
//       CHECK:   %[[F:.+]] = arith.sitofp %[[M]] : vector<2xi64> to vector<2xf32>
//       CHECK:   arith.addf %[[W]], %[[F]] : vector<2xf32>
func.func @where_mask(%m: tensor<2x1x8xi64>, %x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
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

// Tests gather_elements along the class axis (a loss's pick of each row's
// target, three per row): one element per thread, as no vector width
// divides 3; the index is loaded at the output position, wrapped and clamped
// into [0, 9], and replaces the column.

// CHECK-LABEL: gpu.func @gather_elements_fusion_0
//       CHECK:   %[[R:.+]] = arith.divui %{{.+}}, %c3 : index
//       CHECK:   %[[RAW:.+]] = memref.load %{{.+}}[%{{.+}}] : memref<12xi64>
//       CHECK:   %[[IDX:.+]] = arith.index_cast %[[RAW]] : i64 to index
//       CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[IDX]], %c0 : index
//       CHECK:   arith.addi %[[IDX]], %c10 : index
//       CHECK:   %[[COL:.+]] = arith.minsi %{{.+}}, %c9 : index
//       CHECK:   %[[RS:.+]] = arith.muli %[[R]], %c10 : index
//       CHECK:   %[[OFF:.+]] = arith.addi %[[RS]], %[[COL]] : index
//       CHECK:   memref.load %{{.+}}[%[[OFF]]] : memref<40xf32>
//   CHECK-NOT:   vector.load
func.func @gather_elements(%x: tensor<4x10xf32>, %t: tensor<4x3xi64>) -> tensor<4x3xf32> {
  %r = rong.fusion kind = "loop" (%x, %t) : (tensor<4x10xf32>, tensor<4x3xi64>) -> tensor<4x3xf32> {
  ^bb0(%a: tensor<4x10xf32>, %i: tensor<4x3xi64>):
    %g = rong.gather_elements %a, %i axis = 1 : tensor<4x10xf32>, tensor<4x3xi64>
    %n = rong.neg %g : tensor<4x3xf32>
    rong.yield %n : tensor<4x3xf32>
  }
  return %r : tensor<4x3xf32>
}
