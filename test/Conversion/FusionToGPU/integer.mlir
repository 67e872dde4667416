// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=cpu --canonicalize --cse | FileCheck %s
// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --canonicalize --cse | FileCheck %s --check-prefix=SM90

// Tests that i32 arithmetic is computed in i32, 8 lanes wide on the cpu
// target (32-byte vectors), with the [16] operand read as a suffix.

// CHECK-LABEL: gpu.func @add_mul_i32_fusion_0
//  CHECK-SAME:     rong.grid = array<i64: 8, 1, 1>
//       CHECK:   %[[I:.+]] = arith.muli %{{.+}}, %c8 : index
//       CHECK:   %[[A:.+]] = vector.load %{{.+}}[%[[I]]] {alignment = 32 : i64} : memref<64xi32>, vector<8xi32>
//       CHECK:   %[[J:.+]] = arith.remui %[[I]], %c16 : index
//       CHECK:   %[[B:.+]] = vector.load %{{.+}}[%[[J]]] {alignment = 32 : i64} : memref<16xi32>, vector<8xi32>
//       CHECK:   %[[S:.+]] = arith.addi %[[A]], %[[B]] : vector<8xi32>
//       CHECK:   %[[M:.+]] = arith.muli %[[S]], %[[A]] : vector<8xi32>
//       CHECK:   vector.store %[[M]], %{{.+}}[%[[I]]]
func.func @add_mul_i32(%x: tensor<4x16xi32>, %y: tensor<16xi32>) -> tensor<4x16xi32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<4x16xi32>, tensor<16xi32>) -> tensor<4x16xi32> {
  ^bb0(%a: tensor<4x16xi32>, %b: tensor<16xi32>):
    %s = rong.add %a, %b : tensor<4x16xi32>, tensor<16xi32>
    %m = rong.mul %s, %a : tensor<4x16xi32>, tensor<4x16xi32>
    rong.yield %m : tensor<4x16xi32>
  }
  return %r : tensor<4x16xi32>
}

// -----

// Tests that integer division truncates (divsi) and never traps: a zero or
// -1 divisor is replaced by 1, and x / -1 is computed as 0 - x (wrapping for
// the most negative value).

// CHECK-LABEL: gpu.func @div_i64_fusion_0
//   CHECK-DAG:   %[[ONE:.+]] = arith.constant dense<1> : vector<4xi64>
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant dense<0> : vector<4xi64>
//   CHECK-DAG:   %[[MONE:.+]] = arith.constant dense<-1> : vector<4xi64>
//       CHECK:   %[[X:.+]] = vector.load %{{.+}} : memref<32xi64>, vector<4xi64>
//       CHECK:   %[[Y:.+]] = vector.load %{{.+}} : memref<32xi64>, vector<4xi64>
//       CHECK:   %[[ISM:.+]] = arith.cmpi eq, %[[Y]], %[[MONE]] : vector<4xi64>
//       CHECK:   %[[ISZ:.+]] = arith.cmpi eq, %[[Y]], %[[ZERO]] : vector<4xi64>
//       CHECK:   %[[BAD:.+]] = arith.ori %[[ISZ]], %[[ISM]] : vector<4xi1>
//       CHECK:   %[[SAFE:.+]] = arith.select %[[BAD]], %[[ONE]], %[[Y]]
//       CHECK:   %[[Q:.+]] = arith.divsi %[[X]], %[[SAFE]] : vector<4xi64>
//       CHECK:   %[[NEG:.+]] = arith.subi %[[ZERO]], %[[X]] : vector<4xi64>
//       CHECK:   arith.select %[[ISM]], %[[NEG]], %[[Q]]
func.func @div_i64(%x: tensor<32xi64>, %y: tensor<32xi64>) -> tensor<32xi64> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<32xi64>, tensor<32xi64>) -> tensor<32xi64> {
  ^bb0(%a: tensor<32xi64>, %b: tensor<32xi64>):
    %d = rong.div %a, %b : tensor<32xi64>, tensor<32xi64>
    rong.yield %d : tensor<32xi64>
  }
  return %r : tensor<32xi64>
}

