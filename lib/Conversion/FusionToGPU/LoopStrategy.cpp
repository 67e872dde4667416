//===- LoopStrategy.cpp - Elementwise groups: one thread per vector -------===//
//
// This file implements the loop strategy: every thread computes one element,
// or one vector of `vectorBytes / elementBytes` consecutive elements when the
// innermost dimension allows, of the group's iteration shape (the shape of
// its results). Operands of smaller shape are read through a broadcast index
// map; operands broadcast along the innermost dimension are read once and
// splat. The grid covers the iteration space exactly; the tail block is
// guarded.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/bit.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// Threads per block of the loop strategy. Enough resident warps per block to
/// hide memory latency, small enough to keep many blocks per processor.
constexpr int64_t kLoopBlockThreads = 256;

/// True if `shape` broadcasts (NumPy rules) to `iter`.
bool broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> iter) {
  if (shape.size() > iter.size())
    return false;
  for (auto [s, i] : llvm::zip(llvm::reverse(shape), llvm::reverse(iter)))
    if (s != 1 && s != i)
      return false;
  return true;
}

/// The innermost size of `shape` right-aligned to a rank-`rank` iteration
/// (1 for rank-0 operands).
int64_t innermost(ArrayRef<int64_t> shape) {
  return shape.empty() ? 1 : shape.back();
}

} // namespace

FailureOr<LaunchConfig> gpu_codegen::buildLoopKernel(KernelSkeleton &kernel) {
  FusionOp fusion = kernel.fusion;
  const TargetDescriptor &target = kernel.target;
  Block &body = fusion.getBodyBlock();

  // The iteration shape is the results' common shape.
  ArrayRef<int64_t> iter =
      cast<RankedTensorType>(fusion.getResult(0).getType()).getShape();
  for (Value result : fusion.getResults())
    if (cast<RankedTensorType>(result.getType()).getShape() != iter)
      return fusion.emitError()
             << "loop group results of different shapes are not supported";

  // Every value must broadcast to the iteration shape; every op must be one
  // the element evaluator knows.
  auto checkShape = [&](Value v, Operation *where) -> LogicalResult {
    auto type = cast<RankedTensorType>(v.getType());
    if (broadcastsTo(type.getShape(), iter))
      return success();
    return where->emitError() << "value of type " << type
                              << " does not broadcast to the loop group's "
                                 "iteration shape";
  };
  // Unsupported ops first: they are the most useful thing to report.
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      auto attr = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!attr || !attr.isSplat())
        return op.emitError()
               << "only splat constants are supported inside GPU kernels";
    } else if (failed(checkElementwiseSupported(&op))) {
      return failure();
    }
  }
  for (BlockArgument arg : body.getArguments())
    if (failed(checkShape(arg, fusion)))
      return failure();
  for (Operation &op : body.without_terminator())
    for (Value result : op.getResults())
      if (failed(checkShape(result, &op)))
        return failure();

  // Vector width: the widest access `vectorBytes` allows for the widest
  // element, when the innermost dimension is a multiple of it and every
  // operand is either contiguous or splat along it. i1 buffers hold bytes, so
  // they are not vectorised.
  unsigned maxBytes = 1;
  bool anyBool = false;
  for (Type type : llvm::concat<Type>(fusion.getOperandTypes(),
                                      fusion.getResultTypes())) {
    Type element = getElementTypeOrSelf(type);
    maxBytes = std::max(maxBytes, elementBytes(element));
    anyBool |= element.isInteger(1);
  }
  unsigned width = std::max(1u, target.vectorBytes / maxBytes);
  int64_t inner = innermost(iter);
  if (anyBool || inner % width != 0)
    width = 1;
  for (Value input : fusion.getInputs()) {
    int64_t in = innermost(cast<RankedTensorType>(input.getType()).getShape());
    if (in != 1 && in != inner)
      width = 1;
  }

  int64_t numElements = 1;
  for (int64_t d : iter)
    numElements *= d;
  int64_t numThreads = numElements / width;
  int64_t blockThreads = std::min<int64_t>(
      kLoopBlockThreads, llvm::bit_floor<uint64_t>(target.maxThreadsPerBlock));
  int64_t numBlocks = llvm::divideCeil(numThreads, blockThreads);
  if (numBlocks > std::numeric_limits<int32_t>::max())
    return fusion.emitError() << "loop group of " << numElements
                              << " elements exceeds the 1-D grid";

  gpu::GPUFuncOp func = kernel.func;
  Location loc = fusion.getLoc();
  OpBuilder b(func.getBody().front().getTerminator());

  SmallVector<Value> inputs, outputs;
  for (unsigned i = 0; i < fusion.getNumOperands(); ++i)
    inputs.push_back(flattenBuffer(b, loc, kernel.input(i)));
  for (unsigned i = 0; i < fusion.getNumResults(); ++i)
    outputs.push_back(flattenBuffer(b, loc, kernel.output(i)));

  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value thread = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, blockId,
                            indexConstant(b, loc, blockThreads)),
      threadId);
  Value linear =
      arith::MulIOp::create(b, loc, thread, indexConstant(b, loc, width));
  if (numThreads % blockThreads != 0) {
    Value inBounds =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, linear,
                              indexConstant(b, loc, numElements));
    auto guard = scf::IfOp::create(b, loc, inBounds, /*withElse=*/false);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());
  }

  // Evaluate the body in order at this thread's elements.
  llvm::DenseMap<Value, Value> values;
  for (auto [arg, flat] : llvm::zip(body.getArguments(), inputs)) {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(arg.getType()).getShape();
    Value offset = mapBroadcastIndex(b, loc, iter, shape, linear);
    bool splat = width > 1 && innermost(shape) == 1;
    values[arg] = loadCompute(b, loc, flat, offset, width, splat);
  }
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      values[constant] = emitSplatConstant(b, constant, width);
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands())
      operands.push_back(values.lookup(operand));
    values[op.getResult(0)] = emitElementwise(b, &op, operands, width);
  }
  for (auto [yielded, flat] :
       llvm::zip(body.getTerminator()->getOperands(), outputs))
    storeCompute(b, loc, values.lookup(yielded), flat, linear);

  LaunchConfig config;
  config.grid = {numBlocks, 1, 1};
  config.block = {blockThreads, 1, 1};
  config.strategy = "loop";
  return config;
}
