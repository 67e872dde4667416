//===- LoopEvaluator.h - Values of a loop group at an index -----*- C++ -*-===//
//
// This file declares the loop strategy's evaluator: it computes a value of a
// fusion body at one position of the value's own shape by walking back
// through the index maps of the ops that produced it (transpose permutes the
// coordinates, reshape keeps the linear offset, broadcast drops coordinates,
// slice offsets and strides them, pad and concat choose by range, gather
// loads an index, pooling loops over a window) down to loads of the group's
// inputs. It also declares the checks that decide whether a group can be
// lowered this way and at which vector width.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_LOOPEVALUATOR_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_LOOPEVALUATOR_H

#include "KernelBuilder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <deque>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

namespace mlir::rong::gpu_codegen {

/// A position in a static shape, known by its row-major linear offset, by its
/// coordinates, or both; the evaluator derives the missing form on demand.
/// Points are interned by the SSA values that define them, so the same
/// position reached twice is one Point and its values are computed once.
struct Point {
  SmallVector<int64_t> shape;
  /// Null until known.
  Value linear;
  /// Empty until known (always empty for rank 0).
  SmallVector<Value> coords;

  bool hasCoords() const { return shape.empty() || !coords.empty(); }
};

/// Checks that every op of the loop group `fusion` is one the evaluator
/// lowers, with the element types it handles; emits an error naming the
/// first offending op otherwise.
LogicalResult checkLoopSupported(FusionOp fusion);

/// The widest vector width, at most `maxWidth`, at which every result of
/// `fusion` can be computed by the evaluator with `width` consecutive
/// elements per thread along the innermost axis, every input being read
/// either contiguously (aligned vector loads) or as one element splat across
/// the vector; 1 when nothing wider is possible. `vectorBytes` bounds the
/// bytes of one access.
unsigned chooseLoopWidth(FusionOp fusion, unsigned vectorBytes);

/// Emits the values of one fusion body at points, at the builder's insertion
/// point. Values inside scf.if branches and loop bodies are forgotten when
/// the region is left, so a memoised value always dominates its uses.
class LoopEvaluator {
public:
  /// `inputs` are the flattened buffers of the body's block arguments, in
  /// order.
  LoopEvaluator(OpBuilder &b, Location loc, ArrayRef<Value> inputs)
      : b(b), loc(loc), inputs(inputs), zero(indexConstant(b, loc, 0)) {}

  /// `v` at `p` (a point of `v`'s shape): `width` consecutive elements along
  /// the innermost axis starting at `p` as a vector, or one element when
  /// `width` is 1, in compute type. Vector requests must satisfy the rules
  /// chooseLoopWidth checked.
  Value evaluate(Value v, Point *p, unsigned width);

  /// The point of `shape` at linear offset `linear`.
  Point *pointAt(ArrayRef<int64_t> shape, Value linear);
  /// The point of `shape` at `coords` (one per dimension).
  Point *pointAt(ArrayRef<int64_t> shape, ArrayRef<Value> coords);

  Value linearOf(Point *p);
  ArrayRef<Value> coordsOf(Point *p);

private:
  using MemoKey = std::tuple<Value, Point *, unsigned>;
  using DerivedKey = std::tuple<Point *, const void *, unsigned>;

  Value evaluateOp(Operation *op, Point *p, unsigned width);
  /// `operand` of a broadcasting op, at the result point `p`.
  Value evaluateBroadcast(Value operand, Point *p, unsigned width);
  Value evaluateTranspose(TransposeOp op, Point *p, unsigned width);
  Value evaluateSlice(SliceOp op, Point *p, unsigned width);
  Value evaluateConcat(ConcatOp op, Point *p, unsigned width);
  Value evaluatePad(PadOp op, Point *p, unsigned width);
  Value evaluateGather(GatherOp op, Point *p, unsigned width);
  Value evaluateGatherElements(GatherElementsOp op, Point *p, unsigned width);
  /// A vector of `width` lanes of `type`'s element in compute type, lane k
  /// being the scalar `lane(k)`.
  Value fromLanes(Type type, unsigned width,
                  llvm::function_ref<Value(unsigned)> lane);
  /// `raw` (an index loaded from a tensor) as an index into an axis of
  /// `extent` entries: negative values count from the end, and the result is
  /// clamped into [0, extent) so that no index reads outside the input.
  Value clampedIndex(Value raw, int64_t extent);
  /// The lanes of the index vector `raw` clamped as clampedIndex does, as
  /// `width` index values; the clamping is done on the vector where `extent`
  /// fits the indices' type.
  SmallVector<Value> clampedLanes(Value raw, int64_t extent, unsigned width);
  /// Max and average pooling (LoopPooling.cpp).
  Value evaluatePool(Operation *op, Point *p);

  /// `scf.if cond` yielding `thenFn()` or `elseFn()` of compute type `type`;
  /// each branch is its own memoisation scope.
  Value emitIf(Value cond, Type type, llvm::function_ref<Value()> thenFn,
               llvm::function_ref<Value()> elseFn);

  /// Opens and closes a memoisation scope (a region's body).
  void pushScope() { undo.emplace_back(); }
  void popScope();
  /// Records how to forget an entry made in the current scope.
  void onPop(std::function<void()> fn);

  Value cst(int64_t value) { return indexConstant(b, loc, value); }
  Value addConst(Value x, int64_t c);
  Value mulConst(Value x, int64_t c);

  OpBuilder &b;
  Location loc;
  SmallVector<Value> inputs;
  /// Index 0, defined before everything the evaluator emits: the coordinate
  /// of size-1 axes and the offset of rank-0 values.
  Value zero;

  DenseMap<MemoKey, Value> memo;
  DenseMap<DerivedKey, Point *> derived;
  std::deque<Point> points;
  std::map<std::pair<std::vector<int64_t>, void *>, Point *> byLinear;
  std::map<std::pair<std::vector<int64_t>, std::vector<void *>>, Point *>
      byCoords;
  std::vector<std::vector<std::function<void()>>> undo;
};

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_LOOPEVALUATOR_H