// -----

// Tests that integer pow squares and multiplies over the 31 value bits of a
// non-negative i32 exponent, lane by lane, and picks 1 / x^|y| for negative
// exponents.

// CHECK-LABEL: gpu.func @pow_i32_fusion_0
//       CHECK:   %[[X:.+]] = vector.load %{{.+}} : memref<8xi32>, vector<8xi32>
//       CHECK:   %[[Y:.+]] = vector.load %{{.+}} : memref<8xi32>, vector<8xi32>
//       CHECK:   %[[P:.+]]:3 = scf.for %{{.+}} = %c0 to %c31 step %c1 iter_args(%[[R:.+]] = %{{.+}}, %[[B:.+]] = %[[X]], %[[E:.+]] = %[[Y]])
//       CHECK:     arith.muli %[[R]], %[[B]] : vector<8xi32>
//       CHECK:     arith.muli %[[B]], %[[B]] : vector<8xi32>
//       CHECK:     arith.shrui %[[E]]
//       CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[Y]], %{{.+}} : vector<8xi32>
//       CHECK:   arith.select %[[NEG]], %{{.+}}, %[[P]]#0
func.func @pow_i32(%x: tensor<8xi32>, %y: tensor<8xi32>) -> tensor<8xi32> {
  %r = rong.fusion kind = "loop" (%x, %y) : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32> {
  ^bb0(%a: tensor<8xi32>, %b: tensor<8xi32>):
    %p = rong.pow %a, %b : tensor<8xi32>, tensor<8xi32>
    rong.yield %p : tensor<8xi32>
  }
  return %r : tensor<8xi32>
}

// -----

// Tests that integers may be gathered and then computed on (i64 indices,
// i64 values), and that abs, neg, sign and clip have integer forms. The
// gather runs along the input's only axis: four indices per vector, one
// load per lane.

// CHECK-LABEL: gpu.func @gather_then_compute_fusion_0
//       CHECK:   vector.load %{{.+}} : memref<4xi64>, vector<4xi64>
//       CHECK:   %[[I:.+]] = arith.minsi %{{.+}} : vector<4xi64>
//       CHECK:   %[[I3:.+]] = vector.extract %[[I]][3] : i64 from vector<4xi64>
//       CHECK:   %[[J3:.+]] = arith.index_castui %[[I3]] : i64 to index
//       CHECK:   %[[L3:.+]] = memref.load %{{.+}}[%[[J3]]] : memref<10xi64>
//       CHECK:   %[[G:.+]] = vector.from_elements %{{.+}}, %{{.+}}, %{{.+}}, %[[L3]] : vector<4xi64>
//       CHECK:   arith.cmpi slt, %[[G]]
//       CHECK:   arith.subi %{{.+}}, %[[G]] : vector<4xi64>
//       CHECK:   arith.maxsi %{{.+}} : vector<4xi64>
//       CHECK:   arith.minsi %{{.+}} : vector<4xi64>
func.func @gather_then_compute(%t: tensor<10xi64>, %i: tensor<4xi64>) -> tensor<4xi64> {
  %r = rong.fusion kind = "loop" (%t, %i) : (tensor<10xi64>, tensor<4xi64>) -> tensor<4xi64> {
  ^bb0(%a: tensor<10xi64>, %b: tensor<4xi64>):
    %g = rong.gather %a, %b axis = 0 : tensor<10xi64>, tensor<4xi64>
    %n = rong.abs %g : tensor<4xi64>
    %s = rong.sign %g : tensor<4xi64>
    %m = rong.mul %n, %s : tensor<4xi64>, tensor<4xi64>
    %c = rong.clip %m min = -3.0 max = 5.0 : tensor<4xi64>
    rong.yield %c : tensor<4xi64>
  }
  return %r : tensor<4xi64>
}

