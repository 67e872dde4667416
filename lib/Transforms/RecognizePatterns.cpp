//===- RecognizePatterns.cpp - Named ops from their primitive spellings ---===//
//
// Exporters spell softmax, RMSNorm and GELU as chains of primitive ops. These
// patterns recognise the common spellings and substitute the named op, which
// the kernel strategies implement in one numerically careful pass. Matching is
// strict: a constant or an axis that differs leaves the chain alone.
//
// One more rewrite reorders rather than recognises: a max pool of a relu is
// the relu of the max pool (relu is monotone), so a CNN's conv -> relu ->
// max_pool becomes conv -> max_pool -> relu. The relu then joins the pool's
// kernel, where it runs on the pooled (4x smaller) tensor, instead of being
// a conv epilogue kernel that writes the full-size activation.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::rong {
#define GEN_PASS_DEF_RONGRECOGNIZEPATTERNS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// The value of a splat floating-point constant, if `value` is one.
std::optional<double> splatValue(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  if (!dense || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

/// How far a constant of `type`'s element type may be from the value a
/// pattern names: exporters write the constants in the model's precision, so
/// bf16's 0.044677734 is GELU's 0.044715 (relative, two units of rounding).
double constantTolerance(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isBF16())
    return 2.0 / 256;
  if (element.isF16())
    return 2.0 / 2048;
  return 1e-6;
}

bool closeTo(double value, double expected, Type type) {
  return std::fabs(value - expected) <=
         constantTolerance(type) * std::fabs(expected);
}

bool isSplat(Value value, double expected, double relTol = 1e-6) {
  std::optional<double> v = splatValue(value);
  return v && std::fabs(*v - expected) <= relTol * std::fabs(expected);
}

/// The single reduced axis of a keepdims reduction, normalised.
template <typename ReduceOp>
std::optional<int64_t> singleKeptAxis(ReduceOp op) {
  if (!op || !op.getKeepdims() || op.getAxes().size() != 1)
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
  int64_t axis = op.getAxes()[0];
  return axis < 0 ? axis + rank : axis;
}

/// Matches `x - reduce_max(x, [a], keepdims)`; sets `x` and `axis`.
bool matchShiftedByMax(Value v, Value &x, int64_t &axis) {
  auto sub = v.getDefiningOp<SubOp>();
  if (!sub)
    return false;
  auto max = sub.getRhs().getDefiningOp<ReduceMaxOp>();
  std::optional<int64_t> a = singleKeptAxis(max);
  if (!a || max.getInput() != sub.getLhs())
    return false;
  x = sub.getLhs();
  axis = *a;
  return true;
}

/// exp(x - max(x)) / sum(exp(x - max(x))) -> softmax(x), also without the
/// max shift (the named op is the stable form of both).
struct RecognizeSoftmax : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    auto exp = div.getLhs().getDefiningOp<ExpOp>();
    auto sum = div.getRhs().getDefiningOp<ReduceSumOp>();
    std::optional<int64_t> axis = singleKeptAxis(sum);
    if (!exp || !axis || sum.getInput() != exp.getResult())
      return failure();
    Value x;
    int64_t shiftAxis;
    if (matchShiftedByMax(exp.getInput(), x, shiftAxis)) {
      if (shiftAxis != *axis)
        return failure();
    } else {
      x = exp.getInput();
    }
    if (x.getType() != div.getType())
      return failure();
    rewriter.replaceOpWithNewOp<SoftmaxOp>(div, x, *axis);
    return success();
  }
};

/// (x - max(x)) - log(sum(exp(x - max(x)))) -> log_softmax(x).
struct RecognizeLogSoftmax : OpRewritePattern<SubOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SubOp sub,
                                PatternRewriter &rewriter) const override {
    auto log = sub.getRhs().getDefiningOp<LogOp>();
    if (!log)
      return failure();
    auto sum = log.getInput().getDefiningOp<ReduceSumOp>();
    std::optional<int64_t> axis = singleKeptAxis(sum);
    if (!axis)
      return failure();
    auto exp = sum.getInput().getDefiningOp<ExpOp>();
    Value x;
    int64_t shiftAxis;
    if (!exp || exp.getInput() != sub.getLhs() ||
        !matchShiftedByMax(sub.getLhs(), x, shiftAxis) || shiftAxis != *axis ||
        x.getType() != sub.getType())
      return failure();
    rewriter.replaceOpWithNewOp<LogSoftmaxOp>(sub, x, *axis);
    return success();
  }
};

/// Flattens a tree of single-use multiplications into its factors.
void mulFactors(Value v, SmallVectorImpl<Value> &factors, bool root) {
  auto mul = v.getDefiningOp<MulOp>();
  if (mul && (root || mul->hasOneUse())) {
    mulFactors(mul.getLhs(), factors, false);
    mulFactors(mul.getRhs(), factors, false);
    return;
  }
  factors.push_back(v);
}

