//===- OnnxContractions.cpp - ONNX contractions and windows ---------------===//
//
// This file implements the ONNX converters of contractions and 2-D windows:
// MatMul, Gemm (as transpose + matmul + scaling + bias), Conv, MaxPool and
// AveragePool. Rong's conv and pools are 2-D (NCHW) only; ONNX's auto_pad is
// resolved here into explicit pads, which needs static spatial sizes.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Formats a float attribute for a message ("0.5", "-1e-05").
static std::string num(double value) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%g", value);
  return s;
}

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm
//===----------------------------------------------------------------------===//

static LogicalResult convertMatMul(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireElementType(ctx, ctx.input(0), "A", false)))
    return failure();
  return finish(ctx, ctx.create<MatMulOp>(ctx.input(0), ctx.input(1),
                                          /*bias=*/Value()));
}

/// Y = alpha * op(A) * op(B) + beta * C, C broadcasting to [M, N].
static LogicalResult convertGemm(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireElementType(ctx, ctx.input(0), "A", false)))
    return failure();
  Value operands[2] = {ctx.input(0), ctx.input(1)};
  const char *names[2] = {"A", "B"}, *transNames[2] = {"transA", "transB"};
  for (int i = 0; i < 2; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (type.getRank() != 2)
      return ctx.fail(Twine(names[i]) + " must be a matrix (rank 2), got " +
                      str(type));
    // Transposes that meet a constant fold away as the graph is read.
    if (ctx.attrInt(transNames[i], 0) != 0)
      operands[i] = ctx.create<TransposeOp>(
          operands[i], ctx.b().getDenseI64ArrayAttr({1, 0}));
  }
  Value product = ctx.create<MatMulOp>(operands[0], operands[1],
                                       /*bias=*/Value());
  if (!product)
    return failure();
  auto productType = cast<RankedTensorType>(product.getType());
  Type element = productType.getElementType();
  double alpha = ctx.attrFloat("alpha", 1.0), beta = ctx.attrFloat("beta", 1.0);
  // Integer Gemm scales by integer constants; a fractional factor would be
  // silently truncated, so refuse it.
  if (isa<IntegerType>(element) &&
      (alpha != std::trunc(alpha) || beta != std::trunc(beta)))
    return ctx.fail("alpha = " + num(alpha) + " and beta = " + num(beta) +
                    " must be integers for " + str(element) + " operands");
  if (alpha != 1.0)
    product = ctx.create<MulOp>(product, ctx.scalar(element, alpha));

  Value bias = ctx.input(2);
  if (!bias || beta == 0.0)
    return finish(ctx, product);
  // C broadcasts unidirectionally: it may not grow the [M, N] result.
  RankedTensorType biasType = ctx.inputType(2);
  if (biasType.getElementType() != element)
    return ctx.fail("C element type " + str(biasType.getElementType()) +
                    " differs from the product's " + str(element));
  ArrayRef<int64_t> out = productType.getShape(), c = biasType.getShape();
  bool fits = c.size() <= 2;
  for (size_t i = 0; fits && i < c.size(); ++i) {
    int64_t to = out[out.size() - c.size() + i];
    fits = c[i] == 1 || sizesMayAgree(c[i], to);
  }
  if (!fits)
    return ctx.fail("C " + str(biasType) +
                    " does not broadcast to the result " + str(productType));
  if (beta != 1.0)
    bias = ctx.create<MulOp>(bias, ctx.scalar(element, beta));
  return finish(ctx, ctx.create<AddOp>(product, bias));
}

//===----------------------------------------------------------------------===//
// Windows: Conv, MaxPool, AveragePool
//===----------------------------------------------------------------------===//

namespace {
/// The explicit 2-D window attributes of a conv or pool.
struct Window {
  SmallVector<int64_t> strides, pads, dilations;
};
} // namespace

/// Checks that a node whose input is `input` is 2-D (N x C x H x W).
static LogicalResult require2D(NodeContext &ctx, RankedTensorType input,
                               StringRef what) {
  if (input.getRank() == 4)
    return success();
  return ctx.fail("only 2-D " + what + " is supported (input N x C x H x W, "
                  "rank 4); got an input of rank " + Twine(input.getRank()));
}

/// Reads an ints attribute of `size` entries, each >= `minimum`.
static FailureOr<SmallVector<int64_t>>
windowAttr(NodeContext &ctx, StringRef name, size_t size, int64_t fallback,
           int64_t minimum) {
  SmallVector<int64_t> values =
      ctx.attrInts(name, SmallVector<int64_t>(size, fallback));
  if (values.size() != size)
    return ctx.fail(name + " must have " + Twine(size) + " entries for a 2-D "
                    "window, got " + str(values));
  for (int64_t v : values)
    if (v < minimum)
      return ctx.fail(name + " entries must be >= " + Twine(minimum) +
                      ", got " + str(values));
  return values;
}

