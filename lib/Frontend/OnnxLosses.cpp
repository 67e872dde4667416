//===- OnnxLosses.cpp - ONNX loss ops built from rong ops -----------------===//
//
// This file implements the ONNX converters of GatherElements and of the two
// classification losses, which decompose into ops that fuse:
//
//   NegativeLogLikelihoodLoss(x [N, C, d...], t [N, d...], w [C]?)
//     picked = gather_elements(x, t[:, None], axis 1)     -> [N, d...]
//     weight = gather(w, t, axis 0), or 1 without w
//     loss   = -picked * weight, and 0 where t == ignore_index
//     none: loss; sum: sum(loss); mean: sum(loss) / sum(weight)
//   SoftmaxCrossEntropyLoss(scores, labels, w?)
//     log_prob = log_softmax(scores, axis 1); the loss as above on log_prob
//
// Targets equal to ignore_index may lie outside [0, C); the gathers clamp
// their indices, and the `where` discards what they read.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

static LogicalResult convertGatherElements(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  Value result = ctx.create<GatherElementsOp>(ctx.input(0), ctx.input(1),
                                              ctx.attrInt("axis", 0));
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// Sums every element of `value` into a rank-0 tensor.
static Value sumAll(NodeContext &ctx, Value value) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  return ctx.create<ReduceSumOp>(value, ctx.b().getDenseI64ArrayAttr(axes),
                                 UnitAttr());
}

/// Checks that input 0 (`what`) is a float tensor of shape [N, C, d...].
static LogicalResult checkClassInput(NodeContext &ctx, StringRef what) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireElementType(ctx, ctx.input(0), what, /*floatOnly=*/true)))
    return failure();
  if (ctx.inputType(0).getRank() < 2)
    return ctx.fail(what + " must have shape [N, C, d...], got " +
                    str(ctx.inputType(0)));
  return success();
}

/// The negative log-likelihood of `logProb` ([N, C, d...], checked by
/// checkClassInput) at `target` ([N, d...]) with the optional per-class
/// `weight` ([C]), reduced as `reduction` says. Reports errors against the
/// node; null on failure.
static Value nllLoss(NodeContext &ctx, Value logProb, Value target,
                     Value weight) {
  auto type = cast<RankedTensorType>(logProb.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = type.getElementType();
  // The target has the input's shape without the class axis.
  SmallVector<int64_t> expected(type.getShape());
  expected.erase(expected.begin() + 1);
  Type targetElement = targetType.getElementType();
  if (targetType.getShape() != ArrayRef<int64_t>(expected) ||
      (!targetElement.isInteger(64) && !targetElement.isInteger(32))) {
    (void)ctx.fail("the target must be an int32 or int64 tensor of shape " +
                   str(expected) + " (the input's without the class axis), "
                   "got " + str(targetType));
    return {};
  }
  if (!type.hasStaticShape()) {
    (void)ctx.fail("needs a static input shape, got " + str(type));
    return {};
  }
  if (weight) {
    auto weightType = cast<RankedTensorType>(weight.getType());
    if (weightType.getRank() != 1 ||
        weightType.getDimSize(0) != type.getDimSize(1) ||
        weightType.getElementType() != element) {
      (void)ctx.fail("the weight must have shape [C] = " +
                     str(ArrayRef<int64_t>{type.getDimSize(1)}) +
                     " and the input's element type " + str(element) +
                     ", got " + str(weightType));
      return {};
    }
  }
  std::string reduction = ctx.attrString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    (void)ctx.fail("reduction '" + reduction +
                   "' is not one of 'none', 'sum', 'mean'");
    return {};
  }

  SmallVector<int64_t> withClass(expected);
  withClass.insert(withClass.begin() + 1, 1);
  Value picked = ctx.reshape(
      ctx.create<GatherElementsOp>(logProb, ctx.reshape(target, withClass),
                                   int64_t{1}),
      expected);
  Value loss = ctx.create<NegOp>(picked);
  // The weight of each position: weight[target], 0 where it is ignored.
  Value weights;
  if (weight) {
    weights = ctx.create<GatherOp>(weight, target, int64_t{0});
    loss = ctx.create<MulOp>(loss, weights);
  }
  if (ctx.hasAttr("ignore_index")) {
    Value ignored = ctx.create<EqOp>(
        target, ctx.scalar(targetType.getElementType(),
                           static_cast<double>(ctx.attrInt("ignore_index", 0))));
    Value zero = ctx.scalar(element, 0);
    loss = ctx.create<WhereOp>(ignored, zero, loss);
    weights = ctx.create<WhereOp>(ignored, zero,
                                  weights ? weights : ctx.scalar(element, 1));
  }
  if (reduction == "none")
    return loss;
  Value total = sumAll(ctx, loss);
  if (reduction == "sum")
    return total;
  if (!weights) {
    int64_t count = targetType.getNumElements();
    return ctx.create<DivOp>(total,
                             ctx.scalar(element, static_cast<double>(count)));
  }
  return ctx.create<DivOp>(total, sumAll(ctx, weights));
}

static LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &ctx) {
  if (failed(checkClassInput(ctx, "the input")))
    return failure();
  Value loss = nllLoss(ctx, ctx.input(0), ctx.input(1), ctx.input(2));
  if (!loss)
    return failure();
  ctx.setResults(loss);
  return success();
}

static LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &ctx) {
  if (failed(checkClassInput(ctx, "the scores input")))
    return failure();
  Value logProb =
      ctx.create<LogSoftmaxOp>(ctx.input(0), ctx.b().getI64IntegerAttr(1));
  if (!logProb)
    return failure();
  Value loss = nllLoss(ctx, logProb, ctx.input(1), ctx.input(2));
  if (!loss)
    return failure();
  if (ctx.proto().output_size() > 1)
    ctx.setResults({loss, logProb});
  else
    ctx.setResults(loss);
  return success();
}

void onnx_import::addLossConverters(llvm::StringMap<Converter> &table) {
  table["GatherElements"] = convertGatherElements;
  table["NegativeLogLikelihoodLoss"] = convertNegativeLogLikelihoodLoss;
  table["SoftmaxCrossEntropyLoss"] = convertSoftmaxCrossEntropyLoss;
}
