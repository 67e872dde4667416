//===- OnnxNode.cpp - What an ONNX op converter sees ----------------------===//
//
// This file implements NodeContext: attribute lookup with ONNX defaults,
// constant inputs, and errors that name the node.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

DenseElementsAttr NodeContext::constantInput(size_t i) const {
  Value value = input(i);
  DenseElementsAttr attr;
  if (value && matchPattern(value, m_Constant(&attr)))
    return attr;
  return {};
}

std::optional<SmallVector<int64_t>> NodeContext::constantInts(size_t i) const {
  DenseElementsAttr attr = constantInput(i);
  if (!attr || !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

std::optional<SmallVector<double>>
NodeContext::constantFloats(size_t i) const {
  DenseElementsAttr attr = constantInput(i);
  if (!attr || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &v : attr.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

std::optional<double> NodeContext::constantScalar(size_t i) const {
  DenseElementsAttr attr = constantInput(i);
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  if (isa<FloatType>(attr.getElementType()))
    return (*attr.getValues<APFloat>().begin()).convertToDouble();
  return static_cast<double>((*attr.getValues<APInt>().begin()).getSExtValue());
}

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t fallback) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->i() : fallback;
}

double NodeContext::attrFloat(StringRef name, double fallback) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->f() : fallback;
}

std::string NodeContext::attrString(StringRef name, StringRef fallback) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr ? attr->s() : fallback.str();
}

SmallVector<int64_t> NodeContext::attrInts(StringRef name,
                                           ArrayRef<int64_t> fallback) const {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return SmallVector<int64_t>(fallback);
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

const onnx::TensorProto *NodeContext::attrTensor(StringRef name) const {
  const onnx::AttributeProto *attr = findAttr(name);
  return attr && attr->has_t() ? &attr->t() : nullptr;
}

InFlightDiagnostic NodeContext::emitError() {
  reportedError = true;
  return mlir::emitError(loc) << "node '" << displayName << "' ("
                              << node.op_type() << "): ";
}

LogicalResult NodeContext::inferTypes(OperationState &state, InferFn infer) {
  MLIRContext *context = builder.getContext();
  std::string message;
  LogicalResult result = failure();
  {
    // Inference reports through diagnostics; capture the reason so the error
    // the user sees names this node.
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    result = infer(context, loc, state.operands,
                   state.attributes.getDictionary(context),
                   state.getRawProperties(), state.regions, state.types);
  }
  if (failed(result))
    return fail(message.empty() ? "operand types are invalid for " +
                                      state.name.getStringRef()
                                : message);
  return success();
}

Value NodeContext::insertAndFold(OperationState &state) {
  Operation *op = builder.insert(Operation::create(state));
  SmallVector<Value, 1> folded;
  if (succeeded(builder.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded.front();
  }
  return op->getResult(0);
}

LogicalResult NodeContext::fail(const Twine &message) {
  return emitError() << message;
}

Value NodeContext::reshape(Value value, ArrayRef<int64_t> shape) {
  if (!value)
    return {};
  if (cast<RankedTensorType>(value.getType()).getShape() == shape)
    return value;
  return create<ReshapeOp>(value, builder.getDenseI64ArrayAttr(shapeAttr(shape)));
}

Value onnx_import::onCoercedRows(
    NodeContext &ctx, llvm::function_ref<Value(Value, int64_t)> alongAxis) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank(), axis = ctx.attrInt("axis", 1);
  if (rank == 0 || axis < -rank || axis >= rank) {
    (void)ctx.fail("axis " + Twine(axis) + " is out of range for " +
                   str(type));
    return {};
  }
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> shape = type.getShape();
  // Flattening at the last axis changes nothing.
  if (axis == rank - 1)
    return alongAxis(ctx.input(0), axis);
  int64_t rows = 1, columns = 1;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t &product = d < axis ? rows : columns;
    if (ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(product))
      product = ShapedType::kDynamic;
    else
      product *= shape[d];
  }
  if (ShapedType::isDynamic(columns) ||
      llvm::count_if(shape, ShapedType::isDynamic) > 1) {
    (void)ctx.fail("flattening " + str(type) + " to 2-D at axis " +
                   Twine(axis) + " (before opset 13) needs static dimensions "
                   "from the axis on and at most one dynamic one before it");
    return {};
  }
  Value result = alongAxis(ctx.reshape(ctx.input(0), {rows, columns}), 1);
  return ctx.reshape(result, shape);
}

Value NodeContext::scalar(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    element = builder.getFloatAttr(floatType, value);
  else
    element = builder.getIntegerAttr(elementType, static_cast<int64_t>(value));
  return ConstantOp::create(builder, loc, DenseElementsAttr::get(type, element));
}

Value NodeContext::constant(RankedTensorType type, ArrayRef<double> values) {
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType) {
    SmallVector<int64_t> ints = llvm::map_to_vector(
        values, [](double v) { return static_cast<int64_t>(v); });
    return constant(type, ints);
  }
  SmallVector<APFloat> elements;
  for (double v : values) {
    APFloat element(v);
    bool losesInfo;
    element.convert(floatType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &losesInfo);
    elements.push_back(element);
  }
  return ConstantOp::create(builder, loc,
                            DenseElementsAttr::get(type, elements));
}

Value NodeContext::constant(RankedTensorType type, ArrayRef<int64_t> values) {
  if (isa<FloatType>(type.getElementType()))
    return constant(type, llvm::map_to_vector(values, [](int64_t v) {
                      return static_cast<double>(v);
                    }));
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> elements = llvm::map_to_vector(values, [&](int64_t v) {
    // Booleans are any non-zero value, as a cast to i1 reads them.
    return width == 1 ? APInt(1, v != 0)
                      : APInt(width, v, /*isSigned=*/true,
                              /*implicitTrunc=*/true);
  });
  return ConstantOp::create(builder, loc,
                            DenseElementsAttr::get(type, elements));
}

LogicalResult onnx_import::requireInputs(NodeContext &ctx, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!ctx.input(i))
      return ctx.fail("expects " + Twine(count) + " input" +
                      (count == 1 ? "" : "s") + ", input " + Twine(i) +
                      " is missing");
  return success();
}

LogicalResult onnx_import::requireElementType(NodeContext &ctx, Value value,
                                              StringRef what, bool floatOnly) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  if (floatOnly ? !isa<FloatType>(element) : element.isInteger(1))
    return ctx.fail(what + " has element type " + str(element) + "; Rong " +
                    (floatOnly ? "supports only floating-point types here"
                               : "supports numeric types here"));
  return success();
}

LogicalResult onnx_import::requireNotUnsigned(NodeContext &ctx, Value value,
                                              StringRef what) {
  Type element = cast<RankedTensorType>(value.getType()).getElementType();
  if (element.isUnsignedInteger())
    return ctx.fail(what + " has element type " + str(element) +
                    "; Rong's reductions and pooling order signed integers "
                    "and floats only");
  return success();
}

std::string onnx_import::str(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t v) {
    ShapedType::isDynamic(v) ? os << "?" : os << v;
  });
  os << "]";
  return s;
}

std::string onnx_import::str(Type type) {
  std::string s;
  llvm::raw_string_ostream(s) << type;
  return s;
}

SmallVector<int64_t> onnx_import::shapeAttr(ArrayRef<int64_t> shape) {
  return llvm::map_to_vector(shape, [](int64_t d) {
    return ShapedType::isDynamic(d) ? int64_t(-1) : d;
  });
}
