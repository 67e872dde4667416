//===- SplitReductions.cpp - Reductions spread over the whole target ------===//
//
// This file implements rong-split-reductions. A reduction kernel runs one
// thread (CPU) or one block (GPU) per row, and one thread or block per few
// neighbouring columns. A reduction with few rows or few columns therefore
// occupies part of the target: the mean of a whole tensor (a training
// loss) is one row, one core of the CPU and one SM of an H100; a bias
// gradient of 16384 x 768 floats is 96 column blocks for 132 SMs. Such a
// reduction is split in two: the reduced extent is cut into P equal
// pieces, each reduced by a worker of its own, and a second, small
// reduction folds the P partial results:
//
//   reduce_mean %x axes = [0, 1]        reshape %x -> 512x8x4096
//     (4096x4096 -> f32)          ==>   reduce_mean axes = [1, 2] keepdims
//                                         -> 512x1x1 (512 rows)
//                                       reduce_mean axes = [0] keepdims
//                                         -> 1x1x1 (one row of 512)
//                                       reshape -> f32
//
// The pieces are cut from one reduced axis: axis k of the reduced run
// [a, b) becomes (g, d_k / g), and the pieces are the reduced axes before
// k times g. Splitting one axis in two keeps every broadcast valid, so the
// view is moved up through the single-use elementwise ops that compute the
// reduction's input (each is rebuilt over the split shape): they stay in
// the first reduction's kernel, and only the values they read are viewed.
// Where a whole leading reduced axis supplies the pieces (g = 1) no view
// is needed at all.
//
// Sum, max, min and product compose exactly this way (floats up to
// rounding: the pieces are summed in a different order, which is what
// pairwise summation does too); a float mean is the mean of its pieces'
// means, which all cover the same number of elements. Half-precision
// sums, means and products keep their partial results in f32, so the value
// is rounded once, as by one reduction. Integer means (the
// division truncates), argmax and the row ops (softmax, norms) are not
// split.
//
// When: a reduction has fewer workers than four per processor of the target
// (TargetDescriptor::numProcessors), counting one per row and, for columns,
// one per kWorkerBytes of a row (the 32-byte row segment of a GPU column
// block at its narrowest, the 256 bytes a CPU column thread reads per row),
// and each of at least kMinPieces pieces would still read 32 KiB (GPUs) or
// 2 MiB (the CPU, where starting a kernel costs more).
// These thresholds are estimates, not measurements.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/Target/TargetDescriptor.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGSPLITREDUCTIONS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Bytes of each reduced row a column worker reads: a GPU column block's
/// row segment at its narrowest, a CPU column thread's run of cache lines.
constexpr int64_t kGpuWorkerBytes = 32;
constexpr int64_t kCpuWorkerBytes = 256;
/// Least data a piece reads, and fewest pieces worth a second kernel. On
/// the CPU a kernel's start costs several microseconds (the thread pool
/// wakes its workers), and data in cache gains little from a second core:
/// measured at 2 threads on the 2-core VM, a sum of 1 MiB took 0.018 ms
/// unsplit and 0.028 ms in 4 pieces, 4 MiB 0.070 and 0.074 ms in 8,
/// 16 MiB 0.29 and 0.16 ms in 8.
constexpr int64_t kGpuMinPieceBytes = 32 * 1024;
constexpr int64_t kCpuMinPieceBytes = 2 * 1024 * 1024;
constexpr int64_t kMinPieces = 4;

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// How a reduction is cut: axis `axis` of the input becomes
/// (`factor`, d / `factor`); `factor` 1 cuts before `axis` (no view).
struct Split {
  int64_t axis = 0;
  int64_t factor = 1;
  int64_t pieces = 0;
};

