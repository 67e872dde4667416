//===- OnnxResize.cpp - ONNX Resize as gathers and weighted sums ----------===//
//
// This file implements the ONNX Resize converter. Resize is separable: each
// resized axis maps every output position to a few input positions (taps)
// with weights, and both depend only on the static shapes and attributes.
// So each axis becomes, at import time, T constant index vectors and T
// constant weight vectors, and in the graph `sum_t gather(x, idx_t) * w_t`
// along that axis: one gather for nearest, two taps for linear, four for
// cubic, more for antialiased downsampling. The gathers and the arithmetic
// are ordinary rong ops, so they fuse with their neighbours.
//
// The taps and weights follow the ONNX reference implementation
// (onnx/reference/ops/op_resize.py): the coordinate transformation modes,
// nearest rounding modes, cubic coefficient A, exclude_outside, antialias,
// axes, keep_aspect_ratio_policy, and tf_crop_and_resize with its
// extrapolation value. Resize before opset 11 and Upsample (opsets 7 to 9)
// sample at y / scale with onnxruntime's nearest rounding.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

namespace {

/// The attributes of one Resize node, with their ONNX defaults.
struct ResizeAttrs {
  std::string mode, coordinates, nearestMode, aspectPolicy;
  double cubicA = -0.75, extrapolation = 0.0;
  bool excludeOutside = false, antialias = false;
};

/// One resized axis: for each output position, `taps` input indices (already
/// clamped into the axis) and weights, row-major [output][tap]; and where
/// tf_crop_and_resize samples outside the input, `outside` is set.
struct AxisTaps {
  int64_t taps = 0;
  SmallVector<int64_t> index;
  SmallVector<double> weight;
  SmallVector<bool> outside;
};

/// The weights of the taps around a sample whose distance past the tap
/// before it is `ratio` (in (0, 1]), for an axis scaled by `scale`.
SmallVector<double> coefficients(const ResizeAttrs &attrs, double ratio,
                                 double scale) {
  if (attrs.mode == "nearest") {
    if (ratio == std::floor(ratio))
      return {0, 1};
    bool up;
    if (attrs.nearestMode == "round_prefer_ceil")
      up = ratio >= 0.5;
    else if (attrs.nearestMode == "floor")
      up = false;
    else if (attrs.nearestMode == "ceil")
      up = true;
    else
      up = ratio > 0.5;
    return {up ? 0.0 : 1.0, up ? 1.0 : 0.0};
  }
  double a = attrs.cubicA;
  // The cubic convolution kernel of Keys, with coefficient A.
  auto cubic = [a](double x) {
    x = std::fabs(x);
    if (x <= 1)
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2)
      return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0.0;
  };
  if (!attrs.antialias) {
    if (attrs.mode == "linear")
      return {1 - ratio, ratio};
    return {cubic(ratio + 1), cubic(ratio), cubic(1 - ratio),
            cubic(2 - ratio)};
  }
  // Antialiasing stretches the kernel by 1 / scale when downsampling; the
  // weights are normalised to sum to 1.
  scale = std::min(scale, 1.0);
  SmallVector<double> weights;
  if (attrs.mode == "linear") {
    int64_t start = static_cast<int64_t>(std::floor(-1 / scale) + 1);
    for (int64_t i = start; i < start + 2 - 2 * start; ++i)
      weights.push_back(
          std::clamp(1 - std::fabs((i - ratio) * scale), 0.0, 1.0));
  } else {
    int64_t start = static_cast<int64_t>(std::floor(-2 / scale) + 1);
    for (int64_t i = start; i < 2 - start; ++i)
      weights.push_back(cubic(scale * (i - ratio)));
  }
  double sum = 0;
  for (double w : weights)
    sum += w;
  for (double &w : weights)
    w /= sum;
  return weights;
}

