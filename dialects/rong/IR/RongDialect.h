//===- RongDialect.h - The rong dialect -------------------------*- C++ -*-===//
//
// This file declares the rong dialect class, its enums and traits.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_RONGDIALECT_H
#define RONG_IR_RONGDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "rong/IR/RongDialect.h.inc"
#include "rong/IR/RongEnums.h.inc"

namespace mlir::OpTrait::rong {
/// Marks elementwise ops whose operands broadcast (NumPy rules) to the result
/// shape. Unlike `OpTrait::Elementwise` it does not require equal shapes.
template <typename ConcreteType>
class BroadcastElementwise
    : public TraitBase<ConcreteType, BroadcastElementwise> {};
} // namespace mlir::OpTrait::rong

#endif // RONG_IR_RONGDIALECT_H