/// The split of reducing the contiguous axes [first, end) of `shape`, or
/// none (see the file comment).
std::optional<Split> chooseSplit(ArrayRef<int64_t> shape, int64_t first,
                                 int64_t end, int64_t elementBytes,
                                 const TargetDescriptor &target) {
  int64_t lead = product(shape.take_front(first));
  int64_t length = product(shape.slice(first, end - first));
  int64_t inner = product(shape.drop_front(end));
  int64_t workerBytes = target.isGPU() ? kGpuWorkerBytes : kCpuWorkerBytes;
  int64_t minPieceBytes =
      target.isGPU() ? kGpuMinPieceBytes : kCpuMinPieceBytes;
  bool columns = inner > 1;
  int64_t workers =
      columns ? lead * llvm::divideCeil(inner * elementBytes, workerBytes)
              : lead;
  int64_t wanted = 4 * static_cast<int64_t>(target.numProcessors);
  if (workers >= wanted)
    return std::nullopt;
  // Bytes a worker reads per reduced position: its row segment.
  int64_t unitBytes =
      columns ? std::min(workerBytes, inner * elementBytes) : elementBytes;
  int64_t maxPieces =
      std::min<int64_t>(llvm::divideCeil(wanted, workers),
                        length * unitBytes / minPieceBytes);
  if (maxPieces < kMinPieces)
    return std::nullopt;
  // The most pieces up to maxPieces: the reduced axes before `axis` times a
  // divisor of that axis.
  std::optional<Split> best;
  int64_t before = 1;
  for (int64_t axis = first; axis < end && before <= maxPieces; ++axis) {
    int64_t dim = shape[axis];
    for (int64_t g = 1; g < dim && before * g <= maxPieces; ++g) {
      if (dim % g != 0 || before * g < 2)
        continue;
      if (!best || before * g > best->pieces)
        best = Split{axis, g, before * g};
    }
    before *= dim;
  }
  return best;
}

/// `shape` with axis `axis` (counted from the end as `fromEnd`) cut into
/// (factor, d / factor); a size-1 axis becomes (1, 1), and a shape without
/// that axis (NumPy broadcasting aligns trailing axes) is unchanged.
std::optional<SmallVector<int64_t>> splitShape(ArrayRef<int64_t> shape,
                                               int64_t fromEnd,
                                               int64_t factor) {
  int64_t axis = static_cast<int64_t>(shape.size()) - 1 - fromEnd;
  if (axis < 0)
    return std::nullopt;
  SmallVector<int64_t> split(shape.take_front(axis));
  if (shape[axis] == 1) {
    split.append({1, 1});
  } else {
    split.push_back(factor);
    split.push_back(shape[axis] / factor);
  }
  llvm::append_range(split, shape.drop_front(axis + 1));
  return split;
}

/// Elementwise ops whose rebuilt copy over a split shape computes the same
/// values: one result, no attribute that names an axis.
bool isSplittableElementwise(Operation *op) {
  return op && op->getNumResults() == 1 &&
         (op->hasTrait<OpTrait::Elementwise>() ||
          op->hasTrait<OpTrait::rong::BroadcastElementwise>());
}

/// Rebuilds values over the split shape, each once.
struct SplitBuilder {
  SplitBuilder(OpBuilder &builder, int64_t fromEnd, int64_t factor)
      : builder(builder), fromEnd(fromEnd), factor(factor) {}

  OpBuilder &builder;
  int64_t fromEnd;
  int64_t factor;
  DenseMap<Value, Value> done;

  /// `value` over the split shape. An elementwise producer whose only user
  /// is `user` (being rebuilt, or the reduction) is rebuilt over the split
  /// shape of its operands, so it stays in the reduction's kernel; anything
  /// else is viewed by a reshape.
  Value get(Value value, Operation *user) {
    if (Value split = done.lookup(value))
      return split;
    auto type = cast<RankedTensorType>(value.getType());
    std::optional<SmallVector<int64_t>> shape =
        splitShape(type.getShape(), fromEnd, factor);
    if (!shape)
      return value;
    Operation *def = value.getDefiningOp();
    Value split;
    if (isSplittableElementwise(def) &&
        llvm::all_of(value.getUsers(),
                     [&](Operation *u) { return u == user; }) &&
        llvm::all_of(def->getOperandTypes(),
                     llvm::IsaPred<RankedTensorType>)) {
      SmallVector<Value> operands;
      for (Value operand : def->getOperands())
        operands.push_back(get(operand, def));
      Operation *copy = builder.clone(*def);
      copy->setOperands(operands);
      copy->getResult(0).setType(type.clone(*shape));
      split = copy->getResult(0);
    } else {
      split = ReshapeOp::create(builder, value.getLoc(), value,
                                builder.getDenseI64ArrayAttr(*shape));
    }
    done[value] = split;
    return split;
  }
};

