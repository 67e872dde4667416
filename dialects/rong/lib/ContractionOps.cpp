//===- ContractionOps.cpp - Contractions and windows ----------------------===//
//
// This file implements result type inference and verification for matmul
// (NumPy semantics), conv2d and the 2-D pooling windows. The window arithmetic
// follows ONNX: out = floor_or_ceil((in + pads - dilation*(k-1) - 1) / stride)
// + 1, with ceil_mode dropping a last window that starts in the padding.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::rong;

#define GET_OP_CLASSES
#include "rong/IR/RongContractionOps.cpp.inc"

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             lhs.getElementType(), " vs ", rhs.getElementType());
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  // Promote vectors to matrices as numpy.matmul does, remembering to drop the
  // added dimension from the result.
  SmallVector<int64_t> l(lhs.getShape()), r(rhs.getShape());
  bool lhsVector = l.size() == 1, rhsVector = r.size() == 1;
  if (lhsVector)
    l.insert(l.begin(), 1);
  if (rhsVector)
    r.push_back(1);
  int64_t m = l[l.size() - 2], k = l.back();
  int64_t k2 = r[r.size() - 2], n = r.back();
  if (!sizesMayAgree(k, k2))
    return emitOptionalError(loc, "contracting dimensions differ: lhs ", lhs,
                             " has ", k, ", rhs ", rhs, " has ", k2);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(l).drop_back(2),
                                          ArrayRef(r).drop_back(2), batch))
    return emitOptionalError(loc, "batch dimensions of ", lhs, " and ", rhs,
                             " are not broadcast-compatible");
  SmallVector<int64_t> shape(batch);
  if (!lhsVector)
    shape.push_back(m);
  if (!rhsVector)
    shape.push_back(n);
  if (Value bias = adaptor.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (lhsVector || rhsVector)
      return emitOptionalError(loc, "a matmul with a bias needs matrix "
                                    "operands (rank >= 2)");
    if (biasType.getElementType() != lhs.getElementType())
      return emitOptionalError(loc, "bias element type ",
                               biasType.getElementType(),
                               " differs from the operands' ",
                               lhs.getElementType());
    if (biasType.getRank() != 1 || !sizesMayAgree(biasType.getDimSize(0), n))
      return emitOptionalError(loc, "bias ", biasType,
                               " must have one element per column of the "
                               "product (", n, ")");
  }
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Window arithmetic shared by conv2d and pooling
//===----------------------------------------------------------------------===//

namespace {
/// The window attributes of a 2-D conv or pool, checked for length and range.
struct Window2D {
  ArrayRef<int64_t> kernel, strides, pads, dilations;
  bool ceilMode = false;
};
} // namespace

static LogicalResult checkWindowAttrs(std::optional<Location> loc,
                                      const Window2D &w) {
  auto check = [&](ArrayRef<int64_t> values, size_t size, StringRef name,
                   int64_t minimum) -> LogicalResult {
    if (values.size() != size)
      return emitOptionalError(loc, name, " must have ", size,
                               " entries, got ", values.size());
    for (int64_t v : values)
      if (v < minimum)
        return emitOptionalError(loc, name, " entries must be >= ", minimum,
                                 ", got ", v);
    return success();
  };
  if (failed(check(w.kernel, 2, "kernel", 1)) ||
      failed(check(w.strides, 2, "strides", 1)) ||
      failed(check(w.pads, 4, "pads", 0)) ||
      failed(check(w.dilations, 2, "dilations", 1)))
    return failure();
  return success();
}

/// Computes the spatial output sizes of `w` over `input` (N x C x H x W) and
/// fails if a window does not fit.
static LogicalResult windowOutput(std::optional<Location> loc,
                                  RankedTensorType input, const Window2D &w,
                                  SmallVectorImpl<int64_t> &spatial) {
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in)) {
      spatial.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t padded = in + w.pads[i] + w.pads[2 + i];
    int64_t extent = w.dilations[i] * (w.kernel[i] - 1) + 1;
    if (padded < extent)
      return emitOptionalError(loc, "window of extent ", extent,
                               " does not fit the padded input size ", padded,
                               " on spatial dimension ", i);
    int64_t span = padded - extent;
    int64_t out = span / w.strides[i] + 1;
    if (w.ceilMode && span % w.strides[i] != 0) {
      // Round up, but never start a window in the end padding.
      if ((out) * w.strides[i] < in + w.pads[i])
        ++out;
    }
    spatial.push_back(out);
  }
  return success();
}

