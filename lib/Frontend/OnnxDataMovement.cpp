//===- OnnxDataMovement.cpp - ONNX data movement and shape ops ------------===//
//
// This file implements the ONNX converters of data movement (Reshape, Flatten,
// Transpose, Squeeze, Unsqueeze, Concat, Split, Slice, Gather, Expand, Pad),
// constants (Constant, ConstantOfShape) and shape queries (Shape, Size).
// Shape queries on static shapes become constants, and the folders of the
// ops they feed (Gather, Concat, Cast, arithmetic) collapse exporters'
// Shape -> Gather -> Concat -> Reshape chains into constant shapes while the
// graph is read. Inputs that Rong needs at compile time (shapes, axes, pads)
// must end up constant; otherwise the node is rejected with that reason.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"
#include "OnnxTensor.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

/// Reads integer input `i` (shape, axes, pads, ...) that must be constant.
static FailureOr<SmallVector<int64_t>> requireInts(NodeContext &ctx, size_t i,
                                                   StringRef what) {
  if (!ctx.input(i))
    return ctx.fail("input " + Twine(i) + " (" + what + ") is missing");
  std::optional<SmallVector<int64_t>> values = ctx.constantInts(i);
  if (!values)
    return ctx.fail(Twine(what) +
                    " must be a compile-time constant integer tensor");
  return *values;
}

/// Integer operand `name` of a node: attribute `name` before opset
/// `inputSince`, constant input `index` from then; nullopt when absent.
static FailureOr<std::optional<SmallVector<int64_t>>>
intsOperand(NodeContext &ctx, StringRef name, int64_t inputSince,
            size_t index) {
  if (ctx.opsetVersion() < inputSince) {
    if (!ctx.hasAttr(name))
      return std::optional<SmallVector<int64_t>>();
    return std::optional<SmallVector<int64_t>>(ctx.attrInts(name));
  }
  if (!ctx.input(index))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> values = requireInts(ctx, index, name);
  if (failed(values))
    return failure();
  return std::optional<SmallVector<int64_t>>(*values);
}

/// Axes given as an attribute before `inputSince`, as input `index` from then.
static FailureOr<std::optional<SmallVector<int64_t>>>
axesOf(NodeContext &ctx, int64_t inputSince, size_t index) {
  return intsOperand(ctx, "axes", inputSince, index);
}

/// An integer operand a node needs (see intsOperand).
static FailureOr<SmallVector<int64_t>>
requiredInts(NodeContext &ctx, StringRef name, int64_t inputSince,
             size_t index) {
  FailureOr<std::optional<SmallVector<int64_t>>> values =
      intsOperand(ctx, name, inputSince, index);
  if (failed(values))
    return failure();
  if (!*values)
    return ctx.fail(ctx.opsetVersion() < inputSince
                        ? Twine("attribute ") + name + " is required"
                        : "input " + Twine(index) + " (" + name +
                              ") is missing");
  return **values;
}

/// Normalises `axes` into [0, rank) and sorts them; fails on bad entries.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                      Twine(rank));
    int64_t dim = axis < 0 ? axis + rank : axis;
    if (llvm::is_contained(result, dim))
      return ctx.fail("axis " + Twine(axis) + " is repeated");
    result.push_back(dim);
  }
  llvm::sort(result);
  return result;
}

static LogicalResult convertReshape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = requireInts(ctx, 1, "shape");
  if (failed(shape))
    return failure();
  RankedTensorType input = ctx.inputType(0);
  bool allowZero = ctx.attrInt("allowzero", 0) != 0;
  SmallVector<int64_t> result;
  int64_t inferred = -1, known = 1;
  for (auto [i, size] : llvm::enumerate(*shape)) {
    if (size == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= input.getRank())
        return ctx.fail("shape entry " + Twine(i) +
                        " copies a dimension the input does not have");
      size = input.getDimSize(i);
    } else if (size == -1) {
      if (inferred >= 0)
        return ctx.fail("shape has more than one -1");
      inferred = i;
    } else if (size < 0) {
      return ctx.fail("shape entry " + Twine(size) + " is invalid");
    }
    result.push_back(size);
    if (static_cast<int64_t>(i) != inferred)
      known = ShapedType::isDynamic(size) || ShapedType::isDynamic(known)
                  ? ShapedType::kDynamic
                  : known * size;
  }
  if (inferred >= 0) {
    if (input.hasStaticShape() && !ShapedType::isDynamic(known)) {
      if (known == 0 || input.getNumElements() % known != 0)
        return ctx.fail("cannot infer the -1 entry: " +
                        Twine(input.getNumElements()) +
                        " elements do not divide into the other entries");
      result[inferred] = input.getNumElements() / known;
    } else {
      result[inferred] = ShapedType::kDynamic;
    }
  }
  ctx.setResults(ctx.create<ReshapeOp>(
      ctx.input(0), ctx.b().getDenseI64ArrayAttr(shapeAttr(result))));
  return success();
}

