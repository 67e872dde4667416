// RUN: rong-opt %s --split-input-file --rong-fusion-to-gpu=target=sm_90 --verify-diagnostics

// Tests that an op without a GPU strategy is named in the error.

func.func @matmul_epilogue(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %r = rong.fusion kind = "epilogue" (%a, %b) : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32> {
  ^bb0(%x: tensor<8x16xf32>, %y: tensor<16x4xf32>):
    // expected-error@+1 {{'rong.matmul' is not supported by the GPU kernel strategies}}
    %m = rong.matmul %x, %y : tensor<8x16xf32>, tensor<16x4xf32>
    %g = rong.relu %m : tensor<8x4xf32>
    rong.yield %g : tensor<8x4xf32>
  }
  return %r : tensor<8x4xf32>
}

// -----

// Tests that a reduction over axes that are not contiguous is rejected by
// the row and column strategies (the fusion pipeline transposes them first).

func.func @split_axes(%x: tensor<8x4x16xf32>) -> tensor<1x4x1xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<8x4x16xf32>) -> tensor<1x4x1xf32> {
  ^bb0(%a: tensor<8x4x16xf32>):
    // expected-error@+1 {{'rong.reduce_sum' must reduce contiguous axes of its input to be lowered by the GPU row or column strategy}}
    %s = rong.reduce_sum %a axes = [0, 2] keepdims : tensor<8x4x16xf32>
    rong.yield %s : tensor<1x4x1xf32>
  }
  return %r : tensor<1x4x1xf32>
}

// -----

// Tests that the column strategy computes no argmax indices.

func.func @column_argmax(%x: tensor<8x16xf32>) -> tensor<1x16xi64> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<8x16xf32>) -> tensor<1x16xi64> {
  ^bb0(%a: tensor<8x16xf32>):
    // expected-error@+1 {{'rong.argmax' must reduce the last axis; the column strategy does not compute indices}}
    %i = rong.argmax %a axis = 0 keepdims : tensor<8x16xf32>
    rong.yield %i : tensor<1x16xi64>
  }
  return %r : tensor<1x16xi64>
}

// -----

// Tests that a column reduction must keep its dimensions (the fusion
// pipeline adds keepdims and a view).

func.func @column_no_keepdims(%x: tensor<8x16xf32>) -> tensor<16xf32> {
  %r = rong.fusion kind = "reduction" (%x) : (tensor<8x16xf32>) -> tensor<16xf32> {
  ^bb0(%a: tensor<8x16xf32>):
    // expected-error@+1 {{'rong.reduce_sum' reduces leading axes without keepdims; the column strategy needs them kept}}
    %s = rong.reduce_sum %a axes = [0] : tensor<8x16xf32>
    rong.yield %s : tensor<16xf32>
  }
  return %r : tensor<16xf32>
}

// -----

// Tests that a reduction without keepdims cannot be broadcast back over the
// row it reduced (here its [16] result would broadcast along the columns).

func.func @no_keepdims(%x: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %r = rong.fusion kind = "stitch" (%x) : (tensor<16x16xf32>) -> tensor<16x16xf32> {
  ^bb0(%a: tensor<16x16xf32>):
    // expected-error@+1 {{reduces a value that is combined with a reduction without keepdims; only keepdims reductions can be broadcast back over the row}}
    %s = rong.reduce_sum %a axes = [-1] : tensor<16x16xf32>
    %d = rong.sub %a, %s : tensor<16x16xf32>, tensor<16xf32>
    rong.yield %d : tensor<16x16xf32>
  }
  return %r : tensor<16x16xf32>
}

// -----

// Tests that two reductions over different rows cannot share one kernel.

func.func @two_rows(%x: tensor<8x16xf32>) -> (tensor<8x1xf32>, tensor<8x16xf32>) {
  %r:2 = rong.fusion kind = "reduction" (%x) : (tensor<8x16xf32>) -> (tensor<8x1xf32>, tensor<8x16xf32>) {
  ^bb0(%a: tensor<8x16xf32>):
    %s = rong.reduce_sum %a axes = [-1] keepdims : tensor<8x16xf32>
    // expected-error@+1 {{'rong.reduce_max' reduces a different row than the group's first reduction}}
    %m = rong.reduce_max %a axes = [0, 1] keepdims : tensor<8x16xf32>
    %y = rong.mul %a, %m : tensor<8x16xf32>, tensor<1x1xf32>
    rong.yield %s, %y : tensor<8x1xf32>, tensor<8x16xf32>
  }
  return %r#0, %r#1 : tensor<8x1xf32>, tensor<8x16xf32>
}

// -----

// Tests that a loop group must produce results of one shape.

func.func @two_shapes(%x: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>) {
  // expected-error@+1 {{loop group results of different shapes are not supported}}
  %r:2 = rong.fusion kind = "horizontal" (%x, %v) : (tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>) {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<8xf32>):
    %s = rong.exp %a : tensor<4x8xf32>
    %t = rong.neg %b : tensor<8xf32>
    rong.yield %s, %t : tensor<4x8xf32>, tensor<8xf32>
  }
  return %r#0, %r#1 : tensor<4x8xf32>, tensor<8xf32>
}

// -----

// Tests that dynamic shapes are rejected with the offending type.

func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error@+1 {{GPU kernels need static shapes; found 'tensor<?x8xf32>'}}
  %r = rong.fusion kind = "loop" (%x) : (tensor<?x8xf32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>):
    %s = rong.exp %a : tensor<?x8xf32>
    rong.yield %s : tensor<?x8xf32>
  }
  return %r : tensor<?x8xf32>
}
