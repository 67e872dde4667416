// RUN: rong-opt %s --rong-fold-bias-into-matmul --split-input-file | FileCheck %s
// RUN: rong-opt %s --split-input-file --rong-fusion-pipeline=target=sm_90 | FileCheck %s --check-prefix=SM90
// RUN: rong-opt %s --split-input-file --rong-fusion-pipeline=target=cpu | FileCheck %s --check-prefix=CPU

// Tests a linear layer in bf16: the bias becomes the matmul's operand, so
// the BLAS adds it before rounding; the GELU after it stays.
// CHECK-LABEL: func.func @linear_gelu
// CHECK-SAME: (%[[X:.+]]: tensor<64x32xbf16>, %[[W:.+]]: tensor<32x128xbf16>, %[[B:.+]]: tensor<128xbf16>)
// CHECK: %[[P:.+]] = rong.matmul %[[X]], %[[W]], %[[B]] : tensor<64x32xbf16>, tensor<32x128xbf16>, tensor<128xbf16>
// CHECK-NOT: rong.add
// CHECK: %[[G:.+]] = rong.gelu %[[P]]
// CHECK: return %[[G]]
// On sm_90 the fusion pipeline folds it; the GELU is the epilogue group.
// SM90-LABEL: func.func @linear_gelu
// SM90: rong.matmul %{{.+}}, %{{.+}}, %{{.+}} : tensor<64x32xbf16>, tensor<32x128xbf16>, tensor<128xbf16>
// SM90-NOT: rong.add
// SM90: rong.gelu
// SM90: return
// On the CPU (no bias epilogue in its BLAS) the add stays, after the f32
// product is rounded.
// CPU-LABEL: func.func @linear_gelu
// CPU: rong.matmul %{{[^,]+}}, %{{[^,]+}} : tensor<64x32xf32>, tensor<32x128xf32>
// CPU: rong.add
// CPU: return
func.func @linear_gelu(%x: tensor<64x32xbf16>, %w: tensor<32x128xbf16>, %b: tensor<128xbf16>) -> tensor<64x128xbf16> {
  %p = rong.matmul %x, %w : tensor<64x32xbf16>, tensor<32x128xbf16>
  %a = rong.add %p, %b : tensor<64x128xbf16>, tensor<128xbf16>
  %g = rong.gelu %a : tensor<64x128xbf16>
  return %g : tensor<64x128xbf16>
}

// -----

// Tests the bias on the left of the add, spelled [1, N]: it is reshaped to
// [N].
// CHECK-LABEL: func.func @bias_first
// CHECK-SAME: (%[[X:.+]]: tensor<8x16xf32>, %[[W:.+]]: tensor<16x4xf32>, %[[B:.+]]: tensor<1x4xf32>)
// CHECK: %[[V:.+]] = rong.reshape %[[B]] shape = [4] : tensor<1x4xf32>
// CHECK: %[[P:.+]] = rong.matmul %[[X]], %[[W]], %[[V]]
// CHECK: return %[[P]]
func.func @bias_first(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<1x4xf32>) -> tensor<8x4xf32> {
  %p = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %a = rong.add %b, %p : tensor<1x4xf32>, tensor<8x4xf32>
  return %a : tensor<8x4xf32>
}

// -----

// Tests layout ops between the product and the bias that keep the last axis
// whole and last (what rong-hoist-layouts-above-epilogues leaves for BERT's
// output projection): the bias moves into the matmul, the layouts stay.
// CHECK-LABEL: func.func @through_layouts
// CHECK-SAME: (%[[X:.+]]: tensor<32x64xf16>, %[[W:.+]]: tensor<64x64xf16>, %[[B:.+]]: tensor<1x1x64xf16>)
// CHECK: %[[V:.+]] = rong.reshape %[[B]] shape = [64]
// CHECK: %[[P:.+]] = rong.matmul %[[X]], %[[W]], %[[V]]
// CHECK: %[[R:.+]] = rong.reshape %[[P]] shape = [16, 2, 64]
// CHECK: %[[T:.+]] = rong.transpose %[[R]] permutation = [1, 0, 2]
// CHECK-NOT: rong.add
// CHECK: return %[[T]]
func.func @through_layouts(%x: tensor<32x64xf16>, %w: tensor<64x64xf16>, %b: tensor<1x1x64xf16>) -> tensor<2x16x64xf16> {
  %p = rong.matmul %x, %w : tensor<32x64xf16>, tensor<64x64xf16>
  %r = rong.reshape %p shape = [16, 2, 64] : tensor<32x64xf16>
  %t = rong.transpose %r permutation = [1, 0, 2] : tensor<16x2x64xf16>
  %a = rong.add %t, %b : tensor<2x16x64xf16>, tensor<1x1x64xf16>
  return %a : tensor<2x16x64xf16>
}

