//===- OnnxReductions.cpp - ONNX reductions and normalisations ------------===//
//
// This file implements the ONNX converters of reductions and normalisations:
// ReduceSum/Mean/Max/Min/Prod and the derived ReduceL1/L2/SumSquare/LogSum/
// LogSumExp (axes as attribute or constant input, by opset), ArgMax/ArgMin,
// Softmax/LogSoftmax (opset >= 13 semantics), LayerNormalization,
// RMSNormalization, BatchNormalization (inference form) and the global pools.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "llvm/ADT/SmallVectorExtras.h"

#include <type_traits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Checks that inputs 0 .. count-1 are present and that input 0 has at
/// least `minRank` dimensions and an element type the rong op takes: f32/f16/
/// bf16 when `floatOnly` (mean, softmax, the norms), otherwise any but i1.
static LogicalResult checkInput(NodeContext &ctx, size_t count, bool floatOnly,
                                int64_t minRank) {
  if (failed(requireInputs(ctx, count)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", floatOnly)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() < minRank)
    return ctx.fail("expects an input of rank >= " + Twine(minRank) +
                    ", got " + str(type));
  return success();
}

/// Reads `epsilon` (default 1e-5), which the norms need non-negative.
static FailureOr<double> readEpsilon(NodeContext &ctx) {
  double epsilon = ctx.attrFloat("epsilon", 1e-5);
  if (epsilon >= 0)
    return epsilon;
  std::string text;
  llvm::raw_string_ostream(text) << epsilon;
  return ctx.fail("epsilon " + text + " is negative");
}

/// Sets the node's single result.
static LogicalResult finish(NodeContext &ctx, Value result) {
  ctx.setResults(result);
  return success();
}

/// Normalises `axis` into [0, rank) or fails.
static FailureOr<int64_t> checkAxis(NodeContext &ctx, int64_t axis,
                                    int64_t rank) {
  if (axis < -rank || axis >= rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for an input of "
                    "rank " + Twine(rank) + " (expected [" + Twine(-rank) +
                    ", " + Twine(rank) + "))");
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

namespace {
/// The operands of a Reduce* node once its axes are known.
struct Reduction {
  Value input;
  SmallVector<int64_t> axes; // empty: all axes
  bool keepdims;
  bool noop; // noop_with_empty_axes with no axes: skip the reduction
};
} // namespace

/// Reads the axes of a Reduce* node: an attribute before opset 18 (before 13
/// for ReduceSum), then an optional input that Rong needs as a constant.
static FailureOr<Reduction> parseReduction(NodeContext &ctx, bool floatOnly) {
  if (failed(checkInput(ctx, 1, floatOnly, 0)))
    return failure();
  Reduction r{ctx.input(0), {}, ctx.attrInt("keepdims", 1) != 0, false};
  bool axesAsInput = ctx.proto().op_type() == "ReduceSum"
                         ? ctx.opsetVersion() >= 13
                         : ctx.opsetVersion() >= 18;
  if (axesAsInput) {
    if (ctx.hasAttr("axes"))
      return ctx.fail("axes is an input (not an attribute) at opset " +
                      Twine(ctx.opsetVersion()));
    if (ctx.input(1)) {
      std::optional<SmallVector<int64_t>> axes = ctx.constantInts(1);
      if (!axes)
        return ctx.fail("axes (input 1) must be a constant integer tensor");
      r.axes = std::move(*axes);
    }
  } else {
    if (ctx.input(1))
      return ctx.fail("axes is an attribute (not an input) before opset 18");
    r.axes = ctx.attrInts("axes");
  }
  r.noop = r.axes.empty() && ctx.attrInt("noop_with_empty_axes", 0) != 0;

  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<bool> seen(rank, false);
  for (int64_t &axis : r.axes) {
    FailureOr<int64_t> dim = checkAxis(ctx, axis, rank);
    if (failed(dim))
      return failure();
    if (seen[*dim])
      return ctx.fail("axis " + Twine(axis) + " is listed more than once in " +
                      str(r.axes));
    seen[*dim] = true;
  }
  return r;
}

/// Reduces `value` by `OpTy` as `r` says (or passes it through for a no-op).
/// The axes were checked, so result type inference cannot fail.
template <typename OpTy>
static Value reduce(NodeContext &ctx, const Reduction &r, Value value,
                    bool keepdims) {
  if (r.noop)
    return value;
  return ctx.create<OpTy>(value, ctx.b().getDenseI64ArrayAttr(r.axes),
                          keepdims ? ctx.b().getUnitAttr() : UnitAttr());
}

/// The plain reductions map one to one onto rong ops.
template <typename OpTy, bool FloatOnly = false>
static LogicalResult convertReduce(NodeContext &ctx) {
  FailureOr<Reduction> r = parseReduction(ctx, FloatOnly);
  if (failed(r))
    return failure();
  if (std::is_same_v<OpTy, ReduceMaxOp> || std::is_same_v<OpTy, ReduceMinOp>)
    if (failed(requireNotUnsigned(ctx, r->input, "the input")))
      return failure();
  return finish(ctx, reduce<OpTy>(ctx, *r, r->input, r->keepdims));
}

/// The derived reductions: an elementwise prologue, a sum, an epilogue. With
/// noop_with_empty_axes the ONNX reference still applies both elementwise
/// parts (ReduceSumSquare is then x * x), so only the sum is skipped.
namespace {
enum class Derived { L1, L2, SumSquare, LogSum, LogSumExp };
}

template <Derived Kind>
static LogicalResult convertDerived(NodeContext &ctx) {
  FailureOr<Reduction> r = parseReduction(
      ctx, Kind != Derived::L1 && Kind != Derived::SumSquare);
  if (failed(r))
    return failure();
  Value x = r->input;
  bool keep = r->keepdims;
  auto sum = [&](Value v) { return reduce<ReduceSumOp>(ctx, *r, v, keep); };
  switch (Kind) {
  case Derived::L1:
    return finish(ctx, sum(ctx.create<AbsOp>(x)));
  case Derived::SumSquare:
    return finish(ctx, sum(ctx.create<MulOp>(x, x)));
  case Derived::L2:
    return finish(ctx, ctx.create<SqrtOp>(sum(ctx.create<MulOp>(x, x))));
  case Derived::LogSum:
    return finish(ctx, ctx.create<LogOp>(sum(x)));
  case Derived::LogSumExp:
    break;
  }
  if (r->noop) // log(exp(x)) == x
    return finish(ctx, x);
  // Subtract the maximum first so that exp cannot overflow:
  // lse(x) = log(sum(exp(x - m))) + m.
  Value maxKept = reduce<ReduceMaxOp>(ctx, *r, x, /*keepdims=*/true);
  Value max = keep ? maxKept : reduce<ReduceMaxOp>(ctx, *r, x, false);
  Value exp = ctx.create<ExpOp>(ctx.create<SubOp>(x, maxKept));
  return finish(ctx, ctx.create<AddOp>(ctx.create<LogOp>(sum(exp)), max));
}

template <bool IsMin>
static LogicalResult convertArgExtreme(NodeContext &ctx) {
  // argmin(x) == argmax(-x), ties included; negation is exact for floats
  // but overflows the most negative integer, so ArgMin refuses integers.
  if (failed(checkInput(ctx, 1, /*floatOnly=*/IsMin, 1)) ||
      failed(requireNotUnsigned(ctx, ctx.input(0), "the input")))
    return failure();
  int64_t axis = ctx.attrInt("axis", 0);
  if (failed(checkAxis(ctx, axis, ctx.inputType(0).getRank())))
    return failure();
  Value x = IsMin ? ctx.create<NegOp>(ctx.input(0)) : ctx.input(0);
  auto flag = [&](StringRef name, int64_t fallback) {
    return ctx.attrInt(name, fallback) ? ctx.b().getUnitAttr() : UnitAttr();
  };
  return finish(ctx, ctx.create<ArgMaxOp>(x, ctx.b().getI64IntegerAttr(axis),
                                          flag("keepdims", 1),
                                          flag("select_last_index", 0)));
}

//===----------------------------------------------------------------------===//
// Softmax and the normalisations
//===----------------------------------------------------------------------===//

/// Softmax / LogSoftmax: from opset 13 along one axis (default -1); before,
/// along the rows of the input flattened to 2-D at `axis` (default 1).
template <typename OpTy>
static LogicalResult convertSoftmax(NodeContext &ctx) {
  if (failed(checkInput(ctx, 1, /*floatOnly=*/true, 1)))
    return failure();
  if (ctx.opsetVersion() < 13)
    return finish(ctx, onCoercedRows(ctx, [&](Value rows, int64_t axis) {
                    return ctx.create<OpTy>(rows,
                                            ctx.b().getI64IntegerAttr(axis));
                  }));
  int64_t axis = ctx.attrInt("axis", -1);
  if (failed(checkAxis(ctx, axis, ctx.inputType(0).getRank())))
    return failure();
  Value x = ctx.input(0);
  return finish(ctx, ctx.create<OpTy>(x, ctx.b().getI64IntegerAttr(axis)));
}

/// Fits the ONNX scale/bias `param` (input `index`, named `name`) to the
/// normalised shape, which rong.layer_norm / rong.rms_norm need exactly. ONNX
/// only asks for a shape that broadcasts to it: leading 1s beyond the
/// normalised rank are reshaped away, and size-1 dimensions broadcast.
static Value fitToNormalized(NodeContext &ctx, size_t index, StringRef name,
                             ArrayRef<int64_t> normalized) {
  Value param = ctx.input(index);
  RankedTensorType type = ctx.inputType(index);
  Type element = ctx.inputType(0).getElementType();
  if (type.getElementType() != element) {
    (void)ctx.fail(name + " element type " + str(type.getElementType()) +
                   " differs from the input's " + str(element));
    return {};
  }
  // Used as is when it has the normalised shape; a static 1 facing a dynamic
  // size must still be broadcast, as that size may be larger at run time.
  ArrayRef<int64_t> shape = type.getShape();
  bool exact = shape.size() == normalized.size();
  for (auto [from, to] : llvm::zip(shape, normalized))
    exact &= from == to || ShapedType::isDynamic(from) ||
             (ShapedType::isDynamic(to) && from != 1);
  if (exact)
    return param;
  while (shape.size() > normalized.size() && shape.front() == 1)
    shape = shape.drop_front();
  bool fits = shape.size() <= normalized.size();
  for (size_t i = 0, offset = normalized.size() - shape.size();
       fits && i < shape.size(); ++i)
    fits = shape[i] == 1 || sizesMayAgree(shape[i], normalized[offset + i]);
  if (!fits) {
    (void)ctx.fail(name + " has shape " + str(type.getShape()) +
                   ", which does not broadcast to the normalised shape " +
                   str(normalized));
    return {};
  }
  if (shape.size() != type.getShape().size())
    param = ctx.reshape(param, shapeAttr(shape));
  return ctx.create<BroadcastToOp>(
      param, ctx.b().getDenseI64ArrayAttr(shapeAttr(normalized)));
}

/// Sets LayerNormalization's three outputs: `y`, and the Mean and
/// InvStdDev of the normalised axes `[axis, rank)`, kept as size-1 dimensions
/// and computed in the stash type (f32):
///   mean = reduce_mean(x), invStdDev = rsqrt(reduce_mean((x - mean)^2) + eps)
/// `y` stays one layer_norm op; the statistics are reductions of their own.
static LogicalResult finishLayerNormStatistics(NodeContext &ctx, Value y,
                                               int64_t axis, double epsilon) {
  if (ctx.attrInt("stash_type", 1) != 1)
    return ctx.fail("stash_type " + Twine(ctx.attrInt("stash_type", 1)) +
                    " is not supported (only 1, float)");
  Builder &b = ctx.b();
  Value x = ctx.input(0);
  Type f32 = b.getF32Type();
  if (ctx.inputType(0).getElementType() != f32)
    x = ctx.create<CastOp>(x, TypeAttr::get(f32));
  SmallVector<int64_t> axes = llvm::to_vector(
      llvm::seq<int64_t>(axis, ctx.inputType(0).getRank()));
  auto mean = [&](Value v) {
    return ctx.create<ReduceMeanOp>(v, b.getDenseI64ArrayAttr(axes),
                                    b.getUnitAttr());
  };
  Value mu = mean(x);
  Value centred = ctx.create<SubOp>(x, mu);
  Value variance = mean(ctx.create<MulOp>(centred, centred));
  Value invStdDev = ctx.create<RsqrtOp>(
      ctx.create<AddOp>(variance, ctx.scalar(f32, epsilon)));
  ctx.setResults({y, mu, invStdDev});
  return success();
}

/// LayerNormalization (with bias) and RMSNormalization (without).
template <typename OpTy>
static LogicalResult convertTrailingNorm(NodeContext &ctx) {
  constexpr bool hasBias = std::is_same_v<OpTy, LayerNormOp>;
  if (failed(checkInput(ctx, 2, /*floatOnly=*/true, 1)))
    return failure();
  RankedTensorType inputType = ctx.inputType(0);
  int64_t axis = ctx.attrInt("axis", -1);
  FailureOr<int64_t> dim = checkAxis(ctx, axis, inputType.getRank());
  if (failed(dim))
    return failure();
  FailureOr<double> epsilon = readEpsilon(ctx);
  if (failed(epsilon))
    return failure();
  ArrayRef<int64_t> normalized = inputType.getShape().drop_front(*dim);
  Value scale = fitToNormalized(ctx, 1, "scale", normalized);
  if (!scale)
    return failure();
  Builder &b = ctx.b();
  Value result;
  if constexpr (hasBias) {
    Value bias;
    if (ctx.input(2) &&
        !(bias = fitToNormalized(ctx, 2, "bias", normalized)))
      return failure();
    result = ctx.create<OpTy>(ctx.input(0), scale, bias,
                              b.getI64IntegerAttr(axis),
                              b.getF64FloatAttr(*epsilon));
  } else {
    result = ctx.create<OpTy>(ctx.input(0), scale, b.getI64IntegerAttr(axis),
                              b.getF64FloatAttr(*epsilon));
  }
  if constexpr (hasBias) {
    const onnx::NodeProto &node = ctx.proto();
    bool wantsStatistics = (node.output_size() > 1 && !node.output(1).empty()) ||
                           (node.output_size() > 2 && !node.output(2).empty());
    if (wantsStatistics)
      return finishLayerNormStatistics(ctx, result, *dim, *epsilon);
  }
  return finish(ctx, result);
}

static LogicalResult convertBatchNorm(NodeContext &ctx) {
  if (ctx.attrInt("training_mode", 0) != 0)
    return ctx.fail("training_mode = 1 is not supported; Rong imports models "
                    "for inference");
  // Before opset 9, spatial = 0 gives every element of a channel its own
  // statistics (scale and the others shaped C x D1 x ...).
  if (ctx.opsetVersion() < 9 && ctx.attrInt("spatial", 1) == 0)
    return ctx.fail("spatial = 0 is not supported; only per-channel "
                    "statistics (spatial = 1) are");
  // The input is N x C x ...: rank >= 2.
  if (failed(checkInput(ctx, 5, /*floatOnly=*/true, 2)))
    return failure();
  FailureOr<double> epsilon = readEpsilon(ctx);
  if (failed(epsilon))
    return failure();
  RankedTensorType inputType = ctx.inputType(0);
  // Checked here rather than left to the verifier so the error names the node.
  int64_t channels = inputType.getDimSize(1);
  static const char *const names[] = {"scale", "B", "input_mean", "input_var"};
  for (size_t i = 1; i < 5; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (type.getElementType() != inputType.getElementType() ||
        type.getRank() != 1 || !sizesMayAgree(type.getDimSize(0), channels))
      return ctx.fail(Twine(names[i - 1]) + " must have shape [C] = " +
                      str(ArrayRef<int64_t>{channels}) + " and element type " +
                      str(inputType.getElementType()) + ", got " + str(type));
  }
  return finish(ctx, ctx.create<BatchNormOp>(
                         ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(3),
                         ctx.input(4), ctx.b().getF64FloatAttr(*epsilon)));
}

/// GlobalAveragePool / GlobalMaxPool reduce every spatial axis, keeping them.
template <typename OpTy, bool FloatOnly>
static LogicalResult convertGlobalPool(NodeContext &ctx) {
  // The input is N x C x D1 x ...: rank >= 3.
  if (failed(checkInput(ctx, 1, FloatOnly, 3)))
    return failure();
  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  return finish(ctx, ctx.create<OpTy>(ctx.input(0),
                                      ctx.b().getDenseI64ArrayAttr(axes),
                                      ctx.b().getUnitAttr()));
}

void onnx_import::addReductionConverters(llvm::StringMap<Converter> &table) {
  table["ReduceSum"] = convertReduce<ReduceSumOp>;
  table["ReduceMean"] = convertReduce<ReduceMeanOp, /*FloatOnly=*/true>;
  table["ReduceMax"] = convertReduce<ReduceMaxOp>;
  table["ReduceMin"] = convertReduce<ReduceMinOp>;
  table["ReduceProd"] = convertReduce<ReduceProdOp>;
  table["ReduceL1"] = convertDerived<Derived::L1>;
  table["ReduceL2"] = convertDerived<Derived::L2>;
  table["ReduceSumSquare"] = convertDerived<Derived::SumSquare>;
  table["ReduceLogSum"] = convertDerived<Derived::LogSum>;
  table["ReduceLogSumExp"] = convertDerived<Derived::LogSumExp>;
  table["ArgMax"] = convertArgExtreme</*IsMin=*/false>;
  table["ArgMin"] = convertArgExtreme</*IsMin=*/true>;
  table["Softmax"] = convertSoftmax<SoftmaxOp>;
  table["LogSoftmax"] = convertSoftmax<LogSoftmaxOp>;
  table["LayerNormalization"] = convertTrailingNorm<LayerNormOp>;
  table["RMSNormalization"] = convertTrailingNorm<RMSNormOp>;
  table["BatchNormalization"] = convertBatchNorm;
  table["GlobalAveragePool"] = convertGlobalPool<ReduceMeanOp, true>;
  table["GlobalMaxPool"] = convertGlobalPool<ReduceMaxOp, false>;
}
