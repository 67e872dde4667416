//===- RongReductionOps.td - Reductions and normalisations -*- tablegen -*-===//
//
// This file defines Rong's reductions (sum, mean, max, min, prod, argmax) and
// the row-wise normalisations built on them (softmax, log_softmax, layer_norm,
// rms_norm, batch_norm in inference form).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGREDUCTIONOPS_TD
#define RONG_IR_RONGREDUCTIONOPS_TD

include "rong/IR/RongBase.td"

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Rong_Reduce<string mnemonic, Type type, string what>
    : Rong_ReductionOp<mnemonic, type> {
  let summary = "reduction by " # what # " over a list of axes";
  let description = "Reduces `input` by " # what # " over `axes` (negative "
    # "axes count from the end; an empty list reduces every axis). Reduced "
    # "axes are dropped unless `keepdims` is set, which keeps them as size-1 "
    # "dimensions.\n\nExample:\n\n```mlir\n%y = rong." # mnemonic
    # " %x axes = [-1] keepdims : tensor<8x128xf32>\n```";
}

def Rong_ReduceSumOp : Rong_Reduce<"reduce_sum", Rong_NumericTensor, "sum">;
def Rong_ReduceMeanOp : Rong_Reduce<"reduce_mean", Rong_FloatTensor, "mean">;
def Rong_ReduceMaxOp : Rong_Reduce<"reduce_max", Rong_NumericTensor, "maximum">;
def Rong_ReduceMinOp : Rong_Reduce<"reduce_min", Rong_NumericTensor, "minimum">;
def Rong_ReduceProdOp : Rong_Reduce<"reduce_prod", Rong_NumericTensor, "product">;

def Rong_ArgMaxOp : Rong_InferredOp<"argmax"> {
  let summary = "index of the largest element along one axis";
  let description = [{
    Gives, as `i64`, the index of the largest element along `axis`. Ties go to
    the first index, or to the last with `select_last_index`. The axis is
    dropped unless `keepdims` is set.

    Example:

    ```mlir
    %i = rong.argmax %x axis = 1 keepdims : tensor<8x1000xf32>
    ```
  }];
  let arguments = (ins Rong_NumericTensor:$input, I64Attr:$axis,
                       UnitAttr:$keepdims, UnitAttr:$select_last_index);
  let results = (outs Rong_I64Tensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdims` $keepdims^)?
    (`select_last_index` $select_last_index^)? attr-dict `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

def Rong_SoftmaxOp : Rong_InferredOp<"softmax"> {
  let summary = "softmax along one axis";
  let description = [{
    Computes `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    Example:

    ```mlir
    %y = rong.softmax %x axis = -1 : tensor<8x12x128x128xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
}

def Rong_LogSoftmaxOp : Rong_InferredOp<"log_softmax"> {
  let summary = "log of softmax along one axis";
  let description = [{
    Computes `x - max(x) - log(sum(exp(x - max(x))))` along `axis`.

    Example:

    ```mlir
    %y = rong.log_softmax %x axis = 1 : tensor<8x1000xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
}

def Rong_LayerNormOp : Rong_InferredOp<"layer_norm"> {
  let summary = "layer normalisation over the trailing dimensions";
  let description = [{
    Normalises `input` over the dimensions from `axis` to the last one:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the biased
    variance. `scale` and the optional `bias` have exactly the normalised
    shape (`input.shape[axis:]`).

    Example:

    ```mlir
    %y = rong.layer_norm %x, %gamma, %beta axis = -1 epsilon = 1.000000e-05
        : tensor<8x128x768xf32>, tensor<768xf32>, tensor<768xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, Rong_FloatTensor:$scale,
                       Optional<Rong_FloatTensor>:$bias, I64Attr:$axis,
                       F64Attr:$epsilon);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? `axis` `=` $axis `epsilon` `=` $epsilon
    attr-dict `:` type($input) `,` type($scale) (`,` type($bias)^)?
  }];
  let hasVerifier = 1;
}

def Rong_RMSNormOp : Rong_InferredOp<"rms_norm"> {
  let summary = "root-mean-square normalisation over the trailing dimensions";
  let description = [{
    Computes `x / sqrt(mean(x^2) + epsilon) * scale`, the mean taken over the
    dimensions from `axis` to the last one. `scale` has exactly the normalised
    shape (`input.shape[axis:]`).

    Example:

    ```mlir
    %y = rong.rms_norm %x, %w axis = -1 epsilon = 9.9999999999999995E-7
        : tensor<8x128x4096xbf16>, tensor<4096xbf16>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, Rong_FloatTensor:$scale,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `axis` `=` $axis `epsilon` `=` $epsilon attr-dict `:`
    type($input) `,` type($scale)
  }];
  let hasVerifier = 1;
}

def Rong_BatchNormOp : Rong_InferredOp<"batch_norm"> {
  let summary = "batch normalisation, inference form";
  let description = [{
    Computes `(x - mean) / sqrt(variance + epsilon) * scale + bias` with the
    running statistics, per channel. `input` is `N x C x ...` (rank >= 2); the
    four parameter tensors have shape `[C]`.

    Example:

    ```mlir
    %y = rong.batch_norm %x, %s, %b, %m, %v epsilon = 1.000000e-05
        : tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>,
          tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Rong_FloatTensor:$input, Rong_FloatTensor:$scale,
                       Rong_FloatTensor:$bias, Rong_FloatTensor:$mean,
                       Rong_FloatTensor:$variance, F64Attr:$epsilon);
  let results = (outs Rong_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `epsilon` `=` $epsilon
    attr-dict `:` type($input) `,` type($scale) `,` type($bias) `,`
    type($mean) `,` type($variance)
  }];
  let hasVerifier = 1;
}

#endif // RONG_IR_RONGREDUCTIONOPS_TD
