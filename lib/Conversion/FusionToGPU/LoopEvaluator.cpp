//===- LoopEvaluator.cpp - Values of a loop group at an index -------------===//
//
// This file implements the loop strategy's evaluator. A value is computed at
// a point of its own shape; each op maps the point to points of its operands
// (its index map) and combines their values:
//
//   elementwise, broadcast_to   operand coordinate = 0 on stretched axes,
//                               leading axes dropped
//   transpose                   in[perm[i]] = out[i]
//   reshape                     same linear offset, new shape
//   slice                       in[d] = start[d] + out[d] * step[d]
//   concat                      the operand whose range holds out[axis]
//                               (scf.if chain), at out[axis] - its offset
//   pad                         in[d] = out[d] - before[d]; constant mode
//                               yields the pad value outside the input
//                               (scf.if), reflect mirrors, edge clamps
//   gather                      index = indices[out[axis .. axis+q)],
//                               negative counts from the end, clamped into
//                               the axis; in[axis] = index
//   gather_elements             index = indices[out], the same clamping;
//                               in = out with in[axis] = index
//   max_pool2d, avg_pool2d      a loop over the window (LoopPooling.cpp)
//
// A vector request of a gather along the input's innermost axis, or of a
// gather_elements, loads its indices as one vector and reads the data one
// lane at a time (vector.from_elements).
//
// Points are interned and values memoised per (value, point, width), so a
// value reached twice at one position is emitted once; entries made inside a
// region are forgotten when it is left.
//
//===----------------------------------------------------------------------===//

#include "LoopEvaluator.h"
#include "rong/IR/SliceGeometry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Row-major strides of `shape`.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

//===----------------------------------------------------------------------===//
// Scopes and points
//===----------------------------------------------------------------------===//

void LoopEvaluator::onPop(std::function<void()> fn) {
  if (!undo.empty())
    undo.back().push_back(std::move(fn));
}

void LoopEvaluator::popScope() {
  for (auto &fn : llvm::reverse(undo.back()))
    fn();
  undo.pop_back();
}

Point *LoopEvaluator::pointAt(ArrayRef<int64_t> shape, Value linear) {
  auto key = std::make_pair(std::vector<int64_t>(shape.begin(), shape.end()),
                            linear.getAsOpaquePointer());
  auto it = byLinear.find(key);
  if (it != byLinear.end())
    return it->second;
  Point &p = points.emplace_back();
  p.shape.assign(shape.begin(), shape.end());
  p.linear = linear;
  byLinear[key] = &p;
  onPop([this, key] { byLinear.erase(key); });
  return &p;
}

Point *LoopEvaluator::pointAt(ArrayRef<int64_t> shape, ArrayRef<Value> coords) {
  assert(coords.size() == shape.size() && "one coordinate per dimension");
  if (shape.empty())
    return pointAt(shape, zero);
  std::vector<void *> ids;
  for (Value c : coords)
    ids.push_back(c.getAsOpaquePointer());
  auto key =
      std::make_pair(std::vector<int64_t>(shape.begin(), shape.end()), ids);
  auto it = byCoords.find(key);
  if (it != byCoords.end())
    return it->second;
  Point &p = points.emplace_back();
  p.shape.assign(shape.begin(), shape.end());
  p.coords.assign(coords.begin(), coords.end());
  byCoords[key] = &p;
  onPop([this, key] { byCoords.erase(key); });
  return &p;
}

Value LoopEvaluator::linearOf(Point *p) {
  if (p->linear)
    return p->linear;
  // Coordinates of size-1 dimensions are 0.
  SmallVector<int64_t> strides = stridesOf(p->shape);
  Value linear;
  for (auto [d, coord] : llvm::enumerate(p->coords)) {
    if (p->shape[d] == 1)
      continue;
    Value term = mulConst(coord, strides[d]);
    linear = linear ? arith::AddIOp::create(b, loc, linear, term) : term;
  }
  p->linear = linear ? linear : zero;
  onPop([p] { p->linear = {}; });
  return p->linear;
}

