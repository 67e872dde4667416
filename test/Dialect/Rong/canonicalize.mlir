// RUN: rong-opt %s -canonicalize -split-input-file | FileCheck %s

// Tests that x + 0 and 0 + x fold to x when the zero does not widen the
// result.
// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = rong.constant dense<0.0> : tensor<8xf32>
  %a = rong.add %x, %zero : tensor<4x8xf32>, tensor<8xf32>
  %b = rong.add %zero, %x : tensor<8xf32>, tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Tests that a zero which broadcasts the result to a larger shape is kept:
// dropping it would change the result type.
// CHECK-LABEL: func.func @add_zero_broadcasting
// CHECK: %[[ZERO:.+]] = rong.constant dense<0.000000e+00> : tensor<2x8xf32>
// CHECK: %[[SUM:.+]] = rong.add %{{.+}}, %[[ZERO]] : tensor<8xf32>, tensor<2x8xf32>
// CHECK: return %[[SUM]]
func.func @add_zero_broadcasting(%x: tensor<8xf32>) -> tensor<2x8xf32> {
  %zero = rong.constant dense<0.0> : tensor<2x8xf32>
  %a = rong.add %x, %zero : tensor<8xf32>, tensor<2x8xf32>
  return %a : tensor<2x8xf32>
}

// -----

// Tests that x * 1, 1 * x, x - 0, x / 1 and x ^ 1 fold to x.
// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %one = rong.constant dense<1.0> : tensor<f32>
  %zero = rong.constant dense<0.0> : tensor<f32>
  %a = rong.mul %x, %one : tensor<4xf32>, tensor<f32>
  %b = rong.mul %one, %x : tensor<f32>, tensor<4xf32>
  %c = rong.sub %x, %zero : tensor<4xf32>, tensor<f32>
  %d = rong.div %x, %one : tensor<4xf32>, tensor<f32>
  %e = rong.pow %x, %one : tensor<4xf32>, tensor<f32>
  return %a, %b, %c, %d, %e : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests that 0 - x is not mistaken for an identity.
// CHECK-LABEL: func.func @zero_minus_x
// CHECK: rong.sub
func.func @zero_minus_x(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = rong.constant dense<0.0> : tensor<4xf32>
  %a = rong.sub %zero, %x : tensor<4xf32>, tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

// Tests that reshape of reshape becomes one reshape and that a reshape to the
// same type disappears.
// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.+]] = rong.reshape %[[X]] shape = [4, 6] : tensor<2x3x4xf32>
// CHECK-NEXT: return %[[R]], %[[X]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> (tensor<4x6xf32>, tensor<2x3x4xf32>) {
  %a = rong.reshape %x shape = [24] : tensor<2x3x4xf32>
  %b = rong.reshape %a shape = [4, 6] : tensor<24xf32>
  %c = rong.reshape %x shape = [6, 4] : tensor<2x3x4xf32>
  %d = rong.reshape %c shape = [2, 3, 4] : tensor<6x4xf32>
  return %b, %d : tensor<4x6xf32>, tensor<2x3x4xf32>
}

// -----

// Tests that transpose of transpose composes the permutations, and cancels
// when the composition is the identity.
// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.+]] = rong.transpose %[[X]] permutation = [2, 0, 1] : tensor<2x3x4xf32>
// CHECK-NEXT: return %[[T]], %[[X]]
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<2x3x4xf32>) {
  %a = rong.transpose %x permutation = [1, 0, 2] : tensor<2x3x4xf32>
  %b = rong.transpose %a permutation = [2, 1, 0] : tensor<3x2x4xf32>
  %c = rong.transpose %x permutation = [0, 2, 1] : tensor<2x3x4xf32>
  %d = rong.transpose %c permutation = [0, 2, 1] : tensor<2x4x3xf32>
  return %b, %d : tensor<4x2x3xf32>, tensor<2x3x4xf32>
}

// -----

// Tests that a transpose moving only size-1 dimensions (a batch-first <->
// sequence-first swap at batch 1) becomes a reshape, and that one moving
// data stays.
// CHECK-LABEL: func.func @transpose_of_unit_dims
// CHECK-SAME: (%[[X:.+]]: tensor<16x1x64xf32>, %[[Y:.+]]: tensor<16x2x64xf32>)
// CHECK-NEXT: %[[R:.+]] = rong.reshape %[[X]] shape = [1, 16, 64] : tensor<16x1x64xf32>
// CHECK-NEXT: %[[T:.+]] = rong.transpose %[[Y]] permutation = [1, 0, 2] : tensor<16x2x64xf32>
// CHECK-NEXT: return %[[R]], %[[T]]
func.func @transpose_of_unit_dims(%x: tensor<16x1x64xf32>, %y: tensor<16x2x64xf32>) -> (tensor<1x16x64xf32>, tensor<2x16x64xf32>) {
  %a = rong.transpose %x permutation = [1, 0, 2] : tensor<16x1x64xf32>
  %b = rong.transpose %y permutation = [1, 0, 2] : tensor<16x2x64xf32>
  return %a, %b : tensor<1x16x64xf32>, tensor<2x16x64xf32>
}

