//===- OnnxConvTranspose.cpp - ONNX ConvTranspose -------------------------===//
//
// ConvTranspose as ordinary convolutions, one per output phase.
//
// Along one axis, with stride s, dilation d, kernel K and begin pad p, output
// o receives X[i] * W[k] wherever o + p = i*s + k*d. Split the output into
// phases by v = o mod s, o = u*s + v, and write o + p = q*s + r: phase v has
// r = (v + p) mod s and q = u + floor((v + p) / s). Only the taps k with
// k*d = r (mod s) reach it, through X[q - (k*d - r)/s]. Those taps are every
// (s/g)-th one from the first, g = gcd(d, s), and their input offsets step
// by d/g, so phase v is a stride-1 convolution of X with those taps
// reversed, dilated by d/g, padded so that its output u starts at 0. Each
// phase computes ceil(out / s) outputs; stacking the phases as [u, v] and
// flattening interleaves them into o, and a slice drops the one past the
// end where s does not divide the output size.
//
// Against the textbook lowering (insert s - 1 zeros between inputs, then
// convolve), the phases do no multiplications by inserted zeros: s*s times
// fewer for a 2-D stride of 2. A phase that no tap reaches (K < s, or
// gcd(d, s) > 1) holds only the bias.
//
//===----------------------------------------------------------------------===//

#include "OnnxWindow.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

namespace {
/// One spatial axis of a ConvTranspose, with its padding resolved.
struct Axis {
  int64_t in, stride, dilation, kernel;
  /// Output elements cut from the beginning of the full result (may be
  /// negative: the output then starts before it), and the output size.
  int64_t begin, out;
  /// The outputs of each phase: ceil(out / stride).
  int64_t perPhase;
};

/// The taps of one phase along one axis, as a stride-1 convolution.
struct Phase {
  /// The first tap and the number of taps; 0 taps: no input reaches it.
  int64_t first = 0, taps = 0;
  /// Every (tapStep)-th tap belongs to the phase; the convolution dilates
  /// its taps by `dilation`.
  int64_t tapStep = 1, dilation = 1;
  /// The convolution's pads; negative ones crop the input.
  int64_t padBegin = 0, padEnd = 0;
};
} // namespace

/// Output phase v: outputs o = u * stride + v, u = 0 .. perPhase - 1.
static Phase phaseOf(const Axis &a, int64_t v) {
  // o + begin = t = (u + firstQ) * stride + r.
  int64_t firstQ = llvm::divideFloorSigned(v + a.begin, a.stride);
  int64_t r = v + a.begin - firstQ * a.stride;
  Phase p;
  int64_t g = std::gcd(a.dilation, a.stride);
  p.tapStep = a.stride / g;
  p.dilation = a.dilation / g;
  for (int64_t k = 0; k < a.kernel; ++k) {
    if (k * a.dilation % a.stride != r)
      continue;
    if (p.taps++ == 0)
      p.first = k;
  }
  if (p.taps == 0)
    return p;
  // Output q reads X[q - m - j * dilation] through tap first + j * tapStep;
  // reversed, the convolution's output u = q - firstQ reads from
  // u - padBegin on.
  int64_t m = (p.first * a.dilation - r) / a.stride;
  int64_t extent = (p.taps - 1) * p.dilation;
  p.padBegin = m + extent - firstQ;
  p.padEnd = a.perPhase - a.in - p.padBegin + extent;
  // Pads that crop away the whole input leave the phase to padding alone.
  if (a.in + std::min<int64_t>(0, p.padBegin) +
          std::min<int64_t>(0, p.padEnd) < 1)
    p.taps = 0;
  return p;
}

/// Resolves output_shape, auto_pad and pads into each axis's begin and
/// output size (2-D; a 1-D node's leading unit axis is trivial).
static FailureOr<SmallVector<Axis, 2>>
resolveAxes(NodeContext &ctx, const WindowInput &input,
            ArrayRef<int64_t> kernel) {
  unsigned spatial = input.spatial;
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
  FailureOr<SmallVector<int64_t>> outputPadding =
      windowAttr(ctx, "output_padding", spatial, 1, 0, 0, 0);
  if (failed(outputPadding))
    return failure();
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return ctx.fail("auto_pad = '" + autoPad + "' is not one of NOTSET, "
                    "VALID, SAME_UPPER, SAME_LOWER");
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

  SmallVector<Axis, 2> axes;
  for (int i = 0; i < 2; ++i) {
    Axis a;
    a.in = input.type.getDimSize(2 + i);
    if (ShapedType::isDynamic(a.in))
      return ctx.fail("a transposed convolution needs static spatial sizes, "
                      "but dimension " + Twine(i + spatial) +
                      " of the input is dynamic");
    a.stride = (*strides)[i];
    a.dilation = (*dilations)[i];
    a.kernel = kernel[i];
    // The full result before any padding is cut away.
    int64_t full = a.stride * (a.in - 1) + (*outputPadding)[i] +
                   (a.kernel - 1) * a.dilation + 1;
    int64_t padBegin = (*pads)[i], padEnd = (*pads)[2 + i];
    if (autoPad == "VALID") {
      padBegin = padEnd = 0;
    } else if (fromShape) {
      // ONNX: the output has output_shape (or in * stride under SAME_*);
      // SAME_UPPER cuts the odd element at the end, the others at the start.
      int64_t target =
          outputShape.empty() ? a.in * a.stride : outputShape[i];
      int64_t total = full - target;
      int64_t half = llvm::divideFloorSigned(total, 2);
      padBegin = autoPad == "SAME_UPPER" ? half : total - half;
      padEnd = total - padBegin;
    }
    a.begin = padBegin;
    a.out = full - padBegin - padEnd;
    if (a.out < 1)
      return ctx.fail("the pads " + str(*pads) + " leave no output along "
                      "dimension " + Twine(i + spatial) + " (full size " +
                      Twine(full) + ")");
    a.perPhase = llvm::divideCeil(a.out, a.stride);
    axes.push_back(a);
  }
  return axes;
}

