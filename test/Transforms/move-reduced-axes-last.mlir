// RUN: rong-opt %s --rong-move-reduced-axes-last --split-input-file | FileCheck %s
// RUN: rong-opt %s --rong-move-reduced-axes-last="column-reductions=true max-column-length=64" --split-input-file | FileCheck %s --check-prefix=COLUMNS
// RUN: rong-opt %s --rong-move-reduced-axes-last="column-reductions=true max-column-length=64 split-float-columns=true" --split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: rong-opt %s --rong-fusion-pipeline --split-input-file | FileCheck %s --check-prefix=FUSED

// Tests that a sum over axis 0 becomes a transpose, a sum over the last axis
// with keepdims, and a view to the result shape.
// CHECK-LABEL: func.func @sum_axis0
// CHECK-SAME: (%[[X:.+]]: tensor<64x33xf32>)
// CHECK: %[[T:.+]] = rong.transpose %[[X]] permutation = [1, 0] : tensor<64x33xf32>
// CHECK: %[[S:.+]] = rong.reduce_sum %[[T]] axes = [1] keepdims : tensor<33x64xf32>
// CHECK: %[[R:.+]] = rong.reshape %[[S]] shape = [33] : tensor<33x1xf32>
// CHECK: return %[[R]] : tensor<33xf32>
// With column reductions the sum stays over axis 0, with keepdims, and the
// view drops the kept dimension.
// COLUMNS-LABEL: func.func @sum_axis0
// COLUMNS-SAME: (%[[X:.+]]: tensor<64x33xf32>)
// COLUMNS-NOT: rong.transpose
// COLUMNS: %[[S:.+]] = rong.reduce_sum %[[X]] axes = [0] keepdims : tensor<64x33xf32>
// COLUMNS: %[[R:.+]] = rong.reshape %[[S]] shape = [33] : tensor<1x33xf32>
// COLUMNS: return %[[R]] : tensor<33xf32>
// The fusion pipeline (CPU target) reads the columns in place: one
// reduction kernel, no transpose.
// FUSED-LABEL: func.func @sum_axis0
// FUSED-NOT: rong.transpose
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.reduce_sum %{{.+}} axes = [0] keepdims
// FUSED-NOT: rong.fusion
// FUSED: rong.reshape
func.func @sum_axis0(%x: tensor<64x33xf32>) -> tensor<33xf32> {
  %s = rong.reduce_sum %x axes = [0] : tensor<64x33xf32>
  return %s : tensor<33xf32>
}

// -----

// Tests that two separate runs of reduced axes are reduced one after the
// other: the trailing axis 2 (6 elements, a row) first, in place, then axis 0
// of the 4x5x1 partial result. Without column reductions the second step
// transposes the partial result, 6x smaller than the input.
// CHECK-LABEL: func.func @mean_axes02_keepdims
// CHECK-SAME: (%[[X:.+]]: tensor<4x5x6xf32>)
// CHECK: %[[P:.+]] = rong.reduce_mean %[[X]] axes = [2] keepdims : tensor<4x5x6xf32>
// CHECK: %[[T:.+]] = rong.transpose %[[P]] permutation = [1, 2, 0] : tensor<4x5x1xf32>
// CHECK: %[[M:.+]] = rong.reduce_mean %[[T]] axes = [2] keepdims : tensor<5x1x4xf32>
// CHECK: %[[R:.+]] = rong.reshape %[[M]] shape = [1, 5, 1] : tensor<5x1x1xf32>
// CHECK: return %[[R]]
// With column reductions the second step reads axis 0 in place: no
// transpose at all.
// COLUMNS-LABEL: func.func @mean_axes02_keepdims
// COLUMNS-SAME: (%[[X:.+]]: tensor<4x5x6xf32>)
// COLUMNS-NOT: rong.transpose
// COLUMNS: %[[P:.+]] = rong.reduce_mean %[[X]] axes = [2] keepdims : tensor<4x5x6xf32>
// COLUMNS: %[[M:.+]] = rong.reduce_mean %[[P]] axes = [0] keepdims : tensor<4x5x1xf32>
// COLUMNS: return %[[M]] : tensor<1x5x1xf32>
func.func @mean_axes02_keepdims(%x: tensor<4x5x6xf32>) -> tensor<1x5x1xf32> {
  %s = rong.reduce_mean %x axes = [0, -1] keepdims : tensor<4x5x6xf32>
  return %s : tensor<1x5x1xf32>
}

// -----

