//===- OnnxConvTranspose.cpp - ONNX ConvTranspose -------------------------===//
//
// ConvTranspose as rong.conv_transpose2d: output_shape, auto_pad and
// output_padding resolve into the op's pads, 1-D inputs run over a unit
// row. rong-decompose turns the op into one convolution per output phase
// (lib/Transforms/DecomposeConvTranspose.cpp).
//
//===----------------------------------------------------------------------===//

#include "OnnxWindow.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

/// Resolves strides, dilations, output_shape, auto_pad, pads and
/// output_padding into rong.conv_transpose2d's attributes (2-D; a 1-D node's
/// leading unit axis is trivial). Its pads are cut from the full result:
/// output_padding is a negative end pad.
static FailureOr<Window> resolveGeometry(NodeContext &ctx,
                                         const WindowInput &input,
                                         ArrayRef<int64_t> kernel) {
  unsigned spatial = input.spatial;
  FailureOr<Window> window = windowAttrs(ctx, spatial);
  if (failed(window))
    return failure();
  FailureOr<SmallVector<int64_t>> outputPadding =
      windowAttr(ctx, "output_padding", spatial, 1, 0, 0, 0);
  if (failed(outputPadding))
    return failure();
  FailureOr<std::string> autoPadOr = autoPadAttr(ctx);
  if (failed(autoPadOr))
    return failure();
  const std::string &autoPad = *autoPadOr;
  ArrayRef<int64_t> pads = window->pads;
  // output_shape: the spatial sizes, or (as some exporters write it) the
  // whole output shape.
  SmallVector<int64_t> outputShape = ctx.attrInts("output_shape", {});
  if (outputShape.size() == spatial + 2)
    outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
  if (ctx.hasAttr("output_shape") && outputShape.size() != spatial)
    return ctx.fail("output_shape must have " + Twine(spatial) +
                    " entries (or " + Twine(spatial + 2) + "), got " +
                    str(ctx.attrInts("output_shape")));
  for (int64_t size : outputShape)
    if (size < 1)
      return ctx.fail("output_shape entries must be >= 1, got " +
                      str(ctx.attrInts("output_shape")));
  if (spatial == 1 && !outputShape.empty())
    outputShape.insert(outputShape.begin(), 1);
  bool fromShape = !outputShape.empty() ||
                   autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";

  Window g = *window;
  for (int i = 0; i < 2; ++i) {
    int64_t in = input.type.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return ctx.fail("a transposed convolution needs static spatial sizes, "
                      "but dimension " + Twine(i + spatial) +
                      " of the input is dynamic");
    int64_t stride = g.strides[i], extra = (*outputPadding)[i];
    // The full result with output_padding, before pads are cut away.
    int64_t full =
        stride * (in - 1) + extra + (kernel[i] - 1) * g.dilations[i] + 1;
    int64_t padBegin = pads[i], padEnd = pads[2 + i];
    if (autoPad == "VALID") {
      padBegin = padEnd = 0;
    } else if (fromShape) {
      // ONNX: the output has output_shape (or in * stride under SAME_*);
      // SAME_UPPER cuts the odd element at the end, the others at the start.
      int64_t target = outputShape.empty() ? in * stride : outputShape[i];
      int64_t total = full - target;
      int64_t half = llvm::divideFloorSigned(total, 2);
      padBegin = autoPad == "SAME_UPPER" ? half : total - half;
      padEnd = total - padBegin;
    }
    if (full - padBegin - padEnd < 1)
      return ctx.fail("the pads " + str(pads) + " leave no output along "
                      "dimension " + Twine(i + spatial) + " (full size " +
                      Twine(full) + ")");
    g.pads[i] = padBegin;
    g.pads[2 + i] = padEnd - extra;
  }
  return g;
}

LogicalResult onnx_import::convertConvTranspose(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)) ||
      failed(requireElementType(ctx, ctx.input(0), "the input", true)))
    return failure();
  FailureOr<WindowInput> input =
      windowInput(ctx, ctx.input(0), "transposed convolution");
  if (failed(input))
    return failure();
  SmallVector<int64_t> kernel;
  FailureOr<Value> weight = windowWeight(ctx, *input, "C x M/group", kernel);
  if (failed(weight))
    return failure();
  // Channels, groups and the bias are checked by the op's shape inference,
  // whose errors name this node.
  FailureOr<Window> g = resolveGeometry(ctx, *input, kernel);
  if (failed(g))
    return failure();
  Builder &b = ctx.b();
  Value result = ctx.create<ConvTranspose2DOp>(
      input->value, *weight, ctx.input(2), b.getDenseI64ArrayAttr(g->strides),
      b.getDenseI64ArrayAttr(g->pads), b.getDenseI64ArrayAttr(g->dilations),
      b.getI64IntegerAttr(ctx.attrInt("group", 1)));
  Value lowered = windowResult(ctx, result, input->spatial);
  if (!lowered)
    return failure();
  ctx.setResults(lowered);
  return success();
}
