//===- OutlineContractions.cpp - Contractions out of fusion groups --------===//
//
// This file implements rong-outline-contractions: each rong.matmul or
// rong.conv2d inside a rong.fusion moves in front of the group, which then
// reads its result as a new input. Backends that call a vendor library for
// contractions run the rest of the group as one epilogue kernel.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"
#include "rong/Transforms/StridedView.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

#include <functional>

namespace mlir::rong {
#define GEN_PASS_DEF_RONGOUTLINECONTRACTIONS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

bool isContraction(Operation *op) { return isa<MatMulOp, Conv2DOp>(op); }

/// Moves `contraction` (inside `fusion`'s body) in front of `fusion`.
LogicalResult outline(FusionOp fusion, Operation *contraction) {
  Block &body = fusion.getBodyBlock();
  OpBuilder b(fusion);
  IRMapping mapping;
  // Operands are group inputs, constants, or layout ops on those (strided
  // views rong-fold-layouts-into-contractions put there), which move out
  // with the contraction.
  std::function<LogicalResult(Value)> moveOut =
      [&](Value operand) -> LogicalResult {
    if (mapping.contains(operand))
      return success();
    if (auto arg = dyn_cast<BlockArgument>(operand);
        arg && arg.getOwner() == &body) {
      mapping.map(operand, fusion.getInputs()[arg.getArgNumber()]);
      return success();
    }
    Operation *def = operand.getDefiningOp();
    if (def && isa<ConstantOp>(def)) {
      mapping.map(operand, b.clone(*def)->getResult(0));
      return success();
    }
    if (def && isLayoutOp(def)) {
      for (Value v : def->getOperands())
        if (failed(moveOut(v)))
          return failure();
      b.clone(*def, mapping);
      return success();
    }
    return contraction->emitError()
           << "cannot move '" << contraction->getName()
           << "' out of its fusion group: operand #"
           << cast<OpResult>(operand).getResultNumber()
           << " is computed inside the group";
  };
  for (Value operand : contraction->getOperands())
    if (failed(moveOut(operand)))
      return failure();
  Operation *outside = b.clone(*contraction, mapping);
  Value result = outside->getResult(0);

  // The group's body reads the contraction's result as a new input.
  fusion->insertOperands(fusion->getNumOperands(), result);
  BlockArgument arg = body.addArgument(result.getType(), contraction->getLoc());
  contraction->getResult(0).replaceAllUsesWith(arg);
  contraction->erase();

  // Layout ops only the contraction read are dead.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isLayoutOp(&op) && op.use_empty())
      op.erase();

  // Inputs only the contraction read are no longer the group's.
  for (int i = static_cast<int>(body.getNumArguments()) - 1; i >= 0; --i) {
    if (!body.getArgument(i).use_empty())
      continue;
    body.eraseArgument(i);
    fusion->eraseOperand(i);
  }
  // Constants only the contraction read are dead.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isa<ConstantOp>(op) && op.use_empty())
      op.erase();

  // A group left with nothing but layout ops on the product (a strided
  // result: the GEMM writes it in place) becomes those ops, outside; a group
  // that yields only the product is gone. A convolution writes its result
  // densely: only reshapes after it are free, a transpose stays a kernel.
  auto yield = cast<YieldOp>(body.getTerminator());
  bool writesStrided = isa<MatMulOp>(outside);
  bool layoutOnly =
      llvm::all_of(body.without_terminator(), [&](Operation &op) {
        return isa<ConstantOp, ReshapeOp>(op) ||
               (writesStrided && isLayoutOp(&op));
      });
  if (layoutOnly && body.getNumArguments() == 1) {
    IRMapping outer;
    outer.map(arg, result);
    OpBuilder after(fusion);
    for (Operation &op : body.without_terminator())
      after.clone(op, outer);
    for (auto [r, v] : llvm::zip(fusion.getResults(), yield.getOperands()))
      r.replaceAllUsesWith(outer.lookupOrDefault(v));
    fusion.erase();
  }
  return success();
}

struct OutlineContractionsPass
    : rong::impl::RongOutlineContractionsBase<OutlineContractionsPass> {
  void runOnOperation() override {
    SmallVector<std::pair<FusionOp, Operation *>> work;
    getOperation().walk([&](FusionOp fusion) {
      for (Operation &op : fusion.getBodyBlock())
        if (isContraction(&op))
          work.push_back({fusion, &op});
    });
    llvm::DenseSet<Operation *> seen;
    for (auto [fusion, contraction] : work) {
      if (!seen.insert(fusion).second)
        return fusion.emitError("a fusion group holds more than one "
                                "contraction"),
               signalPassFailure();
      if (failed(outline(fusion, contraction)))
        return signalPassFailure();
    }
  }
};

} // namespace