ArrayRef<Value> LoopEvaluator::coordsOf(Point *p) {
  if (p->hasCoords())
    return p->coords;
  // Delinearise: coordinate d is (linear / stride[d]) mod shape[d]; the
  // outermost needs no modulo (points lie inside their shape).
  SmallVector<int64_t> strides = stridesOf(p->shape);
  for (auto [d, size] : llvm::enumerate(p->shape)) {
    if (size == 1) {
      p->coords.push_back(zero);
      continue;
    }
    Value coord = p->linear;
    if (strides[d] != 1)
      coord = arith::DivUIOp::create(b, loc, coord, cst(strides[d]));
    if (d != 0)
      coord = arith::RemUIOp::create(b, loc, coord, cst(size));
    p->coords.push_back(coord);
  }
  onPop([p] { p->coords.clear(); });
  return p->coords;
}

Value LoopEvaluator::addConst(Value x, int64_t c) {
  if (c == 0)
    return x;
  return arith::AddIOp::create(b, loc, x, cst(c));
}

Value LoopEvaluator::mulConst(Value x, int64_t c) {
  if (c == 1)
    return x;
  return arith::MulIOp::create(b, loc, x, cst(c));
}

Value LoopEvaluator::emitIf(Value cond, Type type,
                            llvm::function_ref<Value()> thenFn,
                            llvm::function_ref<Value()> elseFn) {
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, cond,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  for (auto [block, fn] : {std::make_pair(ifOp.thenBlock(), thenFn),
                           std::make_pair(ifOp.elseBlock(), elseFn)}) {
    b.setInsertionPointToStart(block);
    pushScope();
    Value value = fn();
    popScope();
    scf::YieldOp::create(b, loc, value);
  }
  return ifOp.getResult(0);
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

Value LoopEvaluator::evaluate(Value v, Point *p, unsigned width) {
  assert(ArrayRef<int64_t>(p->shape) == shapeOf(v) && "point of another shape");
  MemoKey key{v, p, width};
  if (Value known = memo.lookup(key))
    return known;
  Value result;
  if (auto arg = dyn_cast<BlockArgument>(v))
    result = loadCompute(b, loc, inputs[arg.getArgNumber()], linearOf(p),
                         width, /*splat=*/false);
  else
    result = evaluateOp(v.getDefiningOp(), p, width);
  memo[key] = result;
  onPop([this, key] { memo.erase(key); });
  return result;
}

Value LoopEvaluator::evaluateOp(Operation *op, Point *p, unsigned width) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](ConstantOp constant) {
        return emitSplatConstant(b, constant, width);
      })
      .Case([&](ReshapeOp reshape) {
        Point *in = pointAt(shapeOf(reshape.getInput()), linearOf(p));
        return evaluate(reshape.getInput(), in, width);
      })
      .Case([&](BroadcastToOp broadcast) {
        return evaluateBroadcast(broadcast.getInput(), p, width);
      })
      .Case([&](TransposeOp op) { return evaluateTranspose(op, p, width); })
      .Case([&](SliceOp op) { return evaluateSlice(op, p, width); })
      .Case([&](ConcatOp op) { return evaluateConcat(op, p, width); })
      .Case([&](PadOp op) { return evaluatePad(op, p, width); })
      .Case([&](GatherOp op) { return evaluateGather(op, p, width); })
      .Case([&](GatherElementsOp op) {
        return evaluateGatherElements(op, p, width);
      })
      .Case<MaxPool2DOp, AvgPool2DOp>([&](Operation *op) {
        assert(width == 1 && "pooling is evaluated one element at a time");
        return evaluatePool(op, p);
      })
      .Default([&](Operation *op) {
        // Elementwise, with NumPy broadcasting of the operands.
        SmallVector<Value> operands;
        for (Value operand : op->getOperands())
          operands.push_back(evaluateBroadcast(operand, p, width));
        return emitElementwise(b, op, operands, width);
      });
}

