//===- RowAnalysis.cpp - Per-element / per-row view of a row group --------===//
//
// This file implements the classification of a row group's values into
// per-element and per-row, and their levels (see RowAnalysis.h).
//
//===----------------------------------------------------------------------===//

#include "RowAnalysis.h"
#include "KernelBuilder.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

SmallVector<int64_t> gpu_codegen::padShape(ArrayRef<int64_t> shape,
                                           size_t rank) {
  SmallVector<int64_t> padded(rank - std::min(rank, shape.size()), 1);
  llvm::append_range(padded, shape);
  return padded;
}

static std::optional<RowReduction> matchReduction(Operation *op) {
  auto make = [&](ReduceKind kind) {
    return RowReduction{op, kind, op->getOperand(0), op->getResult(0)};
  };
  if (isa<ReduceSumOp>(op))
    return make(ReduceKind::Sum);
  if (isa<ReduceMeanOp>(op))
    return make(ReduceKind::Mean);
  if (isa<ReduceMaxOp>(op))
    return make(ReduceKind::Max);
  if (isa<ReduceMinOp>(op))
    return make(ReduceKind::Min);
  if (isa<ReduceProdOp>(op))
    return make(ReduceKind::Prod);
  if (auto argmax = dyn_cast<ArgMaxOp>(op)) {
    RowReduction red = make(ReduceKind::ArgMax);
    red.selectLast = argmax.getSelectLastIndex();
    return red;
  }
  return std::nullopt;
}

SmallVector<int64_t> RowAnalysis::alignedShape(Value v) const {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
  if (!reducedSpace.contains(v))
    return padShape(shape, iterShape.size());
  SmallVector<int64_t> aligned = padShape(shape, rowAxis);
  aligned.append(iterShape.size() - rowAxis, 1);
  return aligned;
}

unsigned gpu_codegen::chooseVectorWidth(const RowAnalysis &a, FusionOp fusion,
                                        TypeRange types, unsigned vectorBytes,
                                        unsigned &maxBytes, bool *overlapTail) {
  maxBytes = 1;
  bool anyBool = false;
  if (overlapTail)
    *overlapTail = false;
  for (Type type : types) {
    Type element = getElementTypeOrSelf(type);
    maxBytes = std::max(maxBytes, elementBytes(element));
    anyBool |= element.isInteger(1);
  }
  if (anyBool)
    return 1;
  int64_t last = a.iterShape.back();
  bool wholeRows = true;
  for (BlockArgument input : fusion.getBodyBlock().getArguments()) {
    SmallVector<int64_t> aligned = a.alignedShape(input);
    int64_t inputLast = aligned.back();
    if (inputLast != 1 && inputLast != last)
      return 1;
    ArrayRef<int64_t> rowPart = ArrayRef(aligned).drop_front(a.rowAxis);
    wholeRows &= llvm::equal(rowPart, a.rowShape()) ||
                 llvm::all_of(rowPart, [](int64_t d) { return d == 1; });
  }
  unsigned width = llvm::bit_floor(std::max(1u, vectorBytes / maxBytes));
  // Row chunks may overlap the row's end: the full width stays where every
  // operand is read as whole rows (or splat along them), so that a chunk
  // never needs a broadcast inside the row.
  if (overlapTail && width > 1 && last % width != 0 && wholeRows &&
      a.rowWidth >= width) {
    *overlapTail = a.rowWidth % width != 0;
    return width;
  }
  // The widest power of two up to the full vector that divides the last
  // axis, so that every row starts on a vector boundary: a 100-wide f32 row
  // takes 4-element vectors where 8 would not divide it.
  while (width > 1 && last % width != 0)
    width /= 2;
  return width;
}

bool gpu_codegen::storesInPass(const RowAnalysis &a, FusionOp fusion,
                               unsigned level) {
  return llvm::any_of(
      fusion.getBodyBlock().getTerminator()->getOperands(), [&](Value v) {
        return !a.perRow.contains(v) && a.level.lookup(v) == level;
      });
}