/// Reads strides, dilations and pads, resolving auto_pad. SAME_UPPER and
/// SAME_LOWER pad so that out = ceil(in / stride), the odd element going at
/// the end (UPPER) or the beginning (LOWER); that needs static H and W.
static FailureOr<Window> parseWindow(NodeContext &ctx, RankedTensorType input,
                                     ArrayRef<int64_t> kernel) {
  Window w;
  FailureOr<SmallVector<int64_t>> strides = windowAttr(ctx, "strides", 2, 1, 1);
  if (failed(strides))
    return failure();
  FailureOr<SmallVector<int64_t>> dilations =
      windowAttr(ctx, "dilations", 2, 1, 1);
  if (failed(dilations))
    return failure();
  FailureOr<SmallVector<int64_t>> pads = windowAttr(ctx, "pads", 4, 0, 0);
  if (failed(pads))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    w.pads = *pads;
    return w;
  }
  // ONNX forbids explicit pads next to auto_pad; like onnxruntime, the
  // computed pads win.
  w.pads.assign(4, 0);
  if (autoPad == "VALID")
    return w;
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.fail("auto_pad = '" + autoPad + "' is not one of NOTSET, "
                    "VALID, SAME_UPPER, SAME_LOWER");
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return ctx.fail("auto_pad = " + autoPad + " needs static spatial "
                      "sizes, but dimension " + Twine(2 + i) + " of " +
                      str(input) + " is dynamic");
    int64_t stride = w.strides[i];
    int64_t out = (in + stride - 1) / stride;
    int64_t extent = w.dilations[i] * (kernel[i] - 1) + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - in);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[2 + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

static LogicalResult convertConv(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(require2D(ctx, ctx.inputType(0), "convolution")) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  RankedTensorType input = ctx.inputType(0), weight = ctx.inputType(1);
  if (weight.getRank() != 4)
    return ctx.fail("the weight must be O x C/group x kH x kW (rank 4), got " +
                    str(weight));
  ArrayRef<int64_t> kernel = weight.getShape().drop_front(2);
  if (ShapedType::isDynamic(kernel[0]) || ShapedType::isDynamic(kernel[1]))
    return ctx.fail("the weight's kernel size must be static, got " +
                    str(weight));
  if (ctx.hasAttr("kernel_shape") &&
      ArrayRef<int64_t>(ctx.attrInts("kernel_shape")) != kernel)
    return ctx.fail("kernel_shape " + str(ctx.attrInts("kernel_shape")) +
                    " differs from the weight's kernel size " + str(kernel));
  FailureOr<Window> w = parseWindow(ctx, input, kernel);
  if (failed(w))
    return failure();
  int64_t group = ctx.attrInt("group", 1);
  if (group < 1)
    return ctx.fail("group must be >= 1, got " + Twine(group));
  Builder &b = ctx.b();
  return finish(ctx, ctx.create<Conv2DOp>(ctx.input(0), ctx.input(1), ctx.input(2),
                         b.getDenseI64ArrayAttr(w->strides),
                         b.getDenseI64ArrayAttr(w->pads),
                         b.getDenseI64ArrayAttr(w->dilations),
                         b.getI64IntegerAttr(group)));
}

/// Reads the kernel_shape a pool requires.
static FailureOr<SmallVector<int64_t>> poolKernel(NodeContext &ctx) {
  if (!ctx.hasAttr("kernel_shape"))
    return ctx.fail("kernel_shape is required");
  return windowAttr(ctx, "kernel_shape", 2, 1, 1);
}

static LogicalResult convertMaxPool(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(require2D(ctx, ctx.inputType(0), "max pooling")) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", false)) ||
      failed(requireNotUnsigned(ctx, ctx.input(0), "the input")))
    return failure();
  if (int64_t order = ctx.attrInt("storage_order", 0))
    return ctx.fail("storage_order = " + Twine(order) +
                    " is not supported; only 0 (row major) is");
  FailureOr<SmallVector<int64_t>> kernel = poolKernel(ctx);
  if (failed(kernel))
    return failure();
  FailureOr<Window> w = parseWindow(ctx, ctx.inputType(0), *kernel);
  if (failed(w))
    return failure();
  Builder &b = ctx.b();
  // Only Y: the Indices output stays unset, so the importer reports it as
  // unsupported if the graph uses it.
  return finish(ctx, ctx.create<MaxPool2DOp>(ctx.input(0), b.getDenseI64ArrayAttr(*kernel),
                         b.getDenseI64ArrayAttr(w->strides),
                         b.getDenseI64ArrayAttr(w->pads),
                         b.getDenseI64ArrayAttr(w->dilations),
                         ctx.attrInt("ceil_mode", 0) ? b.getUnitAttr()
                                                     : UnitAttr()));
}

static LogicalResult convertAveragePool(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(require2D(ctx, ctx.inputType(0), "average pooling")) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  FailureOr<SmallVector<int64_t>> kernel = poolKernel(ctx);
  if (failed(kernel))
    return failure();
  FailureOr<Window> w = parseWindow(ctx, ctx.inputType(0), *kernel);
  if (failed(w))
    return failure();
  // rong.avg_pool2d has no dilations (ONNX added them in opset 19).
  if (llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return ctx.fail("dilations " + str(w->dilations) +
                    " are not supported; only [1, 1] is");
  Builder &b = ctx.b();
  return finish(ctx, ctx.create<AvgPool2DOp>(ctx.input(0), b.getDenseI64ArrayAttr(*kernel),
                         b.getDenseI64ArrayAttr(w->strides),
                         b.getDenseI64ArrayAttr(w->pads),
                         ctx.attrInt("ceil_mode", 0) ? b.getUnitAttr()
                                                     : UnitAttr(),
                         ctx.attrInt("count_include_pad", 0) ? b.getUnitAttr()
                                                             : UnitAttr()));
}

void onnx_import::addContractionConverters(llvm::StringMap<Converter> &table) {
  table["MatMul"] = convertMatMul;
  table["Gemm"] = convertGemm;
  table["Conv"] = convertConv;
  table["MaxPool"] = convertMaxPool;
  table["AveragePool"] = convertAveragePool;
}
