//===- ConstantFold.h - Numeric helpers for the rong folders ----*- C++ -*-===//
//
// This file declares the helpers the rong folders use to evaluate elementwise
// math and data movement on constant tensors. They compute in double (floats)
// or int64 (integers) and round the result to the element type once, which is
// what a kernel computing in f32 and storing f16/bf16 would give.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONSTANTFOLD_H
#define RONG_LIB_CONSTANTFOLD_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::rong::fold {

/// Folders give up on non-splat results larger than this, so that folding
/// never multiplies the size of a model's constants.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// A folded element: the double value for floats, the int64 for integers and
/// booleans. Which one is meaningful follows the element type.
struct Scalar {
  double f = 0;
  int64_t i = 0;
};

/// Reads element `index` of `attr` (a splat answers every index).
Scalar readElement(DenseElementsAttr attr, int64_t index);

/// Builds a dense attribute of `type` from `values`, rounding to the element
/// type. Returns null if `type` is not static.
DenseElementsAttr buildElements(RankedTensorType type, ArrayRef<Scalar> values);

/// Returns the constant operand as a dense attribute small enough to fold, or
/// null. Splats are always accepted; other constants only if the result of
/// folding would have at most kMaxFoldedElements elements.
DenseElementsAttr getFoldable(Attribute attr, Type resultType);

/// Evaluates `fn` on every element of `input`, giving a tensor of `resultType`
/// (same shape). Returns null when the operands cannot be folded.
DenseElementsAttr mapElements(DenseElementsAttr input, RankedTensorType resultType,
                              function_ref<std::optional<Scalar>(Scalar)> fn);

/// Evaluates `fn` on every pair of broadcast elements of `lhs` and `rhs`,
/// giving a tensor of `resultType`. Returns null when it cannot fold (dynamic
/// result, too large, or `fn` declined an element, e.g. integer division by 0).
DenseElementsAttr
zipElements(DenseElementsAttr lhs, DenseElementsAttr rhs,
            RankedTensorType resultType,
            function_ref<std::optional<Scalar>(Scalar, Scalar)> fn);

/// Maps every index of a result of shape `resultShape` to the flat index of an
/// operand of `operandShape` broadcast to it (NumPy rules).
int64_t broadcastIndex(ArrayRef<int64_t> resultShape,
                       ArrayRef<int64_t> operandShape, int64_t flatIndex);

/// Returns true if `attr` is a splat whose every element equals `value`.
bool isSplatOf(Attribute attr, double value);

} // namespace mlir::rong::fold

#endif // RONG_LIB_CONSTANTFOLD_H