// -----

// Tests an integer max over rows: the accumulator starts at the smallest
// i32 and combines with maxsi, in vectors and across them. The CPU's row loop
// keeps four independent accumulators (chunks 0-3 of each iteration feed
// their own), merged pairwise after it. On sm_90 the butterfly over the
// row's 16 lanes shuffles i32 values.

// CHECK-LABEL: gpu.func @max_i32_fusion_0
//       CHECK:   %[[MIN:.+]] = arith.constant dense<-2147483648> : vector<8xi32>
//       CHECK:   %[[ACC:.+]]:4 = scf.for {{.+}} step %c4 iter_args(%[[A0:.+]] = %[[MIN]], %{{.+}} = %[[MIN]], %{{.+}} = %[[MIN]], %{{.+}} = %[[MIN]]) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
//       CHECK:     arith.maxsi %[[A0]], %{{.+}} : vector<8xi32>
//       CHECK:   %[[M01:.+]] = arith.maxsi %[[ACC]]#0, %[[ACC]]#1 : vector<8xi32>
//       CHECK:   %[[M23:.+]] = arith.maxsi %[[ACC]]#2, %[[ACC]]#3 : vector<8xi32>
//       CHECK:   %[[M:.+]] = arith.maxsi %[[M01]], %[[M23]] : vector<8xi32>
//       CHECK:   vector.reduction <maxsi>, %[[M]] : vector<8xi32> into i32
//       CHECK:   memref.store %{{.+}} : memref<4xi32>
// SM90-LABEL: gpu.func @max_i32_fusion_0
//       SM90:   vector.reduction <maxsi>, %{{.+}} : vector<4xi32> into i32
//       SM90:   %[[S:.+]], %{{.+}} = gpu.shuffle  xor %{{.+}}, %c8_i32, %c32_i32 : i32
//       SM90:   arith.maxsi %{{.+}}, %[[S]] : i32
func.func @max_i32(%x: tensor<4x64xi32>) -> tensor<4x1xi32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<4x64xi32>) -> tensor<4x1xi32> {
  ^bb0(%a: tensor<4x64xi32>):
    %s = rong.reduce_max %a axes = [1] keepdims : tensor<4x64xi32>
    rong.yield %s : tensor<4x1xi32>
  }
  return %r : tensor<4x1xi32>
}

// -----

// Tests that a block-per-row kernel with an i64 sum and an f32 max keeps a
// workgroup scratch buffer per type (f32 first), each reduction reading and
// writing its own.

// SM90-LABEL: gpu.func @sum_i64_max_f32_fusion_0
//  SM90-SAME:     workgroup(%[[F:.+]] : memref<32xf32, #gpu.address_space<workgroup>>, %[[I:.+]] : memref<32xi64, #gpu.address_space<workgroup>>)
//  SM90-SAME:     rong.strategy = "row.block"
//       SM90:   vector.reduction <add>, %{{.+}} : vector<2xi64> into i64
//       SM90:   vector.reduction <maximumf>, %{{.+}} : vector<2xf32> into f32
//       SM90:   gpu.shuffle  xor %{{.+}} : i64
//       SM90:   memref.store %{{.+}}, %[[I]][%{{.+}}] : memref<32xi64, #gpu.address_space<workgroup>>
//       SM90:   memref.store %{{.+}}, %[[F]][%{{.+}}] : memref<32xf32, #gpu.address_space<workgroup>>
//       SM90:   gpu.barrier
//       SM90:   memref.load %[[I]]
//       SM90:   memref.load %[[F]]
func.func @sum_i64_max_f32(%x: tensor<4x4096xi64>, %y: tensor<4x4096xf32>) -> (tensor<4x1xi64>, tensor<4x1xf32>) {
  %r:2 = rong.fusion kind = "reduction" (%x, %y) : (tensor<4x4096xi64>, tensor<4x4096xf32>) -> (tensor<4x1xi64>, tensor<4x1xf32>) {
  ^bb0(%a: tensor<4x4096xi64>, %b: tensor<4x4096xf32>):
    %s = rong.reduce_sum %a axes = [1] keepdims : tensor<4x4096xi64>
    %m = rong.reduce_max %b axes = [1] keepdims : tensor<4x4096xf32>
    rong.yield %s, %m : tensor<4x1xi64>, tensor<4x1xf32>
  }
  return %r#0, %r#1 : tensor<4x1xi64>, tensor<4x1xf32>
}