static LogicalResult convertFlatten(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  int64_t rank = input.getRank();
  int64_t axis = ctx.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                    Twine(rank));
  if (axis < 0)
    axis += rank;
  auto product = [&](int64_t from, int64_t to) {
    int64_t p = 1;
    for (int64_t d = from; d < to; ++d) {
      if (input.isDynamicDim(d))
        return int64_t(-1);
      p *= input.getDimSize(d);
    }
    return p;
  };
  ctx.setResults(ctx.create<ReshapeOp>(
      ctx.input(0),
      ctx.b().getDenseI64ArrayAttr({product(0, axis), product(axis, rank)})));
  return success();
}

static LogicalResult convertTranspose(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  SmallVector<int64_t> perm = ctx.attrInts("perm");
  if (!ctx.hasAttr("perm"))
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  ctx.setResults(ctx.create<TransposeOp>(ctx.input(0),
                                         ctx.b().getDenseI64ArrayAttr(perm)));
  return success();
}

static LogicalResult convertSqueeze(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  auto axes = axesOf(ctx, 13, 1);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> dims;
  if (*axes) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(ctx, **axes, input.getRank());
    if (failed(normalized))
      return failure();
    dims = *normalized;
    for (int64_t d : dims)
      if (input.getDimSize(d) != 1 && !input.isDynamicDim(d))
        return ctx.fail("cannot squeeze axis " + Twine(d) + " of size " +
                        Twine(input.getDimSize(d)));
  } else {
    for (int64_t d = 0; d < input.getRank(); ++d) {
      if (input.isDynamicDim(d))
        return ctx.fail("squeezing every size-1 axis needs a static shape");
      if (input.getDimSize(d) == 1)
        dims.push_back(d);
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < input.getRank(); ++d)
    if (!llvm::is_contained(dims, d))
      shape.push_back(input.getDimSize(d));
  ctx.setResults(ctx.create<ReshapeOp>(
      ctx.input(0), ctx.b().getDenseI64ArrayAttr(shapeAttr(shape))));
  return success();
}

static LogicalResult convertUnsqueeze(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  auto axes = axesOf(ctx, 13, 1);
  if (failed(axes))
    return failure();
  if (!*axes)
    return ctx.fail("needs axes");
  int64_t rank = input.getRank() + (*axes)->size();
  FailureOr<SmallVector<int64_t>> dims = normalizeAxes(ctx, **axes, rank);
  if (failed(dims))
    return failure();
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(llvm::is_contained(*dims, d) ? 1
                                                 : input.getDimSize(next++));
  ctx.setResults(ctx.create<ReshapeOp>(
      ctx.input(0), ctx.b().getDenseI64ArrayAttr(shapeAttr(shape))));
  return success();
}

static LogicalResult convertConcat(NodeContext &ctx) {
  SmallVector<Value> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (Value v = ctx.input(i))
      inputs.push_back(v);
  if (inputs.empty())
    return ctx.fail("has no inputs");
  if (!ctx.hasAttr("axis"))
    return ctx.fail("has no 'axis' attribute");
  ctx.setResults(ctx.create<ConcatOp>(inputs, ctx.attrInt("axis", 0)));
  return success();
}

/// The end that takes a whole dimension: its size when static.
static int64_t wholeEnd(RankedTensorType type, int64_t dim) {
  return type.isDynamicDim(dim) ? INT64_MAX : type.getDimSize(dim);
}

