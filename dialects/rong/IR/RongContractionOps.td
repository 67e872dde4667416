//===- RongContractionOps.td - Contractions and windows ----*- tablegen -*-===//
//
// This file defines Rong's contractions (batched, broadcasting matmul and 2-D
// convolution) and its 2-D pooling windows.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGCONTRACTIONOPS_TD
#define RONG_IR_RONGCONTRACTIONOPS_TD

include "rong/IR/RongBase.td"

def Rong_MatMulOp : Rong_InferredOp<"matmul"> {
  let summary = "matrix product with NumPy semantics";
  let description = [{
    Multiplies the trailing two dimensions of `lhs` and `rhs` as matrices and
    broadcasts the leading (batch) dimensions, as `numpy.matmul` does: a rank-1
    `lhs` is a row vector and a rank-1 `rhs` a column vector, and the added
    dimension is removed from the result. Both operands have the same element
    type.

    The optional `bias` (`[N]`, the element type of the operands) is added to
    every row of the product, as a GEMM epilogue: the sum is formed at the
    accumulator's precision and rounded once. `rong-fold-bias-into-matmul`
    creates it for targets whose BLAS adds a bias in its epilogue; the
    operands must then be matrices or batches of matrices (rank >= 2).

    Example:

    ```mlir
    %c = rong.matmul %a, %b : tensor<8x12x128x64xf32>, tensor<8x12x64x128xf32>
    %d = rong.matmul %x, %w, %bias
        : tensor<4096x768xbf16>, tensor<768x3072xbf16>, tensor<3072xbf16>
    ```
  }];
  let arguments = (ins Rong_NumericTensor:$lhs, Rong_NumericTensor:$rhs,
                       Optional<Rong_FloatTensor>:$bias);
  let results = (outs Rong_NumericTensor:$result);
  let builders = [
    // A product without a bias.
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state, lhs, rhs, ::mlir::Value());
    }]>
  ];
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` type($lhs) `,` type($rhs)
    (`,` type($bias)^)?
  }];
}

def Rong_Conv2DOp : Rong_InferredOp<"conv2d"> {
  let summary = "2-D convolution, NCHW";
  let description = [{
    Convolves `input` (`N x C x H x W`) with `weight` (`O x C/groups x kH x kW`)
    and adds the optional `bias` (`[O]`). `strides` and `dilations` have two
    entries (H, W); `pads` has four: `[top, left, bottom, right]`, the ONNX
    order. `C` and `O` must be divisible by `groups`.

    Example:

    ```mlir
    %y = rong.conv2d %x, %w, %b strides = [2, 2] pads = [3, 3, 3, 3]
        dilations = [1, 1] groups = 1
        : tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, Rong_FloatTensor:$weight,
                       Optional<Rong_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups attr-dict `:`
    type($input) `,` type($weight) (`,` type($bias)^)?
  }];
}

def Rong_ConvTranspose2DOp : Rong_InferredOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution, NCHW";
  let description = [{
    The transpose of `rong.conv2d` (its gradient with respect to the input),
    as ONNX ConvTranspose and PyTorch's `conv_transpose2d` define it: each
    element `input[n, c, i, j]` (`N x C x H x W`) adds
    `input[n, c, i, j] * weight[c, m, k, l]` (`C x M/groups x kH x kW`) to
    the full result at `(i * stride_h + k * dilation_h,
    j * stride_w + l * dilation_w)`, whose size is
    `stride * (in - 1) + dilation * (kernel - 1) + 1` per axis. `pads`
    (`[top, left, bottom, right]`) are cut from the full result; negative
    pads extend it with elements only the bias reaches (ONNX's
    `output_padding` is a negative bottom or right pad). The optional `bias`
    (`[M]`) is added everywhere.

    The fusion pipeline decomposes it into one `rong.conv2d` per output phase
    (`rong-decompose`).

    Example:

    ```mlir
    %y = rong.conv_transpose2d %x, %w, %b strides = [2, 2]
        pads = [1, 1, 0, 0] dilations = [1, 1] groups = 1
        : tensor<1x64x28x28xf32>, tensor<64x32x3x3xf32>, tensor<32xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, Rong_FloatTensor:$weight,
                       Optional<Rong_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups attr-dict `:`
    type($input) `,` type($weight) (`,` type($bias)^)?
  }];
}

def Rong_MaxPool2DOp : Rong_InferredOp<"max_pool2d"> {
  let summary = "2-D max pooling, NCHW";
  let description = [{
    Takes the maximum over each `kernel` window of `input` (`N x C x H x W`).
    `kernel`, `strides` and `dilations` have two entries (H, W); `pads` has
    four, `[top, left, bottom, right]`; padding never wins the maximum. With
    `ceil_mode` the output size rounds up, dropping a last window that would
    start in the right or bottom padding, as ONNX and PyTorch do.

    Example:

    ```mlir
    %y = rong.max_pool2d %x kernel = [3, 3] strides = [2, 2]
        pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Rong_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, UnitAttr:$ceil_mode);
  let results = (outs Rong_NumericTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations (`ceil_mode` $ceil_mode^)? attr-dict `:`
    type($input)
  }];
}

def Rong_AvgPool2DOp : Rong_InferredOp<"avg_pool2d"> {
  let summary = "2-D average pooling, NCHW";
  let description = [{
    Averages each `kernel` window of `input` (`N x C x H x W`). `kernel` and
    `strides` have two entries (H, W); `pads` has four,
    `[top, left, bottom, right]`. Padded positions count in the divisor only
    with `count_include_pad`. `ceil_mode` rounds the output size up as in
    `rong.max_pool2d`.

    Example:

    ```mlir
    %y = rong.avg_pool2d %x kernel = [7, 7] strides = [1, 1] pads = [0, 0, 0, 0]
        : tensor<1x512x7x7xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    (`ceil_mode` $ceil_mode^)? (`count_include_pad` $count_include_pad^)?
    attr-dict `:` type($input)
  }];
}

#endif // RONG_IR_RONGCONTRACTIONOPS_TD
