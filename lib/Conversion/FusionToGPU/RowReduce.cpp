//===- RowReduce.cpp - Reducing a row's partial values across threads -----===//
//
// This file implements the cross-thread reduction of the row strategy. A
// butterfly of `gpu.shuffle xor` over the subgroup leaves the subgroup's
// result in every lane. With several subgroups per row, lane 0 of each writes
// its result to shared memory, one barrier publishes them, and every
// subgroup reads all of them back (lane i reads slot i mod #subgroups) and
// runs a short butterfly over them: every thread ends with the row's value
// without a second barrier.
//
//===----------------------------------------------------------------------===//

#include "RowReduce.h"
#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

Value RowThreads::scratchFor(Type type) const {
  for (Value buffer : scratch)
    if (cast<MemRefType>(buffer.getType()).getElementType() == type)
      return buffer;
  llvm_unreachable("no scratch buffer for this element type");
}

/// True for i32/i64 compute values (scalars or vectors).
static bool isIntegerCompute(Type type) {
  Type element = getElementTypeOrSelf(type);
  return isa<IntegerType>(element) && !element.isInteger(1);
}

/// The identity of `kind` on integers of `type`: the extreme values for max
/// and min.
static Value integerIdentity(OpBuilder &b, Location loc, ReduceKind kind,
                             Type type) {
  unsigned bits = getElementTypeOrSelf(type).getIntOrFloatBitWidth();
  APInt value(bits, 0);
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean:
    break;
  case ReduceKind::Max:
  case ReduceKind::ArgMax:
    value = APInt::getSignedMinValue(bits);
    break;
  case ReduceKind::Min:
    value = APInt::getSignedMaxValue(bits);
    break;
  case ReduceKind::Prod:
    value = APInt(bits, 1);
    break;
  }
  auto scalar = b.getIntegerAttr(getElementTypeOrSelf(type), value);
  if (auto vectorType = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, scalar.getValue()));
  return arith::ConstantOp::create(b, loc, scalar);
}

Value gpu_codegen::reductionIdentity(OpBuilder &b, Location loc,
                                     ReduceKind kind, Type type) {
  if (isIntegerCompute(type))
    return integerIdentity(b, loc, kind, type);
  double inf = std::numeric_limits<double>::infinity();
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean:
    return createConstant(b, loc, type, 0.0);
  case ReduceKind::Max:
  case ReduceKind::ArgMax:
    return createConstant(b, loc, type, -inf);
  case ReduceKind::Min:
    return createConstant(b, loc, type, inf);
  case ReduceKind::Prod:
    return createConstant(b, loc, type, 1.0);
  }
  llvm_unreachable("unknown reduction kind");
}

Value gpu_codegen::combinePartials(OpBuilder &b, Location loc, ReduceKind kind,
                                   Value lhs, Value rhs) {
  if (isIntegerCompute(lhs.getType())) {
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      return arith::AddIOp::create(b, loc, lhs, rhs);
    case ReduceKind::Max:
      return arith::MaxSIOp::create(b, loc, lhs, rhs);
    case ReduceKind::Min:
      return arith::MinSIOp::create(b, loc, lhs, rhs);
    case ReduceKind::Prod:
      return arith::MulIOp::create(b, loc, lhs, rhs);
    case ReduceKind::ArgMax:
      llvm_unreachable("argmax combines (value, index) pairs");
    }
    llvm_unreachable("unknown reduction kind");
  }
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean:
    return arith::AddFOp::create(b, loc, lhs, rhs);
  case ReduceKind::Max:
    return arith::MaximumFOp::create(b, loc, lhs, rhs);
  case ReduceKind::Min:
    return arith::MinimumFOp::create(b, loc, lhs, rhs);
  case ReduceKind::Prod:
    return arith::MulFOp::create(b, loc, lhs, rhs);
  case ReduceKind::ArgMax:
    llvm_unreachable("argmax combines (value, index) pairs");
  }
  llvm_unreachable("unknown reduction kind");
}

Value gpu_codegen::reduceVector(OpBuilder &b, Location loc, ReduceKind kind,
                                Value vector) {
  if (!isa<VectorType>(vector.getType()))
    return vector;
  bool integer = isIntegerCompute(vector.getType());
  vector::CombiningKind combining = vector::CombiningKind::ADD;
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Mean:
    combining = vector::CombiningKind::ADD;
    break;
  case ReduceKind::Max:
    combining = integer ? vector::CombiningKind::MAXSI
                        : vector::CombiningKind::MAXIMUMF;
    break;
  case ReduceKind::Min:
    combining = integer ? vector::CombiningKind::MINSI
                        : vector::CombiningKind::MINIMUMF;
    break;
  case ReduceKind::Prod:
    combining = vector::CombiningKind::MUL;
    break;
  case ReduceKind::ArgMax:
    llvm_unreachable("argmax reduces (value, index) pairs");
  }
  // A float sum may fold its lanes as a tree (three dependent adds for 8
  // lanes instead of the seven of an ordered reduction), which a CPU row
  // pays once per row and pass; the order stays fixed for a given target.
  auto reduction =
      vector::ReductionOp::create(b, loc, combining, vector);
  if (!integer && combining == vector::CombiningKind::ADD)
    reduction.setFastmath(arith::FastMathFlags::reassoc);
  return reduction;
}

