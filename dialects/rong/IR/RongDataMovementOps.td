//===- RongDataMovementOps.td - Data movement ops ----------*- tablegen -*-===//
//
// This file defines Rong's data movement ops (reshape, transpose, broadcast,
// concatenation, slicing, gathering, padding) and constants.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGDATAMOVEMENTOPS_TD
#define RONG_IR_RONGDATAMOVEMENTOPS_TD

include "rong/IR/RongBase.td"

def Rong_ConstantOp : Rong_Op<"constant", [ConstantLike, Pure,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "a constant tensor";
  let description = [{
    Materialises `value`, any elements attribute of a Rong tensor type. Model
    weights use `dense_resource` so that a large model's weights live in the
    file's resource section (or a bytecode blob) instead of bloating the text.

    Example:

    ```mlir
    %c = rong.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %w = rong.constant dense_resource<fc1_weight> : tensor<768x3072xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Rong_ReshapeOp : Rong_InferredOp<"reshape"> {
  let summary = "reinterpret the elements with a new shape";
  let description = [{
    Gives the elements of `input`, in row-major order, the shape `shape`. A
    `-1` in `shape` is a dynamic dimension. When both shapes are static they
    hold the same number of elements.

    Example:

    ```mlir
    %y = rong.reshape %x shape = [8, 128, 12, 64] : tensor<8x128x768xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = "$input `shape` `=` $shape attr-dict `:` type($input)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Rong_TransposeOp : Rong_InferredOp<"transpose"> {
  let summary = "permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    Example:

    ```mlir
    %y = rong.transpose %x permutation = [0, 2, 1, 3] : tensor<8x128x12x64xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input)
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// True if permuting `shape` by `permutation` keeps the order of the
    /// dimensions larger than 1: the bytes do not move, so the transpose is
    /// a reshape.
    static bool movesOnlyUnitDims(::llvm::ArrayRef<int64_t> shape,
                                  ::llvm::ArrayRef<int64_t> permutation);
  }];
}

def Rong_BroadcastToOp : Rong_InferredOp<"broadcast_to"> {
  let summary = "broadcast to a shape (NumPy rules)";
  let description = [{
    Broadcasts `input` to `shape`: shapes align on the right, an input
    dimension of 1 stretches, and missing leading dimensions are added. A `-1`
    in `shape` is a dynamic dimension.

    Example:

    ```mlir
    %y = rong.broadcast_to %x shape = [8, 128, 768] : tensor<768xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = "$input `shape` `=` $shape attr-dict `:` type($input)";
  let hasFolder = 1;
}

def Rong_ConcatOp : Rong_InferredOp<"concat"> {
  let summary = "concatenate tensors along one axis";
  let description = [{
    Joins `inputs` along `axis`. All inputs have the same rank and element
    type, and equal sizes on every other axis.

    Example:

    ```mlir
    %y = rong.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Rong_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = "$inputs `axis` `=` $axis attr-dict `:` type($inputs)";
  let hasFolder = 1;
}

def Rong_SliceOp : Rong_InferredOp<"slice"> {
  let summary = "strided slice, one start/end/step per dimension";
  let description = [{
    Takes elements `start, start + step, ...` up to (excluding) `end` on every
    dimension, with ONNX's rules: negative starts and ends count from the end,
    out-of-range values clamp, and a negative step walks backwards. `starts`,
    `ends` and `steps` have one entry per dimension; steps are non-zero.

    Example:

    ```mlir
    %y = rong.slice %x starts = [0, 1] ends = [4, -1] steps = [1, 2]
        : tensor<4x10xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $input `starts` `=` $starts `ends` `=` $ends `steps` `=` $steps attr-dict
    `:` type($input)
  }];
  let hasFolder = 1;
}

def Rong_GatherOp : Rong_InferredOp<"gather"> {
  let summary = "gather slices along one axis by index";
  let description = [{
    Picks entries of `input` along `axis` by `indices` (negative indices count
    from the end). The result shape is
    `input.shape[:axis] + indices.shape + input.shape[axis+1:]`, as ONNX
    `Gather` and `numpy.take` give.

    Example:

    ```mlir
    %e = rong.gather %table, %ids axis = 0 : tensor<30522x768xf32>, tensor<8x128xi64>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, Rong_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices `axis` `=` $axis attr-dict `:` type($input) `,`
    type($indices)
  }];
  let hasFolder = 1;
}

def Rong_GatherElementsOp : Rong_InferredOp<"gather_elements"> {
  let summary = "gather single elements along one axis by index";
  let description = [{
    Picks one entry of `input` per entry of `indices`: the result has the
    shape of `indices`, and `result[i] = input[i with i[axis] replaced by
    indices[i]]` (negative indices count from the end), as ONNX
    `GatherElements` and `torch.gather` give. `indices` has the rank of
    `input`; along every axis but `axis` it is no larger than `input`.

    Example:

    ```mlir
    %p = rong.gather_elements %logp, %t axis = 1 : tensor<8x10xf32>, tensor<8x1xi64>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, Rong_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices `axis` `=` $axis attr-dict `:` type($input) `,`
    type($indices)
  }];
  let hasFolder = 1;
}

def Rong_PadOp : Rong_InferredOp<"pad"> {
  let summary = "pad (or crop) every dimension";
  let description = [{
    Adds `pads[i]` elements before and `pads[rank + i]` after dimension `i` (the
    ONNX order; negative values crop). `mode = constant` fills with `value`,
    `reflect` mirrors without repeating the edge, `edge` repeats the edge.

    Example:

    ```mlir
    %y = rong.pad %x pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = constant
        value = 0.000000e+00 : tensor<1x3x32x32xf32>
    ```
  }];
  let arguments = (ins Rong_Tensor:$input, DenseI64ArrayAttr:$pads,
                       Rong_PadMode:$mode, F64Attr:$value);
  let results = (outs Rong_Tensor:$result);
  let assemblyFormat = [{
    $input `pads` `=` $pads `mode` `=` $mode `value` `=` $value attr-dict `:`
    type($input)
  }];
}

#endif // RONG_IR_RONGDATAMOVEMENTOPS_TD
