//===- StructureOps.cpp - Fusion regions ----------------------------------===//
//
// This file implements `rong.fusion` (builder and verifier) and `rong.yield`.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::rong;

#define GET_OP_CLASSES
#include "rong/IR/RongStructureOps.cpp.inc"

void FusionOp::build(OpBuilder &builder, OperationState &state,
                     TypeRange resultTypes, ValueRange inputs, StringRef kind) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  if (!kind.empty())
    state.getOrAddProperties<Properties>().kind = builder.getStringAttr(kind);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
  ensureTerminator(*body, builder, state.location);
}

LogicalResult FusionOp::verify() {
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError("region takes ")
           << block.getNumArguments() << " argument(s) but the op has "
           << getInputs().size() << " input(s)";
  for (auto [i, arg, input] : llvm::enumerate(block.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError("region argument ")
             << i << " has type " << arg.getType() << " but input " << i
             << " has type " << input.getType();
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().getTypes() != getResultTypes()) {
    InFlightDiagnostic diag = emitOpError("yields (")
                              << yield.getValues().getTypes()
                              << ") but declares results ("
                              << getResultTypes() << ")";
    diag.attachNote(yield.getLoc()) << "yield is here";
    return diag;
  }
  return success();
}