static LogicalResult inferPool(std::optional<Location> loc, Type inputType,
                               const Window2D &w,
                               SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(inputType);
  if (input.getRank() != 4)
    return emitOptionalError(loc, "pooling input must be N x C x H x W, got ",
                             input);
  SmallVector<int64_t> shape{input.getDimSize(0), input.getDimSize(1)};
  if (failed(checkWindowAttrs(loc, w)) ||
      failed(windowOutput(loc, input, w, shape)))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  Window2D w{adaptor.getKernel(), adaptor.getStrides(), adaptor.getPads(),
             adaptor.getDilations(), adaptor.getCeilMode()};
  return inferPool(loc, adaptor.getInput().getType(), w, inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  static const int64_t kNoDilation[] = {1, 1};
  Window2D w{adaptor.getKernel(), adaptor.getStrides(), adaptor.getPads(),
             kNoDilation, adaptor.getCeilMode()};
  return inferPool(loc, adaptor.getInput().getType(), w, inferred);
}

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (input.getRank() != 4)
    return emitOptionalError(loc, "conv2d input must be N x C x H x W, got ",
                             input);
  if (weight.getRank() != 4)
    return emitOptionalError(
        loc, "conv2d weight must be O x C/groups x kH x kW, got ", weight);
  if (input.getElementType() != weight.getElementType())
    return emitOptionalError(loc, "weight element type ",
                             weight.getElementType(), " differs from the input's ",
                             input.getElementType());
  int64_t groups = adaptor.getGroups();
  if (groups < 1)
    return emitOptionalError(loc, "groups must be >= 1, got ", groups);
  int64_t channels = input.getDimSize(1), outChannels = weight.getDimSize(0);
  if (!ShapedType::isDynamic(channels) && channels % groups != 0)
    return emitOptionalError(loc, "input channels ", channels,
                             " are not divisible by groups ", groups);
  if (!ShapedType::isDynamic(outChannels) && outChannels % groups != 0)
    return emitOptionalError(loc, "output channels ", outChannels,
                             " are not divisible by groups ", groups);
  if (!ShapedType::isDynamic(channels) &&
      !sizesMayAgree(weight.getDimSize(1), channels / groups))
    return emitOptionalError(loc, "weight has ", weight.getDimSize(1),
                             " input channels per group, expected ",
                             channels / groups);
  if (Value bias = adaptor.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getElementType() != input.getElementType() ||
        !sizesMayAgree(biasType.getDimSize(0), outChannels))
      return emitOptionalError(loc, "bias must be a vector of ", outChannels,
                               " elements of ", input.getElementType(),
                               ", got ", biasType);
  }
  Window2D w{weight.getShape().drop_front(2), adaptor.getStrides(),
             adaptor.getPads(), adaptor.getDilations(), false};
  if (ShapedType::isDynamic(w.kernel[0]) || ShapedType::isDynamic(w.kernel[1]))
    return emitOptionalError(loc, "conv2d kernel size must be static, got ",
                             weight);
  SmallVector<int64_t> shape{input.getDimSize(0), outChannels};
  if (failed(checkWindowAttrs(loc, w)) ||
      failed(windowOutput(loc, input, w, shape)))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConvTranspose2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (input.getRank() != 4)
    return emitOptionalError(
        loc, "conv_transpose2d input must be N x C x H x W, got ", input);
  if (weight.getRank() != 4 || !weight.hasStaticShape())
    return emitOptionalError(loc, "conv_transpose2d weight must be a static "
                                  "C x M/groups x kH x kW, got ",
                             weight);
  if (input.getElementType() != weight.getElementType())
    return emitOptionalError(loc, "weight element type ",
                             weight.getElementType(),
                             " differs from the input's ",
                             input.getElementType());
  int64_t groups = adaptor.getGroups();
  if (groups < 1)
    return emitOptionalError(loc, "groups must be >= 1, got ", groups);
  int64_t channels = weight.getDimSize(0);
  if (channels % groups != 0)
    return emitOptionalError(loc, "weight input channels ", channels,
                             " are not divisible by groups ", groups);
  if (!sizesMayAgree(input.getDimSize(1), channels))
    return emitOptionalError(loc, "input has ", input.getDimSize(1),
                             " channels, the weight takes ", channels);
  int64_t outChannels = weight.getDimSize(1) * groups;
  if (Value bias = adaptor.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        biasType.getElementType() != input.getElementType() ||
        !sizesMayAgree(biasType.getDimSize(0), outChannels))
      return emitOptionalError(loc, "bias must be a vector of ", outChannels,
                               " elements of ", input.getElementType(),
                               ", got ", biasType);
  }
  ArrayRef<int64_t> strides = adaptor.getStrides(),
                    pads = adaptor.getPads(),
                    dilations = adaptor.getDilations();
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOptionalError(loc, "conv_transpose2d takes 2 strides, 2 "
                                  "dilations and 4 pads");
  if (llvm::any_of(strides, [](int64_t v) { return v < 1; }) ||
      llvm::any_of(dilations, [](int64_t v) { return v < 1; }))
    return emitOptionalError(loc, "strides and dilations must be >= 1");
  SmallVector<int64_t> shape{input.getDimSize(0), outChannels};
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t full =
        strides[i] * (in - 1) + dilations[i] * (weight.getDimSize(2 + i) - 1) +
        1;
    int64_t out = full - pads[i] - pads[2 + i];
    if (out < 1)
      return emitOptionalError(loc, "pads cut the whole result along "
                                    "dimension ",
                               2 + i, " (full size ", full, ")");
    shape.push_back(out);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}