/// Clamps a slice index on a static dimension into [-size - 1, size], which
/// keeps its meaning (ONNX clamps anyway) and keeps the IR readable.
static int64_t clampIndex(RankedTensorType type, int64_t dim, int64_t index) {
  if (type.isDynamicDim(dim))
    return index;
  int64_t size = type.getDimSize(dim);
  return std::clamp<int64_t>(index, -size - 1, size);
}

/// Full-rank slice of `input` that takes [start, start + size) on `axis`.
static Value sliceAxis(NodeContext &ctx, Value input, int64_t axis,
                       int64_t start, int64_t size) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts(rank, 0), ends, steps(rank, 1);
  for (int64_t d = 0; d < rank; ++d)
    ends.push_back(wholeEnd(type, d));
  starts[axis] = start;
  ends[axis] = start + size;
  return ctx.create<SliceOp>(input, ctx.b().getDenseI64ArrayAttr(starts),
                             ctx.b().getDenseI64ArrayAttr(ends),
                             ctx.b().getDenseI64ArrayAttr(steps));
}

static LogicalResult convertSplit(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  FailureOr<SmallVector<int64_t>> axes =
      normalizeAxes(ctx, {ctx.attrInt("axis", 0)}, input.getRank());
  if (failed(axes))
    return failure();
  int64_t axis = axes->front();
  int64_t dim = input.getDimSize(axis);
  if (ShapedType::isDynamic(dim))
    return ctx.fail("splitting a dynamic axis is not supported");
  int64_t outputs = ctx.proto().output_size();
  SmallVector<int64_t> sizes;
  if (ctx.input(1)) {
    FailureOr<SmallVector<int64_t>> split = requireInts(ctx, 1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (ctx.opsetVersion() < 13 && ctx.hasAttr("split")) {
    sizes = ctx.attrInts("split");
  } else {
    int64_t parts = ctx.hasAttr("num_outputs") ? ctx.attrInt("num_outputs", 1)
                                               : outputs;
    if (parts < 1)
      return ctx.fail("num_outputs must be >= 1");
    // Equal parts; with num_outputs the last one may be smaller.
    int64_t chunk = (dim + parts - 1) / parts;
    if (!ctx.hasAttr("num_outputs") && dim % parts != 0)
      return ctx.fail("axis of size " + Twine(dim) +
                      " does not split evenly into " + Twine(parts));
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  if (static_cast<int64_t>(sizes.size()) != outputs)
    return ctx.fail("split has " + Twine(sizes.size()) + " parts for " +
                    Twine(outputs) + " outputs");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return ctx.fail("split sizes must be >= 0");
    total += s;
  }
  if (total != dim)
    return ctx.fail("split sizes add up to " + Twine(total) +
                    ", but the axis has " + Twine(dim));
  SmallVector<Value> results;
  int64_t start = 0;
  for (int64_t s : sizes) {
    results.push_back(sliceAxis(ctx, ctx.input(0), axis, start, s));
    start += s;
  }
  ctx.setResults(results);
  return success();
}

static LogicalResult convertSlice(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  int64_t rank = input.getRank();
  // Before opset 10, starts, ends and axes are attributes and there are no
  // steps.
  FailureOr<SmallVector<int64_t>> starts = requiredInts(ctx, "starts", 10, 1);
  FailureOr<SmallVector<int64_t>> ends = requiredInts(ctx, "ends", 10, 2);
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  FailureOr<std::optional<SmallVector<int64_t>>> given = axesOf(ctx, 10, 3);
  if (failed(given))
    return failure();
  if (*given) {
    axes = **given;
  } else {
    for (int64_t i = 0, e = starts->size(); i < e; ++i)
      axes.push_back(i);
  }
  if (ctx.input(4)) {
    FailureOr<SmallVector<int64_t>> given = requireInts(ctx, 4, "steps");
    if (failed(given))
      return failure();
    steps = *given;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return ctx.fail("starts, ends, axes and steps differ in length");
  SmallVector<int64_t> fullStarts(rank, 0), fullEnds, fullSteps(rank, 1);
  for (int64_t d = 0; d < rank; ++d)
    fullEnds.push_back(wholeEnd(input, d));
  SmallVector<int64_t> seen;
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < -rank || axis >= rank)
      return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                      Twine(rank));
    int64_t d = axis < 0 ? axis + rank : axis;
    if (llvm::is_contained(seen, d))
      return ctx.fail("axis " + Twine(axis) + " is repeated");
    seen.push_back(d);
    if (steps[i] == 0)
      return ctx.fail("step of axis " + Twine(axis) + " is zero");
    fullStarts[d] = clampIndex(input, d, (*starts)[i]);
    fullEnds[d] = clampIndex(input, d, (*ends)[i]);
    fullSteps[d] = steps[i];
  }
  ctx.setResults(ctx.create<SliceOp>(
      ctx.input(0), ctx.b().getDenseI64ArrayAttr(fullStarts),
      ctx.b().getDenseI64ArrayAttr(fullEnds),
      ctx.b().getDenseI64ArrayAttr(fullSteps)));
  return success();
}