Value LoopEvaluator::evaluateBroadcast(Value operand, Point *p,
                                       unsigned width) {
  ArrayRef<int64_t> shape = shapeOf(operand);
  size_t lead = p->shape.size() - shape.size();
  if (lead == 0 && shape == ArrayRef<int64_t>(p->shape))
    return evaluate(operand, p, width);

  DerivedKey key{p, operand.getType().getAsOpaquePointer(), 0};
  Point *q = derived.lookup(key);
  if (!q) {
    if (llvm::all_of(shape, [](int64_t d) { return d == 1; })) {
      q = pointAt(shape, SmallVector<Value>(shape.size(), zero));
    } else if (p->linear && !p->hasCoords()) {
      // Linear fast paths: a suffix repeats with its period, a splat is 0.
      q = pointAt(shape,
                  mapBroadcastIndex(b, loc, p->shape, shape, p->linear));
    } else {
      ArrayRef<Value> coords = coordsOf(p);
      SmallVector<Value> mapped;
      for (auto [d, size] : llvm::enumerate(shape))
        mapped.push_back(size == 1 ? zero : coords[lead + d]);
      q = pointAt(shape, mapped);
    }
    derived[key] = q;
    onPop([this, key] { derived.erase(key); });
  }
  // Broadcast along the innermost axis: one element, splat.
  if (width > 1 && (shape.empty() || shape.back() == 1)) {
    Value scalar = evaluate(operand, q, 1);
    return splatTo(b, loc, scalar,
                   VectorType::get({static_cast<int64_t>(width)},
                                   scalar.getType()));
  }
  return evaluate(operand, q, width);
}

Value LoopEvaluator::evaluateTranspose(TransposeOp op, Point *p,
                                       unsigned width) {
  ArrayRef<Value> out = coordsOf(p);
  ArrayRef<int64_t> perm = op.getPermutation();
  SmallVector<Value> in(out.size());
  for (auto [i, axis] : llvm::enumerate(perm))
    in[axis] = out[i];
  return evaluate(op.getInput(), pointAt(shapeOf(op.getInput()), in), width);
}

Value LoopEvaluator::evaluateSlice(SliceOp op, Point *p, unsigned width) {
  ArrayRef<int64_t> inShape = shapeOf(op.getInput());
  ArrayRef<Value> out = coordsOf(p);
  SmallVector<Value> in;
  for (auto [d, coord] : llvm::enumerate(out)) {
    SliceDim dim = normalizeSlice(inShape[d], op.getStarts()[d],
                                  op.getEnds()[d], op.getSteps()[d]);
    in.push_back(addConst(mulConst(coord, dim.step), dim.start));
  }
  return evaluate(op.getInput(), pointAt(inShape, in), width);
}

Value LoopEvaluator::evaluateConcat(ConcatOp op, Point *p, unsigned width) {
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += p->shape.size();
  // The non-empty operands and where each starts along the axis.
  SmallVector<std::pair<Value, int64_t>> parts;
  int64_t offset = 0;
  for (Value input : op.getInputs()) {
    int64_t size = shapeOf(input)[axis];
    if (size != 0)
      parts.push_back({input, offset});
    offset += size;
  }
  Type type = getComputeType(getElementTypeOrSelf(op.getType()), width);
  // part k at the point shifted back by its offset.
  auto evaluatePart = [&](size_t k) {
    auto [input, start] = parts[k];
    SmallVector<Value> coords(coordsOf(p));
    coords[axis] = addConst(coords[axis], -start);
    return evaluate(input, pointAt(shapeOf(input), coords), width);
  };
  // if (c < start[1]) part 0 else if (c < start[2]) part 1 ... else last.
  std::function<Value(size_t)> chain = [&](size_t k) -> Value {
    if (k + 1 == parts.size())
      return evaluatePart(k);
    Value cond =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                              coordsOf(p)[axis], cst(parts[k + 1].second));
    return emitIf(
        cond, type, [&] { return evaluatePart(k); },
        [&] { return chain(k + 1); });
  };
  return chain(0);
}