// Tests batch-norm statistics over N, H and W of NCHW (training): the mean
// and the variance of (x - mean) each take a row reduction over H and W that
// reads x in place (the subtraction and square fused into it) and a column
// reduction over N of the 8x16x1x1 partial means. Nothing transposes x.
// FUSED-LABEL: func.func @batch_norm_statistics
// FUSED-NOT: rong.transpose
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.reduce_mean %{{.+}} axes = [2, 3] keepdims : tensor<8x16x7x7xf32>
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.reduce_mean %{{.+}} axes = [0] keepdims : tensor<8x16x1x1xf32>
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.sub
// FUSED: rong.mul
// FUSED: rong.reduce_mean %{{.+}} axes = [2, 3] keepdims : tensor<8x16x7x7xf32>
// FUSED: rong.fusion kind = "reduction"
// FUSED: rong.reduce_mean %{{.+}} axes = [0] keepdims : tensor<8x16x1x1xf32>
// FUSED-NOT: rong.fusion
// FUSED-NOT: rong.transpose
// FUSED: return
func.func @batch_norm_statistics(%x: tensor<8x16x7x7xf32>) -> (tensor<1x16x1x1xf32>, tensor<1x16x1x1xf32>) {
  %m = rong.reduce_mean %x axes = [0, 2, 3] keepdims : tensor<8x16x7x7xf32>
  %d = rong.sub %x, %m : tensor<8x16x7x7xf32>, tensor<1x16x1x1xf32>
  %d2 = rong.mul %d, %d : tensor<8x16x7x7xf32>, tensor<8x16x7x7xf32>
  %v = rong.reduce_mean %d2 axes = [0, 2, 3] keepdims : tensor<8x16x7x7xf32>
  return %m, %v : tensor<1x16x1x1xf32>, tensor<1x16x1x1xf32>
}

// -----

// Tests a sum over N, H and W without keepdims: the same two steps and a
// view. Of runs that can be read in place, the one with more elements goes
// first: here N (32) before H and W (2 x 2), as a column over C, H and W.
// COLUMNS-LABEL: func.func @sum_nhw
// COLUMNS-NOT: rong.transpose
// COLUMNS: %[[P:.+]] = rong.reduce_sum %{{.+}} axes = [0] keepdims : tensor<32x16x2x2xf32>
// COLUMNS: %[[S:.+]] = rong.reduce_sum %[[P]] axes = [2, 3] keepdims : tensor<1x16x2x2xf32>
// COLUMNS: rong.reshape %[[S]] shape = [16] : tensor<1x16x1x1xf32>
func.func @sum_nhw(%x: tensor<32x16x2x2xf32>) -> tensor<16xf32> {
  %s = rong.reduce_sum %x axes = [0, 2, 3] : tensor<32x16x2x2xf32>
  return %s : tensor<16xf32>
}

// -----

