//===- RongBase.td - Rong dialect definition and shared classes -*- tablegen -*-===//
//
// This file defines the `rong` dialect, the tensor type constraints its ops
// accept, the enums they share, and the op base classes that give every op of a
// family the same traits, result type inference and assembly format.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGBASE_TD
#define RONG_IR_RONGBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

//===----------------------------------------------------------------------===//
// Dialect
//===----------------------------------------------------------------------===//

def Rong_Dialect : Dialect {
  let name = "rong";
  let cppNamespace = "::mlir::rong";
  let summary = "Rong's graph dialect: ONNX/ATen-level ops on ranked tensors";
  let description = [{
    The `rong` dialect is the graph-level representation every Rong frontend
    produces (the ONNX importer, `torch.export` / FX graphs) and every fusion
    decision is made on. Its ops sit at ONNX/ATen granularity and work on ranked
    tensors of `f32`, `f16`, `bf16`, `i64`, `i32` and `i1`. Shapes are static
    first, but any dimension may be dynamic (`?`); verifiers check whatever is
    known and result types are inferred, so builders never pass result types.

    Broadcasting follows NumPy: shapes are aligned on the right and a dimension
    of size 1 stretches. Axis attributes accept negative values counted from the
    end, as in ONNX and PyTorch. A scalar is a rank-0 tensor.

    `rong.fusion` holds one fused group: the region is what one generated
    kernel computes.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
  let usePropertiesForAttributes = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Rong_FloatElement : AnyTypeOf<[F32, F64, F16, BF16]>;
def Rong_IntElement : AnyTypeOf<[I64, I32, I16, I8, UI64, UI32, UI16, UI8]>;

/// Any tensor Rong accepts.
def Rong_Tensor : RankedTensorOf<[F32, F64, F16, BF16, I64, I32, I16, I8, UI64,
                                   UI32, UI16, UI8, I1]>;
/// Tensors of floating-point numbers.
def Rong_FloatTensor : RankedTensorOf<[F32, F64, F16, BF16]>;
/// Tensors of numbers (float or integer, not boolean).
def Rong_NumericTensor : RankedTensorOf<[F32, F64, F16, BF16, I64, I32, I16, I8,
                                          UI64, UI32, UI16, UI8]>;
/// Tensors of booleans.
def Rong_BoolTensor : RankedTensorOf<[I1]>;
/// Tensors of booleans or integers (logical ops on booleans, bitwise on
/// integers).
def Rong_BitsTensor : RankedTensorOf<[I1, I64, I32, I16, I8, UI64, UI32,
                                      UI16, UI8]>;
/// Tensors of integers (not boolean).
def Rong_IntegerTensor : RankedTensorOf<[I64, I32, I16, I8, UI64, UI32, UI16,
                                         UI8]>;
/// Tensors of indices.
def Rong_IndexTensor : RankedTensorOf<[I64, I32]>;
/// Index results (argmax).
def Rong_I64Tensor : RankedTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Rong_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "how rong.gelu evaluates the Gaussian CDF", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"tanh", 1>
    ]> {
  let cppNamespace = "::mlir::rong";
}

def Rong_PadMode : I32EnumAttr<"PadMode", "how rong.pad fills new elements", [
      I32EnumAttrCase<"constant", 0>,
      I32EnumAttrCase<"reflect", 1>,
      I32EnumAttrCase<"edge", 2>
    ]> {
  let cppNamespace = "::mlir::rong";
}

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

/// Elementwise ops whose operands broadcast NumPy-style to the result shape.
/// Fusion treats them like `Elementwise` ops with an implicit broadcast.
def Rong_BroadcastElementwise : NativeOpTrait<"rong::BroadcastElementwise">;

//===----------------------------------------------------------------------===//
// Op base classes
//===----------------------------------------------------------------------===//

class Rong_Op<string mnemonic, list<Trait> traits = []>
    : Op<Rong_Dialect, mnemonic, traits>;

/// Ops whose results are inferred by a hand-written
/// `inferReturnTypes(context, location, adaptor, types)`.
class Rong_InferredOp<string mnemonic, list<Trait> traits = []>
    : Rong_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)>;

/// Elementwise unary ops: one operand, one result of the same type. ODS
/// derives `inferReturnTypes` from SameOperandsAndResultType.
class Rong_UnaryOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Rong_Op<mnemonic, !listconcat([Pure, Elementwise,
          SameOperandsAndResultType,
          InferTypeOpInterface], traits)> {
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

/// Elementwise binary ops with NumPy broadcasting. Both operands have the same
/// element type; the result has `resultElement` (the operands' element type
/// when unset) and the broadcast shape of the operands.
class Rong_BinaryOp<string mnemonic, Type operandType, Type resultType,
                    bit boolResult, list<Trait> traits = []>
    : Rong_InferredOp<mnemonic, !listconcat([Rong_BroadcastElementwise], traits)> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs resultType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::mlir::rong::inferBroadcastResult(
          context, loc, adaptor.getLhs().getType(), adaptor.getRhs().getType(),
          /*boolResult=*/}] # !if(boolResult, "true", "false") # [{, inferred);
    }
  }];
}

/// Reductions over a list of axes. An empty list reduces every axis; with
/// `keepdims` the reduced axes stay as size-1 dimensions.
class Rong_ReductionOp<string mnemonic, Type operandType, list<Trait> traits = []>
    : Rong_InferredOp<mnemonic, traits> {
  let arguments = (ins operandType:$input, DenseI64ArrayAttr:$axes,
                       UnitAttr:$keepdims);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`keepdims` $keepdims^)? attr-dict `:` type($input)
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::mlir::rong::inferReductionResult(
          loc, ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType()),
          adaptor.getAxes(), adaptor.getKeepdims(), ::mlir::Type(), inferred);
    }
  }];
}

#endif // RONG_IR_RONGBASE_TD
