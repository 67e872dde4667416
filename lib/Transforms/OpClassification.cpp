//===- OpClassification.cpp - What each rong op means to fusion -----------===//
//
// Maps every op to its fusion class and iteration domain. Reductions and row
// ops also report the axes they reduce, normalised into [0, rank).
//
//===----------------------------------------------------------------------===//

#include "FusionPlanner.h"

#include "rong/IR/RongOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::fusion;

StringRef mlir::rong::fusion::stringifyGroupKind(GroupKind kind) {
  switch (kind) {
  case GroupKind::Loop:
    return "loop";
  case GroupKind::Reduction:
    return "reduction";
  case GroupKind::Stitch:
    return "stitch";
  case GroupKind::Contraction:
    return "contraction";
  case GroupKind::Epilogue:
    return "epilogue";
  case GroupKind::Horizontal:
    return "horizontal";
  }
  return "unknown";
}

static SmallVector<int64_t> shapeOf(Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    return SmallVector<int64_t>(type.getShape());
  return {};
}

/// Axes [first, rank).
static SmallVector<int64_t> trailingAxes(int64_t first, int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t a = first; a < rank; ++a)
    axes.push_back(a);
  return axes;
}

static int64_t normalised(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Reduction ops share one ODS base class but no C++ interface; read their
/// common attributes generically.
static OpInfo reductionInfo(Operation *op, ArrayRef<int64_t> axes,
                            bool keepdims) {
  OpInfo info;
  info.cls = OpClass::Reduction;
  info.domain = shapeOf(op->getOperand(0));
  int64_t rank = info.domain.size();
  if (axes.empty())
    info.axes = trailingAxes(0, rank);
  else
    for (int64_t a : axes)
      info.axes.push_back(normalised(a, rank));
  llvm::sort(info.axes);
  info.keepdims = keepdims;
  return info;
}

OpInfo mlir::rong::fusion::classifyOp(Operation *op) {
  OpInfo info;
  if (op->getNumResults() == 0)
    return info;
  auto rowOf = [&](Value input, int64_t axis, bool toEnd) {
    OpInfo row;
    row.cls = OpClass::Row;
    row.domain = shapeOf(input);
    int64_t rank = row.domain.size();
    int64_t first = normalised(axis, rank);
    row.axes = toEnd ? trailingAxes(first, rank) : SmallVector<int64_t>{first};
    return row;
  };
  return llvm::TypeSwitch<Operation *, OpInfo>(op)
      .Case<ConstantOp>([&](auto) { return info; })
      .Case<ReshapeOp>([&](auto) {
        info.cls = OpClass::View;
        return info;
      })
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp>(
          [&](auto r) {
            return reductionInfo(op, r.getAxes(), r.getKeepdims());
          })
      .Case<ArgMaxOp>([&](ArgMaxOp r) {
        return reductionInfo(op, {static_cast<int64_t>(r.getAxis())}, r.getKeepdims());
      })
      .Case<SoftmaxOp, LogSoftmaxOp>([&](auto r) {
        return rowOf(r.getInput(), r.getAxis(), /*toEnd=*/false);
      })
      .Case<LayerNormOp, RMSNormOp>([&](auto r) {
        return rowOf(r.getInput(), r.getAxis(), /*toEnd=*/true);
      })
      .Case<MatMulOp, Conv2DOp>([&](auto) {
        info.cls = OpClass::Contraction;
        info.domain = shapeOf(op->getResult(0));
        return info;
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](auto) {
        info.cls = OpClass::Window;
        info.domain = shapeOf(op->getResult(0));
        return info;
      })
      .Case<TransposeOp, BroadcastToOp, ConcatOp, SliceOp, GatherOp,
            GatherElementsOp, PadOp>(
          [&](auto) {
            info.cls = OpClass::DataMovement;
            info.domain = shapeOf(op->getResult(0));
            return info;
          })
      .Default([&](Operation *other) {
        // Elementwise ops, with or without NumPy broadcasting, and inference
        // batch_norm (per-channel parameters, one output per input element).
        if (other->hasTrait<OpTrait::Elementwise>() ||
            other->hasTrait<OpTrait::rong::BroadcastElementwise>() ||
            isa<BatchNormOp>(other)) {
          info.cls = OpClass::Elementwise;
          info.domain = shapeOf(other->getResult(0));
        }
        return info;
      });
}