Value LoopEvaluator::evaluatePad(PadOp op, Point *p, unsigned width) {
  ArrayRef<int64_t> inShape = shapeOf(op.getInput());
  ArrayRef<int64_t> pads = op.getPads();
  size_t rank = inShape.size();
  ArrayRef<Value> out = coordsOf(p);
  auto inCoords = [&] {
    SmallVector<Value> in;
    for (size_t d = 0; d < rank; ++d) {
      int64_t before = pads[d], after = pads[rank + d], n = inShape[d];
      Value t = addConst(out[d], -before);
      if (op.getMode() == PadMode::constant || (before == 0 && after == 0)) {
        in.push_back(t);
      } else if (op.getMode() == PadMode::edge) {
        t = arith::MaxSIOp::create(b, loc, t, cst(0));
        in.push_back(arith::MinSIOp::create(b, loc, t, cst(n - 1)));
      } else {
        // reflect: -t before the start, 2(n-1) - t past the end.
        using P = arith::CmpIPredicate;
        Value neg = arith::SubIOp::create(b, loc, cst(0), t);
        t = arith::SelectOp::create(
            b, loc, arith::CmpIOp::create(b, loc, P::slt, t, cst(0)), neg, t);
        Value mirrored = arith::SubIOp::create(b, loc, cst(2 * (n - 1)), t);
        t = arith::SelectOp::create(
            b, loc, arith::CmpIOp::create(b, loc, P::sgt, t, cst(n - 1)),
            mirrored, t);
        in.push_back(t);
      }
    }
    return pointAt(inShape, in);
  };
  if (op.getMode() != PadMode::constant)
    return evaluate(op.getInput(), inCoords(), width);

  // Constant mode: inside the input where before <= out < before + n on
  // every padded axis (cropped axes always are).
  Value inside;
  for (size_t d = 0; d < rank; ++d) {
    int64_t before = pads[d], after = pads[rank + d], n = inShape[d];
    auto both = [&](Value c) {
      inside = inside ? arith::AndIOp::create(b, loc, inside, c) : c;
    };
    using P = arith::CmpIPredicate;
    if (before > 0)
      both(arith::CmpIOp::create(b, loc, P::uge, out[d], cst(before)));
    if (after > 0)
      both(arith::CmpIOp::create(b, loc, P::ult, out[d], cst(before + n)));
  }
  Type element = getElementTypeOrSelf(op.getType());
  Type type = getComputeType(element, width);
  auto padValue = [&]() -> Value {
    double value = op.getValue().convertToDouble();
    if (auto floatType = dyn_cast<FloatType>(element)) {
      // What the element type holds.
      APFloat narrow(value);
      bool lost;
      narrow.convert(floatType.getFloatSemantics(),
                     APFloat::rmNearestTiesToEven, &lost);
      value = narrow.convertToDouble();
    }
    return createConstant(b, loc, type, value);
  };
  if (!inside)
    return evaluate(op.getInput(), inCoords(), width);
  return emitIf(
      inside, type, [&] { return evaluate(op.getInput(), inCoords(), width); },
      padValue);
}

Value LoopEvaluator::evaluateGather(GatherOp op, Point *p, unsigned width) {
  Value input = op.getInput(), indices = op.getIndices();
  ArrayRef<int64_t> inShape = shapeOf(input), idxShape = shapeOf(indices);
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += inShape.size();
  int64_t n = inShape[axis];
  ArrayRef<Value> out = coordsOf(p);
  size_t q = idxShape.size();
  // in = out[0, axis) ++ [index] ++ out[axis + q, rank).
  auto inPoint = [&](Value index) {
    SmallVector<Value> in(out.take_front(axis));
    in.push_back(index);
    llvm::append_range(in, out.drop_front(axis + q));
    return pointAt(inShape, in);
  };

  // The index, negative ones counted from the end, clamped into [0, n) so
  // that no index reads outside the input.
  auto constant = indices.getDefiningOp<ConstantOp>();
  if (auto attr = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                           : DenseElementsAttr()) {
    int64_t i = attr.getSplatValue<APInt>().getSExtValue();
    if (i < 0)
      i += n;
    Point *at = inPoint(cst(std::clamp<int64_t>(i, 0, n - 1)));
    // Along the innermost axis every lane reads the same element.
    if (width > 1 && axis + 1 == static_cast<int64_t>(inShape.size()))
      return splatTo(b, loc, evaluate(input, at, 1),
                     getComputeType(getElementTypeOrSelf(op.getType()), width));
    return evaluate(input, at, width);
  }
  Point *at = pointAt(idxShape, out.slice(axis, q));
  if (width == 1 || axis + 1 < static_cast<int64_t>(inShape.size()))
    return evaluate(input,
                    inPoint(clampedIndex(evaluate(indices, at, 1), n)), width);
  // Along the innermost axis: lane k reads at index k of the index vector.
  SmallVector<Value> lanes =
      clampedLanes(evaluate(indices, at, width), n, width);
  return fromLanes(op.getType(), width, [&](unsigned k) {
    return evaluate(input, inPoint(lanes[k]), 1);
  });
}

