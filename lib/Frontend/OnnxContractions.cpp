//===- OnnxContractions.cpp - ONNX contractions and windows ---------------===//
//
// This file implements the ONNX converters of contractions and 2-D windows:
// MatMul, Gemm (as transpose + matmul + scaling + bias), Conv, MaxPool and
// AveragePool. Rong's conv and pools are 2-D (NCHW); 1-D ones (NCW) run as
// 2-D ones over a unit row. ONNX's auto_pad is resolved here into explicit
// pads, which needs static spatial sizes.
//
//===----------------------------------------------------------------------===//

#include "OnnxWindow.h"

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

FailureOr<WindowInput> onnx_import::windowInput(NodeContext &ctx,
                                                Value input, StringRef what) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() == 4)
    return WindowInput{input, type, 2};
  if (type.getRank() != 3)
    return ctx.fail("only 1-D and 2-D " + what + " is supported (input N x "
                    "C x W or N x C x H x W, rank 3 or 4); got an input of "
                    "rank " + Twine(type.getRank()));
  ArrayRef<int64_t> shape = type.getShape();
  if (llvm::count_if(shape, ShapedType::isDynamic) > 1)
    return ctx.fail("a 1-D " + what + " needs at most one dynamic dimension, "
                    "got an input " + str(type));
  Value lifted = ctx.reshape(input, {shape[0], shape[1], 1, shape[2]});
  if (!lifted)
    return failure();
  return WindowInput{lifted, cast<RankedTensorType>(lifted.getType()), 1};
}

Value onnx_import::windowResult(NodeContext &ctx, Value result,
                                unsigned spatial) {
  if (!result || spatial == 2)
    return result;
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(result.getType()).getShape();
  return ctx.reshape(result, {shape[0], shape[1], shape[3]});
}

FailureOr<SmallVector<int64_t>>
onnx_import::windowAttr(NodeContext &ctx, StringRef name, unsigned spatial,
           unsigned perDim, int64_t fallback, int64_t minimum, int64_t unit) {
  size_t size = spatial * perDim;
  SmallVector<int64_t> values =
      ctx.attrInts(name, SmallVector<int64_t>(size, fallback));
  if (values.size() != size)
    return ctx.fail(name + " must have " + Twine(size) +
                    (size == 1 ? " entry" : " entries") + " for a " +
                    Twine(spatial) + "-D window, got " + str(values));
  for (int64_t v : values)
    if (v < minimum)
      return ctx.fail(name + " entries must be >= " + Twine(minimum) +
                      ", got " + str(values));
  if (spatial == 2)
    return values;
  // [v] -> [unit, v]; begin/end pairs [b, e] -> [unit, b, unit, e].
  SmallVector<int64_t> wide;
  for (int64_t v : values)
    wide.append({unit, v});
  return wide;
}

/// Reads strides, dilations and pads, resolving auto_pad. SAME_UPPER and
/// SAME_LOWER pad so that out = ceil(in / stride), the odd element going at
/// the end (UPPER) or the beginning (LOWER); that needs static spatial sizes.
FailureOr<Window> onnx_import::windowAttrs(NodeContext &ctx,
                                           unsigned spatial) {
  FailureOr<SmallVector<int64_t>> strides =
      windowAttr(ctx, "strides", spatial, 1, 1, 1, 1);
  if (failed(strides))
    return failure();
  FailureOr<SmallVector<int64_t>> dilations =
      windowAttr(ctx, "dilations", spatial, 1, 1, 1, 1);
  if (failed(dilations))
    return failure();
  FailureOr<SmallVector<int64_t>> pads =
      windowAttr(ctx, "pads", spatial, 2, 0, 0, 0);
  if (failed(pads))
    return failure();
  return Window{*strides, *pads, *dilations};
}

FailureOr<std::string> onnx_import::autoPadAttr(NodeContext &ctx) {
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return ctx.fail("auto_pad = '" + autoPad + "' is not one of NOTSET, "
                    "VALID, SAME_UPPER, SAME_LOWER");
  return autoPad;
}

