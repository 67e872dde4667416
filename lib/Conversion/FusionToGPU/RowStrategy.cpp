//===- RowStrategy.cpp - Row groups: one subgroup or one block per row ----===//
//
// This file implements the planning half of the row strategy for groups that
// reduce over trailing axes (softmax, LayerNorm, RMSNorm, reductions with
// producers and consumers): how a row is spread over threads, where it stays
// on chip, and the kernel's launch configuration and scratch. The passes over
// the row are emitted by RowEmitter.cpp.
//
// Threads per row: one subgroup for short rows, a block for long ones (the
// threshold is subgroupSize * vector width * kWarpChunks elements), and part
// of a subgroup for rows of fewer chunks than it has lanes. Each
// thread owns K chunks of `vectorBytes` of the row. When K is small the
// passes are unrolled and the chunks' loaded and computed values stay in
// registers across passes: the row is read from global memory once. Longer
// rows loop over their chunks and re-read the row in every pass.
//
//===----------------------------------------------------------------------===//

#include "RowEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// Rows up to subgroupSize * kWarpChunks vectors get one subgroup each.
constexpr int64_t kWarpChunks = 8;
/// Threads of a block that holds several one-subgroup rows.
constexpr int64_t kRowsBlockThreads = 256;
/// Chunks per thread a block-per-row kernel aims for: enough independent
/// loads in flight per thread, few registers.
constexpr int64_t kBlockChunks = 4;
/// Largest row buffer of cached values a CPU thread keeps on its stack.
constexpr int64_t kMaxCachedRowBytes = 64 * 1024;
/// L1 data cache of one CPU core (32 KiB on Zen and on Intel cores before
/// Sunny Cove; 48 KiB since).
constexpr int64_t kCpuL1DataBytes = 32 * 1024;
/// Independent accumulator sets of a CPU row loop (RowPlan): x86 cores
/// start two vector adds or maxes a cycle, each ready four cycles later.
constexpr int64_t kCpuAccumulatorSets = 4;

/// True for elementwise ops that cost more than a load and a store per
/// element.
bool isExpensive(Operation *op) {
  return isa<ExpOp, LogOp, TanhOp, ErfOp, SigmoidOp>(op);
}

/// Per-element values worth keeping in a row buffer: computed by an
/// expensive op in one pass and read again by a later pass (softmax's
/// exp(x - max), computed for the sum and read for the division).
SmallVector<Value> findCachedValues(const RowAnalysis &a, FusionOp fusion) {
  SmallVector<Value> cached;
  for (Operation &op : fusion.getBodyBlock().without_terminator()) {
    if (!isExpensive(&op))
      continue;
    Value v = op.getResult(0);
    unsigned level = a.level.lookup(v);
    if (a.perRow.contains(v) || a.reducedSpace.contains(v))
      continue;
    bool later = llvm::any_of(v.getUsers(), [&](Operation *user) {
      return user->getNumResults() == 1 &&
             !a.perRow.contains(user->getResult(0)) &&
             a.level.lookup(user->getResult(0)) > level;
    });
    if (later)
      cached.push_back(v);
  }
  return cached;
}

/// The pass of a CPU row loop that prefetches the next row
/// (RowPlan::prefetchLevel), or -1. It is the second pass: the first reads
/// the row from memory and would only race the hardware prefetcher, and the
/// row is then in the cache for the rest. The prefetch pays when that pass
/// computes an expensive op (softmax's exp), whose time the memory traffic
/// hides under, or when this row and the next fit in the L1 cache together;
/// otherwise the next row evicts this one before the later passes reread it
/// (LayerNorm on 16384-wide rows lost 6-15%, softmax gained 1.5x there).
int choosePrefetchLevel(const RowAnalysis &a, FusionOp fusion,
                        int64_t cachedBytes) {
  unsigned level = std::min(1u, a.maxLevel);
  int64_t footprint = cachedBytes;
  for (Type type : llvm::concat<const Type>(fusion.getOperandTypes(),
                                            fusion.getResultTypes()))
    if (auto shaped = dyn_cast<ShapedType>(type);
        shaped && shaped.hasStaticShape() &&
        shaped.getNumElements() == a.numRows * a.rowWidth)
      footprint += a.rowWidth * elementBytes(shaped.getElementType());
  bool expensive = llvm::any_of(
      fusion.getBodyBlock().without_terminator(), [&](Operation &op) {
        return isExpensive(&op) && !a.perRow.contains(op.getResult(0)) &&
               a.level.lookup(op.getResult(0)) == level;
      });
  if (expensive || 2 * footprint <= kCpuL1DataBytes)
    return static_cast<int>(level);
  return -1;
}