// -----

// Tests the bitwise ops and the shifts on integers: a shift by the width or
// more (poison in LLVM) is guarded as NumPy defines it (0 for a left or
// unsigned right shift, an arithmetic shift by width - 1 for a signed right
// one), not is an xor with all ones, xor an xori.
// SM90-LABEL: gpu.func @bits_fusion_0
//   SM90-DAG:   %[[W1:.+]] = arith.constant dense<31> : vector<4xi32>
//   SM90-DAG:   %[[W32:.+]] = arith.constant dense<32> : vector<4xi32>
//   SM90-DAG:   %[[ONES:.+]] = arith.constant dense<-1> : vector<4xi8>
//   SM90-DAG:   %[[Z8:.+]] = arith.constant dense<0> : vector<4xi8>
//   SM90-DAG:   %[[W8:.+]] = arith.constant dense<8> : vector<4xi8>
//       SM90:   %[[FAR:.+]] = arith.cmpi uge, %[[B:.+]], %[[W8]] : vector<4xi8>
//  SM90-NEXT:   %[[SAFE:.+]] = arith.select %[[FAR]], %[[Z8]], %[[B]]
//  SM90-NEXT:   %[[SHL:.+]] = arith.shli %{{.+}}, %[[SAFE]] : vector<4xi8>
//  SM90-NEXT:   %[[L:.+]] = arith.select %[[FAR]], %[[Z8]], %[[SHL]]
//  SM90-NEXT:   arith.xori %[[L]], %[[ONES]] : vector<4xi8>
//       SM90:   %[[FAR32:.+]] = arith.cmpi uge, %[[D:.+]], %[[W32]] : vector<4xi32>
//  SM90-NEXT:   %[[AMT:.+]] = arith.select %[[FAR32]], %[[W1]], %[[D]]
//  SM90-NEXT:   %[[SAR:.+]] = arith.shrsi %[[C:.+]], %[[AMT]] : vector<4xi32>
//  SM90-NEXT:   arith.xori %[[SAR]], %[[C]] : vector<4xi32>
func.func @bits(%x: tensor<4x64xui8>, %y: tensor<4x64xui8>, %z: tensor<4x64xi32>, %w: tensor<4x64xi32>) -> (tensor<4x64xui8>, tensor<4x64xi32>) {
  %r:2 = rong.fusion kind = "loop" (%x, %y, %z, %w) : (tensor<4x64xui8>, tensor<4x64xui8>, tensor<4x64xi32>, tensor<4x64xi32>) -> (tensor<4x64xui8>, tensor<4x64xi32>) {
  ^bb0(%a: tensor<4x64xui8>, %b: tensor<4x64xui8>, %c: tensor<4x64xi32>, %d: tensor<4x64xi32>):
    %s = rong.shift_left %a, %b : tensor<4x64xui8>, tensor<4x64xui8>
    %n = rong.not %s : tensor<4x64xui8>
    %t = rong.shift_right %c, %d : tensor<4x64xi32>, tensor<4x64xi32>
    %x2 = rong.xor %t, %c : tensor<4x64xi32>, tensor<4x64xi32>
    rong.yield %n, %x2 : tensor<4x64xui8>, tensor<4x64xi32>
  }
  return %r#0, %r#1 : tensor<4x64xui8>, tensor<4x64xi32>
}
