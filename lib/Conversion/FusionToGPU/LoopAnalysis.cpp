//===- LoopAnalysis.cpp - What the loop strategy can lower, how wide ------===//
//
// This file implements the loop strategy's checks: which ops and element
// types the evaluator lowers, and the vector width of a group. A thread
// computes `width` consecutive elements along the innermost axis of the
// results, starting at a multiple of `width`; every value it needs is either
// such an aligned run of its own innermost axis (a "contiguous" request,
// read with one aligned vector load) or one element splat across the vector.
// The rules below keep requests contiguous only where each op's index map
// sends an aligned run to an aligned run. Gathers whose index runs along the
// result's innermost axis (a gather along the input's innermost axis,
// gather_elements) read their indices as a vector and their data one lane at
// a time, so the rest of the group stays vectorised. Anything else (a
// transpose that moves the innermost axis, pooling, an unaligned slice)
// makes the whole group scalar.
//
//===----------------------------------------------------------------------===//

#include "LoopEvaluator.h"
#include "rong/IR/SliceGeometry.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/bit.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

/// Element types a loop group may hold.
static bool isLoopElementType(Type element) {
  return static_cast<bool>(getComputeType(element, 1));
}

LogicalResult gpu_codegen::checkLoopSupported(FusionOp fusion) {
  Block &body = fusion.getBodyBlock();
  // Unsupported ops first: they are the most useful thing to report.
  for (Operation &op : body.without_terminator()) {
    bool dataMovement =
        isa<ConstantOp, ReshapeOp, TransposeOp, BroadcastToOp, SliceOp,
            ConcatOp, PadOp, GatherOp, GatherElementsOp, MaxPool2DOp,
            AvgPool2DOp>(op);
    if (!dataMovement && failed(checkElementwiseSupported(&op)))
      return failure();
  }
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto attr = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!attr || !attr.isSplat())
        return op.emitError()
               << "only splat constants are supported inside GPU kernels";
    }
    for (Type type : llvm::concat<Type>(op.getOperandTypes(),
                                        op.getResultTypes())) {
      auto tensor = cast<RankedTensorType>(type);
      if (!tensor.hasStaticShape())
        return op.emitError() << "GPU kernels need static shapes; found "
                              << type;
      if (!isLoopElementType(tensor.getElementType()))
        return op.emitError() << "element type " << tensor.getElementType()
                              << " is not supported by the GPU kernel "
                                 "strategies (f32, f64, f16, bf16, i1 and 8- "
                                 "to 64-bit integers are)";
    }
  }
  return success();
}

namespace {

/// Decides whether every result can be computed `width` elements at a time
/// and collects the inputs read contiguously.
struct WidthCheck {
  unsigned width;
  /// Whether runs are counted along the whole linear offset instead of the
  /// innermost axis (see isLinearGroup).
  bool linear;
  llvm::SmallPtrSet<Value, 8> visited;
  SmallVector<BlockArgument> contiguousArgs;

  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }

  /// Can `v` be produced as aligned runs of `width` along its innermost
  /// axis?
  bool contiguous(Value v) {
    if (!visited.insert(v).second)
      return true;
    ArrayRef<int64_t> shape = shapeOf(v);
    if (shape.empty())
      return false;
    int64_t inner = linear ? ShapedType::getNumElements(shape) : shape.back();
    if (inner % width != 0)
      return false;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      contiguousArgs.push_back(arg);
      return true;
    }
    int64_t rank = shape.size();
    return llvm::TypeSwitch<Operation *, bool>(v.getDefiningOp())
        .Case([&](ConstantOp) { return true; })
        .Case([&](ReshapeOp op) { return contiguous(op.getInput()); })
        .Case([&](TransposeOp op) {
          return op.getPermutation().back() == rank - 1 &&
                 contiguous(op.getInput());
        })
        .Case([&](SliceOp op) {
          int64_t inner = shapeOf(op.getInput()).back();
          return op.getSteps().back() == 1 &&
                 normalizeSlice(inner, op.getStarts().back(),
                                op.getEnds().back(), 1)
                             .start %
                         width ==
                     0 &&
                 contiguous(op.getInput());
        })
        .Case([&](ConcatOp op) {
          return llvm::all_of(op.getInputs(),
                              [&](Value in) { return contiguous(in); });
        })
        .Case([&](PadOp op) {
          int64_t before = op.getPads()[rank - 1];
          int64_t after = op.getPads()[2 * rank - 1];
          bool aligned = (before == 0 && after == 0) ||
                         (op.getMode() == PadMode::constant &&
                          before % width == 0 && after % width == 0);
          return aligned && contiguous(op.getInput());
        })
        .Case([&](GatherOp op) {
          int64_t inRank = shapeOf(op.getInput()).size();
          int64_t axis = op.getAxis();
          if (axis < 0)
            axis += inRank;
          if (axis < inRank - 1)
            return contiguous(op.getInput());
          // Along the innermost axis the indices' innermost axis is the
          // result's: a vector of indices, one scalar read per lane.
          return !shapeOf(op.getIndices()).empty() &&
                 contiguous(op.getIndices());
        })
        // One index per element, read as a vector; one read per lane.
        .Case([&](GatherElementsOp op) {
          return contiguous(op.getIndices());
        })
        // Each lane loops over its own window.
        .Case<MaxPool2DOp, AvgPool2DOp>([](Operation *) { return false; })
        .Default([&](Operation *op) {
          // Elementwise: operands of the same innermost size are contiguous,
          // the others (innermost size 1, rank 0) are splat.
          return llvm::all_of(op->getOperands(), [&](Value operand) {
            ArrayRef<int64_t> s = shapeOf(operand);
            return s.empty() || s.back() == 1 || contiguous(operand);
          });
        });
  }
};

} // namespace