RowPlan choosePlan(const RowAnalysis &a, FusionOp fusion,
                   const TargetDescriptor &target) {
  RowPlan plan;
  // Vectors hold the inputs and the full-row results; a result with one
  // value per row (an argmax index) is stored as a scalar and does not
  // narrow them.
  SmallVector<Type> vectorTypes(fusion.getOperandTypes());
  for (auto [yielded, type] :
       llvm::zip(fusion.getBodyBlock().getTerminator()->getOperands(),
                 fusion.getResultTypes()))
    if (!a.perRow.contains(yielded))
      vectorTypes.push_back(type);
  unsigned maxBytes;
  // A CPU core loads and stores vectors at any address, so its rows keep
  // full-width vectors with an overlapping last chunk; GPU vector accesses
  // must be aligned, so their rows take a width that divides the row.
  unsigned width = chooseVectorWidth(
      a, fusion, vectorTypes, target.vectorBytes, maxBytes,
      target.isGPU() ? nullptr : &plan.overlapTail);
  plan.width = width;

  int64_t chunks = llvm::divideCeil(a.rowWidth, width);
  int64_t sg = target.subgroupSize;
  int64_t maxThreads = llvm::bit_floor<uint64_t>(target.maxThreadsPerBlock);
  if (chunks <= sg * kWarpChunks) {
    // A row of fewer chunks than the subgroup has lanes shares the subgroup
    // with other rows: it gets the fewest lanes (a power of two) that cover
    // its chunks, instead of a whole subgroup whose other lanes idle.
    plan.threadsPerRow =
        chunks < sg ? static_cast<int64_t>(llvm::PowerOf2Ceil(chunks)) : sg;
    plan.rowsPerBlock = std::max<int64_t>(
        1, std::min<int64_t>(kRowsBlockThreads, maxThreads) /
               plan.threadsPerRow);
  } else {
    int64_t want = llvm::PowerOf2Ceil(llvm::divideCeil(chunks, kBlockChunks));
    plan.threadsPerRow = std::clamp<int64_t>(want, sg, maxThreads);
  }
  plan.chunksPerThread = llvm::divideCeil(chunks, plan.threadsPerRow);
  plan.inRegisters =
      plan.chunksPerThread * width <= kMaxRegisterElements;
  // A GPU re-reads a row that is not in registers from device memory (or
  // shared memory it first had to fill), so one online pass for a softmax's
  // max and sum saves a read. A CPU core re-reads it from its cache while the
  // row fits there, and the online pass's second exp per element costs more
  // than the read.
  int64_t rowBytes = a.rowWidth * static_cast<int64_t>(maxBytes);
  plan.onlineSoftmax =
      !plan.inRegisters &&
      (target.isGPU() ||
       rowBytes > static_cast<int64_t>(target.onChipBytesPerBlock));
  plan.loopChunks = plan.chunksPerThread;
  if (!target.isGPU() && !plan.inRegisters) {
    // Whole chunks go through the loop, sets of them per iteration; the
    // chunks left over (at most a few) follow it unrolled.
    int64_t whole = a.rowWidth / width;
    for (int64_t sets : {kCpuAccumulatorSets, int64_t{2}})
      if (whole % sets == 0) {
        plan.accumulatorSets = sets;
        break;
      }
    if (plan.accumulatorSets == 1 && whole >= 2 * kCpuAccumulatorSets)
      plan.accumulatorSets = kCpuAccumulatorSets;
    plan.loopChunks = whole - whole % plan.accumulatorSets;
  }
  return plan;
}

} // namespace