static LogicalResult convertGather(NodeContext &ctx) {
  if (!ctx.input(1))
    return ctx.fail("input 1 (indices) is missing");
  ctx.setResults(
      ctx.create<GatherOp>(ctx.input(0), ctx.input(1), ctx.attrInt("axis", 0)));
  return success();
}

static LogicalResult convertExpand(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = requireInts(ctx, 1, "shape");
  if (failed(shape))
    return failure();
  // Expand broadcasts both ways: the result is the broadcast of the two.
  SmallVector<int64_t> result;
  if (!OpTrait::util::getBroadcastedShape(ctx.inputType(0).getShape(), *shape,
                                          result))
    return ctx.fail("input shape does not broadcast with the target shape");
  ctx.setResults(ctx.create<BroadcastToOp>(
      ctx.input(0), ctx.b().getDenseI64ArrayAttr(shapeAttr(result))));
  return success();
}

static LogicalResult convertPad(NodeContext &ctx) {
  int64_t rank = ctx.inputType(0).getRank();
  std::string modeName = ctx.attrString("mode", "constant");
  std::optional<PadMode> mode = symbolizePadMode(modeName);
  if (!mode)
    return ctx.fail("mode '" + modeName + "' is not supported (constant, "
                    "reflect, edge are)");
  // Before opset 11, pads and the padding value are attributes.
  FailureOr<SmallVector<int64_t>> pads = requiredInts(ctx, "pads", 11, 1);
  if (failed(pads))
    return failure();
  double value = 0;
  if (ctx.opsetVersion() < 11) {
    value = ctx.attrFloat("value", 0.0);
  } else if (ctx.input(2)) {
    std::optional<double> given = ctx.constantScalar(2);
    if (!given)
      return ctx.fail("constant_value must be a constant scalar");
    value = *given;
  }
  SmallVector<int64_t> full(2 * rank, 0);
  if (ctx.input(3)) {
    FailureOr<SmallVector<int64_t>> axes = requireInts(ctx, 3, "axes");
    if (failed(axes))
      return failure();
    if (pads->size() != 2 * axes->size())
      return ctx.fail("pads has " + Twine(pads->size()) + " entries for " +
                      Twine(axes->size()) + " axes");
    int64_t n = axes->size();
    for (auto [i, axis] : llvm::enumerate(*axes)) {
      if (axis < -rank || axis >= rank)
        return ctx.fail("axis " + Twine(axis) + " is out of range");
      int64_t d = axis < 0 ? axis + rank : axis;
      full[d] = (*pads)[i];
      full[rank + d] = (*pads)[n + i];
    }
  } else {
    if (static_cast<int64_t>(pads->size()) != 2 * rank)
      return ctx.fail("pads has " + Twine(pads->size()) +
                      " entries, expected " + Twine(2 * rank));
    full = *pads;
  }
  ctx.setResults(ctx.create<PadOp>(ctx.input(0),
                                   ctx.b().getDenseI64ArrayAttr(full),
                                   PadModeAttr::get(ctx.b().getContext(), *mode),
                                   ctx.b().getF64FloatAttr(value)));
  return success();
}