// Tests that max, min and prod move their axes too (without keepdims).
// CHECK-LABEL: func.func @max_min_prod
// CHECK: rong.reduce_max %{{.+}} axes = [2] keepdims : tensor<2x4x3xf32>
// CHECK: rong.reduce_min %{{.+}} axes = [2] keepdims : tensor<2x4x3xf32>
// CHECK: rong.reduce_prod %{{.+}} axes = [2] keepdims : tensor<2x4x3xf32>
// COLUMNS-LABEL: func.func @max_min_prod
// COLUMNS: rong.reduce_max %{{.+}} axes = [1] keepdims : tensor<2x3x4xf32>
// COLUMNS: rong.reduce_min %{{.+}} axes = [1] keepdims : tensor<2x3x4xf32>
// COLUMNS: rong.reduce_prod %{{.+}} axes = [1] keepdims : tensor<2x3x4xf32>
func.func @max_min_prod(%x: tensor<2x3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %a = rong.reduce_max %x axes = [1] : tensor<2x3x4xf32>
  %b = rong.reduce_min %x axes = [1] : tensor<2x3x4xf32>
  %c = rong.reduce_prod %x axes = [1] : tensor<2x3x4xf32>
  return %a, %b, %c : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests that a permutation moving only size-1 dimensions is a reshape.
// CHECK-LABEL: func.func @unit_dims
// CHECK-SAME: (%[[X:.+]]: tensor<4x8x1xf32>)
// CHECK-NOT: rong.transpose
// CHECK: %[[V:.+]] = rong.reshape %[[X]] shape = [4, 1, 8] : tensor<4x8x1xf32>
// CHECK: rong.reduce_max %[[V]] axes = [2] keepdims : tensor<4x1x8xf32>
// Only size-1 axes follow the reduced one: a row after the view, not a
// column.
// COLUMNS-LABEL: func.func @unit_dims
// COLUMNS: rong.reshape %{{.+}} shape = [4, 1, 8] : tensor<4x8x1xf32>
func.func @unit_dims(%x: tensor<4x8x1xf32>) -> tensor<4x1xf32> {
  %s = rong.reduce_max %x axes = [1] : tensor<4x8x1xf32>
  return %s : tensor<4x1xf32>
}

// -----

// Tests that reductions over trailing axes (or every axis) are left alone.
// CHECK-LABEL: func.func @trailing
// CHECK-NOT: rong.transpose
// CHECK-NOT: rong.reshape
// CHECK: rong.reduce_sum %{{.+}} axes = [-2, -1] keepdims
// CHECK: rong.reduce_sum %{{.+}} axes = [] :
// CHECK: return
func.func @trailing(%x: tensor<2x3x4xf32>) -> (tensor<2x1x1xf32>, tensor<f32>) {
  %a = rong.reduce_sum %x axes = [-2, -1] keepdims : tensor<2x3x4xf32>
  %b = rong.reduce_sum %x axes = [] : tensor<2x3x4xf32>
  return %a, %b : tensor<2x1x1xf32>, tensor<f32>
}

// -----

// Tests that softmax over axis 0 is transposed there and back.
// CHECK-LABEL: func.func @softmax_axis0
// CHECK-SAME: (%[[X:.+]]: tensor<5x7xf32>)
// CHECK: %[[T:.+]] = rong.transpose %[[X]] permutation = [1, 0] : tensor<5x7xf32>
// CHECK: %[[S:.+]] = rong.softmax %[[T]] axis = 1 : tensor<7x5xf32>
// CHECK: %[[B:.+]] = rong.transpose %[[S]] permutation = [1, 0] : tensor<7x5xf32>
// CHECK: return %[[B]]
// COLUMNS-LABEL: func.func @softmax_axis0
// COLUMNS-NOT: rong.transpose
// COLUMNS: rong.softmax %{{.+}} axis = 0 : tensor<5x7xf32>
// COLUMNS-NOT: rong.transpose
// FUSED-LABEL: func.func @softmax_axis0
// FUSED-NOT: rong.transpose
// FUSED-COUNT-1: rong.fusion kind = "stitch"
// FUSED-NOT: rong.transpose
func.func @softmax_axis0(%x: tensor<5x7xf32>) -> tensor<5x7xf32> {
  %s = rong.softmax %x axis = 0 : tensor<5x7xf32>
  return %s : tensor<5x7xf32>
}

// -----

// Tests that log_softmax over a middle axis of a 3-D tensor moves that axis
// last and back with inverse permutations.
// CHECK-LABEL: func.func @log_softmax_axis1
// CHECK: %[[T:.+]] = rong.transpose %{{.+}} permutation = [0, 2, 1] : tensor<2x3x4xf32>
// CHECK: %[[S:.+]] = rong.log_softmax %[[T]] axis = 2 : tensor<2x4x3xf32>
// CHECK: rong.transpose %[[S]] permutation = [0, 2, 1] : tensor<2x4x3xf32>
// COLUMNS-LABEL: func.func @log_softmax_axis1
// COLUMNS-NOT: rong.transpose
// COLUMNS: rong.log_softmax %{{.+}} axis = -2 : tensor<2x3x4xf32>
func.func @log_softmax_axis1(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %s = rong.log_softmax %x axis = -2 : tensor<2x3x4xf32>
  return %s : tensor<2x3x4xf32>
}

// -----

// Tests that a spelled-out softmax over axis 0 is recognised before its axis
// moves, so it stays one stitch group.
// FUSED-LABEL: func.func @softmax_axis0_decomposed
// FUSED-COUNT-1: rong.fusion kind = "stitch"
// FUSED-NOT: rong.fusion kind = "stitch"
// FUSED: return
func.func @softmax_axis0_decomposed(%x: tensor<6x16xf32>) -> tensor<6x16xf32> {
  %m = rong.reduce_max %x axes = [0] keepdims : tensor<6x16xf32>
  %s = rong.sub %x, %m : tensor<6x16xf32>, tensor<1x16xf32>
  %e = rong.exp %s : tensor<6x16xf32>
  %z = rong.reduce_sum %e axes = [0] keepdims : tensor<6x16xf32>
  %y = rong.div %e, %z : tensor<6x16xf32>, tensor<1x16xf32>
  return %y : tensor<6x16xf32>
}

// -----

// Tests that a reduction over size-1 axes only is a view of its input, even
// over trailing axes.
// CHECK-LABEL: func.func @one_element
// CHECK-SAME: (%[[X:.+]]: tensor<8x1x16xf32>, %[[Y:.+]]: tensor<8x1xf32>)
// CHECK-NOT: rong.reduce
// CHECK: %[[A:.+]] = rong.reshape %[[X]] shape = [8, 16] : tensor<8x1x16xf32>
// CHECK: return %[[A]], %[[Y]]
func.func @one_element(%x: tensor<8x1x16xf32>, %y: tensor<8x1xf32>) -> (tensor<8x16xf32>, tensor<8x1xf32>) {
  %a = rong.reduce_sum %x axes = [1] : tensor<8x1x16xf32>
  %b = rong.reduce_max %y axes = [1] keepdims : tensor<8x1xf32>
  return %a, %b : tensor<8x16xf32>, tensor<8x1xf32>
}

// -----

// Tests that argmax along a leading axis becomes a transpose, argmax along
// the last axis with keepdims (and the tie rule kept), and a view.
// CHECK-LABEL: func.func @argmax_axis0
// CHECK-SAME: (%[[X:.+]]: tensor<64x33xf32>)
// CHECK: %[[T:.+]] = rong.transpose %[[X]] permutation = [1, 0] : tensor<64x33xf32>
// CHECK: %[[I:.+]] = rong.argmax %[[T]] axis = 1 keepdims select_last_index : tensor<33x64xf32>
// CHECK: %[[R:.+]] = rong.reshape %[[I]] shape = [33] : tensor<33x1xi64>
// CHECK: return %[[R]]
func.func @argmax_axis0(%x: tensor<64x33xf32>) -> tensor<33xi64> {
  %i = rong.argmax %x axis = 0 select_last_index : tensor<64x33xf32>
  return %i : tensor<33xi64>
}

// -----

// Tests that argmax along a size-1 axis is the constant 0 and argmax along
// the last axis is left alone.
// CHECK-LABEL: func.func @argmax_trivial
// CHECK: %[[Z:.+]] = rong.constant dense<0> : tensor<4x1x8xi64>
// CHECK: %[[L:.+]] = rong.argmax %{{.+}} axis = -1 keepdims : tensor<4x1x8xf32>
// CHECK: return %[[Z]], %[[L]]
func.func @argmax_trivial(%x: tensor<4x1x8xf32>) -> (tensor<4x1x8xi64>, tensor<4x1x1xi64>) {
  %a = rong.argmax %x axis = 1 keepdims : tensor<4x1x8xf32>
  %b = rong.argmax %x axis = -1 keepdims : tensor<4x1x8xf32>
  return %a, %b : tensor<4x1x8xi64>, tensor<4x1x1xi64>
}

// -----

// Tests that a column longer than max-column-length is transposed into a row.
// COLUMNS-LABEL: func.func @long_column
// COLUMNS: rong.transpose %{{.+}} permutation = [1, 0] : tensor<128x4xf32>
// COLUMNS: rong.reduce_sum %{{.+}} axes = [1] keepdims : tensor<4x128xf32>
func.func @long_column(%x: tensor<128x4xf32>) -> tensor<4xf32> {
  %s = rong.reduce_sum %x axes = [0] : tensor<128x4xf32>
  return %s : tensor<4xf32>
}

// -----

// Tests that with split-float-columns a long float column stays in place
// (GPU column kernels split it among a block's threads), while a long
// integer column is still transposed into a row.
// SPLIT-LABEL: func.func @long_columns_split
//   SPLIT-NOT: rong.transpose {{.+}} : tensor<128x4xf32>
//       SPLIT: rong.reduce_sum %{{.+}} axes = [0] keepdims : tensor<128x4xf32>
//       SPLIT: rong.transpose %{{.+}} permutation = [1, 0] : tensor<128x4xi32>
//       SPLIT: rong.reduce_sum %{{.+}} axes = [1] keepdims : tensor<4x128xi32>
func.func @long_columns_split(%x: tensor<128x4xf32>, %n: tensor<128x4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %s = rong.reduce_sum %x axes = [0] : tensor<128x4xf32>
  %t = rong.reduce_sum %n axes = [0] : tensor<128x4xi32>
  return %s, %t : tensor<4xf32>, tensor<4xi32>
}
