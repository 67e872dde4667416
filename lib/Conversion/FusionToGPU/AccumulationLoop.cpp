//===- AccumulationLoop.cpp - Loops that accumulate in blocks -------------===//
//
// This file implements the blocked walk of AccumulationLoop.h. A long walk
// of N iterations takes the largest block span S = K^m below N (K =
// kAccumulationBlock), runs N / S blocks of S iterations (each itself a
// blocked walk, from the identities) folded one by one into the running
// values, and walks the N mod S iterations left over from the running
// values. Each accumulator then adds at most about 2K values per level, and
// there are log_K N levels: a CPU thread summing a 16384-long column adds
// 32 + 32 + 16 values deep instead of 16384.
//
//===----------------------------------------------------------------------===//

#include "AccumulationLoop.h"
#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

/// `first + count * stride`.
static Value offsetIndex(OpBuilder &b, Location loc, Value first,
                         Value count, int64_t stride) {
  Value scaled = arith::MulIOp::create(b, loc, count,
                                       indexConstant(b, loc, stride));
  return arith::AddIOp::create(b, loc, first, scaled);
}

/// A counted loop from `lower` to `upper` by `stride` carrying `init`; the
/// body runs `body` with `b` set inside the loop.
static scf::ForOp
emitLoop(OpBuilder &b, Location loc, Value lower, Value upper, int64_t stride,
         ValueRange init,
         llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  return scf::ForOp::create(
      b, loc, lower, upper, indexConstant(b, loc, stride), init,
      [&](OpBuilder &inner, Location, Value index, ValueRange args) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(inner.getInsertionBlock(),
                            inner.getInsertionPoint());
        scf::YieldOp::create(b, loc, body(index, args));
      });
}

bool gpu_codegen::roundsByOrder(const RowReduction &red, bool carriesSum) {
  if (carriesSum)
    return true;
  Type compute = getComputeType(getElementTypeOrSelf(red.input.getType()), 1);
  return isa<FloatType>(compute) &&
         (red.kind == ReduceKind::Sum || red.kind == ReduceKind::Mean);
}

SmallVector<Value> gpu_codegen::emitAccumulationLoop(
    OpBuilder &b, Location loc, Value first, int64_t stride, int64_t trips,
    ValueRange init, ValueRange identities, TupleCombine merge,
    AccumulateStep step) {
  assert((identities.empty() || init.size() == identities.size()) &&
         "one identity per accumulator");
  if (trips <= 0)
    return SmallVector<Value>(init);
  if (identities.empty() || trips <= kLongestPlainWalk) {
    Value upper = offsetIndex(b, loc, first, indexConstant(b, loc, trips),
                              stride);
    return SmallVector<Value>(
        emitLoop(b, loc, first, upper, stride, init, step).getResults());
  }
  int64_t span = kAccumulationBlock;
  while (span * kAccumulationBlock < trips)
    span *= kAccumulationBlock;
  int64_t blocks = trips / span;
  scf::ForOp outer = emitLoop(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, blocks), 1,
      init, [&](Value block, ValueRange running) {
        Value start = offsetIndex(b, loc, first, block, span * stride);
        SmallVector<Value> partial =
            emitAccumulationLoop(b, loc, start, stride, span, identities,
                                 identities, merge, step);
        return merge(running, partial);
      });
  Value rest = offsetIndex(b, loc, first, indexConstant(b, loc, blocks),
                           span * stride);
  return emitAccumulationLoop(b, loc, rest, stride, trips % span,
                              outer.getResults(), identities, merge, step);
}
