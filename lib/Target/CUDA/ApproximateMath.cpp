//===- ApproximateMath.cpp - afn reciprocals and exp2 to MUFU ops ---------===//
//
// This file implements the NVIDIA lowering of the two kernel IR operations
// that Rong's emitters mark `afn` when an approximate result is within their
// error budget: `arith.divf 1.0, %d` and `math.exp2`, in f32. They become
// `rcp.approx.ftz.f32` and `ex2.approx.ftz.f32`: one MUFU instruction each.
// Upstream lowering would emit the non-ftz forms, which ptxas wraps in range
// checks and rescaling for denormal operands (about four instructions more
// each); `afn` in kernel IR allows a result that underflows to be flushed to
// zero. Vector operations are done lane by lane, as the NVVM intrinsics are
// scalar.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CUDA/CUDABackend.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

/// True for an f32 (or vector of f32) op carrying `afn`.
static bool isApproximateF32(Operation *op) {
  auto fastmath = dyn_cast<arith::ArithFastMathInterface>(op);
  if (!fastmath)
    return false;
  arith::FastMathFlagsAttr flags = fastmath.getFastMathFlagsAttr();
  if (!flags ||
      !bitEnumContainsAll(flags.getValue(), arith::FastMathFlags::afn))
    return false;
  return getElementTypeOrSelf(op->getResult(0).getType()).isF32();
}

/// Applies `scalar` to each lane of `value` (a scalar or a 1-D vector).
static Value perLane(OpBuilder &b, Location loc, Value value,
                     function_ref<Value(Value)> scalar) {
  auto vectorType = dyn_cast<VectorType>(value.getType());
  if (!vectorType)
    return scalar(value);
  SmallVector<Value> lanes;
  for (int64_t i = 0, e = vectorType.getNumElements(); i < e; ++i)
    lanes.push_back(scalar(vector::ExtractOp::create(b, loc, value, i)));
  return vector::FromElementsOp::create(b, loc, vectorType, lanes);
}

void mlir::rong::cuda::lowerApproximateMath(gpu::GPUModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (!isa<math::Exp2Op, arith::DivFOp>(op) || !isApproximateF32(op))
      return;
    auto vectorType = dyn_cast<VectorType>(op->getResult(0).getType());
    if (vectorType && vectorType.getRank() != 1)
      return;
    if (isa<arith::DivFOp>(op) &&
        !matchPattern(op->getOperand(0), m_OneFloat()))
      return;
    ops.push_back(op);
  });
  if (ops.empty())
    return;
  MLIRContext *ctx = module.getContext();
  ctx->getOrLoadDialect<LLVM::LLVMDialect>();
  ctx->getOrLoadDialect<NVVM::NVVMDialect>();
  ctx->getOrLoadDialect<vector::VectorDialect>();
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Type f32 = b.getF32Type();
    Value result;
    if (isa<math::Exp2Op>(op)) {
      result = perLane(b, loc, op->getOperand(0), [&](Value lane) -> Value {
        return LLVM::CallIntrinsicOp::create(
                   b, loc, f32, b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"),
                   ValueRange{lane})
            .getResult(0);
      });
    } else {
      result = perLane(b, loc, op->getOperand(1), [&](Value lane) -> Value {
        return NVVM::RcpApproxFtzF32Op::create(b, loc, f32, lane);
      });
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }
}