SmallVector<Value> LoopEvaluator::clampedLanes(Value raw, int64_t extent,
                                               unsigned width) {
  auto vectorType = cast<VectorType>(raw.getType());
  unsigned bits = vectorType.getElementTypeBitWidth();
  SmallVector<Value> lanes;
  if (bits < 64 && extent >= (int64_t{1} << (bits - 1))) {
    // The extent needs a wider type than the indices: lane by lane.
    for (unsigned k = 0; k < width; ++k)
      lanes.push_back(
          clampedIndex(vector::ExtractOp::create(b, loc, raw, k), extent));
    return lanes;
  }
  // The same clamping on the whole vector, in the indices' type.
  using P = arith::CmpIPredicate;
  auto splat = [&](int64_t c) {
    return createConstant(b, loc, vectorType, static_cast<double>(c));
  };
  Value zeros = splat(0);
  Value negative = arith::CmpIOp::create(b, loc, P::slt, raw, zeros);
  Value wrapped = arith::AddIOp::create(b, loc, raw, splat(extent));
  Value i = arith::SelectOp::create(b, loc, negative, wrapped, raw);
  i = arith::MaxSIOp::create(b, loc, i, zeros);
  i = arith::MinSIOp::create(b, loc, i, splat(extent - 1));
  for (unsigned k = 0; k < width; ++k)
    lanes.push_back(arith::IndexCastUIOp::create(
        b, loc, b.getIndexType(), vector::ExtractOp::create(b, loc, i, k)));
  return lanes;
}

Value LoopEvaluator::fromLanes(Type type, unsigned width,
                               llvm::function_ref<Value(unsigned)> lane) {
  SmallVector<Value> lanes;
  for (unsigned k = 0; k < width; ++k)
    lanes.push_back(lane(k));
  return vector::FromElementsOp::create(
      b, loc,
      cast<VectorType>(getComputeType(getElementTypeOrSelf(type), width)),
      lanes);
}

Value LoopEvaluator::clampedIndex(Value raw, int64_t extent) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  using P = arith::CmpIPredicate;
  Value negative = arith::CmpIOp::create(b, loc, P::slt, i, cst(0));
  i = arith::SelectOp::create(b, loc, negative, addConst(i, extent), i);
  i = arith::MaxSIOp::create(b, loc, i, cst(0));
  return arith::MinSIOp::create(b, loc, i, cst(extent - 1));
}

Value LoopEvaluator::evaluateGatherElements(GatherElementsOp op, Point *p,
                                            unsigned width) {
  Value input = op.getInput();
  ArrayRef<int64_t> inShape = shapeOf(input);
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += inShape.size();
  int64_t last = static_cast<int64_t>(inShape.size()) - 1;
  ArrayRef<Value> out = coordsOf(p);
  Value indices = evaluate(op.getIndices(), p, width);
  SmallVector<Value> lanes =
      width == 1 ? SmallVector<Value>{clampedIndex(indices, inShape[axis])}
                 : clampedLanes(indices, inShape[axis], width);
  // Lane k sits at out + k along the innermost axis (a vector never crosses
  // a row), with in[axis] replaced by its index.
  auto lane = [&](unsigned k) {
    SmallVector<Value> in(out);
    in[last] = addConst(in[last], k);
    in[axis] = lanes[k];
    return evaluate(input, pointAt(inShape, in), 1);
  };
  if (width == 1)
    return lane(0);
  return fromLanes(op.getType(), width, lane);
}