/// Butterfly over groups of `span` lanes of a `width`-lane subgroup.
static SmallVector<Value> butterfly(OpBuilder &b, Location loc,
                                    SmallVector<Value> values, int64_t span,
                                    int64_t width, TupleCombine combine) {
  for (int64_t offset = span / 2; offset >= 1; offset /= 2) {
    SmallVector<Value> other;
    for (Value value : values)
      other.push_back(gpu::ShuffleOp::create(b, loc, value,
                                             static_cast<int32_t>(offset),
                                             static_cast<int32_t>(width),
                                             gpu::ShuffleMode::XOR)
                          .getShuffleResult());
    values = combine(values, other);
  }
  return values;
}

SmallVector<Value> gpu_codegen::reduceTupleAcrossRow(
    OpBuilder &b, Location loc, const RowThreads &threads,
    ArrayRef<Value> partials, TupleCombine combine, int64_t firstSlot) {
  int64_t sg = threads.subgroupSize;
  // Rows narrower than a subgroup reduce within their own lanes: the xor
  // offsets below threadsPerRow never leave them.
  SmallVector<Value> values =
      butterfly(b, loc, llvm::to_vector(partials),
                std::min(threads.threadsPerRow, sg), sg, combine);
  if (threads.threadsPerRow <= sg)
    return values;

  int64_t numSubgroups = threads.threadsPerRow / sg;
  Value sgConst = indexConstant(b, loc, sg);
  Value laneInSubgroup = arith::RemUIOp::create(b, loc, threads.lane, sgConst);
  Value subgroup = arith::DivUIOp::create(b, loc, threads.lane, sgConst);
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, laneInSubgroup,
                            indexConstant(b, loc, 0));
  auto slotIndex = [&](int64_t slot, Value within) -> Value {
    return arith::AddIOp::create(
        b, loc, indexConstant(b, loc, (firstSlot + slot) * numSubgroups),
        within);
  };
  {
    auto guard = scf::IfOp::create(b, loc, isLeader, /*withElse=*/false);
    OpBuilder::InsertionGuard ig(b);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());
    for (auto [i, value] : llvm::enumerate(values))
      memref::StoreOp::create(b, loc, value,
                              threads.scratchFor(value.getType()),
                              ValueRange{slotIndex(i, subgroup)});
  }
  gpu::BarrierOp::create(b, loc);
  Value source = arith::RemUIOp::create(b, loc, laneInSubgroup,
                                        indexConstant(b, loc, numSubgroups));
  SmallVector<Value> gathered;
  for (auto [i, value] : llvm::enumerate(values))
    gathered.push_back(memref::LoadOp::create(
        b, loc, threads.scratchFor(value.getType()),
        ValueRange{slotIndex(i, source)}));
  return butterfly(b, loc, gathered, numSubgroups, sg, combine);
}

SmallVector<Value> gpu_codegen::reduceAcrossRow(OpBuilder &b, Location loc,
                                                const RowThreads &threads,
                                                ArrayRef<Value> partials,
                                                ArrayRef<ReduceKind> kinds,
                                                int64_t firstSlot) {
  auto combine = [&](ValueRange lhs, ValueRange rhs) {
    SmallVector<Value> out;
    for (auto [kind, l, r] : llvm::zip(kinds, lhs, rhs))
      out.push_back(combinePartials(b, loc, kind, l, r));
    return out;
  };
  return reduceTupleAcrossRow(b, loc, threads, partials, combine, firstSlot);
}

OnlineSoftmax gpu_codegen::mergeOnlineSoftmax(OpBuilder &b, Location loc,
                                              OnlineSoftmax lhs,
                                              OnlineSoftmax rhs) {
  Type type = lhs.max.getType();
  Value max = arith::MaximumFOp::create(b, loc, lhs.max, rhs.max);
  // exp(-inf - -inf) would be NaN: states that saw nothing but masked lanes
  // rescale against 0 instead, which gives their empty sums weight 0.
  Value negInf = createConstant(b, loc, type,
                                -std::numeric_limits<double>::infinity());
  Value empty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, max, negInf);
  Value pivot = arith::SelectOp::create(b, loc, empty,
                                        createConstant(b, loc, type, 0.0), max);
  auto scaled = [&](OnlineSoftmax s) -> Value {
    Value shift = arith::SubFOp::create(b, loc, s.max, pivot);
    return arith::MulFOp::create(b, loc, s.sum,
                                 math::ExpOp::create(b, loc, shift));
  };
  Value sum = arith::AddFOp::create(b, loc, scaled(lhs), scaled(rhs));
  return {max, sum};
}

