//===- LoopStrategy.cpp - Loop groups: one thread per vector -------------===//
//
// This file implements the loop strategy: every thread computes one element,
// or one vector of `width` consecutive elements along the innermost axis
// (chooseLoopWidth), of the group's iteration shape (the shape of its
// results). Each result is evaluated at the thread's position by walking
// back through the index maps of the body's ops (LoopEvaluator), down to
// loads of the inputs; elementwise operands of smaller shape are read
// through a broadcast index map, and those broadcast along the innermost
// axis are read once and splat. The grid covers the iteration space
// exactly; the tail block is guarded.
//
//===----------------------------------------------------------------------===//

#include "LoopEvaluator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/bit.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// Threads per block of the loop strategy. Enough resident warps per block to
/// hide memory latency, small enough to keep many blocks per processor.
constexpr int64_t kLoopBlockThreads = 256;

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
  if (failed(checkLoopSupported(fusion)))
    return failure();

  unsigned width = chooseLoopWidth(fusion, target.vectorBytes);
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

  // Evaluate every result at this thread's elements.
  LoopEvaluator evaluator(b, loc, inputs);
  Point *point = evaluator.pointAt(iter, linear);
  for (auto [yielded, flat] :
       llvm::zip(body.getTerminator()->getOperands(), outputs))
    storeCompute(b, loc, evaluator.evaluate(yielded, point, width), flat,
                 linear);

  LaunchConfig config;
  config.grid = {numBlocks, 1, 1};
  config.block = {blockThreads, 1, 1};
  config.strategy = "loop";
  return config;
}
