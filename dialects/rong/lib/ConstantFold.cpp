//===- ConstantFold.cpp - Numeric helpers for the rong folders ------------===//
//
// This file implements element access, broadcasting and rebuilding of constant
// tensors for the rong folders. Values travel as double or int64 and are
// rounded to the element type once, at the end.
//
//===----------------------------------------------------------------------===//

#include "ConstantFold.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::fold;

static bool isFloat(Type type) { return isa<FloatType>(type); }

Scalar fold::readElement(DenseElementsAttr attr, int64_t index) {
  if (attr.isSplat())
    index = 0;
  Scalar s;
  Type element = attr.getElementType();
  if (isFloat(element)) {
    APFloat value = *(attr.value_begin<APFloat>() + index);
    bool losesInfo = false;
    value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    s.f = value.convertToDouble();
  } else {
    APInt value = *(attr.value_begin<APInt>() + index);
    // Booleans and unsigned integers read as their value, zero-extended;
    // other integers are signed.
    s.i = element.isInteger(1) || element.isUnsignedInteger()
              ? value.getZExtValue()
              : value.getSExtValue();
  }
  return s;
}

static Attribute toAttr(Type element, Scalar s) {
  if (auto floatType = dyn_cast<FloatType>(element)) {
    APFloat value(s.f);
    bool losesInfo = false;
    value.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    return FloatAttr::get(element, value);
  }
  unsigned width = element.getIntOrFloatBitWidth();
  return IntegerAttr::get(element,
                          APInt(width, static_cast<uint64_t>(s.i),
                                /*isSigned=*/width > 1 &&
                                    !element.isUnsignedInteger(),
                                /*implicitTrunc=*/true));
}

DenseElementsAttr fold::buildElements(RankedTensorType type,
                                      ArrayRef<Scalar> values) {
  if (!type.hasStaticShape())
    return {};
  Type element = type.getElementType();
  if (values.size() == 1)
    return DenseElementsAttr::get(type, toAttr(element, values.front()));
  if (static_cast<int64_t>(values.size()) != type.getNumElements())
    return {};
  SmallVector<Attribute> attrs;
  attrs.reserve(values.size());
  for (const Scalar &s : values)
    attrs.push_back(toAttr(element, s));
  return DenseElementsAttr::get(type, attrs);
}

DenseElementsAttr fold::getFoldable(Attribute attr, Type resultType) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(attr);
  auto result = dyn_cast<RankedTensorType>(resultType);
  if (!dense || !result || !result.hasStaticShape())
    return {};
  // Folders compute on int64: a u64 above 2^63 has no int64 value, so u64
  // arithmetic is left to run time.
  for (Type type : {dense.getElementType(), result.getElementType()})
    if (type.isUnsignedInteger(64))
      return {};
  if (dense.isSplat())
    return dense;
  if (result.getNumElements() > kMaxFoldedElements)
    return {};
  return dense;
}

int64_t fold::broadcastIndex(ArrayRef<int64_t> resultShape,
                             ArrayRef<int64_t> operandShape,
                             int64_t flatIndex) {
  int64_t operandIndex = 0, operandStride = 1;
  int64_t offset = resultShape.size() - operandShape.size();
  for (int64_t dim = resultShape.size() - 1; dim >= 0; --dim) {
    int64_t coord = flatIndex % resultShape[dim];
    flatIndex /= resultShape[dim];
    if (dim < offset)
      continue;
    int64_t size = operandShape[dim - offset];
    operandIndex += (size == 1 ? 0 : coord) * operandStride;
    operandStride *= size;
  }
  return operandIndex;
}

DenseElementsAttr
fold::mapElements(DenseElementsAttr input, RankedTensorType resultType,
                  function_ref<std::optional<Scalar>(Scalar)> fn) {
  if (!input || !resultType.hasStaticShape())
    return {};
  int64_t count = input.isSplat() ? 1 : input.getNumElements();
  SmallVector<Scalar> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    std::optional<Scalar> value = fn(readElement(input, i));
    if (!value)
      return {};
    values.push_back(*value);
  }
  return buildElements(resultType, values);
}

DenseElementsAttr
fold::zipElements(DenseElementsAttr lhs, DenseElementsAttr rhs,
                  RankedTensorType resultType,
                  function_ref<std::optional<Scalar>(Scalar, Scalar)> fn) {
  if (!lhs || !rhs || !resultType.hasStaticShape())
    return {};
  bool splat = lhs.isSplat() && rhs.isSplat();
  int64_t count = splat ? 1 : resultType.getNumElements();
  if (count > kMaxFoldedElements)
    return {};
  ArrayRef<int64_t> shape = resultType.getShape();
  ArrayRef<int64_t> lhsShape = lhs.getType().getShape();
  ArrayRef<int64_t> rhsShape = rhs.getType().getShape();
  SmallVector<Scalar> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    Scalar a = readElement(lhs, splat ? 0 : broadcastIndex(shape, lhsShape, i));
    Scalar b = readElement(rhs, splat ? 0 : broadcastIndex(shape, rhsShape, i));
    std::optional<Scalar> value = fn(a, b);
    if (!value)
      return {};
    values.push_back(*value);
  }
  return buildElements(resultType, values);
}

bool fold::isSplatOf(Attribute attr, double value) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(attr);
  if (!dense || !dense.isSplat())
    return false;
  Scalar s = readElement(dense, 0);
  return isFloat(dense.getElementType()) ? s.f == value
                                         : static_cast<double>(s.i) == value;
}
