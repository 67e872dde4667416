//===- OnnxAttention.cpp - ONNX Attention (opsets 23 to 25) ---------------===//
//
// This file converts the ONNX Attention op into rong ops: scaled Q and K,
// one batched matmul for the scores, softcap, an additive bias (the
// attention mask, causal and sliding-window frontiers, the padding of an
// external KV cache), softmax, and a second matmul with V. Grouped-query
// attention reads each KV head once: the query heads that share it are
// folded into the rows of one matmul instead of repeating K and V. The
// arithmetic follows ONNX's reference implementation step by step (the
// square root of the scale applied to Q and K each, a fully masked row
// giving zeros), so the node tests' data is matched, not just approached.
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

namespace {

/// The pieces of one Attention node, as the conversion goes.
struct Attention {
  NodeContext &ctx;
  Type element;
  int64_t batch = 0, heads = 0, kvHeads = 0, qLen = 0, kvLen = 0;
  int64_t headSize = 0, vHeadSize = 0;

  SmallVector<int64_t> shapeOf(Value v) const {
    return llvm::to_vector(cast<RankedTensorType>(v.getType()).getShape());
  }
  Value transpose(Value v, ArrayRef<int64_t> perm) {
    return ctx.create<TransposeOp>(v, ctx.b().getDenseI64ArrayAttr(perm));
  }
  Value negInf() {
    return ctx.scalar(element, -std::numeric_limits<double>::infinity());
  }
  /// 0 where `allowed`, -inf elsewhere.
  Value biasOf(Value allowed) {
    return ctx.create<WhereOp>(allowed, ctx.scalar(element, 0), negInf());
  }
  /// `a + b`, where either may be absent.
  Value addBias(Value a, Value b) {
    if (!a)
      return b;
    if (!b)
      return a;
    return ctx.create<AddOp>(a, b);
  }

  /// A 3-D [B, S, heads * size] input as [B, heads, S, size].
  Value splitHeads(Value v, int64_t numHeads, StringRef what);
  /// The additive bias of the node's masks; null when nothing is masked.
  FailureOr<Value> bias(Value nonpad);
};

} // namespace

Value Attention::splitHeads(Value v, int64_t numHeads, StringRef what) {
  SmallVector<int64_t> s = shapeOf(v);
  if (s[2] % numHeads != 0) {
    (void)ctx.fail(what + " hidden size " + Twine(s[2]) +
                   " is not a multiple of its " + Twine(numHeads) + " heads");
    return {};
  }
  Value split = ctx.reshape(v, {s[0], s[1], numHeads, s[2] / numHeads});
  return transpose(split, {0, 2, 1, 3});
}

FailureOr<Value> Attention::bias(Value nonpad) {
  Value result;
  // The attention mask: a bool mask selects, a float mask adds. A mask
  // shorter than the keys (its last axis) is padded with "masked".
  if (Value mask = ctx.input(3)) {
    auto type = cast<RankedTensorType>(mask.getType());
    bool boolean = type.getElementType().isInteger(1);
    if (!boolean && type.getElementType() != element)
      return ctx.fail("attn_mask element type " + str(type.getElementType()) +
                      " is neither bool nor Q's " + str(element));
    if (type.getRank() < 1 || type.getRank() > 4)
      return ctx.fail("attn_mask must have rank 1 to 4, got " + str(type));
    if (boolean)
      mask = biasOf(mask);
    int64_t last = type.getShape().back();
    if (last > kvLen)
      return ctx.fail("attn_mask has " + Twine(last) + " keys, more than the " +
                      Twine(kvLen) + " of K");
    if (last < kvLen) {
      SmallVector<int64_t> pads(2 * type.getRank(), 0);
      pads.back() = kvLen - last;
      mask = ctx.create<PadOp>(
          mask, ctx.b().getDenseI64ArrayAttr(pads),
          PadModeAttr::get(ctx.b().getContext(), PadMode::constant),
          ctx.b().getF64FloatAttr(-std::numeric_limits<double>::infinity()));
    }
    result = mask;
  }

  // Where the queries stand among the keys: past_key's length before them
  // (the same for every batch), or nonpad_kv_seqlen[b] - Sq for an external
  // cache, as [B, 1, 1, 1].
  Type i64 = ctx.b().getI64Type();
  Value offset;
  if (Value past = ctx.input(4))
    offset = ctx.scalar(i64, shapeOf(past)[2]);
  else if (nonpad)
    offset = ctx.reshape(ctx.create<SubOp>(nonpad, ctx.scalar(i64, qLen)),
                         {batch, 1, 1, 1});
  else
    offset = ctx.scalar(i64, 0);
  // t[i, j] = j - i; key j is causal for query i when t <= offset.
  SmallVector<int64_t> t;
  for (int64_t i = 0; i < qLen; ++i)
    for (int64_t j = 0; j < kvLen; ++j)
      t.push_back(j - i);
  Value keyMinusQuery =
      ctx.constant(RankedTensorType::get({qLen, kvLen}, i64), t);

  if (ctx.attrInt("is_causal", 0) != 0)
    result = addBias(result, biasOf(ctx.create<LeOp>(keyMinusQuery, offset)));
  int64_t left = ctx.attrInt("left_window_size", -1);
  int64_t right = ctx.attrInt("right_window_size", -1);
  if (left < -1 || right < -1)
    return ctx.fail("window sizes must be -1 or nonnegative, got " +
                    Twine(left) + " and " + Twine(right));
  // A window keeps keys with offset - left <= t <= offset + right.
  if (left >= 0)
    result = addBias(result, biasOf(ctx.create<GeOp>(
                                 keyMinusQuery,
                                 ctx.create<SubOp>(offset,
                                                   ctx.scalar(i64, left)))));
  if (right >= 0)
    result = addBias(result, biasOf(ctx.create<LeOp>(
                                 keyMinusQuery,
                                 ctx.create<AddOp>(offset,
                                                   ctx.scalar(i64, right)))));
  // Keys past nonpad_kv_seqlen[b] are padding.
  if (nonpad) {
    SmallVector<int64_t> keys = llvm::to_vector(llvm::seq<int64_t>(0, kvLen));
    Value index = ctx.constant(RankedTensorType::get({kvLen}, i64), keys);
    result = addBias(result,
                     biasOf(ctx.create<LtOp>(
                         index, ctx.reshape(nonpad, {batch, 1, 1, 1}))));
  }
  if (ctx.hadError())
    return failure();
  return result;
}

