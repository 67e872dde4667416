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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

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
  for (Value operand : contraction->getOperands()) {
    if (auto arg = dyn_cast<BlockArgument>(operand);
        arg && arg.getOwner() == &body) {
      mapping.map(operand, fusion.getInputs()[arg.getArgNumber()]);
      continue;
    }
    Operation *def = operand.getDefiningOp();
    if (def && isa<ConstantOp>(def)) {
      mapping.map(operand, b.clone(*def)->getResult(0));
      continue;
    }
    return contraction->emitError()
           << "cannot move '" << contraction->getName()
           << "' out of its fusion group: operand #"
           << cast<OpResult>(operand).getResultNumber()
           << " is computed inside the group";
  }
  Operation *outside = b.clone(*contraction, mapping);
  Value result = outside->getResult(0);

  // The group's body reads the contraction's result as a new input.
  fusion->insertOperands(fusion->getNumOperands(), result);
  BlockArgument arg = body.addArgument(result.getType(), contraction->getLoc());
  contraction->getResult(0).replaceAllUsesWith(arg);
  contraction->erase();

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

  // A group that yields only the contraction's result is gone.
  auto yield = cast<YieldOp>(body.getTerminator());
  if (llvm::all_of(yield.getOperands(),
                   [&](Value v) { return v == arg; }) &&
      &body.front() == yield.getOperation()) {
    for (Value r : fusion.getResults())
      r.replaceAllUsesWith(result);
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
