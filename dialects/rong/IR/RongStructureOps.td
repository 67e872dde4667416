//===- RongStructureOps.td - Fusion regions ----------------*- tablegen -*-===//
//
// This file defines `rong.fusion`, the region op that holds one fused group (one
// generated kernel), and its terminator `rong.yield`.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGSTRUCTUREOPS_TD
#define RONG_IR_RONGSTRUCTUREOPS_TD

include "rong/IR/RongBase.td"

def Rong_FusionOp : Rong_Op<"fusion", [IsolatedFromAbove,
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects]> {
  let summary = "one fused group: the ops one kernel computes";
  let description = [{
    Holds one fused group. The region is isolated from above: its block takes
    one argument per operand (same types, same order) and ends in `rong.yield`,
    whose operands are the group's results. `kind` records which fusion
    formed the group (loop, reduction, stitch, epilogue, horizontal, ...).

    Example:

    ```mlir
    %r = rong.fusion kind = "loop" (%x, %b)
        : (tensor<8x768xf32>, tensor<768xf32>) -> tensor<8x768xf32> {
    ^bb0(%a: tensor<8x768xf32>, %c: tensor<768xf32>):
      %s = rong.add %a, %c : tensor<8x768xf32>, tensor<768xf32>
      %g = rong.gelu %s : tensor<8x768xf32>
      rong.yield %g : tensor<8x768xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Rong_Tensor>:$inputs, OptionalAttr<StrAttr>:$kind);
  let results = (outs Variadic<Rong_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`kind` `=` $kind^)? ` ` `(` $inputs `)` attr-dict `:`
    functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes,
                   "::mlir::ValueRange":$inputs,
                   CArg<"::llvm::StringRef", "{}">:$kind)>
  ];
  let extraClassDeclaration = [{
    /// The group's entry block.
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Rong_YieldOp : Rong_Op<"yield", [Pure, ReturnLike, Terminator,
                                     HasParent<"FusionOp">]> {
  let summary = "results of a fused group";
  let description = [{
    Ends the region of `rong.fusion`; its operands become the group's results.

    Example:

    ```mlir
    rong.yield %a, %b : tensor<8xf32>, tensor<8xf32>
    ```
  }];
  let arguments = (ins Variadic<Rong_Tensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* empty yield */ }]>];
}

#endif // RONG_IR_RONGSTRUCTUREOPS_TD