/// Whether every value of the group is read at the linear offset of the
/// element being computed, or is a single element: the group is elementwise
/// on operands of the result's shape or of one element, with reshapes and
/// splat constants. Such a group is one run over its linear offsets, so a
/// vector may cross rows (a 1x64x7x7 group takes 8 lanes on the CPU).
static bool isLinearGroup(FusionOp fusion) {
  auto single = [](Value v) {
    return llvm::all_of(cast<RankedTensorType>(v.getType()).getShape(),
                        [](int64_t d) { return d == 1; });
  };
  for (Operation &op : fusion.getBodyBlock().without_terminator()) {
    if (isa<ConstantOp, ReshapeOp>(op))
      continue;
    if (auto broadcast = dyn_cast<BroadcastToOp>(op)) {
      if (!single(broadcast.getInput()))
        return false;
      continue;
    }
    if (isa<TransposeOp, SliceOp, ConcatOp, PadOp, GatherOp,
            GatherElementsOp, MaxPool2DOp, AvgPool2DOp>(op))
      return false;
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(op.getResult(0).getType()).getShape();
    for (Value operand : op.getOperands())
      if (cast<RankedTensorType>(operand.getType()).getShape() != shape &&
          !single(operand))
        return false;
  }
  return true;
}

unsigned gpu_codegen::chooseLoopWidth(FusionOp fusion, unsigned vectorBytes) {
  ArrayRef<int64_t> iter =
      cast<RankedTensorType>(fusion.getResult(0).getType()).getShape();
  // i1 buffers hold bytes; they are never vectorised.
  for (Type type : llvm::concat<Type>(fusion.getOperandTypes(),
                                      fusion.getResultTypes()))
    if (getElementTypeOrSelf(type).isInteger(1))
      return 1;
  if (iter.empty())
    return 1;
  unsigned maxBytes = 1;
  for (Type type : fusion.getResultTypes())
    maxBytes = std::max(maxBytes, elementBytes(getElementTypeOrSelf(type)));
  // Widths are powers of two (element sizes and vector bytes are): halve
  // until the runs fit the shapes and the inputs read contiguously fit one
  // access too.
  unsigned width = llvm::bit_floor(std::max(1u, vectorBytes / maxBytes));
  bool linear = isLinearGroup(fusion);
  while (width > 1) {
    WidthCheck check{width, linear, {}, {}};
    bool ok = llvm::all_of(
        fusion.getBodyBlock().getTerminator()->getOperands(),
        [&](Value yielded) { return check.contiguous(yielded); });
    if (!ok) {
      width /= 2;
      continue;
    }
    unsigned argBytes = maxBytes;
    for (BlockArgument arg : check.contiguousArgs)
      argBytes =
          std::max(argBytes, elementBytes(getElementTypeOrSelf(arg.getType())));
    unsigned fits = llvm::bit_floor(std::max(1u, vectorBytes / argBytes));
    if (fits >= width)
      return width;
    width = fits;
  }
  return 1;
}