static LogicalResult convertConstant(NodeContext &ctx) {
  OpBuilder &b = ctx.b();
  ElementsAttr value;
  if (const onnx::TensorProto *tensor = ctx.attrTensor("value")) {
    value = convertTensor(*tensor, ctx.getLoc(), /*modelDir=*/"",
                          /*resourceThreshold=*/INT64_MAX);
    if (!value)
      return failure();
  } else if (ctx.hasAttr("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   b.getF32FloatAttr(ctx.attrFloat("value_float", 0)));
  } else if (ctx.hasAttr("value_int")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   b.getI64IntegerAttr(ctx.attrInt("value_int", 0)));
  } else if (ctx.hasAttr("value_ints")) {
    SmallVector<int64_t> ints = ctx.attrInts("value_ints");
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(ints.size())}, b.getI64Type()),
        ArrayRef<int64_t>(ints));
  } else if (const onnx::AttributeProto *floats = ctx.findAttr("value_floats")) {
    SmallVector<float> values(floats->floats().begin(), floats->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values.size())}, b.getF32Type()),
        ArrayRef<float>(values));
  } else {
    return ctx.fail("only value, value_float(s) and value_int(s) constants "
                    "are supported");
  }
  ctx.setResults(ConstantOp::create(b, ctx.getLoc(), value));
  return success();
}

static LogicalResult convertConstantOfShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = requireInts(ctx, 0, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return ctx.fail("shape entries must be >= 0");
  DenseElementsAttr element;
  if (const onnx::TensorProto *tensor = ctx.attrTensor("value")) {
    element = dyn_cast_if_present<DenseElementsAttr>(
        convertTensor(*tensor, ctx.getLoc(), "", INT64_MAX));
    if (!element || element.getNumElements() != 1)
      return ctx.fail("value must be a one-element tensor");
  } else {
    element = DenseElementsAttr::get(
        RankedTensorType::get({1}, ctx.b().getF32Type()), 0.0f);
  }
  auto type = RankedTensorType::get(*shape, element.getElementType());
  ctx.setResults(ConstantOp::create(ctx.b(), ctx.getLoc(),
                                    element.resizeSplat(type)));
  return success();
}

static LogicalResult convertShape(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  int64_t rank = input.getRank();
  int64_t start = ctx.attrInt("start", 0), end = ctx.attrInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) {
    if (input.isDynamicDim(d))
      return ctx.fail("dimension " + Twine(d) +
                      " is dynamic; Rong folds Shape only on static dimensions");
    dims.push_back(input.getDimSize(d));
  }
  auto type = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                    ctx.b().getI64Type());
  ctx.setResults(ConstantOp::create(ctx.b(), ctx.getLoc(),
                                    DenseElementsAttr::get(type, ArrayRef(dims))));
  return success();
}

static LogicalResult convertSize(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0);
  if (!input.hasStaticShape())
    return ctx.fail("Size needs a static input shape");
  ctx.setResults(ctx.scalar(ctx.b().getI64Type(),
                            static_cast<double>(input.getNumElements())));
  return success();
}

/// Wraps a converter with a check that input 0 is present.
template <LogicalResult (*Fn)(NodeContext &)>
static LogicalResult withInput(NodeContext &ctx) {
  if (!ctx.input(0))
    return ctx.fail("input 0 is missing");
  return Fn(ctx);
}

void onnx_import::addDataMovementConverters(llvm::StringMap<Converter> &table) {
  table["Reshape"] = withInput<convertReshape>;
  table["Flatten"] = withInput<convertFlatten>;
  table["Transpose"] = withInput<convertTranspose>;
  table["Squeeze"] = withInput<convertSqueeze>;
  table["Unsqueeze"] = withInput<convertUnsqueeze>;
  table["Concat"] = convertConcat;
  table["Split"] = withInput<convertSplit>;
  table["Slice"] = withInput<convertSlice>;
  table["Gather"] = withInput<convertGather>;
  table["Expand"] = withInput<convertExpand>;
  table["Pad"] = withInput<convertPad>;
  table["Constant"] = convertConstant;
  table["ConstantOfShape"] = convertConstantOfShape;
  table["Shape"] = withInput<convertShape>;
  table["Size"] = withInput<convertSize>;
}