// -----

// Tests that broadcasting to the operand's own shape, casting to the operand's
// own type, slicing everything and concatenating one tensor are no-ops.
// CHECK-LABEL: func.func @no_op_movement
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]]
func.func @no_op_movement(%x: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %a = rong.broadcast_to %x shape = [2, 3] : tensor<2x3xf32>
  %b = rong.cast %x to f32 : tensor<2x3xf32>
  %c = rong.slice %x starts = [0, 0] ends = [2, 100] steps = [1, 1] : tensor<2x3xf32>
  %d = rong.concat %x axis = 0 : tensor<2x3xf32>
  return %a, %b, %c, %d : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests that a broadcast to a dynamic shape is kept even when it could be a
// no-op at run time.
// CHECK-LABEL: func.func @broadcast_dynamic
// CHECK: rong.broadcast_to %{{.+}} shape = [-1, 3]
func.func @broadcast_dynamic(%x: tensor<1x3xf32>) -> tensor<?x3xf32> {
  %a = rong.broadcast_to %x shape = [-1, 3] : tensor<1x3xf32>
  return %a : tensor<?x3xf32>
}

// -----

// Tests that elementwise math on constants folds, broadcasting included, and
// rounds to the element type.
// CHECK-LABEL: func.func @fold_elementwise
// CHECK-DAG: rong.constant dense<{{\[}}[1.100000e+01, 2.200000e+01], [1.300000e+01, 2.400000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: rong.constant dense<[1.000000e+00, 2.718750e+00]> : tensor<2xbf16>
// CHECK-DAG: rong.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: rong.constant dense<[-3, 2]> : tensor<2xi64>
// CHECK-NOT: rong.add
// CHECK-NOT: rong.exp
// CHECK-NOT: rong.lt
// CHECK-NOT: rong.div
func.func @fold_elementwise() -> (tensor<2x2xf32>, tensor<2xbf16>, tensor<2xi1>, tensor<2xi64>) {
  %a = rong.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = rong.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %sum = rong.add %a, %b : tensor<2x2xf32>, tensor<2xf32>
  %c = rong.constant dense<[0.0, 1.0]> : tensor<2xbf16>
  %e = rong.exp %c : tensor<2xbf16>
  %d = rong.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %f = rong.constant dense<3.0> : tensor<f32>
  %lt = rong.lt %d, %f : tensor<2xf32>, tensor<f32>
  %i = rong.constant dense<[-7, 7]> : tensor<2xi64>
  %j = rong.constant dense<[2, 3]> : tensor<2xi64>
  %q = rong.div %i, %j : tensor<2xi64>, tensor<2xi64>
  return %sum, %e, %lt, %q : tensor<2x2xf32>, tensor<2xbf16>, tensor<2xi1>, tensor<2xi64>
}

// -----

// Tests that data movement on constants folds: transpose, reshape,
// broadcast, slice (with a negative step), concat and cast.
// CHECK-LABEL: func.func @fold_movement
// CHECK-DAG: rong.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK-DAG: rong.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
// CHECK-DAG: rong.constant dense<{{\[}}[7, 8], [7, 8]]> : tensor<2x2xi32>
// CHECK-DAG: rong.constant dense<{{\[}}[3, 1], [6, 4]]> : tensor<2x2xi32>
// CHECK-DAG: rong.constant dense<[7, 8, 1, 2, 3]> : tensor<5xi32>
// CHECK-DAG: rong.constant dense<[7.000000e+00, 8.000000e+00]> : tensor<2xf16>
// CHECK-NOT: rong.transpose
// CHECK-NOT: rong.reshape
// CHECK-NOT: rong.broadcast_to
// CHECK-NOT: rong.slice
// CHECK-NOT: rong.concat
// CHECK-NOT: rong.cast
func.func @fold_movement() -> (tensor<3x2xi32>, tensor<6xi32>, tensor<2x2xi32>,
                               tensor<2x2xi32>, tensor<5xi32>, tensor<2xf16>) {
  %m = rong.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %v = rong.constant dense<[7, 8]> : tensor<2xi32>
  %t = rong.transpose %m permutation = [1, 0] : tensor<2x3xi32>
  %r = rong.reshape %m shape = [6] : tensor<2x3xi32>
  %b = rong.broadcast_to %v shape = [2, 2] : tensor<2xi32>
  %s = rong.slice %m starts = [0, -1] ends = [2, -4] steps = [1, -2] : tensor<2x3xi32>
  %row = rong.slice %m starts = [0, 0] ends = [1, 3] steps = [1, 1] : tensor<2x3xi32>
  %flat = rong.reshape %row shape = [3] : tensor<1x3xi32>
  %c = rong.concat %v, %flat axis = 0 : tensor<2xi32>, tensor<3xi32>
  %h = rong.cast %v to f16 : tensor<2xi32>
  return %t, %r, %b, %s, %c, %h : tensor<3x2xi32>, tensor<6xi32>, tensor<2x2xi32>,
                                  tensor<2x2xi32>, tensor<5xi32>, tensor<2xf16>
}

// -----

// Tests that integer division by zero is not folded (it traps at run time).
// CHECK-LABEL: func.func @no_fold_div_by_zero
// CHECK: rong.div
func.func @no_fold_div_by_zero() -> tensor<2xi32> {
  %a = rong.constant dense<[1, 2]> : tensor<2xi32>
  %b = rong.constant dense<[1, 0]> : tensor<2xi32>
  %q = rong.div %a, %b : tensor<2xi32>, tensor<2xi32>
  return %q : tensor<2xi32>
}

// -----

// Tests that a constant splat condition selects one side of rong.where, and
// that not(not(x)) cancels.
// CHECK-LABEL: func.func @where_and_not
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<4xf32>, %[[C:.+]]: tensor<4xi1>)
// CHECK-NEXT: return %[[Y]], %[[C]]
func.func @where_and_not(%x: tensor<4xf32>, %y: tensor<4xf32>, %c: tensor<4xi1>)
    -> (tensor<4xf32>, tensor<4xi1>) {
  %false = rong.constant dense<false> : tensor<i1>
  %w = rong.where %false, %x, %y : tensor<i1>, tensor<4xf32>, tensor<4xf32>
  %n = rong.not %c : tensor<4xi1>
  %nn = rong.not %n : tensor<4xi1>
  return %w, %nn : tensor<4xf32>, tensor<4xi1>
}