OnlineSoftmax gpu_codegen::accumulateOnlineSoftmax(OpBuilder &b, Location loc,
                                                   OnlineSoftmax state,
                                                   Value x) {
  return mergeOnlineSoftmax(
      b, loc, state, {x, createConstant(b, loc, x.getType(), 1.0)});
}

OnlineSoftmax gpu_codegen::reduceOnlineSoftmaxVector(OpBuilder &b,
                                                     Location loc,
                                                     OnlineSoftmax state) {
  auto vectorType = dyn_cast<VectorType>(state.max.getType());
  if (!vectorType)
    return state;
  Value max = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MAXIMUMF, state.max);
  Value negInf = createConstant(b, loc, max.getType(),
                                -std::numeric_limits<double>::infinity());
  Value empty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, max, negInf);
  Value pivot = arith::SelectOp::create(
      b, loc, empty, createConstant(b, loc, max.getType(), 0.0), max);
  Value shift = arith::SubFOp::create(b, loc, state.max,
                                      splatTo(b, loc, pivot, vectorType));
  Value weighted = arith::MulFOp::create(b, loc, state.sum,
                                         math::ExpOp::create(b, loc, shift));
  Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                          weighted);
  return {max, sum};
}

Value gpu_codegen::argMaxSentinel(OpBuilder &b, Location loc, Type indexType,
                                  bool selectLast) {
  APInt value =
      selectLast ? APInt::getAllOnes(64) : APInt::getSignedMaxValue(64);
  auto scalar = b.getIntegerAttr(b.getI64Type(), value);
  if (auto vectorType = dyn_cast<VectorType>(indexType))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, scalar.getValue()));
  return arith::ConstantOp::create(b, loc, scalar);
}

ArgMaxState gpu_codegen::combineArgMax(OpBuilder &b, Location loc,
                                       ArgMaxState lhs, ArgMaxState rhs,
                                       bool selectLast) {
  using IP = arith::CmpIPredicate;
  Value indexWins = arith::CmpIOp::create(
      b, loc, selectLast ? IP::sgt : IP::slt, rhs.index, lhs.index);
  Value take;
  if (isIntegerCompute(lhs.value.getType())) {
    Value greater =
        arith::CmpIOp::create(b, loc, IP::sgt, rhs.value, lhs.value);
    Value equal = arith::CmpIOp::create(b, loc, IP::eq, rhs.value, lhs.value);
    take = arith::OrIOp::create(
        b, loc, greater, arith::AndIOp::create(b, loc, equal, indexWins));
  } else {
    using FP = arith::CmpFPredicate;
    Value greater =
        arith::CmpFOp::create(b, loc, FP::OGT, rhs.value, lhs.value);
    Value equal = arith::CmpFOp::create(b, loc, FP::OEQ, rhs.value, lhs.value);
    Value rhsNaN = arith::CmpFOp::create(b, loc, FP::UNO, rhs.value, rhs.value);
    Value lhsNumber =
        arith::CmpFOp::create(b, loc, FP::ORD, lhs.value, lhs.value);
    // rhs wins: larger; equal with the winning index; NaN against a number,
    // or NaN against NaN with the winning index.
    Value tie = arith::AndIOp::create(b, loc, equal, indexWins);
    Value nan = arith::AndIOp::create(
        b, loc, rhsNaN, arith::OrIOp::create(b, loc, lhsNumber, indexWins));
    Value better = arith::OrIOp::create(b, loc, greater, tie);
    take = arith::OrIOp::create(b, loc, better, nan);
  }
  return {arith::SelectOp::create(b, loc, take, rhs.value, lhs.value),
          arith::SelectOp::create(b, loc, take, rhs.index, lhs.index)};
}

ArgMaxState gpu_codegen::reduceArgMaxVector(OpBuilder &b, Location loc,
                                            ArgMaxState state,
                                            bool selectLast) {
  auto vectorType = dyn_cast<VectorType>(state.value.getType());
  if (!vectorType)
    return state;
  auto lane = [&](int64_t i) -> ArgMaxState {
    return {vector::ExtractOp::create(b, loc, state.value, i),
            vector::ExtractOp::create(b, loc, state.index, i)};
  };
  // A tree over the lanes (combineArgMax is associative).
  SmallVector<ArgMaxState> lanes;
  for (int64_t i = 0; i < vectorType.getNumElements(); ++i)
    lanes.push_back(lane(i));
  while (lanes.size() > 1) {
    SmallVector<ArgMaxState> next;
    for (size_t i = 0; i + 1 < lanes.size(); i += 2)
      next.push_back(combineArgMax(b, loc, lanes[i], lanes[i + 1], selectLast));
    if (lanes.size() % 2)
      next.push_back(lanes.back());
    lanes = std::move(next);
  }
  return lanes.front();
}
