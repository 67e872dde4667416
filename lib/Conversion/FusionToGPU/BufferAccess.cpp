//===- BufferAccess.cpp - Loads, stores and broadcast indexing ------------===//
//
// This file implements the memory helpers of the GPU strategies. Kernel
// arguments are static, identity-layout memrefs; the strategies address them
// through a one-dimensional view so that one linear index (plus a broadcast
// map per operand) serves every rank, and so that a run of `width` elements
// is one aligned vector access.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

Value gpu_codegen::indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

unsigned gpu_codegen::elementBytes(Type type) {
  return std::max<unsigned>(1, type.getIntOrFloatBitWidth() / 8);
}

Value gpu_codegen::flattenBuffer(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (type.getRank() <= 1)
    return memref;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return memref::CollapseShapeOp::create(b, loc, memref,
                                         ArrayRef<ReassociationIndices>{all});
}

Value gpu_codegen::mapBroadcastIndex(OpBuilder &b, Location loc,
                                     ArrayRef<int64_t> iterShape,
                                     ArrayRef<int64_t> operandShape,
                                     Value linear) {
  size_t rank = iterShape.size();
  assert(operandShape.size() <= rank && "operand outranks the iteration");
  // Right-align the operand (NumPy broadcasting).
  SmallVector<int64_t> padded(rank - operandShape.size(), 1);
  llvm::append_range(padded, operandShape);

  if (llvm::equal(padded, iterShape))
    return linear;
  if (llvm::all_of(padded, [](int64_t d) { return d == 1; }))
    return indexConstant(b, loc, 0);

  // A suffix of the iteration shape behind leading 1s repeats every
  // numel(suffix) elements.
  size_t firstReal = 0;
  while (padded[firstReal] == 1)
    ++firstReal;
  if (llvm::equal(ArrayRef(padded).drop_front(firstReal),
                  iterShape.drop_front(firstReal))) {
    int64_t period = 1;
    for (size_t d = firstReal; d < rank; ++d)
      period *= padded[d];
    return arith::RemUIOp::create(b, loc, linear,
                                  indexConstant(b, loc, period));
  }

  // General case: delinearise over the iteration shape and re-linearise over
  // the operand's non-broadcast dimensions.
  Value offset = indexConstant(b, loc, 0);
  int64_t iterStride = 1, operandStride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    if (padded[d] != 1) {
      Value coord = arith::DivUIOp::create(b, loc, linear,
                                           indexConstant(b, loc, iterStride));
      coord = arith::RemUIOp::create(b, loc, coord,
                                     indexConstant(b, loc, iterShape[d]));
      Value scaled = arith::MulIOp::create(
          b, loc, coord, indexConstant(b, loc, operandStride));
      offset = arith::AddIOp::create(b, loc, offset, scaled);
      operandStride *= padded[d];
    }
    iterStride *= iterShape[d];
  }
  return offset;
}

Value gpu_codegen::loadRaw(OpBuilder &b, Location loc, Value flat,
                           Value index, unsigned width, bool aligned) {
  auto type = cast<MemRefType>(flat.getType());
  Type element = type.getElementType();
  // Rank-0 buffers take no index.
  SmallVector<Value, 1> indices;
  if (type.getRank() != 0)
    indices.push_back(index);
  if (width == 1)
    return memref::LoadOp::create(b, loc, flat, indices);
  // Full-size alignment turns the access into one 128-bit (or narrower)
  // transaction; the strategies only vectorise offsets that are multiples of
  // `width` on buffers the runtime allocates with at least that alignment.
  // CPU rows with an overlapping tail start anywhere.
  auto vectorType = VectorType::get({static_cast<int64_t>(width)}, element);
  return vector::LoadOp::create(
      b, loc, vectorType, flat, indices, /*nontemporal=*/false,
      llvm::MaybeAlign((aligned ? width : 1) * elementBytes(element)));
}

Value gpu_codegen::widenToCompute(OpBuilder &b, Location loc, Value raw) {
  Type element = getElementTypeOrSelf(raw.getType());
  // f32, i1 and the integers are computed as stored.
  if (!isa<Float16Type, BFloat16Type>(element))
    return raw;
  unsigned width = 1;
  if (auto vectorType = dyn_cast<VectorType>(raw.getType()))
    width = vectorType.getNumElements();
  return arith::ExtFOp::create(b, loc, getComputeType(element, width), raw);
}

Value gpu_codegen::loadCompute(OpBuilder &b, Location loc, Value flat,
                               Value index, unsigned width, bool splat,
                               bool aligned) {
  Value value = widenToCompute(
      b, loc, loadRaw(b, loc, flat, index, splat ? 1 : width, aligned));
  if (splat && width > 1)
    value = splatTo(
        b, loc, value,
        VectorType::get({static_cast<int64_t>(width)}, value.getType()));
  return value;
}

void gpu_codegen::storeCompute(OpBuilder &b, Location loc, Value value,
                               Value flat, Value index, bool aligned) {
  auto type = cast<MemRefType>(flat.getType());
  Type element = type.getElementType();
  // Rank-0 buffers take no index.
  SmallVector<Value, 1> indices;
  if (type.getRank() != 0)
    indices.push_back(index);
  Value narrow = value;
  if (getElementTypeOrSelf(value.getType()) != element) {
    Type target = element;
    if (auto vectorType = dyn_cast<VectorType>(value.getType()))
      target = VectorType::get(vectorType.getShape(), element);
    narrow = arith::TruncFOp::create(b, loc, target, value);
  }
  if (auto vectorType = dyn_cast<VectorType>(narrow.getType())) {
    int64_t lanes = aligned ? vectorType.getNumElements() : 1;
    vector::StoreOp::create(b, loc, narrow, flat, indices,
                            /*nontemporal=*/false,
                            llvm::MaybeAlign(lanes * elementBytes(element)));
    return;
  }
  memref::StoreOp::create(b, loc, narrow, flat, indices);
}
