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

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SmallVectorExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::string str(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(values, os, [&](int64_t v) {
    ShapedType::isDynamic(v) ? os << "?" : os << v;
  });
  os << "]";
  return s;
}

static std::string str(Type type) {
  std::string s;
  llvm::raw_string_ostream(s) << type;
  return s;
}

/// Checks that inputs 0 .. count-1 are present.
static LogicalResult requireInputs(NodeContext &ctx, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!ctx.input(i))
      return ctx.fail("expects " + Twine(count) + " input" +
                      (count == 1 ? "" : "s") + ", input " + Twine(i) +
                      " is missing");
  return success();
}

/// Rong's float-only ops (mean, softmax, norms) take f32/f16/bf16.
static LogicalResult requireFloat(NodeContext &ctx, Value value,
                                  StringRef what) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  if (!isa<FloatType>(element))
    return ctx.fail(what + " has element type " + str(element) +
                    "; Rong supports only floating-point types here");
  return success();
}

/// Rong's numeric ops take every element type but i1.
static LogicalResult requireNumeric(NodeContext &ctx, Value value,
                                    StringRef what) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  if (element.isInteger(1))
    return ctx.fail(what + " is boolean; Rong supports numeric types here");
  return success();
}

/// Builds `OpTy` with ctx.create after running its result type inference: the
/// generated builders abort on an inference failure, and bad shapes in a model
/// must become an error that names the node. Returns null after reporting.
template <typename OpTy, typename... Args>
static Value tryCreate(NodeContext &ctx, Args &&...args) {
  MLIRContext *context = ctx.b().getContext();
  OperationState state(ctx.getLoc(), OpTy::getOperationName());
  Type placeholder = NoneType::get(context); // replaced by the inferred type
  OpTy::build(ctx.b(), state, TypeRange{placeholder}, args...);
  SmallVector<Type> inferred;
  std::string message;
  LogicalResult result = failure();
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    result = OpTy::inferReturnTypes(
        context, ctx.getLoc(), state.operands,
        state.attributes.getDictionary(context), state.getRawProperties(),
        state.regions, inferred);
  }
  if (failed(result)) {
    (void)ctx.fail(message.empty() ? "invalid operand shapes" : message);
    return {};
  }
  return ctx.create<OpTy>(std::forward<Args>(args)...);
}

/// Normalises `axis` into [0, rank) or fails naming the attribute.
static FailureOr<int64_t> checkAxis(NodeContext &ctx, int64_t axis,
                                    int64_t rank, StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return ctx.fail(what + " " + Twine(axis) + " is out of range for an input "
                    "of rank " + Twine(rank) + " (expected [" + Twine(-rank) +
                    ", " + Twine(rank) + "))");
  return axis < 0 ? axis + rank : axis;
}