bool gpu_codegen::hasReduction(FusionOp fusion) {
  for (Operation &op : fusion.getBodyBlock())
    if (matchReduction(&op))
      return true;
  return false;
}

/// The reduced axes of a reduction, normalised and sorted.
static SmallVector<int64_t> reducedAxes(Operation *op, int64_t rank) {
  if (auto argmax = dyn_cast<ArgMaxOp>(op)) {
    int64_t axis = argmax.getAxis();
    return {axis < 0 ? axis + rank : axis};
  }
  ArrayRef<int64_t> axes = op->getAttrOfType<DenseI64ArrayAttr>("axes");
  SmallVector<int64_t> normal;
  if (axes.empty()) {
    for (int64_t a = 0; a < rank; ++a)
      normal.push_back(a);
    return normal;
  }
  for (int64_t a : axes)
    normal.push_back(a < 0 ? a + rank : a);
  llvm::sort(normal);
  return normal;
}

/// Finds the reduced-space values of a row group: the results of reductions
/// without keepdims, everything computed from them, and (backwards) the
/// inputs, constants and computations they combine with. A value in both
/// spaces (a reduced-space result broadcast back over the row, an input read
/// per row and per element) is an error.
static LogicalResult findReducedSpace(Block &body, RowAnalysis &a) {
  llvm::DenseSet<Value> &space = a.reducedSpace;
  for (Operation &op : body.without_terminator())
    if (matchReduction(&op) && !op.hasAttr("keepdims"))
      space.insert(op.getResult(0));
  // Forwards: what is computed from a reduced-space value. Backwards: what a
  // reduced-space computation combines with (its shape broadcasts to the lead
  // axes), up to the reductions. Repeat until nothing changes.
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation &op : body.without_terminator()) {
      auto inSpace = [&](Value v) { return space.contains(v); };
      if (matchReduction(&op) || (llvm::none_of(op.getResults(), inSpace) &&
                                  llvm::none_of(op.getOperands(), inSpace)))
        continue;
      for (Value v : llvm::concat<Value>(op.getResults(), op.getOperands())) {
        if (space.contains(v))
          continue;
        Operation *def = v.getDefiningOp();
        if (def && matchReduction(def))
          return op.emitError()
                 << "combines a reduction without keepdims with a reduction "
                    "that keeps its dimensions; the row strategy cannot align "
                    "them";
        space.insert(v);
        changed = true;
      }
    }
  }
  for (Value v : space)
    for (Operation *user : v.getUsers())
      if (matchReduction(user))
        return user->emitError()
               << "reduces a value that is combined with a reduction without "
                  "keepdims; only keepdims reductions can be broadcast back "
                  "over the row";
  return success();
}