FailureOr<LaunchConfig> gpu_codegen::buildRowKernel(KernelSkeleton &kernel) {
  FusionOp fusion = kernel.fusion;
  const TargetDescriptor &target = kernel.target;
  FailureOr<RowAnalysis> analysis = analyzeRowGroup(fusion);
  if (failed(analysis))
    return failure();
  const RowAnalysis &a = *analysis;
  if (a.isColumnGroup())
    return buildColumnKernel(kernel, a);
  RowPlan plan = choosePlan(a, fusion, target);

  LaunchConfig config;
  int64_t sg = target.subgroupSize;
  bool warpPerRow = plan.threadsPerRow <= sg;
  int64_t numBlocks = llvm::divideCeil(a.numRows, plan.rowsPerBlock);
  if (numBlocks > std::numeric_limits<int32_t>::max())
    return fusion.emitError() << "row group of " << a.numRows
                              << " rows exceeds the 1-D grid";
  config.grid = {numBlocks, 1, 1};
  config.block = {plan.threadsPerRow, plan.rowsPerBlock, 1};
  config.strategy = plan.threadsPerRow < sg ? "row.subwarp"
                    : warpPerRow              ? "row.warp"
                                              : "row.block";
  if (!plan.inRegisters)
    config.strategy += ".loop";

  gpu::GPUFuncOp func = kernel.func;
  Location loc = fusion.getLoc();
  MLIRContext *ctx = func.getContext();
  SmallVector<Value, 1> scratch;
  if (!warpPerRow) {
    // One slot per partial value: an argmax has two (value, index).
    int64_t values = 0;
    for (const RowReduction &red : a.reductions)
      values += red.kind == ReduceKind::ArgMax ? 2 : 1;
    int64_t slots = values * (plan.threadsPerRow / target.subgroupSize);
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    // One buffer per type of partial values: f32 for float reductions
    // (online softmax pairs included), i32/i64 for integer ones.
    SmallVector<Type, 2> types;
    for (bool floats : {true, false})
      for (const RowReduction &red : a.reductions) {
        SmallVector<Type, 2> partials{
            getComputeType(getElementTypeOrSelf(red.input.getType()), 1)};
        if (red.kind == ReduceKind::ArgMax)
          partials.push_back(IntegerType::get(ctx, 64));
        for (Type element : partials)
          if (isa<FloatType>(element) == floats &&
              !llvm::is_contained(types, element))
            types.push_back(element);
      }
    for (Type element : types) {
      auto type = MemRefType::get({slots}, element,
                                  MemRefLayoutAttrInterface{}, workgroup);
      scratch.push_back(func.addWorkgroupAttribution(type, loc));
      config.staticSharedBytes += slots * elementBytes(element);
    }
  }

  // Rows that do not fit in registers but fit in the block's on-chip memory
  // are cached there: inputs that vary along the row and per row, stored as
  // loaded (their own element type), each region 16-byte aligned.
  SmallVector<std::pair<BlockArgument, int64_t>> cached;
  if (!plan.inRegisters && !warpPerRow) {
    int64_t offset = 0;
    for (BlockArgument arg : fusion.getBodyBlock().getArguments()) {
      SmallVector<int64_t> padded = a.alignedShape(arg);
      bool fullRows = llvm::equal(ArrayRef(padded).drop_front(a.rowAxis),
                                  a.rowShape()) &&
                      !llvm::all_of(ArrayRef(padded).take_front(a.rowAxis),
                                    [](int64_t d) { return d == 1; });
      if (!fullRows || plan.width == 1)
        continue;
      cached.push_back({arg, offset});
      offset += llvm::alignTo(
          a.rowWidth * elementBytes(getElementTypeOrSelf(arg.getType())), 16);
    }
    if (!cached.empty() &&
        offset + config.staticSharedBytes <=
            static_cast<int64_t>(target.onChipBytesPerBlock)) {
      config.dynamicSharedBytes = offset;
      config.strategy = "row.block.smem";
    } else {
      cached.clear();
    }
  }

  // A CPU thread walking its row in several passes keeps what an expensive
  // op computed in one pass for the later ones, on its stack: the row's
  // cache lines are still close, and a load costs less than an exp.
  RowKernelIO io;
  if (!target.isGPU() && !plan.inRegisters && plan.threadsPerRow == 1 &&
      plan.rowsPerBlock == 1) {
    int64_t bytes = 0;
    for (Value v : findCachedValues(a, fusion)) {
      Type element = getComputeType(getElementTypeOrSelf(v.getType()), 1);
      int64_t rowBytes = a.rowWidth * elementBytes(element);
      if (bytes + rowBytes > kMaxCachedRowBytes)
        break;
      bytes += rowBytes;
      auto workgroup =
          gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
      auto type = MemRefType::get({a.rowWidth}, element,
                                  MemRefLayoutAttrInterface{}, workgroup);
      io.valueCache[v] = func.addWorkgroupAttribution(type, loc);
      config.staticSharedBytes += a.rowWidth * elementBytes(element);
    }
    plan.prefetchLevel = choosePrefetchLevel(a, fusion, bytes);
  }

  OpBuilder b(func.getBody().front().getTerminator());
  if (!cached.empty()) {
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto bytesType = MemRefType::get({ShapedType::kDynamic},
                                     IntegerType::get(ctx, 8),
                                     MemRefLayoutAttrInterface{}, workgroup);
    Value dynamic = gpu::DynamicSharedMemoryOp::create(b, loc, bytesType);
    for (auto [arg, offset] : cached) {
      auto type = MemRefType::get({a.rowWidth},
                                  getElementTypeOrSelf(arg.getType()),
                                  MemRefLayoutAttrInterface{}, workgroup);
      io.rowCache[arg] = memref::ViewOp::create(
          b, loc, type, dynamic, indexConstant(b, loc, offset), ValueRange{});
    }
  }
  for (unsigned i = 0; i < fusion.getNumOperands(); ++i)
    io.inputs.push_back(flattenBuffer(b, loc, kernel.input(i)));
  for (unsigned i = 0; i < fusion.getNumResults(); ++i)
    io.outputs.push_back(flattenBuffer(b, loc, kernel.output(i)));

  Value lane = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value row = blockId;
  if (warpPerRow) {
    Value sub = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::y);
    row = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, blockId,
                              indexConstant(b, loc, plan.rowsPerBlock)),
        sub);
    if (a.numRows % plan.rowsPerBlock == 0) {
      // Every row of every block exists.
    } else if (plan.threadsPerRow < sg) {
      // Rows that share a subgroup share its shuffles, which every lane
      // must reach: lanes past the last row work on the last row again and
      // store nothing.
      Value last = indexConstant(b, loc, a.numRows - 1);
      io.rowValid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                          row, last);
      row = arith::MinUIOp::create(b, loc, row, last);
    } else {
      // Rows of a block are independent subgroups without barriers, so the
      // tail block can simply skip the rows past the end.
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           row,
                                           indexConstant(b, loc, a.numRows));
      auto guard = scf::IfOp::create(b, loc, inside, false);
      b.setInsertionPoint(guard.thenBlock()->getTerminator());
    }
  }
  io.row = row;
  RowThreads threads{plan.threadsPerRow, target.subgroupSize, lane, scratch};
  emitRowPasses(b, loc, kernel, a, plan, threads, io);
  return config;
}