/// False when `bias` is a constant with a finite entry in every row (its
/// last axis): no row then needs the fully-masked guard.
static bool mayMaskWholeRow(Value bias) {
  auto constant = bias.getDefiningOp<ConstantOp>();
  auto values =
      constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
  if (!values || !isa<FloatType>(values.getElementType()))
    return true;
  auto type = cast<RankedTensorType>(values.getType());
  int64_t row = type.getRank() == 0 ? 1 : type.getShape().back();
  int64_t count = 0;
  bool finite = false;
  for (APFloat x : values.getValues<APFloat>()) {
    finite |= !(x.isInfinity() && x.isNegative());
    if (++count % row == 0) {
      if (!finite)
        return true;
      finite = false;
    }
  }
  return false;
}

static LogicalResult convertAttention(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 3)) ||
      failed(requireElementType(ctx, ctx.input(0), "Q", /*floatOnly=*/true)))
    return failure();
  Value q = ctx.input(0), k = ctx.input(1), v = ctx.input(2);
  const char *names[] = {"Q", "K", "V"};
  int64_t rank = ctx.inputType(0).getRank();
  Type element = ctx.inputType(0).getElementType();
  for (int i = 0; i < 3; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (!type.hasStaticShape())
      return ctx.fail(Twine(names[i]) + " needs a static shape, got " +
                      str(type));
    if (type.getRank() != rank || (rank != 3 && rank != 4))
      return ctx.fail("Q, K and V must all be 3-D or all 4-D, got " +
                      str(ctx.inputType(0)) + ", " + str(ctx.inputType(1)) +
                      " and " + str(ctx.inputType(2)));
    if (type.getElementType() != element)
      return ctx.fail(Twine(names[i]) + " element type " +
                      str(type.getElementType()) + " differs from Q's " +
                      str(element));
  }
  Attention at{ctx, element};
  if (rank == 3) {
    int64_t qHeads = ctx.attrInt("q_num_heads", 0);
    int64_t kvHeads = ctx.attrInt("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return ctx.fail("3-D Q, K and V need q_num_heads and kv_num_heads");
    q = at.splitHeads(q, qHeads, "Q");
    k = q ? at.splitHeads(k, kvHeads, "K") : Value();
    v = k ? at.splitHeads(v, kvHeads, "V") : Value();
    if (!v)
      return failure();
  }

  // The KV cache: past entries come first.
  Value pastKey = ctx.input(4), pastValue = ctx.input(5);
  Value nonpad = ctx.numInputs() > 6 ? ctx.input(6) : Value();
  if (!pastKey != !pastValue)
    return ctx.fail("past_key and past_value must be given together");
  if (nonpad && pastKey)
    return ctx.fail("nonpad_kv_seqlen cannot be combined with past_key");
  if (pastKey) {
    k = ctx.create<ConcatOp>(ValueRange{pastKey, k}, 2);
    v = ctx.create<ConcatOp>(ValueRange{pastValue, v}, 2);
    if (!k || !v)
      return failure();
  }
  SmallVector<int64_t> qs = at.shapeOf(q), ks = at.shapeOf(k),
                       vs = at.shapeOf(v);
  at.batch = qs[0];
  at.heads = qs[1];
  at.qLen = qs[2];
  at.headSize = qs[3];
  at.kvHeads = ks[1];
  at.kvLen = ks[2];
  at.vHeadSize = vs[3];
  if (ks[0] != at.batch || vs[0] != at.batch || vs[1] != at.kvHeads ||
      vs[2] != at.kvLen || ks[3] != at.headSize)
    return ctx.fail("K " + str(ks) + " and V " + str(vs) +
                    " do not fit Q " + str(qs) +
                    " (batch, heads, sequence, head size)");
  if (at.heads % at.kvHeads != 0)
    return ctx.fail(Twine(at.heads) + " query heads are not a multiple of " +
                    Twine(at.kvHeads) + " KV heads");
  if (nonpad) {
    auto type = cast<RankedTensorType>(nonpad.getType());
    if (!type.getElementType().isInteger(64) || type.getRank() != 1 ||
        type.getDimSize(0) != at.batch)
      return ctx.fail("nonpad_kv_seqlen must be int64 [" + Twine(at.batch) +
                      "], got " + str(type));
  }

  // Scores: (Q * sqrt(scale)) (K * sqrt(scale))^T, the query heads sharing
  // a KV head folded into its rows.
  double scale = ctx.hasAttr("scale")
                     ? ctx.attrFloat("scale", 1.0)
                     : 1.0 / std::sqrt(static_cast<double>(at.headSize));
  Value factor = ctx.scalar(element, std::sqrt(scale));
  int64_t group = at.heads / at.kvHeads;
  Value rows =
      ctx.reshape(ctx.create<MulOp>(q, factor),
                  {at.batch, at.kvHeads, group * at.qLen, at.headSize});
  Value keys = at.transpose(ctx.create<MulOp>(k, factor), {0, 1, 3, 2});
  Value scores =
      ctx.reshape(ctx.create<MatMulOp>(rows, keys, /*bias=*/Value()),
                  {at.batch, at.heads, at.qLen, at.kvLen});
  if (!scores)
    return failure();
  double softcap = ctx.attrFloat("softcap", 0.0);
  if (softcap > 0) {
    Value cap = ctx.scalar(element, softcap);
    scores = ctx.create<MulOp>(
        ctx.create<TanhOp>(ctx.create<DivOp>(scores, cap)), cap);
  }

  FailureOr<Value> bias = at.bias(nonpad);
  if (failed(bias))
    return failure();
  Value biased = at.addBias(scores, *bias);
  int64_t mode = ctx.attrInt("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return ctx.fail("qk_matmul_output_mode " + Twine(mode) +
                    " is not 0, 1, 2 or 3");
  // Modes 0 and 1 give the (softcapped) scores, as the reference does.
  Value qkOutput = mode == 2 ? biased : scores;

  Value logits = biased;
  if (ctx.hasAttr("softmax_precision")) {
    Type precision = convertElementType(
        ctx.attrInt("softmax_precision", 0), ctx.b().getContext());
    if (!precision || !isa<FloatType>(precision))
      return ctx.fail("softmax_precision " +
                      Twine(ctx.attrInt("softmax_precision", 0)) +
                      " is not a float type Rong supports");
    if (precision != element)
      logits = ctx.create<CastOp>(logits, TypeAttr::get(precision));
  }
  Value probs = ctx.create<SoftmaxOp>(logits, ctx.b().getI64IntegerAttr(-1));
  // A row whose bias masks every key attends to nothing: zeros.
  if (*bias && mayMaskWholeRow(*bias)) {
    Value rowMax = ctx.create<ReduceMaxOp>(
        *bias,
        ctx.b().getDenseI64ArrayAttr(
            {static_cast<int64_t>(at.shapeOf(*bias).size()) - 1}),
        ctx.b().getUnitAttr());
    Value masked = ctx.create<EqOp>(rowMax, at.negInf());
    Type probType = cast<RankedTensorType>(probs.getType()).getElementType();
    probs = ctx.create<WhereOp>(masked, ctx.scalar(probType, 0), probs);
  }
  if (mode == 3)
    qkOutput = probs;
  auto toElement = [&](Value x) {
    if (!x || cast<RankedTensorType>(x.getType()).getElementType() == element)
      return x;
    return ctx.create<CastOp>(x, TypeAttr::get(element));
  };
  probs = toElement(probs);
  qkOutput = toElement(qkOutput);

  Value out = ctx.create<MatMulOp>(
      ctx.reshape(probs, {at.batch, at.kvHeads, group * at.qLen, at.kvLen}), v,
      /*bias=*/Value());
  out = ctx.reshape(out, {at.batch, at.heads, at.qLen, at.vHeadSize});
  if (rank == 3)
    out = ctx.reshape(at.transpose(out, {0, 2, 1, 3}),
                      {at.batch, at.qLen, at.heads * at.vHeadSize});
  if (!out || ctx.hadError())
    return failure();
  ctx.setResults({out, k, v, qkOutput});
  return success();
}

void onnx_import::addAttentionConverters(llvm::StringMap<Converter> &table) {
  table["Attention"] = convertAttention;
}