/// Splits factors into the product of splat constants and the rest.
double splitConstants(ArrayRef<Value> factors, SmallVectorImpl<Value> &rest) {
  double product = 1;
  for (Value f : factors) {
    if (std::optional<double> c = splatValue(f))
      product *= *c;
    else
      rest.push_back(f);
  }
  return product;
}

/// `1 + inner` (either order); returns inner.
Value matchOnePlus(Value v) {
  auto add = v.getDefiningOp<AddOp>();
  if (!add)
    return {};
  if (isSplat(add.getRhs(), 1.0))
    return add.getLhs();
  if (isSplat(add.getLhs(), 1.0))
    return add.getRhs();
  return {};
}

/// `x * c` or `x / (1/c)`, either order; returns c through `scale`.
bool matchScaled(Value v, Value x, double &scale) {
  if (auto div = v.getDefiningOp<DivOp>()) {
    std::optional<double> c = splatValue(div.getRhs());
    if (div.getLhs() != x || !c || *c == 0)
      return false;
    scale = 1.0 / *c;
    return true;
  }
  SmallVector<Value> factors, rest;
  mulFactors(v, factors, /*root=*/true);
  scale = splitConstants(factors, rest);
  return rest.size() == 1 && rest[0] == x;
}

/// `x^3` as pow(x, 3) or x*x*x.
bool matchCube(Value v, Value x) {
  if (auto pow = v.getDefiningOp<PowOp>())
    return pow.getLhs() == x && isSplat(pow.getRhs(), 3.0);
  SmallVector<Value> factors;
  mulFactors(v, factors, /*root=*/true);
  return factors.size() == 3 &&
         llvm::all_of(factors, [&](Value f) { return f == x; });
}

/// 0.5 * x * (1 + erf(x / sqrt(2))) and the tanh approximation -> gelu.
struct RecognizeGelu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp root,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> factors, rest;
    mulFactors(root.getResult(), factors, /*root=*/true);
    double c = splitConstants(factors, rest);
    Type type = root.getType();
    if (rest.size() != 2 || !closeTo(c, 0.5, type))
      return failure();
    for (int i = 0; i < 2; ++i) {
      Value x = rest[i];
      Value inner = matchOnePlus(rest[1 - i]);
      if (!inner || x.getType() != root.getType())
        continue;
      double scale;
      if (auto erf = inner.getDefiningOp<ErfOp>()) {
        if (!matchScaled(erf.getInput(), x, scale) ||
            !closeTo(scale, 1.0 / std::sqrt(2.0), type))
          continue;
        rewriter.replaceOpWithNewOp<GeluOp>(root, x, GeluApproximation::none);
        return success();
      }
      if (auto tanh = inner.getDefiningOp<TanhOp>()) {
        // sqrt(2/pi) * (x + 0.044715 * x^3)
        SmallVector<Value> tf, trest;
        mulFactors(tanh.getInput(), tf, /*root=*/true);
        double k = splitConstants(tf, trest);
        if (trest.size() != 1 || !closeTo(k, std::sqrt(2.0 / M_PI), type))
          continue;
        auto add = trest[0].getDefiningOp<AddOp>();
        if (!add)
          continue;
        Value cubic = add.getLhs() == x ? add.getRhs() : add.getLhs();
        if ((add.getLhs() != x && add.getRhs() != x))
          continue;
        SmallVector<Value> cf, crest;
        mulFactors(cubic, cf, /*root=*/true);
        double a = splitConstants(cf, crest);
        if (crest.size() != 1 || !closeTo(a, 0.044715, type) ||
            !matchCube(crest[0], x))
          continue;
        rewriter.replaceOpWithNewOp<GeluOp>(root, x, GeluApproximation::tanh);
        return success();
      }
    }
    return failure();
  }
};

