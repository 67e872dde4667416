// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --verify-diagnostics

// Tests that an op without a strategy is named even when a dense constant
// comes first in the body.

func.func @matmul_after_constant(%a: tensor<8x16xf32>) -> tensor<16x16xf32> {
  %r = rong.fusion kind = "contraction" (%a) : (tensor<8x16xf32>) -> tensor<16x16xf32> {
  ^bb0(%x: tensor<8x16xf32>):
    %c = rong.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
    %t = rong.transpose %x permutation = [1, 0] : tensor<8x16xf32>
    // expected-error@+1 {{'rong.matmul' is not supported by the GPU kernel strategies}}
    %m = rong.matmul %t, %x : tensor<16x8xf32>, tensor<8x16xf32>
    rong.yield %m : tensor<16x16xf32>
  }
  return %r : tensor<16x16xf32>
}

// -----

// Tests that a named row op in a loop-shaped group still names itself when
// no strategy lowers it.

func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = rong.fusion kind = "loop" (%x, %s) : (tensor<1x4x8x8xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  ^bb0(%a: tensor<1x4x8x8xf32>, %b: tensor<4xf32>):
    %p = rong.pad %a pads = [0, 0, 0, 0, 0, 0, 0, 0] mode = constant value = 0.0 : tensor<1x4x8x8xf32>
    // expected-error@+1 {{'rong.batch_norm' is not supported by the GPU kernel strategies}}
    %n = rong.batch_norm %p, %b, %b, %b, %b epsilon = 1.0e-05 : tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
    rong.yield %n : tensor<1x4x8x8xf32>
  }
  return %r : tensor<1x4x8x8xf32>
}