static SmallVector<int64_t> toAttrShape(ArrayRef<int64_t> shape) {
  // Rong's shape attributes spell a dynamic dimension -1.
  return llvm::map_to_vector(shape, [](int64_t d) {
    return ShapedType::isDynamic(d) ? int64_t(-1) : d;
  });
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
static FailureOr<Reduction> parseReduction(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
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
template <typename OpTy>
static Value reduce(NodeContext &ctx, const Reduction &r, Value value,
                    bool keepdims) {
  if (r.noop)
    return value;
  return tryCreate<OpTy>(ctx, value, ctx.b().getDenseI64ArrayAttr(r.axes),
                         keepdims ? ctx.b().getUnitAttr() : UnitAttr());
}

/// The plain reductions map one to one onto rong ops.
template <typename OpTy, bool FloatOnly = false>
static LogicalResult convertReduce(NodeContext &ctx) {
  FailureOr<Reduction> r = parseReduction(ctx);
  if (failed(r) ||
      failed(FloatOnly ? requireFloat(ctx, r->input, "the input")
                       : requireNumeric(ctx, r->input, "the input")))
    return failure();
  Value result = reduce<OpTy>(ctx, *r, r->input, r->keepdims);
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// The derived reductions: an elementwise prologue, a sum, an epilogue. With
/// noop_with_empty_axes the ONNX reference still applies both elementwise
/// parts (ReduceSumSquare is then x * x), so only the sum is skipped.
namespace {
enum class Derived { L1, L2, SumSquare, LogSum, LogSumExp };
}

template <Derived Kind>
static LogicalResult convertDerived(NodeContext &ctx) {
  FailureOr<Reduction> r = parseReduction(ctx);
  if (failed(r))
    return failure();
  Value x = r->input;
  bool floatOnly = Kind != Derived::L1 && Kind != Derived::SumSquare;
  if (failed(floatOnly ? requireFloat(ctx, x, "the input")
                       : requireNumeric(ctx, x, "the input")))
    return failure();
  Value result;
  switch (Kind) {
  case Derived::L1:
    result = reduce<ReduceSumOp>(ctx, *r, ctx.create<AbsOp>(x), r->keepdims);
    break;
  case Derived::SumSquare:
  case Derived::L2:
    result = reduce<ReduceSumOp>(ctx, *r, ctx.create<MulOp>(x, x), r->keepdims);
    if (result && Kind == Derived::L2)
      result = ctx.create<SqrtOp>(result);
    break;
  case Derived::LogSum:
    result = reduce<ReduceSumOp>(ctx, *r, x, r->keepdims);
    if (result)
      result = ctx.create<LogOp>(result);
    break;
  case Derived::LogSumExp: {
    if (r->noop) { // log(exp(x)) == x
      result = x;
      break;
    }
    // Subtract the maximum first so that exp cannot overflow:
    // lse(x) = log(sum(exp(x - m))) + m.
    Value maxKept = reduce<ReduceMaxOp>(ctx, *r, x, /*keepdims=*/true);
    if (!maxKept)
      return failure();
    Value sum = reduce<ReduceSumOp>(
        ctx, *r, ctx.create<ExpOp>(ctx.create<SubOp>(x, maxKept)), r->keepdims);
    Value max = r->keepdims ? maxKept
                            : reduce<ReduceMaxOp>(ctx, *r, x, false);
    if (sum && max)
      result = ctx.create<AddOp>(ctx.create<LogOp>(sum), max);
    break;
  }
  }
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

//===----------------------------------------------------------------------===//
// ArgMax / ArgMin
//===----------------------------------------------------------------------===//

template <bool IsMin>
static LogicalResult convertArgExtreme(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  Value x = ctx.input(0);
  int64_t rank = ctx.inputType(0).getRank();
  if (rank == 0)
    return ctx.fail("expects an input of rank >= 1, got a scalar");
  int64_t axis = ctx.attrInt("axis", 0);
  if (failed(checkAxis(ctx, axis, rank)))
    return failure();
  if (IsMin) {
    // argmin(x) == argmax(-x), ties included; negation is exact for floats
    // but overflows the most negative integer, so integers are refused.
    if (failed(requireFloat(ctx, x, "the input")))
      return failure();
    x = ctx.create<NegOp>(x);
  } else if (failed(requireNumeric(ctx, x, "the input"))) {
    return failure();
  }
  Builder &b = ctx.b();
  Value result = tryCreate<ArgMaxOp>(
      ctx, x, b.getI64IntegerAttr(axis),
      ctx.attrInt("keepdims", 1) ? b.getUnitAttr() : UnitAttr(),
      ctx.attrInt("select_last_index", 0) ? b.getUnitAttr() : UnitAttr());
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax and the normalisations
//===----------------------------------------------------------------------===//

/// Softmax / LogSoftmax from opset 13: one axis (default -1), not the
/// flatten-to-2-D semantics of earlier opsets, which Rong does not import.
template <typename OpTy>
static LogicalResult convertSoftmax(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireFloat(ctx, ctx.input(0), "the input")))
    return failure();
  int64_t rank = ctx.inputType(0).getRank();
  if (rank == 0)
    return ctx.fail("expects an input of rank >= 1, got a scalar");
  int64_t axis = ctx.attrInt("axis", -1);
  if (failed(checkAxis(ctx, axis, rank)))
    return failure();
  ctx.setResults(
      ctx.create<OpTy>(ctx.input(0), ctx.b().getI64IntegerAttr(axis)));
  return success();
}

/// Fits the ONNX scale/bias `param` (input `index`, named `name`) to the
/// normalised shape, which rong.layer_norm / rong.rms_norm need exactly. ONNX
/// only asks for a shape that broadcasts to it: leading 1s beyond the
/// normalised rank are reshaped away, and size-1 dimensions broadcast.
static Value fitToNormalizedShape(NodeContext &ctx, size_t index, StringRef name,
                                  ArrayRef<int64_t> normalized) {
  Value param = ctx.input(index);
  auto type = ctx.inputType(index);
  auto inputType = ctx.inputType(0);
  if (type.getElementType() != inputType.getElementType()) {
    (void)ctx.fail(name + " element type " + str(type.getElementType()) +
                   " differs from the input's " +
                   str(inputType.getElementType()));
    return {};
  }
  if (succeeded(verifyCompatibleShape(type.getShape(), normalized)))
    return param;
  auto mismatch = [&] {
    (void)ctx.fail(name + " has shape " + str(type.getShape()) +
                   ", which does not broadcast to the normalised shape " +
                   str(normalized));
    return Value();
  };
  ArrayRef<int64_t> shape = type.getShape();
  while (shape.size() > normalized.size() && shape.front() == 1)
    shape = shape.drop_front();
  if (shape.size() > normalized.size())
    return mismatch();
  ArrayRef<int64_t> aligned = normalized.take_back(shape.size());
  for (auto [from, to] : llvm::zip_equal(shape, aligned))
    if (from != 1 && !sizesMayAgree(from, to))
      return mismatch();
  if (shape.size() != type.getShape().size())
    param = ctx.reshape(param, toAttrShape(shape));
  return tryCreate<BroadcastToOp>(
      ctx, param, ctx.b().getDenseI64ArrayAttr(toAttrShape(normalized)));
}

/// LayerNormalization (with bias) and RMSNormalization (without).
template <typename OpTy>
static LogicalResult convertTrailingNorm(NodeContext &ctx) {
  constexpr bool hasBias = std::is_same_v<OpTy, LayerNormOp>;
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireFloat(ctx, ctx.input(0), "the input")))
    return failure();
  RankedTensorType inputType = ctx.inputType(0);
  int64_t rank = inputType.getRank();
  if (rank == 0)
    return ctx.fail("expects an input of rank >= 1, got a scalar");
  int64_t axis = ctx.attrInt("axis", -1);
  FailureOr<int64_t> dim = checkAxis(ctx, axis, rank);
  if (failed(dim))
    return failure();
  double epsilon = ctx.attrFloat("epsilon", 1e-5);
  if (epsilon < 0)
    return ctx.fail(llvm::formatv("epsilon {0} is negative", epsilon));
  ArrayRef<int64_t> normalized = inputType.getShape().drop_front(*dim);
  Value scale = fitToNormalizedShape(ctx, 1, "scale", normalized);
  if (!scale)
    return failure();
  Builder &b = ctx.b();
  Value result;
  if constexpr (hasBias) {
    Value bias;
    if (ctx.input(2) &&
        !(bias = fitToNormalizedShape(ctx, 2, "bias", normalized)))
      return failure();
    result = ctx.create<OpTy>(ctx.input(0), scale, bias,
                              b.getI64IntegerAttr(axis),
                              b.getF64FloatAttr(epsilon));
  } else {
    result = ctx.create<OpTy>(ctx.input(0), scale, b.getI64IntegerAttr(axis),
                              b.getF64FloatAttr(epsilon));
  }
  // Only Y: LayerNormalization's Mean and InvStdDev stay unset, so the
  // importer reports them as unsupported if the graph uses them.
  ctx.setResults(result);
  return success();
}

static LogicalResult convertBatchNorm(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 5)) ||
      failed(requireFloat(ctx, ctx.input(0), "the input")))
    return failure();
  if (ctx.attrInt("training_mode", 0) != 0)
    return ctx.fail("training_mode = 1 is not supported; Rong imports models "
                    "for inference");
  RankedTensorType inputType = ctx.inputType(0);
  if (inputType.getRank() < 2)
    return ctx.fail("expects an input N x C x ... (rank >= 2), got " +
                    str(inputType));
  double epsilon = ctx.attrFloat("epsilon", 1e-5);
  if (epsilon < 0)
    return ctx.fail(llvm::formatv("epsilon {0} is negative", epsilon));
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
  ctx.setResults(ctx.create<BatchNormOp>(
      ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(3), ctx.input(4),
      ctx.b().getF64FloatAttr(epsilon)));
  return success();
}

/// GlobalAveragePool / GlobalMaxPool reduce every spatial axis, keeping them.
template <typename OpTy, bool FloatOnly>
static LogicalResult convertGlobalPool(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(FloatOnly ? requireFloat(ctx, ctx.input(0), "the input")
                       : requireNumeric(ctx, ctx.input(0), "the input")))
    return failure();
  int64_t rank = ctx.inputType(0).getRank();
  if (rank < 3)
    return ctx.fail("expects an input N x C x D1 x ... (rank >= 3), got " +
                    str(ctx.inputType(0)));
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  ctx.setResults(ctx.create<OpTy>(ctx.input(0),
                                  ctx.b().getDenseI64ArrayAttr(axes),
                                  ctx.b().getUnitAttr()));
  return success();
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