FailureOr<RowAnalysis> gpu_codegen::analyzeRowGroup(FusionOp fusion) {
  Block &body = fusion.getBodyBlock();
  RowAnalysis a;

  // The first reduction fixes the row; the others must agree.
  for (Operation &op : body.without_terminator()) {
    std::optional<RowReduction> red = matchReduction(&op);
    if (!red)
      continue;
    auto type = cast<RankedTensorType>(red->input.getType());
    SmallVector<int64_t> axes = reducedAxes(&op, type.getRank());
    bool contiguous = !axes.empty();
    for (size_t i = 1; i < axes.size(); ++i)
      contiguous &= axes[i] == axes[i - 1] + 1;
    if (!contiguous)
      return op.emitError() << "'" << op.getName()
                            << "' must reduce contiguous axes of its input to "
                               "be lowered by the GPU row or column strategy";
    bool column = axes.back() != type.getRank() - 1;
    if (column && red->kind == ReduceKind::ArgMax)
      return op.emitError() << "'" << op.getName()
                            << "' must reduce the last axis; the column "
                               "strategy does not compute indices";
    if (column && !op.hasAttr("keepdims"))
      return op.emitError() << "'" << op.getName()
                            << "' reduces leading axes without keepdims; the "
                               "column strategy needs them kept";
    if (a.reductions.empty()) {
      a.iterShape.assign(type.getShape().begin(), type.getShape().end());
      a.rowAxis = axes.front();
      a.rowEnd = axes.back() + 1;
    } else if (type.getShape() != ArrayRef(a.iterShape) ||
               axes.front() != static_cast<int64_t>(a.rowAxis) ||
               axes.back() + 1 != static_cast<int64_t>(a.rowEnd)) {
      return op.emitError()
             << "'" << op.getName()
             << "' reduces a different row than the group's first reduction";
    }
    a.reductions.push_back(*red);
  }
  assert(!a.reductions.empty() && "row strategy on a group without reduction");
  for (int64_t d : a.leadShape())
    a.numRows *= d;
  for (int64_t d : a.rowShape())
    a.rowWidth *= d;
  for (int64_t d : a.innerShape())
    a.innerWidth *= d;
  size_t rank = a.iterShape.size();
  if (failed(findReducedSpace(body, a)))
    return failure();

  // Classify one non-reduction value by its shape.
  auto classify = [&](Value v, Operation *where) -> LogicalResult {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
    size_t alignedRank = a.reducedSpace.contains(v) ? a.rowAxis : rank;
    if (shape.size() > alignedRank)
      return where->emitError() << "value of rank " << shape.size()
                                << " outranks the row group's iteration shape";
    SmallVector<int64_t> padded = a.alignedShape(v);
    for (size_t d = 0; d < rank; ++d)
      if (padded[d] != 1 && padded[d] != a.iterShape[d])
        return where->emitError()
               << "value of type " << v.getType()
               << " does not broadcast to the row group's iteration shape";
    if (llvm::all_of(ArrayRef(padded).slice(a.rowAxis, a.rowEnd - a.rowAxis),
                     [](int64_t d) { return d == 1; }))
      a.perRow.insert(v);
    return success();
  };

  for (BlockArgument arg : body.getArguments()) {
    if (failed(classify(arg, fusion)))
      return failure();
    a.level[arg] = 0;
  }
  for (Operation &op : body.without_terminator()) {
    if (std::optional<RowReduction> red = matchReduction(&op)) {
      if (a.perRow.contains(red->input))
        return op.emitError() << "'" << op.getName()
                              << "' reduces a value that is constant along "
                                 "the row";
      a.perRow.insert(red->result);
      a.level[red->result] = a.level.lookup(red->input) + 1;
      continue;
    }
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto attr = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!attr || !attr.isSplat())
        return op.emitError()
               << "only splat constants are supported inside GPU kernels";
    } else if (failed(checkElementwiseSupported(&op))) {
      return failure();
    }
    unsigned level = 0;
    for (Value operand : op.getOperands())
      level = std::max(level, a.level.lookup(operand));
    for (Value result : op.getResults()) {
      if (failed(classify(result, &op)))
        return failure();
      a.level[result] = level;
    }
  }

  // Results: full rows, or one value per row (per column: one per lead and
  // inner position).
  for (auto [yielded, result] :
       llvm::zip(body.getTerminator()->getOperands(), fusion.getResults())) {
    auto type = cast<RankedTensorType>(result.getType());
    bool fullRow = type.getShape() == ArrayRef(a.iterShape);
    bool onePerRow = a.perRow.contains(yielded) &&
                     type.getNumElements() == a.numRows * a.innerWidth;
    if (!fullRow && !onePerRow)
      return fusion.emitError()
             << "row group result of type " << type
             << " is neither a full row nor one value per row";
    a.maxLevel = std::max(a.maxLevel, a.level.lookup(yielded));
  }
  for (const RowReduction &red : a.reductions)
    a.maxLevel = std::max(a.maxLevel, a.level.lookup(red.input));
  return a;
}
