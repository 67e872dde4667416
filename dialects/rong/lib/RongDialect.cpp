//===- RongDialect.cpp - The rong dialect ---------------------------------===//
//
// This file implements the rong dialect: registration of every op family,
// constant materialisation for the folders, and the shape-inference helpers
// that several op families share (axes, broadcasting, reductions).
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongDialect.h"
#include "rong/IR/RongOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlir::rong;

#include "rong/IR/RongDialect.cpp.inc"
#include "rong/IR/RongEnums.cpp.inc"

void RongDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "rong/IR/RongElementwiseOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "rong/IR/RongReductionOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "rong/IR/RongContractionOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "rong/IR/RongDataMovementOps.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "rong/IR/RongStructureOps.cpp.inc"
      >();
}

Operation *RongDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

FailureOr<int64_t> mlir::rong::normalizeAxis(std::optional<Location> loc,
                                             int64_t axis, int64_t rank,
                                             StringRef what) {
  // A rank-0 tensor still accepts axis 0 / -1 where a caller allows it; the
  // callers that need a real dimension check the rank themselves.
  int64_t bound = std::max<int64_t>(rank, 1);
  if (axis < -bound || axis >= bound)
    return emitOptionalError(loc, what, " ", axis, " is out of range for rank ",
                             rank, " (expected [", -bound, ", ", bound, "))");
  return axis < 0 ? axis + bound : axis;
}

LogicalResult mlir::rong::inferBroadcastResult(MLIRContext *context,
                                               std::optional<Location> loc,
                                               Type lhs, Type rhs,
                                               bool boolResult,
                                               SmallVectorImpl<Type> &inferred) {
  auto lhsType = dyn_cast<RankedTensorType>(lhs);
  auto rhsType = dyn_cast<RankedTensorType>(rhs);
  if (!lhsType || !rhsType)
    return emitOptionalError(loc, "operands must be ranked tensors");
  if (lhsType.getElementType() != rhsType.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             lhsType.getElementType(), " vs ",
                             rhsType.getElementType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                          rhsType.getShape(), shape))
    return emitOptionalError(loc, "shapes ", lhsType, " and ", rhsType,
                             " are not broadcast-compatible");
  Type element = boolResult ? IntegerType::get(context, 1)
                            : lhsType.getElementType();
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult mlir::rong::inferReductionResult(std::optional<Location> loc,
                                               RankedTensorType input,
                                               ArrayRef<int64_t> axes,
                                               bool keepdims, Type elementType,
                                               SmallVectorImpl<Type> &inferred) {
  int64_t rank = input.getRank();
  llvm::SmallBitVector reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return emitOptionalError(loc, "reduction axis ", axis,
                               " is out of range for rank ", rank);
    int64_t dim = axis < 0 ? axis + rank : axis;
    if (reduced.test(dim))
      return emitOptionalError(loc, "reduction axis ", axis,
                               " is listed more than once");
    reduced.set(dim);
  }
  SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (!reduced.test(dim))
      shape.push_back(input.getDimSize(dim));
    else if (keepdims)
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(
      shape, elementType ? elementType : input.getElementType()));
  return success();
}
