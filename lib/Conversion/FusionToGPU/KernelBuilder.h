//===- KernelBuilder.h - Shared pieces of the GPU strategies ----*- C++ -*-===//
//
// This file declares what the loop and row strategies share: the launch
// configuration they report, the element evaluator that turns rong
// elementwise ops into arith/math on f32 scalars or vectors, and the memory
// helpers (flattened buffers, broadcast index maps, widening loads and
// narrowing stores).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_CONVERSION_FUSIONTOGPU_KERNELBUILDER_H
#define RONG_LIB_CONVERSION_FUSIONTOGPU_KERNELBUILDER_H

#include "rong/IR/RongOps.h"
#include "rong/Target/TargetDescriptor.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

#include <array>
#include <string>

namespace mlir::rong::gpu_codegen {

/// What a strategy tells the launcher.
struct LaunchConfig {
  std::array<int64_t, 3> grid{1, 1, 1};
  std::array<int64_t, 3> block{1, 1, 1};
  /// Shared memory requested at launch; the strategies' own scratch is static
  /// (workgroup attributions), so this is 0 unless a strategy caches rows in
  /// dynamically sized shared memory.
  int64_t dynamicSharedBytes = 0;
  /// Static shared memory of the kernel (workgroup attributions), for the
  /// record and for occupancy estimates.
  int64_t staticSharedBytes = 0;
  /// "loop", "row.subwarp", "row.warp", "row.block", "row.block.loop".
  std::string strategy;
};

/// The kernel a strategy fills: `func` has one memref argument per fusion
/// input, then one per result, and an empty entry block ending in
/// gpu.return.
struct KernelSkeleton {
  FusionOp fusion;
  gpu::GPUFuncOp func;
  const TargetDescriptor &target;

  Value input(unsigned i) { return func.getArgument(i); }
  Value output(unsigned i) {
    return func.getArgument(fusion.getNumOperands() + i);
  }
};

/// Loop groups: elementwise chains with data movement (transpose, reshape,
/// broadcast, slice, concat, pad, gather) and 2-D pooling, one thread per
/// element or per vector of elements.
FailureOr<LaunchConfig> buildLoopKernel(KernelSkeleton &kernel);

/// Row groups: reductions over trailing axes with their producers and
/// consumers, one warp or one block per row.
FailureOr<LaunchConfig> buildRowKernel(KernelSkeleton &kernel);

//===----------------------------------------------------------------------===//
// Element evaluation
//===----------------------------------------------------------------------===//

/// f32, f16 and bf16 values are computed in f32, f64 values in f64; i1,
/// i8, i16, i32 and i64 are computed as they are, unsigned integers as the
/// signless integers of their width. Returns the compute type for
/// `elementType` at vector `width` (scalar when 1), or null for element types
/// the strategies do not handle.
Type getComputeType(Type elementType, unsigned width);

/// `elementType` with an unsigned or signed integer made signless (same
/// width); other types unchanged. Kernel buffers and compute values are
/// signless, as arith needs.
Type toSignless(Type elementType);

/// A constant of compute type `type` (scalar or vector splat).
Value createConstant(OpBuilder &b, Location loc, Type type, double value);

/// Broadcasts scalar `value` to `type` when `type` is a vector.
Value splatTo(OpBuilder &b, Location loc, Value value, Type type);

/// Checks that `op` is an op the element evaluator handles, on element types
/// it computes; emits an error naming it otherwise.
LogicalResult checkElementwiseSupported(Operation *op);

/// Emits `op` on compute values `operands` (all of the same shape: scalars or
/// vectors of one width) and returns its compute result. Integer operands
/// are computed in their own width (wrapping, division truncating toward
/// zero) and compared signed; where and cast serve every type.
Value emitElementwise(OpBuilder &b, Operation *op, ValueRange operands,
                      unsigned width);

/// The splat value of a `rong.constant` in compute type at `width`.
Value emitSplatConstant(OpBuilder &b, ConstantOp op, unsigned width);

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// `memref` viewed as one dimension (rank-0 and rank-1 are returned as is).
Value flattenBuffer(OpBuilder &b, Location loc, Value memref);

/// The offset in an operand of shape `operandShape` (broadcast NumPy-style to
/// `iterShape`) of the element at row-major position `linear` of
/// `iterShape`. Operands equal to the iteration shape, suffixes of it and
/// splats take the fast paths; other broadcasts delinearise.
Value mapBroadcastIndex(OpBuilder &b, Location loc, ArrayRef<int64_t> iterShape,
                        ArrayRef<int64_t> operandShape, Value linear);

/// Loads `width` consecutive elements (one element splat to `width` when
/// `splat`) from the flattened buffer `flat` at `index` and widens them to the
/// compute type. `width`-wide loads are aligned to their full size, or only
/// to one element when `aligned` is false (CPU rows with an overlapping
/// tail, RowPlan::overlapTail).
Value loadCompute(OpBuilder &b, Location loc, Value flat, Value index,
                  unsigned width, bool splat, bool aligned = true);

/// Loads `width` consecutive elements of `flat` (a scalar when `width` is 1)
/// at `index` as stored, with full-size alignment unless `aligned` is false.
Value loadRaw(OpBuilder &b, Location loc, Value flat, Value index,
              unsigned width, bool aligned = true);

/// Widens a loaded value to its compute type (f32 for floats).
Value widenToCompute(OpBuilder &b, Location loc, Value raw);

/// Narrows compute value `value` to `flat`'s element type and stores it at
/// `index`; vectors with full-size alignment unless `aligned` is false.
void storeCompute(OpBuilder &b, Location loc, Value value, Value flat,
                  Value index, bool aligned = true);

/// An index constant.
Value indexConstant(OpBuilder &b, Location loc, int64_t value);

/// Bytes of one element of `type` in memory (i1 takes a byte).
unsigned elementBytes(Type type);

} // namespace mlir::rong::gpu_codegen

#endif // RONG_LIB_CONVERSION_FUSIONTOGPU_KERNELBUILDER_H