// -----

// Tests that splats of any size fold, while weights held as dense resources
// are left alone: folding never copies a model's weights into the IR.
// CHECK-LABEL: func.func @fold_splat_not_resource
// CHECK-DAG: rong.constant dense<2.000000e+00> : tensor<1024x1024xf32>
// CHECK-DAG: %[[W:.+]] = rong.constant dense_resource<weight> : tensor<2x2xf32>
// CHECK-DAG: rong.transpose %[[W]] permutation = [1, 0] : tensor<2x2xf32>
func.func @fold_splat_not_resource() -> (tensor<1024x1024xf32>, tensor<2x2xf32>) {
  %one = rong.constant dense<1.0> : tensor<1024x1024xf32>
  %two = rong.add %one, %one : tensor<1024x1024xf32>, tensor<1024x1024xf32>
  %w = rong.constant dense_resource<weight> : tensor<2x2xf32>
  %t = rong.transpose %w permutation = [1, 0] : tensor<2x2xf32>
  return %two, %t : tensor<1024x1024xf32>, tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Tests that gather_elements of constants folds (negative indices count from
// the end) and that an out-of-range index is left to the kernel.
// CHECK-LABEL: func.func @fold_gather_elements
// CHECK: rong.constant dense<{{\[}}[2, 1], [6, 4]]> : tensor<2x2xi64>
// CHECK: rong.gather_elements
// CHECK-SAME: tensor<2x3xi64>, tensor<1x1xi64>
func.func @fold_gather_elements() -> (tensor<2x2xi64>, tensor<1x1xi64>) {
  %m = rong.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %i = rong.constant dense<[[1, 0], [-1, 0]]> : tensor<2x2xi64>
  %g = rong.gather_elements %m, %i axis = 1 : tensor<2x3xi64>, tensor<2x2xi64>
  %j = rong.constant dense<3> : tensor<1x1xi64>
  %h = rong.gather_elements %m, %j axis = 1 : tensor<2x3xi64>, tensor<1x1xi64>
  return %g, %h : tensor<2x2xi64>, tensor<1x1xi64>
}

// -----

// Tests that gathering from constant shapes folds, as exporters' Shape ->
// Gather chains need.
// CHECK-LABEL: func.func @fold_gather
// CHECK-DAG: rong.constant dense<128> : tensor<i64>
// CHECK-DAG: rong.constant dense<{{\[}}[3, 4], [1, 2]]> : tensor<2x2xi64>
// CHECK-NOT: rong.gather
func.func @fold_gather() -> (tensor<i64>, tensor<2x2xi64>) {
  %shape = rong.constant dense<[8, 128, 768]> : tensor<3xi64>
  %i = rong.constant dense<-2> : tensor<i64>
  %d = rong.gather %shape, %i axis = 0 : tensor<3xi64>, tensor<i64>
  %m = rong.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %j = rong.constant dense<[1, 0]> : tensor<2xi32>
  %g = rong.gather %m, %j axis = 0 : tensor<2x2xi64>, tensor<2xi32>
  return %d, %g : tensor<i64>, tensor<2x2xi64>
}

// -----

// Tests that the bitwise ops and the shifts fold on constants: bit by bit on
// integers (the complement truncated to the width), logically on booleans,
// and shifts by the width or more to 0 (left, unsigned right) or to the sign
// (signed right), as NumPy gives.
// CHECK-LABEL: func.func @fold_bits
// CHECK-DAG: %[[AND:.+]] = rong.constant dense<[8, 2, 6, 10]> : tensor<4xui8>
// CHECK-DAG: %[[OR:.+]] = rong.constant dense<[13, 14, 6, 255]> : tensor<4xui8>
// CHECK-DAG: %[[XOR:.+]] = rong.constant dense<[5, 12, 0, 245]> : tensor<4xui8>
// CHECK-DAG: %[[NOT:.+]] = rong.constant dense<[243, 245, 249, 245]> : tensor<4xui8>
// CHECK-DAG: %[[BXOR:.+]] = rong.constant dense<[true, false]> : tensor<2xi1>
// CHECK-DAG: %[[SHL:.+]] = rong.constant dense<[96, 0, 0, 40]> : tensor<4xui8>
// CHECK-DAG: %[[SAR:.+]] = rong.constant dense<[-4, -1, -1, 3]> : tensor<4xi32>
// CHECK-DAG: %[[SHR:.+]] = rong.constant dense<[0, 0, 1, 0]> : tensor<4xui32>
// CHECK: return %[[AND]], %[[OR]], %[[XOR]], %[[NOT]], %[[BXOR]], %[[SHL]], %[[SAR]], %[[SHR]]
// CHECK-NOT: rong.and
// CHECK-NOT: rong.shift
func.func @fold_bits() -> (tensor<4xui8>, tensor<4xui8>, tensor<4xui8>,
                           tensor<4xui8>, tensor<2xi1>, tensor<4xui8>,
                           tensor<4xi32>, tensor<4xui32>) {
  %a = rong.constant dense<[12, 10, 6, 10]> : tensor<4xui8>
  %b = rong.constant dense<[9, 6, 6, 255]> : tensor<4xui8>
  %and = rong.and %a, %b : tensor<4xui8>, tensor<4xui8>
  %or = rong.or %a, %b : tensor<4xui8>, tensor<4xui8>
  %xor = rong.xor %a, %b : tensor<4xui8>, tensor<4xui8>
  %not = rong.not %a : tensor<4xui8>
  %t = rong.constant dense<[true, false]> : tensor<2xi1>
  %f = rong.constant dense<[false, false]> : tensor<2xi1>
  %bxor = rong.xor %t, %f : tensor<2xi1>, tensor<2xi1>
  %s = rong.constant dense<[3, 8, 9, 2]> : tensor<4xui8>
  %shl = rong.shift_left %a, %s : tensor<4xui8>, tensor<4xui8>
  %neg = rong.constant dense<[-7, -7, -1, 12]> : tensor<4xi32>
  %n = rong.constant dense<[1, 32, 40, 2]> : tensor<4xi32>
  %sar = rong.shift_right %neg, %n : tensor<4xi32>, tensor<4xi32>
  %big = rong.constant dense<[4294967295, 1, 2, 3]> : tensor<4xui32>
  %m = rong.constant dense<[32, 1, 1, 40]> : tensor<4xui32>
  %shr = rong.shift_right %big, %m : tensor<4xui32>, tensor<4xui32>
  return %and, %or, %xor, %not, %bxor, %shl, %sar, %shr
      : tensor<4xui8>, tensor<4xui8>, tensor<4xui8>, tensor<4xui8>,
        tensor<2xi1>, tensor<4xui8>, tensor<4xi32>, tensor<4xui32>
}