/// The source coordinate of output position `y` on an axis of `in`
/// positions resized to `out` (`scale` times `in`, before rounding), or
/// failure for an unknown mode. `roi` holds the axis's crop window for
/// tf_crop_and_resize.
FailureOr<double> sourceCoordinate(const ResizeAttrs &attrs, double y,
                                   int64_t in, int64_t out, double scale,
                                   std::pair<double, double> roi) {
  double width = scale * static_cast<double>(in);
  const std::string &mode = attrs.coordinates;
  if (mode == "half_pixel")
    return (y + 0.5) / scale - 0.5;
  if (mode == "pytorch_half_pixel")
    return width == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
  if (mode == "half_pixel_symmetric") {
    double adjustment = static_cast<double>(out) / width;
    double offset = in / 2.0 * (1 - adjustment);
    return offset + (y + 0.5) / scale - 0.5;
  }
  if (mode == "align_corners")
    return width == 1 ? 0.0 : y * (in - 1) / (width - 1);
  if (mode == "asymmetric")
    return y / scale;
  if (mode == "tf_crop_and_resize") {
    double x = width == 1 ? (roi.second - roi.first) * (in - 1) / 2
                          : y * (roi.second - roi.first) * (in - 1) /
                                (width - 1);
    return x + roi.first * (in - 1);
  }
  return failure();
}

/// The taps of one axis (see AxisTaps), as the reference computes them.
FailureOr<AxisTaps> axisTaps(NodeContext &ctx, const ResizeAttrs &attrs,
                             int64_t in, int64_t out, double scale,
                             std::pair<double, double> roi) {
  AxisTaps result;
  for (int64_t y = 0; y < out; ++y) {
    FailureOr<double> x =
        sourceCoordinate(attrs, static_cast<double>(y), in, out, scale, roi);
    if (failed(x))
      return ctx.fail("coordinate_transformation_mode '" + attrs.coordinates +
                      "' is not one ONNX defines");
    double base = std::floor(*x);
    // The tap before the sample is preferred: an exact hit counts as
    // ratio 1 past the position before it.
    double ratio = *x == base ? 1.0 : *x - base;
    SmallVector<double> weights = coefficients(attrs, ratio, scale);
    int64_t n = static_cast<int64_t>(weights.size());
    if (result.taps == 0)
      result.taps = n;
    else if (result.taps != n)
      return ctx.fail("the interpolation kernel changes size along an axis");
    // The n positions nearest the sample, ties to the smaller one.
    int64_t pad = (n + 1) / 2;
    double padded = *x + static_cast<double>(pad);
    double floorPadded = std::floor(padded);
    double frac = padded - floorPadded;
    int64_t first = static_cast<int64_t>(floorPadded);
    if (n % 2 == 0)
      first += frac == 0 ? -(n / 2) : -(n / 2) + 1;
    else
      first += frac <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1;
    first -= pad;
    if (attrs.excludeOutside) {
      double sum = 0;
      for (int64_t t = 0; t < n; ++t) {
        if (first + t < 0 || first + t >= in)
          weights[t] = 0;
        sum += weights[t];
      }
      if (sum != 0)
        for (double &w : weights)
          w /= sum;
    }
    for (int64_t t = 0; t < n; ++t) {
      result.index.push_back(std::clamp<int64_t>(first + t, 0, in - 1));
      result.weight.push_back(weights[t]);
    }
    result.outside.push_back(attrs.coordinates == "tf_crop_and_resize" &&
                             (*x < 0 || *x > static_cast<double>(in - 1)));
  }
  return result;
}

/// Drops the taps of zero weight of each output position and pads the
/// positions to the most taps any has left (index 0, weight 0): nearest
/// sampling becomes one tap of weight 1.
void dropZeroTaps(AxisTaps &taps) {
  int64_t out = static_cast<int64_t>(taps.outside.size());
  SmallVector<SmallVector<std::pair<int64_t, double>>> kept(out);
  int64_t most = 1;
  for (int64_t y = 0; y < out; ++y) {
    for (int64_t t = 0; t < taps.taps; ++t)
      if (double w = taps.weight[y * taps.taps + t]; w != 0)
        kept[y].push_back({taps.index[y * taps.taps + t], w});
    most = std::max<int64_t>(most, kept[y].size());
  }
  taps.taps = most;
  taps.index.clear();
  taps.weight.clear();
  for (auto &row : kept) {
    row.resize(most, {0, 0.0});
    for (auto [index, weight] : row) {
      taps.index.push_back(index);
      taps.weight.push_back(weight);
    }
  }
}

/// The type [size, 1, ..., 1] of `element` (rank `rank`): per-position
/// constants of one axis that broadcast along it, `rank` places from the end.
RankedTensorType alongAxis(Type element, int64_t rank, size_t size) {
  SmallVector<int64_t> shape(rank, 1);
  shape[0] = static_cast<int64_t>(size);
  return RankedTensorType::get(shape, element);
}