/// Erases `op` and, recursively, the producers it was the last user of.
void eraseDeadTree(Operation *op) {
  SmallVector<Operation *> producers;
  for (Value operand : op->getOperands())
    if (Operation *def = operand.getDefiningOp())
      producers.push_back(def);
  op->erase();
  for (Operation *def : producers)
    if (def->use_empty() && isSplittableElementwise(def))
      eraseDeadTree(def);
}

/// Splits `op` if the target needs it; returns whether it did.
template <typename OpTy>
bool splitReduction(OpTy op, const TargetDescriptor &target) {
  auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
      type.getNumElements() == 0)
    return false;
  Type element = type.getElementType();
  bool isFloat = isa<FloatType>(element);
  if (!isFloat && !element.isSignlessInteger())
    return false;
  if (std::is_same_v<OpTy, ReduceMeanOp> && !isFloat)
    return false;
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes())
    axes.push_back(a < 0 ? a + rank : a);
  if (axes.empty())
    for (int64_t a = 0; a < rank; ++a)
      axes.push_back(a);
  llvm::sort(axes);
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return false;
  int64_t first = axes.front(), end = axes.back() + 1;
  int64_t elementBytes =
      std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
  std::optional<Split> split =
      chooseSplit(type.getShape(), first, end, elementBytes, target);
  if (!split)
    return false;

  OpBuilder builder(op);
  Location loc = op.getLoc();
  Value input = op.getInput();
  SmallVector<int64_t> pieceAxes, partAxes;
  if (split->factor == 1) {
    // Whole leading reduced axes are the pieces: no view.
    for (int64_t a = split->axis; a < end; ++a)
      pieceAxes.push_back(a);
    for (int64_t a = first; a < split->axis; ++a)
      partAxes.push_back(a);
  } else {
    SplitBuilder splitter(builder, rank - 1 - split->axis, split->factor);
    input = splitter.get(input, op);
    // In the split shape, reduced axes after `axis` move up by one.
    for (int64_t a = split->axis + 1; a <= end; ++a)
      pieceAxes.push_back(a);
    for (int64_t a = first; a <= split->axis; ++a)
      partAxes.push_back(a);
  }
  // Half-precision sums, means and products keep their partial results in
  // f32, as a single reduction keeps its accumulator, and round once at the
  // end (the casts fuse into the two kernels). Max and min are exact.
  bool widen = isFloat && element.getIntOrFloatBitWidth() < 32 &&
               !std::is_same_v<OpTy, ReduceMaxOp> &&
               !std::is_same_v<OpTy, ReduceMinOp>;
  if (widen)
    input = CastOp::create(builder, loc, input,
                           TypeAttr::get(builder.getF32Type()));
  // Columns keep their dimensions (the column strategy reads them in place
  // that way); rows drop theirs, so the second reduction is a row too.
  bool columns = product(type.getShape().drop_front(end)) > 1;
  Value partial = OpTy::create(builder, loc, input, pieceAxes, columns);
  Value total = OpTy::create(builder, loc, partial, partAxes, columns);
  if (widen)
    total = CastOp::create(builder, loc, total, TypeAttr::get(element));
  auto resultType = cast<RankedTensorType>(op.getType());
  Value result = ReshapeOp::create(
      builder, loc, total,
      builder.getDenseI64ArrayAttr(resultType.getShape()));
  op.getResult().replaceAllUsesWith(result);
  eraseDeadTree(op);
  return true;
}

struct SplitReductionsPass
    : public rong::impl::RongSplitReductionsBase<SplitReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const TargetDescriptor *descriptor = lookupTarget(target);
    if (!descriptor) {
      func.emitError() << explainUnknownTarget(target);
      return signalPassFailure();
    }
    SmallVector<Operation *> reductions;
    func.walk([&](Operation *op) {
      if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp,
              ReduceProdOp>(op))
        reductions.push_back(op);
    });
    for (Operation *op : reductions)
      (void)llvm::TypeSwitch<Operation *, bool>(op)
          .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp,
                ReduceProdOp>(
              [&](auto reduce) { return splitReduction(reduce, *descriptor); })
          .Default([](Operation *) { return false; });
  }
};

} // namespace