static FailureOr<Window> parseWindow(NodeContext &ctx,
                                     const WindowInput &input,
                                     ArrayRef<int64_t> kernel) {
  unsigned spatial = input.spatial;
  FailureOr<Window> attrs = windowAttrs(ctx, spatial);
  if (failed(attrs))
    return failure();
  FailureOr<std::string> autoPadOr = autoPadAttr(ctx);
  if (failed(autoPadOr))
    return failure();
  Window w = std::move(*attrs);
  const std::string &autoPad = *autoPadOr;
  if (autoPad == "NOTSET")
    return w;
  // ONNX forbids explicit pads next to auto_pad; like onnxruntime, the
  // computed pads win.
  w.pads.assign(4, 0);
  if (autoPad == "VALID")
    return w;
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.type.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return ctx.fail("auto_pad = " + autoPad + " needs static spatial "
                      "sizes, but dimension " + Twine(i + spatial) +
                      " of the input is dynamic");
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

FailureOr<Value> onnx_import::windowWeight(NodeContext &ctx,
                                           const WindowInput &input,
                                           StringRef layout,
                                           SmallVectorImpl<int64_t> &kernel) {
  RankedTensorType weight = ctx.inputType(1);
  unsigned spatial = input.spatial;
  if (weight.getRank() != 2 + spatial)
    return ctx.fail("the weight must be " + layout +
                    (spatial == 2 ? " x kH x kW (rank 4)" : " x kW (rank 3)") +
                    " for an input of rank " + Twine(2 + spatial) + ", got " +
                    str(weight));
  ArrayRef<int64_t> shape = weight.getShape();
  ArrayRef<int64_t> size = shape.drop_front(2);
  if (llvm::any_of(size, ShapedType::isDynamic))
    return ctx.fail("the weight's kernel size must be static, got " +
                    str(weight));
  if (ctx.hasAttr("kernel_shape") &&
      ArrayRef<int64_t>(ctx.attrInts("kernel_shape")) != size)
    return ctx.fail("kernel_shape " + str(ctx.attrInts("kernel_shape")) +
                    " differs from the weight's kernel size " + str(size));
  kernel.assign(size.begin(), size.end());
  if (spatial == 2)
    return ctx.input(1);
  kernel.insert(kernel.begin(), 1);
  Value lifted = ctx.reshape(ctx.input(1), {shape[0], shape[1], 1, shape[2]});
  if (!lifted)
    return failure();
  return lifted;
}

static LogicalResult convertConv(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  FailureOr<WindowInput> input = windowInput(ctx, ctx.input(0), "convolution");
  if (failed(input))
    return failure();
  unsigned spatial = input->spatial;
  SmallVector<int64_t> kernel2D;
  FailureOr<Value> filter =
      windowWeight(ctx, *input, "O x C/group", kernel2D);
  if (failed(filter))
    return failure();
  FailureOr<Window> w = parseWindow(ctx, *input, kernel2D);
  if (failed(w))
    return failure();
  int64_t group = ctx.attrInt("group", 1);
  if (group < 1)
    return ctx.fail("group must be >= 1, got " + Twine(group));
  Builder &b = ctx.b();
  Value result = ctx.create<Conv2DOp>(input->value, *filter, ctx.input(2),
                                      b.getDenseI64ArrayAttr(w->strides),
                                      b.getDenseI64ArrayAttr(w->pads),
                                      b.getDenseI64ArrayAttr(w->dilations),
                                      b.getI64IntegerAttr(group));
  return finish(ctx, windowResult(ctx, result, spatial));
}

/// Reads the kernel_shape a pool requires, widened to 2-D.
static FailureOr<SmallVector<int64_t>> poolKernel(NodeContext &ctx,
                                                  unsigned spatial) {
  if (!ctx.hasAttr("kernel_shape"))
    return ctx.fail("kernel_shape is required");
  return windowAttr(ctx, "kernel_shape", spatial, 1, 1, 1, 1);
}

static LogicalResult convertMaxPool(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", false)) ||
      failed(requireNotUnsigned(ctx, ctx.input(0), "the input")))
    return failure();
  FailureOr<WindowInput> input = windowInput(ctx, ctx.input(0), "max pooling");
  if (failed(input))
    return failure();
  if (int64_t order = ctx.attrInt("storage_order", 0))
    return ctx.fail("storage_order = " + Twine(order) +
                    " is not supported; only 0 (row major) is");
  FailureOr<SmallVector<int64_t>> kernel = poolKernel(ctx, input->spatial);
  if (failed(kernel))
    return failure();
  FailureOr<Window> w = parseWindow(ctx, *input, *kernel);
  if (failed(w))
    return failure();
  Builder &b = ctx.b();
  // Only Y: the Indices output stays unset, so the importer reports it as
  // unsupported if the graph uses it.
  Value result = ctx.create<MaxPool2DOp>(
      input->value, b.getDenseI64ArrayAttr(*kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      b.getDenseI64ArrayAttr(w->dilations),
      ctx.attrInt("ceil_mode", 0) ? b.getUnitAttr() : UnitAttr());
  return finish(ctx, windowResult(ctx, result, input->spatial));
}

static LogicalResult convertAveragePool(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  FailureOr<WindowInput> input =
      windowInput(ctx, ctx.input(0), "average pooling");
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> kernel = poolKernel(ctx, input->spatial);
  if (failed(kernel))
    return failure();
  FailureOr<Window> w = parseWindow(ctx, *input, *kernel);
  if (failed(w))
    return failure();
  // rong.avg_pool2d has no dilations (ONNX added them in opset 19).
  if (llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return ctx.fail("dilations " + str(ctx.attrInts("dilations")) +
                    " are not supported; only " +
                    str(SmallVector<int64_t>(input->spatial, 1)) + " is");
  Builder &b = ctx.b();
  Value result = ctx.create<AvgPool2DOp>(
      input->value, b.getDenseI64ArrayAttr(*kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->pads),
      ctx.attrInt("ceil_mode", 0) ? b.getUnitAttr() : UnitAttr(),
      ctx.attrInt("count_include_pad", 0) ? b.getUnitAttr() : UnitAttr());
  return finish(ctx, windowResult(ctx, result, input->spatial));
}

void onnx_import::addContractionConverters(llvm::StringMap<Converter> &table) {
  table["MatMul"] = convertMatMul;
  table["Gemm"] = convertGemm;
  table["Conv"] = convertConv;
  table["MaxPool"] = convertMaxPool;
  table["AveragePool"] = convertAveragePool;
  table["ConvTranspose"] = convertConvTranspose;
}