// -----

// Tests BERT's output projection as the hoist pass leaves it: the [N] bias is
// reshaped to [1, 1, N] next to the add, after the matmul. The matmul takes
// the reshape's source, which exists before it.
// CHECK-LABEL: func.func @bias_reshaped_after
// CHECK-SAME: (%[[X:.+]]: tensor<32x64xbf16>, %[[W:.+]]: tensor<64x64xbf16>, %[[B:.+]]: tensor<64xbf16>)
// CHECK: %[[P:.+]] = rong.matmul %[[X]], %[[W]], %[[B]]
// CHECK: %[[R:.+]] = rong.reshape %[[P]] shape = [16, 2, 64]
// CHECK: %[[T:.+]] = rong.transpose %[[R]] permutation = [1, 0, 2]
// CHECK-NOT: rong.add
// CHECK: return %[[T]]
func.func @bias_reshaped_after(%x: tensor<32x64xbf16>, %w: tensor<64x64xbf16>, %b: tensor<64xbf16>) -> tensor<2x16x64xbf16> {
  %p = rong.matmul %x, %w : tensor<32x64xbf16>, tensor<64x64xbf16>
  %r = rong.reshape %p shape = [16, 2, 64] : tensor<32x64xbf16>
  %t = rong.transpose %r permutation = [1, 0, 2] : tensor<16x2x64xbf16>
  %v = rong.reshape %b shape = [1, 1, 64] : tensor<64xbf16>
  %a = rong.add %t, %v : tensor<2x16x64xbf16>, tensor<1x1x64xbf16>
  return %a : tensor<2x16x64xbf16>
}

// -----

// Tests a bias computed after the matmul by something other than reshapes:
// it does not exist where the matmul is, so the add stays.
// CHECK-LABEL: func.func @bias_computed_after
// CHECK: rong.matmul %{{.+}}, %{{.+}} : tensor<32x64xf32>, tensor<64x64xf32>
// CHECK: rong.neg
// CHECK: rong.add
func.func @bias_computed_after(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<32x64xf32> {
  %p = rong.matmul %x, %w : tensor<32x64xf32>, tensor<64x64xf32>
  %n = rong.neg %b : tensor<64xf32>
  %a = rong.add %p, %n : tensor<32x64xf32>, tensor<64xf32>
  return %a : tensor<32x64xf32>
}

// -----

// Tests what stays an add:
// - a per-row vector ([M, 1]) is not a bias along the columns;
// - a full-size addend (a residual) is not a vector;
// - a bias whose product is also read elsewhere;
// - a bias after a transpose that moves the last axis;
// - a bias after a reshape that splits the columns into heads;
// - integer products;
// - a product that already has a bias.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-7: rong.add
// CHECK: return
func.func @left_alone(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %rowb: tensor<8x1xf32>,
                      %full: tensor<8x4xf32>, %b: tensor<4xf32>, %bt: tensor<8xf32>,
                      %b2: tensor<2xf32>, %xi: tensor<8x16xi32>, %wi: tensor<16x4xi32>,
                      %bi: tensor<4xi32>)
    -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
        tensor<4x8xf32>, tensor<8x2x2xf32>, tensor<8x4xi32>, tensor<8x4xf32>) {
  %p1 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %a1 = rong.add %p1, %rowb : tensor<8x4xf32>, tensor<8x1xf32>
  %p2 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %a2 = rong.add %p2, %full : tensor<8x4xf32>, tensor<8x4xf32>
  %p3 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %a3 = rong.add %p3, %b : tensor<8x4xf32>, tensor<4xf32>
  %p4 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %t4 = rong.transpose %p4 permutation = [1, 0] : tensor<8x4xf32>
  %a4 = rong.add %t4, %bt : tensor<4x8xf32>, tensor<8xf32>
  %p5 = rong.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %r5 = rong.reshape %p5 shape = [8, 2, 2] : tensor<8x4xf32>
  %a5 = rong.add %r5, %b2 : tensor<8x2x2xf32>, tensor<2xf32>
  %p6 = rong.matmul %xi, %wi : tensor<8x16xi32>, tensor<16x4xi32>
  %a6 = rong.add %p6, %bi : tensor<8x4xi32>, tensor<4xi32>
  %p7 = rong.matmul %x, %w, %b : tensor<8x16xf32>, tensor<16x4xf32>, tensor<4xf32>
  %a7 = rong.add %p7, %b : tensor<8x4xf32>, tensor<4xf32>
  return %a1, %a2, %a3, %p3, %a4, %a5, %a6, %a7
      : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>,
        tensor<4x8xf32>, tensor<8x2x2xf32>, tensor<8x4xi32>, tensor<8x4xf32>
}