/// Resizes the consecutive axes first, first + 1, ... of `x` (one AxisTaps
/// each) at once. The run is flattened into one axis, and each combination
/// of one tap per axis is one gather of it by an index tensor shaped like
/// the run's output (each axis's tap indices times its stride, summed),
/// times the product of the taps' weights. Both are broadcast sums and
/// products of per-axis constants: small ones fold into constants, large
/// ones are computed where the gather needs them. One gather per
/// combination reads the input directly, so the resize and the ops around
/// it fuse into one kernel; the extrapolation value replaces the positions
/// tf_crop_and_resize samples outside the input.
Value resizeRun(NodeContext &ctx, Value x, int64_t first,
                ArrayRef<AxisTaps> taps, double extrapolation) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  int64_t rank = type.getRank(), count = static_cast<int64_t>(taps.size());
  ArrayRef<int64_t> in = type.getShape();
  SmallVector<int64_t> flat(in.take_front(first));
  flat.push_back(1);
  for (int64_t j = 0; j < count; ++j)
    flat.back() *= in[first + j];
  llvm::append_range(flat, in.drop_front(first + count));
  Value flattened = ctx.reshape(x, flat);
  SmallVector<int64_t> stride(count, 1);
  for (int64_t j = count - 2; j >= 0; --j)
    stride[j] = stride[j + 1] * in[first + j + 1];

  // 32-bit indices where the flattened axis allows: twice the lanes of a
  // vector load.
  Type indexType = flat[first] <= std::numeric_limits<int32_t>::max()
                       ? ctx.b().getI32Type()
                       : ctx.b().getI64Type();

  int64_t combinations = 1;
  for (const AxisTaps &axis : taps)
    combinations *= axis.taps;
  Value result;
  for (int64_t c = 0; c < combinations; ++c) {
    // Tap t[j] of each axis j: c in mixed radix, the last axis fastest.
    SmallVector<int64_t> tap(count);
    for (int64_t j = count - 1, rest = c; j >= 0; --j) {
      tap[j] = rest % taps[j].taps;
      rest /= taps[j].taps;
    }
    Value index, weight;
    bool zero = false;
    for (int64_t j = 0; j < count; ++j) {
      const AxisTaps &axis = taps[j];
      int64_t out = static_cast<int64_t>(axis.outside.size());
      SmallVector<int64_t> indices;
      SmallVector<double> weights;
      for (int64_t y = 0; y < out; ++y) {
        indices.push_back(axis.index[y * axis.taps + tap[j]] * stride[j]);
        weights.push_back(axis.weight[y * axis.taps + tap[j]]);
      }
      Value part = ctx.constant(
          alongAxis(indexType, count - j, indices.size()), indices);
      index = index ? ctx.create<AddOp>(index, part) : part;
      zero |= llvm::all_of(weights, [](double w) { return w == 0; });
      if (llvm::all_of(weights, [](double w) { return w == 1; }))
        continue;
      Value factor = ctx.constant(
          alongAxis(element, rank - first - j, weights.size()), weights);
      weight = weight ? ctx.create<MulOp>(weight, factor) : factor;
    }
    // A combination of zero weight adds nothing (but one is kept).
    if (zero && (result || c + 1 < combinations))
      continue;
    Value term = ctx.create<GatherOp>(flattened, index, first);
    if (weight)
      term = ctx.create<MulOp>(term, weight);
    result = result ? ctx.create<AddOp>(result, term) : term;
  }
  for (int64_t j = 0; j < count; ++j) {
    if (!llvm::is_contained(taps[j].outside, true))
      continue;
    SmallVector<int64_t> mask(taps[j].outside.begin(), taps[j].outside.end());
    result = ctx.create<WhereOp>(
        ctx.constant(
            alongAxis(ctx.b().getI1Type(), rank - first - j, mask.size()),
            mask),
        ctx.scalar(element, extrapolation), result);
  }
  return result;
}

