//===- OnnxRearrange.cpp - ONNX rearrangements as reshape/transpose -------===//
//
// This file implements the ONNX converters of ops that only rearrange
// elements and are spelled in rong as reshape, transpose and broadcast_to
// chains: DepthToSpace, SpaceToDepth (reshape -> transpose -> reshape) and
// Tile with constant repeats (reshape -> broadcast_to -> reshape, which
// copies the input once per repeat without a concat per copy).
//
//===----------------------------------------------------------------------===//

#include "OnnxNode.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::onnx_import;

static LogicalResult finish(NodeContext &ctx, Value result) {
  if (!result)
    return failure();
  ctx.setResults(result);
  return success();
}

/// Reshape -> transpose -> reshape.
static Value permuteBlocks(NodeContext &ctx, ArrayRef<int64_t> split,
                           ArrayRef<int64_t> permutation,
                           ArrayRef<int64_t> result) {
  Value blocks = ctx.reshape(ctx.input(0), split);
  Value moved = ctx.create<TransposeOp>(
      blocks, ctx.b().getDenseI64ArrayAttr(permutation));
  return ctx.reshape(moved, result);
}

/// Reads blocksize and checks that the input is N x C x H x W with static
/// C, H and W (N may be dynamic).
static FailureOr<int64_t> parseBlocks(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 1)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  if (type.getRank() != 4)
    return ctx.fail("expects an N x C x H x W input, got " + str(type));
  if (llvm::any_of(type.getShape().drop_front(),
                   [](int64_t d) { return ShapedType::isDynamic(d); }))
    return ctx.fail("C, H and W must be static, got " + str(type));
  if (!ctx.hasAttr("blocksize"))
    return ctx.fail("blocksize is required");
  int64_t block = ctx.attrInt("blocksize", 0);
  if (block < 1)
    return ctx.fail("blocksize must be >= 1, got " + Twine(block));
  return block;
}

static LogicalResult convertDepthToSpace(NodeContext &ctx) {
  FailureOr<int64_t> block = parseBlocks(ctx);
  if (failed(block))
    return failure();
  ArrayRef<int64_t> s = ctx.inputType(0).getShape();
  int64_t n = s[0], c = s[1], h = s[2], w = s[3], b = *block;
  if (c % (b * b) != 0)
    return ctx.fail("C = " + Twine(c) + " is not a multiple of blocksize^2 = " +
                    Twine(b * b));
  std::string mode = ctx.attrString("mode", "DCR");
  SmallVector<int64_t> result{n, c / (b * b), h * b, w * b};
  // DCR splits C as (b, b, C'), CRD as (C', b, b).
  if (mode == "DCR")
    return finish(ctx, permuteBlocks(ctx, {n, b, b, c / (b * b), h, w},
                                     {0, 3, 4, 1, 5, 2}, result));
  if (mode == "CRD")
    return finish(ctx, permuteBlocks(ctx, {n, c / (b * b), b, b, h, w},
                                     {0, 1, 4, 2, 5, 3}, result));
  return ctx.fail("mode '" + mode + "' is not one of DCR, CRD");
}

static LogicalResult convertSpaceToDepth(NodeContext &ctx) {
  FailureOr<int64_t> block = parseBlocks(ctx);
  if (failed(block))
    return failure();
  ArrayRef<int64_t> s = ctx.inputType(0).getShape();
  int64_t n = s[0], c = s[1], h = s[2], w = s[3], b = *block;
  if (h % b != 0 || w % b != 0)
    return ctx.fail("H = " + Twine(h) + " and W = " + Twine(w) +
                    " must be multiples of blocksize " + Twine(b));
  std::string mode = ctx.attrString("mode", "DCR");
  SmallVector<int64_t> result{n, c * b * b, h / b, w / b};
  // DCR orders the new channels as (b, b, C), CRD as (C, b, b).
  if (mode == "DCR")
    return finish(ctx, permuteBlocks(ctx, {n, c, h / b, b, w / b, b},
                                     {0, 3, 5, 1, 2, 4}, result));
  if (mode == "CRD")
    return finish(ctx, permuteBlocks(ctx, {n, c, h / b, b, w / b, b},
                                     {0, 1, 3, 5, 2, 4}, result));
  return ctx.fail("mode '" + mode + "' is not one of DCR, CRD");
}

/// Tile: x of shape [d0, d1, ...] becomes [1, d0, 1, d1, ...], broadcasts to
/// [r0, d0, r1, d1, ...] and reshapes to [r0 * d0, r1 * d1, ...].
static LogicalResult convertTile(NodeContext &ctx) {
  if (failed(requireInputs(ctx, 2)))
    return failure();
  RankedTensorType type = ctx.inputType(0);
  std::optional<SmallVector<int64_t>> repeats = ctx.constantInts(1);
  if (!repeats)
    return ctx.fail("repeats must be a compile-time constant integer tensor");
  if (static_cast<int64_t>(repeats->size()) != type.getRank())
    return ctx.fail("repeats has " + Twine(repeats->size()) +
                    " entries for an input of rank " + Twine(type.getRank()));
  if (!type.hasStaticShape())
    return ctx.fail("the input shape must be static, got " + str(type));
  SmallVector<int64_t> split, broadcast, result;
  for (auto [size, times] : llvm::zip(type.getShape(), *repeats)) {
    if (times < 0)
      return ctx.fail("repeats must be >= 0, got " + str(*repeats));
    split.append({1, size});
    broadcast.append({times, size});
    result.push_back(times * size);
  }
  Value spread = ctx.create<BroadcastToOp>(
      ctx.reshape(ctx.input(0), split),
      ctx.b().getDenseI64ArrayAttr(broadcast));
  return finish(ctx, ctx.reshape(spread, result));
}

void onnx_import::addRearrangeConverters(llvm::StringMap<Converter> &table) {
  table["DepthToSpace"] = convertDepthToSpace;
  table["SpaceToDepth"] = convertSpaceToDepth;
  table["Tile"] = convertTile;
}