/// The weight of one phase as a convolution's: taps picked and reversed,
/// then C x M/group swapped into M x C/group within each group.
static Value phaseWeight(NodeContext &ctx, Value weight, const Phase &h,
                         const Phase &w, int64_t group) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(weight.getType()).getShape();
  auto endBefore = [](const Phase &p) {
    return p.first > 0 ? p.first - 1 : std::numeric_limits<int64_t>::min();
  };
  Builder &b = ctx.b();
  int64_t all = std::numeric_limits<int64_t>::max();
  Value taps = ctx.create<SliceOp>(
      weight,
      b.getDenseI64ArrayAttr({0, 0, h.first + (h.taps - 1) * h.tapStep,
                              w.first + (w.taps - 1) * w.tapStep}),
      b.getDenseI64ArrayAttr({all, all, endBefore(h), endBefore(w)}),
      b.getDenseI64ArrayAttr({1, 1, -h.tapStep, -w.tapStep}));
  int64_t in = shape[0], outPerGroup = shape[1];
  if (group == 1)
    return ctx.create<TransposeOp>(taps, b.getDenseI64ArrayAttr({1, 0, 2, 3}));
  Value grouped = ctx.reshape(
      taps, {group, in / group, outPerGroup, h.taps, w.taps});
  if (!grouped)
    return {};
  Value swapped = ctx.create<TransposeOp>(
      grouped, b.getDenseI64ArrayAttr({0, 2, 1, 3, 4}));
  return ctx.reshape(swapped,
                     {group * outPerGroup, in / group, h.taps, w.taps});
}

/// Phase (h, w) of the output: N x M x perPhase(H) x perPhase(W), or null
/// when no input reaches it.
static Value phaseConv(NodeContext &ctx, Value input, Value weight, Value bias,
                       const Phase &h, const Phase &w, int64_t group) {
  if (h.taps == 0 || w.taps == 0)
    return {};
  Builder &b = ctx.b();
  auto crop = [](int64_t pad) { return std::min<int64_t>(0, pad); };
  auto pad = [](int64_t pad) { return std::max<int64_t>(0, pad); };
  if (crop(h.padBegin) || crop(w.padBegin) || crop(h.padEnd) ||
      crop(w.padEnd))
    input = ctx.create<PadOp>(
        input,
        b.getDenseI64ArrayAttr({0, 0, crop(h.padBegin), crop(w.padBegin), 0,
                                0, crop(h.padEnd), crop(w.padEnd)}),
        PadModeAttr::get(b.getContext(), PadMode::constant),
        b.getF64FloatAttr(0));
  Value filter = phaseWeight(ctx, weight, h, w, group);
  if (!input || !filter)
    return {};
  return ctx.create<Conv2DOp>(
      input, filter, bias, b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({pad(h.padBegin), pad(w.padBegin),
                              pad(h.padEnd), pad(w.padEnd)}),
      b.getDenseI64ArrayAttr({h.dilation, w.dilation}),
      b.getI64IntegerAttr(group));
}

/// Concatenates along `axis`, or passes a single value through.
static Value concat(NodeContext &ctx, ArrayRef<Value> values, int64_t axis) {
  if (values.size() == 1)
    return values.front();
  return ctx.create<ConcatOp>(ValueRange(values), axis);
}

