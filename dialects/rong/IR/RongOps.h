//===- RongOps.h - Ops of the rong dialect ----------------------*- C++ -*-===//
//
// This file declares every op of the rong dialect and the shape-inference
// helpers the op families share.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGOPS_H
#define RONG_IR_RONGOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "rong/IR/RongDialect.h"

namespace mlir::rong {

/// Infers the result of a NumPy-broadcasting binary op: the broadcast shape of
/// `lhs` and `rhs` with their (equal) element type, or `i1` when `boolResult`.
/// Emits an error at `loc` and fails when the shapes or element types clash.
LogicalResult inferBroadcastResult(MLIRContext *context,
                                   std::optional<Location> loc, Type lhs,
                                   Type rhs, bool boolResult,
                                   SmallVectorImpl<Type> &inferred);

/// Infers the result of a reduction of `input` over `axes` (empty: all axes),
/// keeping reduced axes as size 1 when `keepdims`. `elementType` overrides the
/// input's element type when set. Emits an error at `loc` for bad axes.
LogicalResult inferReductionResult(std::optional<Location> loc,
                                   RankedTensorType input,
                                   ArrayRef<int64_t> axes, bool keepdims,
                                   Type elementType,
                                   SmallVectorImpl<Type> &inferred);

/// Returns true if two dimension sizes, either of which may be dynamic, can be
/// equal at run time.
inline bool sizesMayAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Returns `axis` normalised into `[0, rank)`, or emits an error naming `what`
/// at `loc` and returns failure when it is outside `[-rank, rank)`.
FailureOr<int64_t> normalizeAxis(std::optional<Location> loc, int64_t axis,
                                 int64_t rank, StringRef what);

} // namespace mlir::rong

#define GET_OP_CLASSES
#include "rong/IR/RongElementwiseOps.h.inc"
#define GET_OP_CLASSES
#include "rong/IR/RongReductionOps.h.inc"
#define GET_OP_CLASSES
#include "rong/IR/RongContractionOps.h.inc"
#define GET_OP_CLASSES
#include "rong/IR/RongDataMovementOps.h.inc"
#define GET_OP_CLASSES
#include "rong/IR/RongStructureOps.h.inc"

#endif // RONG_IR_RONGOPS_H
