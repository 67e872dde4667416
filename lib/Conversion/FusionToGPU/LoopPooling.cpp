//===- LoopPooling.cpp - Pooling windows in the loop strategy -------------===//
//
// This file implements the loop evaluator's 2-D pooling: an output element
// (n, c, oh, ow) of an NCHW rong.max_pool2d or rong.avg_pool2d loops over
// its kernel window with scf.for, reading input rows
// ih = oh * stride - pad_top + kh * dilation (and columns alike). A position
// in the padding is detected with one unsigned compare per axis (a negative
// row wraps to a huge one), read at a clamped in-bounds position, and
// replaced by the reduction's identity: -inf (the smallest integer) for max,
// so padding never wins, and 0 for the sum. The average divides by the
// number of positions counted: those inside the input, or with
// `count_include_pad` those inside the padded input, so that a `ceil_mode`
// window hanging past the bottom or right padding counts only what it
// covers (PyTorch's divisor). Windows that statically never leave the input
// skip the checks and divide by the window size.
//
//===----------------------------------------------------------------------===//

#include "LoopEvaluator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

Value LoopEvaluator::evaluatePool(Operation *op, Point *p) {
  auto maxPool = dyn_cast<MaxPool2DOp>(op);
  auto avgPool = dyn_cast<AvgPool2DOp>(op);
  Value input = op->getOperand(0);
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input.getType()).getShape();
  ArrayRef<int64_t> outShape = p->shape;
  ArrayRef<int64_t> kernel =
      maxPool ? maxPool.getKernel() : avgPool.getKernel();
  ArrayRef<int64_t> strides =
      maxPool ? maxPool.getStrides() : avgPool.getStrides();
  ArrayRef<int64_t> pads = maxPool ? maxPool.getPads() : avgPool.getPads();
  SmallVector<int64_t, 2> dilations{1, 1};
  if (maxPool)
    dilations.assign(maxPool.getDilations().begin(),
                     maxPool.getDilations().end());
  bool includePad = avgPool && avgPool.getCountIncludePad();

  Type element = getElementTypeOrSelf(input.getType());
  Type type = getComputeType(element, 1);
  bool isInt = isa<IntegerType>(element);
  using P = arith::CmpIPredicate;

  // Does some window of the output reach outside the input?
  bool mayLeave = false;
  for (int axis = 0; axis < 2; ++axis) {
    int64_t last = (outShape[2 + axis] - 1) * strides[axis] - pads[axis] +
                   (kernel[axis] - 1) * dilations[axis];
    mayLeave |= pads[axis] > 0 || last >= inShape[2 + axis];
  }

  ArrayRef<Value> out = coordsOf(p);
  // Window origins, negative in the top and left padding.
  Value baseH = addConst(mulConst(out[2], strides[0]), -pads[0]);
  Value baseW = addConst(mulConst(out[3], strides[1]), -pads[1]);

  Value identity;
  if (avgPool)
    identity = createConstant(b, loc, type, 0.0);
  else if (isInt)
    identity = arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(type, APInt::getSignedMinValue(
                                   type.getIntOrFloatBitWidth())));
  else
    identity = createConstant(b, loc, type,
                              -std::numeric_limits<double>::infinity());
  SmallVector<Value> init{identity};
  bool countInLoop = avgPool && mayLeave;
  // The window's count is kept in the float compute type (f32, or f64 for
  // f64 pools), so that the division below takes two values of one type.
  if (countInLoop)
    init.push_back(createConstant(b, loc, type, 0.0));

  auto rows = scf::ForOp::create(b, loc, zero, cst(kernel[0]), cst(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rows.getBody());
    pushScope();
    Value ih = arith::AddIOp::create(
        b, loc, baseH, mulConst(rows.getInductionVar(), dilations[0]));
    auto cols = scf::ForOp::create(b, loc, zero, cst(kernel[1]), cst(1),
                                   rows.getRegionIterArgs());
    b.setInsertionPointToStart(cols.getBody());
    pushScope();
    Value iw = arith::AddIOp::create(
        b, loc, baseW, mulConst(cols.getInductionVar(), dilations[1]));
    Value inside, h = ih, w = iw;
    if (mayLeave) {
      Value inH = arith::CmpIOp::create(b, loc, P::ult, ih, cst(inShape[2]));
      Value inW = arith::CmpIOp::create(b, loc, P::ult, iw, cst(inShape[3]));
      inside = arith::AndIOp::create(b, loc, inH, inW);
      h = arith::SelectOp::create(b, loc, inH, ih, zero);
      w = arith::SelectOp::create(b, loc, inW, iw, zero);
    }
    Value v = evaluate(input, pointAt(inShape, {out[0], out[1], h, w}), 1);
    if (inside)
      v = arith::SelectOp::create(b, loc, inside, v, identity);
    ValueRange acc = cols.getRegionIterArgs();
    SmallVector<Value> next;
    if (maxPool && isInt)
      next.push_back(arith::MaxSIOp::create(b, loc, acc[0], v));
    else if (maxPool)
      next.push_back(arith::MaximumFOp::create(b, loc, acc[0], v));
    else
      next.push_back(arith::AddFOp::create(b, loc, acc[0], v));
    if (countInLoop) {
      Value counted = inside;
      if (includePad) {
        // Inside the padded input: 0 <= ih + top < H + top + bottom.
        Value inH =
            arith::CmpIOp::create(b, loc, P::ult, addConst(ih, pads[0]),
                                  cst(inShape[2] + pads[0] + pads[2]));
        Value inW =
            arith::CmpIOp::create(b, loc, P::ult, addConst(iw, pads[1]),
                                  cst(inShape[3] + pads[1] + pads[3]));
        counted = arith::AndIOp::create(b, loc, inH, inW);
      }
      Value one = arith::SelectOp::create(
          b, loc, counted, createConstant(b, loc, type, 1.0),
          createConstant(b, loc, type, 0.0));
      next.push_back(arith::AddFOp::create(b, loc, acc[1], one));
    }
    popScope();
    scf::YieldOp::create(b, loc, next);
    b.setInsertionPointAfter(cols);
    popScope();
    scf::YieldOp::create(b, loc, cols.getResults());
  }
  if (maxPool)
    return rows.getResult(0);
  Value count = countInLoop ? rows.getResult(1)
                            : createConstant(b, loc, type,
                                             kernel[0] * kernel[1]);
  return arith::DivFOp::create(b, loc, rows.getResult(0), count);
}
