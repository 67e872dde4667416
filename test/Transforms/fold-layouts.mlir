// RUN: rong-opt %s --pass-pipeline='builtin.module(func.func(rong-form-fusions,rong-fold-layouts-into-contractions{explain=true}))' --split-input-file 2>%t.explain | FileCheck %s
// RUN: FileCheck %s --check-prefix=EXPLAIN < %t.explain

// Attention's head split: Q and K are transposed views of the projections.
// Both transposes are read in place by the QK^T matmul: no loop group left.
// CHECK-LABEL: func.func @head_split
// CHECK-NOT: kind = "loop"
// CHECK: rong.fusion kind = "contraction" (%arg0, %arg1)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: rong.transpose %{{.+}} permutation = [1, 0, 2] : tensor<16x4x8xf32>
// CHECK-NEXT: rong.transpose %{{.+}} permutation = [1, 2, 0] : tensor<16x4x8xf32>
// CHECK-NEXT: rong.matmul
// CHECK-NOT: rong.fusion
// EXPLAIN: layout: rong.matmul {{.+}} reads its operand A in place through rong.transpose
// EXPLAIN: layout: rong.matmul {{.+}} reads its operand B in place through rong.transpose
func.func @head_split(%q: tensor<16x4x8xf32>, %k: tensor<16x4x8xf32>) -> tensor<4x16x16xf32> {
  %qt = rong.transpose %q permutation = [1, 0, 2] : tensor<16x4x8xf32>
  %kt = rong.transpose %k permutation = [1, 2, 0] : tensor<16x4x8xf32>
  %s = rong.matmul %qt, %kt : tensor<4x16x8xf32>, tensor<4x8x16xf32>
  return %s : tensor<4x16x16xf32>
}

// -----

// Head merge: the product is only transposed, so the GEMM writes it in
// place (the contraction group yields the transposed value).
// CHECK-LABEL: func.func @head_merge
// CHECK-NOT: kind = "loop"
// CHECK: rong.fusion kind = "contraction"
// CHECK: %[[P:.+]] = rong.matmul
// CHECK-NEXT: %[[T:.+]] = rong.transpose %[[P]] permutation = [1, 0, 2] : tensor<4x16x8xf32>
// CHECK-NEXT: rong.yield %[[T]] : tensor<16x4x8xf32>
// CHECK-NOT: rong.fusion
// EXPLAIN: layout: rong.matmul {{.+}} writes its result in place through rong.transpose
func.func @head_merge(%p: tensor<4x16x16xf32>, %v: tensor<4x16x8xf32>) -> tensor<16x32xf32> {
  %o = rong.matmul %p, %v : tensor<4x16x16xf32>, tensor<4x16x8xf32>
  %t = rong.transpose %o permutation = [1, 0, 2] : tensor<4x16x8xf32>
  %r = rong.reshape %t shape = [16, 32] : tensor<16x4x8xf32>
  return %r : tensor<16x32xf32>
}

// -----

// A select on the last axis leaves no unit stride on either matrix axis:
// no BLAS call reads that view, so the select stays a kernel.
// CHECK-LABEL: func.func @no_unit_stride
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.gather
// CHECK: rong.fusion kind = "contraction"
// CHECK-NOT: rong.gather
// EXPLAIN-NOT: layout: {{.*}}gather
func.func @no_unit_stride(%x: tensor<8x16x2xf32>, %w: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %i = rong.constant dense<0> : tensor<i64>
  %a = rong.gather %x, %i axis = 2 : tensor<8x16x2xf32>, tensor<i64>
  %m = rong.matmul %a, %w : tensor<8x16xf32>, tensor<16x4xf32>
  return %m : tensor<8x4xf32>
}

// -----

// A transpose that also feeds an elementwise op shares that op's loop group,
// which writes the transposed copy as one of its results: the group does
// arithmetic, so it is not a layout chain and the matmul reads the copy.
// CHECK-LABEL: func.func @shared_transpose
// CHECK: rong.fusion kind = "loop"
// CHECK: rong.transpose
// CHECK: rong.exp
// CHECK: rong.fusion kind = "contraction"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: rong.matmul
func.func @shared_transpose(%x: tensor<8x16xf32>, %w: tensor<8x4xf32>) -> (tensor<16x4xf32>, tensor<16x8xf32>) {
  %t = rong.transpose %x permutation = [1, 0] : tensor<8x16xf32>
  %m = rong.matmul %t, %w : tensor<16x8xf32>, tensor<8x4xf32>
  %e = rong.exp %t : tensor<16x8xf32>
  return %m, %e : tensor<16x4xf32>, tensor<16x8xf32>
}
