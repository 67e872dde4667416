//===- DecomposeConvTranspose.cpp - Transposed convolution as phases ------===//
//
// rong.conv_transpose2d as ordinary convolutions, one per output phase.
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
// gcd(d, s) > 1) holds only the bias. The phases' weights are slices,
// transposes and reshapes of the weight, which rong-fold-constant-layouts
// folds when it is a constant.
//
//===----------------------------------------------------------------------===//

#include "DecomposePatterns.h"

#include "rong/IR/RongOps.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::rong;

namespace {
/// One spatial axis of a transposed convolution.
struct Axis {
  int64_t in, stride, dilation, kernel;
  /// Elements cut from the beginning of the full result (negative: the
  /// output starts before it), and the output size.
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

/// Output phase v: outputs o = u * stride + v, u = 0 .. perPhase - 1.
Phase phaseOf(const Axis &a, int64_t v) {
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

struct DecomposeConvTranspose : OpRewritePattern<ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvTranspose2DOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    SmallVector<Axis, 2> axes;
    for (int i = 0; i < 2; ++i) {
      Axis a;
      a.in = inputType.getDimSize(2 + i);
      a.out = resultType.getDimSize(2 + i);
      if (ShapedType::isDynamic(a.in))
        return rewriter.notifyMatchFailure(op, "dynamic spatial size");
      a.stride = op.getStrides()[i];
      a.dilation = op.getDilations()[i];
      a.kernel = weightType.getDimSize(2 + i);
      a.begin = op.getPads()[i];
      a.perPhase = llvm::divideCeil(a.out, a.stride);
      axes.push_back(a);
    }
    const Axis &ah = axes[0], &aw = axes[1];
    Location loc = op.getLoc();
    int64_t group = op.getGroups();

    // Each phase's convolution; null where no input reaches it.
    SmallVector<SmallVector<Value>> phases(ah.stride,
                                           SmallVector<Value>(aw.stride));
    Value reached;
    for (int64_t rh = 0; rh < ah.stride; ++rh)
      for (int64_t rw = 0; rw < aw.stride; ++rw) {
        Phase h = phaseOf(ah, rh), w = phaseOf(aw, rw);
        if (h.taps == 0 || w.taps == 0)
          continue;
        phases[rh][rw] = phaseConv(rewriter, loc, op, h, w, group);
        reached = phases[rh][rw];
      }
    Value result = reached;
    if (!reached) {
      // The pads keep only elements no input reaches: the bias everywhere.
      if (!resultType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "no input reaches the output");
      result = BroadcastToOp::create(
          rewriter, loc, fillValue(rewriter, loc, op, resultType),
          rewriter.getDenseI64ArrayAttr(resultType.getShape()));
    } else if (ah.stride * aw.stride > 1) {
      fillUnreached(rewriter, loc, op, phases, reached);
      result = interleave(rewriter, loc, phases, ah, aw);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// The weight of one phase as a convolution's: taps picked and reversed,
  /// then C x M/group swapped into M x C/group within each group.
  static Value phaseWeight(PatternRewriter &rewriter, Location loc,
                           Value weight, const Phase &h, const Phase &w,
                           int64_t group) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(weight.getType()).getShape();
    auto endBefore = [](const Phase &p) {
      return p.first > 0 ? p.first - 1 : std::numeric_limits<int64_t>::min();
    };
    int64_t all = std::numeric_limits<int64_t>::max();
    Value taps = SliceOp::create(
        rewriter, loc, weight,
        rewriter.getDenseI64ArrayAttr({0, 0,
                                       h.first + (h.taps - 1) * h.tapStep,
                                       w.first + (w.taps - 1) * w.tapStep}),
        rewriter.getDenseI64ArrayAttr({all, all, endBefore(h), endBefore(w)}),
        rewriter.getDenseI64ArrayAttr({1, 1, -h.tapStep, -w.tapStep}));
    int64_t in = shape[0], outPerGroup = shape[1];
    if (group == 1)
      return TransposeOp::create(rewriter, loc, taps,
                                 rewriter.getDenseI64ArrayAttr({1, 0, 2, 3}));
    Value grouped = ReshapeOp::create(
        rewriter, loc, taps,
        rewriter.getDenseI64ArrayAttr(
            {group, in / group, outPerGroup, h.taps, w.taps}));
    Value swapped = TransposeOp::create(
        rewriter, loc, grouped,
        rewriter.getDenseI64ArrayAttr({0, 2, 1, 3, 4}));
    return ReshapeOp::create(
        rewriter, loc, swapped,
        rewriter.getDenseI64ArrayAttr(
            {group * outPerGroup, in / group, h.taps, w.taps}));
  }

  /// Phase (h, w) of the output: N x M x perPhase(H) x perPhase(W).
  static Value phaseConv(PatternRewriter &rewriter, Location loc,
                         ConvTranspose2DOp op, const Phase &h,
                         const Phase &w, int64_t group) {
    auto crop = [](int64_t pad) { return std::min<int64_t>(0, pad); };
    auto pad = [](int64_t pad) { return std::max<int64_t>(0, pad); };
    Value input = op.getInput();
    if (crop(h.padBegin) || crop(w.padBegin) || crop(h.padEnd) ||
        crop(w.padEnd))
      input = PadOp::create(
          rewriter, loc, input,
          rewriter.getDenseI64ArrayAttr({0, 0, crop(h.padBegin),
                                         crop(w.padBegin), 0, 0,
                                         crop(h.padEnd), crop(w.padEnd)}),
          PadModeAttr::get(rewriter.getContext(), PadMode::constant),
          rewriter.getF64FloatAttr(0));
    Value filter = phaseWeight(rewriter, loc, op.getWeight(), h, w, group);
    return Conv2DOp::create(
        rewriter, loc, input, filter, op.getBias(),
        rewriter.getDenseI64ArrayAttr({1, 1}),
        rewriter.getDenseI64ArrayAttr({pad(h.padBegin), pad(w.padBegin),
                                       pad(h.padEnd), pad(w.padEnd)}),
        rewriter.getDenseI64ArrayAttr({h.dilation, w.dilation}),
        rewriter.getI64IntegerAttr(group));
  }

  /// What an output element no input reaches holds: the bias as
  /// [1, M, 1, 1], or a scalar zero.
  static Value fillValue(PatternRewriter &rewriter, Location loc,
                         ConvTranspose2DOp op, RankedTensorType type) {
    if (Value bias = op.getBias())
      return ReshapeOp::create(
          rewriter, loc, bias,
          rewriter.getDenseI64ArrayAttr({1, type.getDimSize(1), 1, 1}));
    Type element = type.getElementType();
    return ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, element),
                               rewriter.getFloatAttr(element, 0)));
  }

  /// Gives the phases no input reaches the bias (or zeros). With a static
  /// batch that is a broadcast, which the interleave's kernel computes in
  /// place; a dynamic batch takes its size from `reached`.
  static void fillUnreached(PatternRewriter &rewriter, Location loc,
                            ConvTranspose2DOp op,
                            MutableArrayRef<SmallVector<Value>> phases,
                            Value reached) {
    auto type = cast<RankedTensorType>(reached.getType());
    ArrayRef<int64_t> shape = type.getShape();
    Value fill = fillValue(rewriter, loc, op, type);
    for (SmallVector<Value> &row : phases)
      for (Value &phase : row) {
        if (phase)
          continue;
        if (!ShapedType::isDynamic(shape[0])) {
          phase = BroadcastToOp::create(rewriter, loc, fill,
                                        rewriter.getDenseI64ArrayAttr(shape));
          continue;
        }
        auto never = ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(
                RankedTensorType::get({1}, rewriter.getI1Type()), false));
        phase = WhereOp::create(rewriter, loc, never, reached, fill);
      }
  }

  /// Interleaves the phases (N x M x perPhase(H) x perPhase(W) each) into
  /// the output: element (o_h, o_w) comes from phase (o_h mod s_h,
  /// o_w mod s_w) at (o_h / s_h, o_w / s_w). Stacked as
  /// [N, M, qh, s_h, qw, s_w], the phases flatten into it: reshapes around
  /// one concatenation kernel. Where the stride does not divide the output
  /// size, the last phases hold one output past the end, which a slice drops
  /// (a second kernel: Rong does not fuse across the reshape).
  static Value interleave(PatternRewriter &rewriter, Location loc,
                          ArrayRef<SmallVector<Value>> phases,
                          const Axis &ah, const Axis &aw) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(phases[0][0].getType()).getShape();
    // Reshapes spell a dynamic batch -1.
    int64_t n = ShapedType::isDynamic(shape[0]) ? -1 : shape[0];
    int64_t m = shape[1], qh = shape[2], qw = shape[3];
    auto concat = [&](ArrayRef<Value> values, int64_t axis) -> Value {
      if (values.size() == 1)
        return values.front();
      return ConcatOp::create(rewriter, loc, values, axis);
    };
    SmallVector<Value> rows;
    for (ArrayRef<Value> row : phases) {
      SmallVector<Value> cells;
      for (Value phase : row)
        cells.push_back(ReshapeOp::create(
            rewriter, loc, phase,
            rewriter.getDenseI64ArrayAttr({n, m, qh, 1, qw, 1})));
      rows.push_back(concat(cells, 5));
    }
    Value full = ReshapeOp::create(
        rewriter, loc, concat(rows, 3),
        rewriter.getDenseI64ArrayAttr(
            {n, m, qh * ah.stride, qw * aw.stride}));
    if (qh * ah.stride == ah.out && qw * aw.stride == aw.out)
      return full;
    int64_t all = std::numeric_limits<int64_t>::max();
    return SliceOp::create(rewriter, loc, full,
                           rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
                           rewriter.getDenseI64ArrayAttr(
                               {all, all, ah.out, aw.out}),
                           rewriter.getDenseI64ArrayAttr({1, 1, 1, 1}));
  }
};
} // namespace

void mlir::rong::addConvTransposeDecomposition(RewritePatternSet &patterns) {
  patterns.add<DecomposeConvTranspose>(patterns.getContext());
}