/// Reads the attributes of a Resize node and checks them.
FailureOr<ResizeAttrs> readAttrs(NodeContext &ctx) {
  ResizeAttrs attrs;
  attrs.mode = ctx.attrString("mode", "nearest");
  attrs.coordinates =
      ctx.attrString("coordinate_transformation_mode", "half_pixel");
  attrs.nearestMode = ctx.attrString("nearest_mode", "round_prefer_floor");
  attrs.aspectPolicy = ctx.attrString("keep_aspect_ratio_policy", "stretch");
  attrs.cubicA = ctx.attrFloat("cubic_coeff_a", -0.75);
  attrs.extrapolation = ctx.attrFloat("extrapolation_value", 0.0);
  attrs.excludeOutside = ctx.attrInt("exclude_outside", 0) != 0;
  attrs.antialias = ctx.attrInt("antialias", 0) != 0;
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, attrs.mode))
    return ctx.fail("mode '" + attrs.mode +
                    "' is not one of nearest, linear, cubic");
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor",
                           "ceil"},
                          attrs.nearestMode))
    return ctx.fail("nearest_mode '" + attrs.nearestMode +
                    "' is not one of round_prefer_floor, round_prefer_ceil, "
                    "floor, ceil");
  if (!llvm::is_contained({"stretch", "not_larger", "not_smaller"},
                          attrs.aspectPolicy))
    return ctx.fail("keep_aspect_ratio_policy '" + attrs.aspectPolicy +
                    "' is not one of stretch, not_larger, not_smaller");
  if (attrs.antialias && attrs.mode == "nearest")
    return ctx.fail("antialias applies to linear and cubic modes only");
  return attrs;
}

/// Input `i` of Resize (roi, scales, sizes) as doubles: empty when absent
/// or an empty tensor; failure when it is not a constant.
FailureOr<SmallVector<double>> optionalConstant(NodeContext &ctx, size_t i,
                                                StringRef what) {
  if (!ctx.input(i))
    return SmallVector<double>();
  if (std::optional<SmallVector<double>> values = ctx.constantFloats(i))
    return *values;
  if (std::optional<SmallVector<int64_t>> ints = ctx.constantInts(i))
    return SmallVector<double>(ints->begin(), ints->end());
  return ctx.fail(Twine(what) + " must be a compile-time constant");
}

/// Resize before opset 11, and Upsample (opsets 7 to 9): inputs X and
/// scales (Upsample-7: a `scales` attribute), mode nearest or linear, and
/// none of the later attributes.
bool isLegacyResize(NodeContext &ctx) {
  return ctx.proto().op_type() == "Upsample" || ctx.opsetVersion() < 11;
}

/// The scales of a legacy resize.
FailureOr<SmallVector<double>> legacyScales(NodeContext &ctx) {
  if (ctx.opsetVersion() >= 9) {
    if (!ctx.input(1))
      return ctx.fail("input 1 (scales) is missing");
    return optionalConstant(ctx, 1, "scales");
  }
  const onnx::AttributeProto *attr = ctx.findAttr("scales");
  if (!attr)
    return ctx.fail("attribute scales is required");
  return SmallVector<double>(attr->floats().begin(), attr->floats().end());
}