/// x * rsqrt(mean(x*x) + eps), x * reciprocal(sqrt(...)) (how ONNX spells
/// rsqrt), x / sqrt(mean(x^2) + eps) -> rms_norm(x, 1).
/// A trailing scale stays a multiply, which fuses into the same group.
struct RecognizeRMSNorm : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp mean,
                                PatternRewriter &rewriter) const override {
    // mean(x * x) or mean(x ^ 2) over trailing axes, keepdims.
    Value x;
    if (auto sq = mean.getInput().getDefiningOp<MulOp>();
        sq && sq.getLhs() == sq.getRhs())
      x = sq.getLhs();
    else if (auto pow = mean.getInput().getDefiningOp<PowOp>();
             pow && isSplat(pow.getRhs(), 2.0))
      x = pow.getLhs();
    if (!x || !mean.getKeepdims() || !mean->hasOneUse())
      return failure();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes;
    for (int64_t a : mean.getAxes())
      axes.push_back(a < 0 ? a + rank : a);
    llvm::sort(axes);
    if (axes.empty() || axes.back() != rank - 1 ||
        axes.back() - axes.front() + 1 != static_cast<int64_t>(axes.size()) ||
        !type.hasStaticShape())
      return failure();
    auto add = dyn_cast<AddOp>(*mean->user_begin());
    if (!add || !add->hasOneUse())
      return failure();
    Value epsValue = add.getLhs() == mean.getResult() ? add.getRhs() : add.getLhs();
    std::optional<double> eps = splatValue(epsValue);
    if (!eps || *eps < 0)
      return failure();
    Operation *user = *add->user_begin();
    Operation *root = nullptr;
    if (auto rsqrt = dyn_cast<RsqrtOp>(user); rsqrt && rsqrt->hasOneUse()) {
      auto mul = dyn_cast<MulOp>(*rsqrt->user_begin());
      if (mul && (mul.getLhs() == x || mul.getRhs() == x))
        root = mul;
    } else if (auto sqrt = dyn_cast<SqrtOp>(user); sqrt && sqrt->hasOneUse()) {
      Operation *next = *sqrt->user_begin();
      if (auto div = dyn_cast<DivOp>(next); div && div.getLhs() == x)
        root = div;
      auto reciprocal = dyn_cast<ReciprocalOp>(next);
      if (reciprocal && reciprocal->hasOneUse()) {
        auto mul = dyn_cast<MulOp>(*reciprocal->user_begin());
        if (mul && (mul.getLhs() == x || mul.getRhs() == x))
          root = mul;
      }
    }
    if (!root || root->getResult(0).getType() != type)
      return failure();
    SmallVector<int64_t> normalised(type.getShape().drop_front(axes.front()));
    auto scaleType = RankedTensorType::get(normalised, type.getElementType());
    rewriter.setInsertionPoint(root);
    auto ones = ConstantOp::create(
        rewriter, root->getLoc(),
        DenseElementsAttr::get(scaleType,
                               rewriter.getFloatAttr(type.getElementType(), 1.0)));
    rewriter.replaceOpWithNewOp<RMSNormOp>(
        root, x, ones, rewriter.getI64IntegerAttr(axes.front()),
        rewriter.getF64FloatAttr(*eps));
    return success();
  }
};

/// True if every window of `pool` covers at least one element of its input
/// along both spatial axes, so that padding never decides a whole window (a
/// window of padding alone would be -inf before the relu and 0 after it).
bool everyWindowReadsInput(MaxPool2DOp pool) {
  ArrayRef<int64_t> in = cast<RankedTensorType>(pool.getInput().getType())
                             .getShape();
  ArrayRef<int64_t> out = pool.getType().getShape();
  ArrayRef<int64_t> kernel = pool.getKernel(), strides = pool.getStrides(),
                    pads = pool.getPads(), dilations = pool.getDilations();
  for (int axis = 0; axis < 2; ++axis) {
    int64_t size = in[2 + axis];
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(out[2 + axis]))
      return false;
    for (int64_t o = 0; o < out[2 + axis]; ++o) {
      int64_t start = o * strides[axis] - pads[axis];
      bool reads = false;
      for (int64_t k = 0; k < kernel[axis] && !reads; ++k) {
        int64_t i = start + k * dilations[axis];
        reads = i >= 0 && i < size;
      }
      if (!reads)
        return false;
    }
  }
  return true;
}

/// max_pool2d(relu(x)) -> relu(max_pool2d(x)) when the relu has no other use.
struct PoolBeforeRelu : OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MaxPool2DOp pool,
                                PatternRewriter &rewriter) const override {
    auto relu = pool.getInput().getDefiningOp<ReluOp>();
    if (!relu || !relu->hasOneUse())
      return rewriter.notifyMatchFailure(pool, "input is not a relu of one use");
    if (!everyWindowReadsInput(pool))
      return rewriter.notifyMatchFailure(pool, "a window reads only padding");
    auto pooled = MaxPool2DOp::create(
        rewriter, pool.getLoc(), pool.getType(), relu.getOperand(),
        pool.getKernelAttr(), pool.getStridesAttr(), pool.getPadsAttr(),
        pool.getDilationsAttr(), pool.getCeilModeAttr());
    pooled->setDiscardableAttrs(pool->getDiscardableAttrDictionary());
    rewriter.replaceOpWithNewOp<ReluOp>(pool, pool.getType(), pooled);
    rewriter.eraseOp(relu);
    return success();
  }
};

struct RecognizePatternsPass
    : public rong::impl::RongRecognizePatternsBase<RecognizePatternsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RecognizeSoftmax, RecognizeLogSoftmax, RecognizeGelu,
                 RecognizeRMSNorm, PoolBeforeRelu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