/// Interleaves the phases (N x M x perPhase(H) x perPhase(W) each) into the
/// output: element (o_h, o_w) comes from phase (o_h mod s_h, o_w mod s_w) at
/// (o_h / s_h, o_w / s_w). Stacked as [N, M, qh, s_h, qw, s_w], the phases
/// flatten into it: reshapes around one concatenation kernel. Where the
/// stride does not divide the output size, the last phases hold one output
/// past the end, which a slice drops (a second kernel: Rong does not fuse
/// across the reshape).
static Value interleave(NodeContext &ctx, ArrayRef<SmallVector<Value>> phases,
                        const Axis &ah, const Axis &aw) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(phases[0][0].getType()).getShape();
  int64_t n = shape[0], m = shape[1], qh = shape[2], qw = shape[3];
  SmallVector<Value> rows;
  for (ArrayRef<Value> row : phases) {
    SmallVector<Value> cells;
    for (Value phase : row)
      cells.push_back(ctx.reshape(phase, {n, m, qh, 1, qw, 1}));
    rows.push_back(concat(ctx, cells, 5));
  }
  Value full = ctx.reshape(concat(ctx, rows, 3),
                           {n, m, qh * ah.stride, qw * aw.stride});
  if (!full)
    return {};
  Builder &b = ctx.b();
  int64_t all = std::numeric_limits<int64_t>::max();
  return ctx.create<SliceOp>(
      full, b.getDenseI64ArrayAttr({0, 0, 0, 0}),
      b.getDenseI64ArrayAttr({all, all, ah.out, aw.out}),
      b.getDenseI64ArrayAttr({1, 1, 1, 1}));
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
  int64_t group = ctx.attrInt("group", 1);
  if (group < 1)
    return ctx.fail("group must be >= 1, got " + Twine(group));
  RankedTensorType weightType = ctx.inputType(1);
  int64_t inChannels = weightType.getDimSize(0);
  int64_t outPerGroup = weightType.getDimSize(1);
  if (ShapedType::isDynamic(inChannels) ||
      ShapedType::isDynamic(outPerGroup))
    return ctx.fail("the weight's shape must be static, got " +
                    str(weightType));
  if (inChannels % group != 0)
    return ctx.fail("the weight's " + Twine(inChannels) + " input channels "
                    "are not divisible by group " + Twine(group));
  int64_t channels = input->type.getDimSize(1);
  if (!ShapedType::isDynamic(channels) && channels != inChannels)
    return ctx.fail("the input has " + Twine(channels) + " channels but the "
                    "weight " + str(weightType) + " takes " +
                    Twine(inChannels));
  Value bias = ctx.input(2);
  int64_t outChannels = group * outPerGroup;
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != outChannels)
      return ctx.fail("the bias must be [" + Twine(outChannels) +
                      "] (one entry per output channel), got " +
                      str(biasType));
  }
  FailureOr<SmallVector<Axis, 2>> axes = resolveAxes(ctx, *input, kernel);
  if (failed(axes))
    return failure();
  const Axis &ah = (*axes)[0], &aw = (*axes)[1];
  Builder &b = ctx.b();

  // Each phase's convolution; null where no input reaches it.
  SmallVector<SmallVector<Value>> phases(ah.stride,
                                         SmallVector<Value>(aw.stride));
  Value reached;
  for (int64_t rh = 0; rh < ah.stride; ++rh)
    for (int64_t rw = 0; rw < aw.stride; ++rw) {
      Phase h = phaseOf(ah, rh), w = phaseOf(aw, rw);
      if (h.taps == 0 || w.taps == 0)
        continue;
      phases[rh][rw] =
          phaseConv(ctx, input->value, *weight, bias, h, w, group);
      if (!phases[rh][rw])
        return failure();
      reached = phases[rh][rw];
    }
  if (!reached)
    return ctx.fail("no input element reaches the output (kernel " +
                    str(kernel) + ", pads " + str(ctx.attrInts("pads")) +
                    ")");

  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(reached.getType()).getShape();
  int64_t n = shape[0], qh = shape[2], qw = shape[3];

  Value result = reached;
  if (ah.stride * aw.stride > 1) {
    // The phases no input reaches hold the bias (or zeros). With a static
    // batch that is a broadcast, which the interleave's kernel computes in
    // place; a dynamic batch takes its size from a reached phase.
    Value fill = bias ? ctx.reshape(bias, {1, outChannels, 1, 1})
                      : ctx.scalar(input->type.getElementType(), 0);
    Value never = ctx.constant(RankedTensorType::get({1}, b.getI1Type()),
                               ArrayRef<int64_t>{0});
    for (auto &row : phases)
      for (Value &phase : row) {
        if (phase)
          continue;
        if (ShapedType::isDynamic(n))
          phase = ctx.create<WhereOp>(never, reached, fill);
        else
          phase = ctx.create<BroadcastToOp>(
              fill, b.getDenseI64ArrayAttr({n, outChannels, qh, qw}));
      }
    result = interleave(ctx, phases, ah, aw);
    if (!result)
      return failure();
  }
  Value lowered = windowResult(ctx, result, input->spatial);
  if (!lowered)
    return failure();
  ctx.setResults(lowered);
  return success();
}
