//===- ReductionOps.cpp - Reductions and normalisations -------------------===//
//
// This file implements result type inference and verification for argmax and
// the normalisations (softmax, log_softmax, layer_norm, rms_norm, batch_norm).
// The plain reductions share `inferReductionResult` from RongDialect.cpp.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::rong;

#define GET_OP_CLASSES
#include "rong/IR/RongReductionOps.cpp.inc"

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() == 0)
    return emitOptionalError(loc, "argmax needs an input of rank >= 1");
  int64_t axis = adaptor.getAxis();
  return inferReductionResult(loc, input, {axis}, adaptor.getKeepdims(),
                              IntegerType::get(context, 64), inferred);
}

/// Shared inference of the ops that keep their input's type and take one axis.
static LogicalResult inferSameTypeWithAxis(std::optional<Location> loc,
                                           Type inputType, int64_t axis,
                                           SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(inputType);
  if (input.getRank() == 0)
    return emitOptionalError(loc, "input must have rank >= 1");
  if (failed(normalizeAxis(loc, axis, input.getRank(), "axis")))
    return failure();
  inferred.push_back(input);
  return success();
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferSameTypeWithAxis(loc, adaptor.getInput().getType(),
                               adaptor.getAxis(), inferred);
}

LogicalResult LogSoftmaxOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferSameTypeWithAxis(loc, adaptor.getInput().getType(),
                               adaptor.getAxis(), inferred);
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferSameTypeWithAxis(loc, adaptor.getInput().getType(),
                               adaptor.getAxis(), inferred);
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferSameTypeWithAxis(loc, adaptor.getInput().getType(),
                               adaptor.getAxis(), inferred);
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() < 2)
    return emitOptionalError(loc, "batch_norm input must be N x C x ... "
                                  "(rank >= 2), got ",
                             input);
  inferred.push_back(input);
  return success();
}

/// Prints a shape with `?` for dynamic dimensions, as tensor types do.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, size] : llvm::enumerate(shape))
    text += (i ? ", " : "") +
            (ShapedType::isDynamic(size) ? std::string("?") : std::to_string(size));
  return text + "]";
}

/// Checks that `param` (named `name`) has `input`'s element type and exactly
/// the shape `expected`, where dynamic dimensions match anything.
static LogicalResult verifyParameter(Operation *op, StringRef name,
                                     Value param, RankedTensorType input,
                                     ArrayRef<int64_t> expected) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getElementType() != input.getElementType())
    return op->emitOpError() << name << " element type " << type.getElementType()
                             << " differs from the input's "
                             << input.getElementType();
  if (failed(verifyCompatibleShape(type.getShape(), expected)))
    return op->emitOpError()
           << name << " has shape " << formatShape(type.getShape())
           << ", expected " << formatShape(expected);
  return success();
}

/// Verifies the scale (and optional bias) of layer_norm / rms_norm against the
/// normalised shape `input.shape[axis:]`.
static LogicalResult verifyTrailingNorm(Operation *op, Value inputValue,
                                        int64_t axis, Value scale, Value bias,
                                        double epsilon) {
  auto input = cast<RankedTensorType>(inputValue.getType());
  if (epsilon < 0)
    return op->emitOpError("epsilon ") << epsilon << " is negative";
  // The op verifier runs before the inferred types are checked, so the axis
  // may still be out of range here (generic syntax, bytecode).
  if (input.getRank() == 0)
    return op->emitOpError("input must have rank >= 1");
  FailureOr<int64_t> dim =
      normalizeAxis(op->getLoc(), axis, input.getRank(), "axis");
  if (failed(dim))
    return failure();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(*dim);
  if (failed(verifyParameter(op, "scale", scale, input, normalized)))
    return failure();
  if (bias && failed(verifyParameter(op, "bias", bias, input, normalized)))
    return failure();
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyTrailingNorm(*this, getInput(), getAxis(), getScale(), getBias(),
                            getEpsilon().convertToDouble());
}

LogicalResult RMSNormOp::verify() {
  return verifyTrailingNorm(*this, getInput(), getAxis(), getScale(), Value(),
                            getEpsilon().convertToDouble());
}

LogicalResult BatchNormOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("epsilon ") << getEpsilon().convertToDouble()
                                   << " is negative";
  if (input.getRank() < 2)
    return emitOpError("input must be N x C x ... (rank >= 2), got ") << input;
  int64_t channels = input.getDimSize(1);
  for (auto [name, value] :
       {std::pair<StringRef, Value>{"scale", getScale()},
        {"bias", getBias()},
        {"mean", getMean()},
        {"variance", getVariance()}})
    if (failed(verifyParameter(*this, name, value, input, {channels})))
      return failure();
  return success();
}