LogicalResult convertResize(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  FailureOr<ResizeAttrs> attrs = readAttrs(ctx);
  if (failed(attrs))
    return failure();
  bool legacy = isLegacyResize(ctx);
  if (legacy) {
    // Sample positions are y / scale, as onnxruntime reads these nodes.
    if (attrs->mode == "cubic")
      return ctx.fail("mode 'cubic' needs opset 11 or later");
    attrs->coordinates = "asymmetric";
    attrs->nearestMode = "floor";
  }
  RankedTensorType type = ctx.inputType(0);
  if (!type.hasStaticShape())
    return ctx.fail("needs a static input shape, got " + str(type));
  if (attrs->mode != "nearest" && !isa<FloatType>(type.getElementType()))
    return ctx.fail(attrs->mode + " resizing needs a float input, got " +
                    str(type));
  int64_t rank = type.getRank();
  ArrayRef<int64_t> in = type.getShape();

  SmallVector<int64_t> axes;
  for (int64_t axis : ctx.attrInts("axes")) {
    if (axis < -rank || axis >= rank)
      return ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                      Twine(rank));
    axis = axis < 0 ? axis + rank : axis;
    if (llvm::is_contained(axes, axis))
      return ctx.fail("axis " + Twine(axis) + " is repeated");
    axes.push_back(axis);
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  size_t count = axes.size();

  FailureOr<SmallVector<double>> roi, scales, sizes;
  if (legacy) {
    roi = sizes = SmallVector<double>();
    scales = legacyScales(ctx);
  } else {
    roi = optionalConstant(ctx, 1, "roi");
    scales = optionalConstant(ctx, 2, "scales");
    sizes = optionalConstant(ctx, 3, "sizes");
  }
  if (failed(roi) || failed(scales) || failed(sizes))
    return failure();
  if (scales->empty() == sizes->empty())
    return ctx.fail("exactly one of scales and sizes must be given");
  size_t given = std::max(scales->size(), sizes->size());
  if (given != count)
    return ctx.fail(Twine(scales->empty() ? "sizes" : "scales") + " has " +
                    Twine(given) + " entries for " + Twine(count) + " axes");
  bool crop = attrs->coordinates == "tf_crop_and_resize";
  if (crop && roi->size() != 2 * count)
    return ctx.fail("tf_crop_and_resize needs an roi of " +
                    Twine(2 * count) + " entries, got " +
                    Twine(roi->size()));

  // Per axis of the input: scale, output size and crop window.
  SmallVector<double> scale(rank, 1.0);
  SmallVector<int64_t> out(in);
  SmallVector<std::pair<double, double>> window(rank, {0.0, 1.0});
  for (auto [i, d] : llvm::enumerate(axes)) {
    if (in[d] == 0)
      return ctx.fail("cannot resize axis " + Twine(d) + " of size 0");
    if (crop)
      window[d] = {(*roi)[i], (*roi)[count + i]};
    if (!sizes->empty()) {
      if ((*sizes)[i] < 1)
        return ctx.fail("sizes entry " + Twine(i) + " is " +
                        Twine(static_cast<int64_t>((*sizes)[i])) +
                        "; sizes must be positive");
      out[d] = static_cast<int64_t>((*sizes)[i]);
      scale[d] = (*sizes)[i] / static_cast<double>(in[d]);
    } else {
      if (!((*scales)[i] > 0))
        return ctx.fail("scales entry " + Twine(i) + " is " +
                        llvm::formatv("{0}", (*scales)[i]).str() +
                        "; scales must be positive");
      scale[d] = (*scales)[i];
      out[d] = static_cast<int64_t>(scale[d] * static_cast<double>(in[d]));
      if (out[d] < 1)
        return ctx.fail("scales entry " + Twine(i) + " resizes axis " +
                        Twine(d) + " of " + Twine(in[d]) + " to nothing");
    }
  }
  if (!sizes->empty() && attrs->aspectPolicy != "stretch") {
    // One scale for every resized axis, the smallest (not_larger) or the
    // largest (not_smaller), and sizes rounded half up from it.
    double common = scale[axes[0]];
    for (int64_t d : axes)
      common = attrs->aspectPolicy == "not_larger" ? std::min(common, scale[d])
                                                   : std::max(common, scale[d]);
    for (int64_t d : axes) {
      scale[d] = common;
      out[d] = static_cast<int64_t>(common * static_cast<double>(in[d]) + 0.5);
    }
  }

  // The resized axes, in runs of consecutive axes resized at once.
  Value x = ctx.input(0);
  SmallVector<AxisTaps> run;
  int64_t runStart = 0;
  for (int64_t d = 0; d <= rank; ++d) {
    bool resized = false;
    if (d < rank && llvm::is_contained(axes, d))
      resized = std::fabs(scale[d] - 1.0) > 1e-9 || out[d] != in[d] ||
                window[d] != std::pair<double, double>(0.0, 1.0);
    if (!resized) {
      if (!run.empty())
        x = resizeRun(ctx, x, runStart, run, attrs->extrapolation);
      if (!x)
        return failure();
      run.clear();
      continue;
    }
    // onnxruntime's legacy nearest takes the floor of the source position
    // on a growing axis and its ceiling on a shrinking one.
    ResizeAttrs axisAttrs = *attrs;
    if (legacy && scale[d] < 1)
      axisAttrs.nearestMode = "ceil";
    FailureOr<AxisTaps> taps =
        axisTaps(ctx, axisAttrs, in[d], out[d], scale[d], window[d]);
    if (failed(taps))
      return failure();
    dropZeroTaps(*taps);
    if (run.empty())
      runStart = d;
    run.push_back(std::move(*taps));
  }
  ctx.setResults(x);
  return success();
}

} // namespace

void onnx_import::addResizeConverters(llvm::StringMap<Converter> &table) {
  table["Resize"] = convertResize;
  table["Upsample"] = convertResize;
}
