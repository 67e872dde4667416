//===- ColumnStrategy.cpp - Column groups: threads down kept columns ------===//
//
// This file implements the column strategy, for groups that reduce
// contiguous axes followed by kept axes: `sum(x, axis 0)` of a matrix,
// softmax over the channels of NCHW. Seen as [O, R, I] (lead positions, the
// column of R reduced elements, inner positions), each thread owns V
// neighbouring inner positions of one lead position, a vector of columns,
// and walks down them: neighbouring threads and the lanes of a vector read
// neighbouring addresses, and every reduction stays inside its thread, so
// there are no shuffles, no shared memory and no barriers. Per-column
// values (reduction results and what the group computes from them) are
// vectors of the thread's V columns.
//
// On GPUs a long column is split among the threads of a block: the block is
// TX x TY threads, TX neighbouring column vectors (a row segment of at
// least 32 bytes, so a subgroup's loads fill whole sectors) by TY slices of
// the column, thread (tx, ty) taking elements ty, ty + TY, ... Each thread
// reduces its slice; the TY partials of a column meet in shared memory
// after one barrier and every thread folds them into the column's value.
// That keeps all of a GPU busy where one thread per column would leave most
// of it idle (a bias gradient of 16384 x 1024 floats has 256 column
// vectors).
//
// The passes are the row strategy's (RowAnalysis.h): pass L evaluates what
// the reductions of level L consume and stores the outputs of level L. Short
// columns are unrolled and their values stay in registers across passes;
// longer ones loop over the column in every pass, a softmax's max and sum in
// one online pass where a re-read would come from device memory.
//
//===----------------------------------------------------------------------===//

#include "RowEmitter.h"
#include "AccumulationLoop.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// Threads per block on GPUs (fewer when there are fewer columns).
constexpr int64_t kColumnBlockThreads = 256;
/// A CPU thread's column touches one cache line per element; the column is
/// re-read from the cache while those lines fit on chip.
constexpr int64_t kCacheLineBytes = 64;
/// Bytes of each row a CPU thread reads at once.
constexpr int64_t kCpuRowBytes = 256;

struct ColumnPlan {
  /// Neighbouring inner positions per chunk (the vector width).
  unsigned width = 1;
  /// Neighbouring chunks per thread: 1 on GPUs (neighbouring threads read
  /// neighbouring chunks); on the CPU enough to read a few cache lines of
  /// each row at once.
  int64_t chunksPerThread = 1;
  bool inRegisters = true;
  bool onlineSoftmax = false;
  /// GPUs, long float columns: column vectors per block (TX) and slices each
  /// column is split into (TY); TY = 1 means one thread walks a column.
  int64_t columnThreads = 1;
  int64_t slices = 1;

  bool split() const { return slices > 1; }
};

/// Can the partial values of `a`'s reductions be combined through f32
/// shared memory? Float reductions (f16 and bf16 compute in f32) but not
/// argmax, whose index needs a second buffer.
bool splittable(const RowAnalysis &a) {
  return llvm::all_of(a.reductions, [](const RowReduction &red) {
    return red.kind != ReduceKind::ArgMax &&
           getComputeType(getElementTypeOrSelf(red.input.getType()), 1)
               .isF32();
  });
}

/// Shared memory of a split column kernel: one slot of TX x TY partial
/// vectors per reduction (an online softmax's max and sum take the slots of
/// its two reductions).
int64_t splitScratchFloats(const RowAnalysis &a, const ColumnPlan &plan) {
  return static_cast<int64_t>(a.reductions.size()) * plan.slices *
         plan.columnThreads * plan.width;
}

/// Chooses TX and TY for a long float column on a GPU (see the file
/// comment); leaves the plan unsplit where the column is too short to share.
void chooseSplit(const RowAnalysis &a, const TargetDescriptor &target,
                 unsigned maxBytes, ColumnPlan &plan) {
  if (!target.isGPU() || plan.inRegisters || !splittable(a))
    return;
  int64_t columnVectors = a.numRows * (a.innerWidth / plan.width);
  int64_t vectorBytes = static_cast<int64_t>(plan.width) * maxBytes;
  // Up to 128-byte row segments, as long as TX divides the column vectors
  // (so no thread is out of range and every thread reaches the barrier) and
  // there are blocks for every processor twice, down to 32-byte segments.
  int64_t tx = std::max<int64_t>(1, 128 / vectorBytes);
  while (tx > 1 && columnVectors % tx != 0)
    tx /= 2;
  while (tx > 1 && tx * vectorBytes > 32 &&
         columnVectors / tx < 2 * static_cast<int64_t>(target.numProcessors))
    tx /= 2;
  int64_t block = std::min<int64_t>(
      kColumnBlockThreads,
      llvm::bit_floor<uint64_t>(target.maxThreadsPerBlock));
  int64_t ty = std::max<int64_t>(1, block / tx);
  // At least 8 elements per slice, as long as a block keeps a subgroup's
  // threads; never an empty slice.
  while (ty > 1 && ty * 8 > a.rowWidth &&
         tx * ty > static_cast<int64_t>(target.subgroupSize))
    ty /= 2;
  while (ty > a.rowWidth)
    ty /= 2;
  plan.columnThreads = tx;
  plan.slices = ty;
  while (plan.slices > 1 &&
         splitScratchFloats(a, plan) * 4 >
             static_cast<int64_t>(target.onChipBytesPerBlock) / 2)
    plan.slices /= 2;
  if (!plan.split())
    plan.columnThreads = 1;
}

ColumnPlan chooseColumnPlan(const RowAnalysis &a, FusionOp fusion,
                            const TargetDescriptor &target) {
  ColumnPlan plan;
  SmallVector<Type> types(fusion.getOperandTypes());
  llvm::append_range(types, fusion.getResultTypes());
  unsigned maxBytes;
  unsigned width = chooseVectorWidth(a, fusion, types, target.vectorBytes,
                                     maxBytes);
  plan.width = width;
  // A CPU thread reads kCpuRowBytes of each row it walks (whole cache lines,
  // several of them for the prefetcher), as long as the columns divide
  // evenly and every core still gets a few threads.
  if (!target.isGPU()) {
    int64_t chunkBytes = static_cast<int64_t>(width) * maxBytes;
    int64_t vectors = a.innerWidth / width;
    while (plan.chunksPerThread * chunkBytes < kCpuRowBytes &&
           vectors % (plan.chunksPerThread * 2) == 0 &&
           a.numRows * vectors / (plan.chunksPerThread * 2) >=
               4 * static_cast<int64_t>(target.numProcessors))
      plan.chunksPerThread *= 2;
  }
  // Short columns (R * V * chunks elements per thread) are unrolled and kept
  // in registers under the row strategy's threshold.
  plan.inRegisters =
      a.rowWidth * width * plan.chunksPerThread <= kMaxRegisterElements;
  int64_t columnBytes = a.rowWidth * kCacheLineBytes;
  plan.onlineSoftmax =
      !plan.inRegisters &&
      (target.isGPU() ||
       columnBytes > static_cast<int64_t>(target.onChipBytesPerBlock));
  chooseSplit(a, target, maxBytes, plan);
  return plan;
}

/// `shape` (aligned to the iteration shape) without the reduced axes: its
/// shape in the space of columns, lead axes then inner axes.
SmallVector<int64_t> columnSpaceShape(const RowAnalysis &a,
                                      ArrayRef<int64_t> aligned) {
  SmallVector<int64_t> shape(aligned.take_front(a.rowAxis));
  llvm::append_range(shape, aligned.drop_front(a.rowEnd));
  return shape;
}

/// One chunk of a thread's columns: `width` neighbouring inner positions.
struct ColumnChunk {
  /// Offset of the chunk's first lane at r = 0 in the iteration shape, and
  /// in the space of columns ([lead, inner]).
  Value base, columnLinear;
  /// Per-column values, vectors of the chunk's columns.
  llvm::DenseMap<Value, Value> columnValues;
};

struct ColumnEmitter {
  ColumnEmitter(OpBuilder &b, Location loc, FusionOp fusion,
                const RowAnalysis &a, const ColumnPlan &plan)
      : b(b), loc(loc), fusion(fusion), a(a), plan(plan),
        online(a, plan.onlineSoftmax) {}

  OpBuilder &b;
  Location loc;
  FusionOp fusion;
  const RowAnalysis &a;
  const ColumnPlan &plan;
  SmallVector<Value> inputs, outputs;
  SmallVector<ColumnChunk> chunks;
  /// Split columns: this thread's slice (ty) and column vector within the
  /// block (tx), and the shared scratch of the partials.
  Value slice, blockColumn, scratch;
  /// The next unused scratch slot; slots are not reused, so no barrier is
  /// needed after the partials are read.
  int64_t nextSlot = 0;
  /// The max reductions computed with their softmax sums in one pass.
  OnlineSoftmaxPairs online;

  Value cst(int64_t v) { return indexConstant(b, loc, v); }

  Type computeType(Value v) {
    return getComputeType(getElementTypeOrSelf(v.getType()), plan.width);
  }

  /// `v` loaded from input `arg` of aligned shape `aligned`, whose element at
  /// the chunk's first lane is at `offset`.
  Value load(BlockArgument arg, ArrayRef<int64_t> aligned, Value offset) {
    bool splat = plan.width > 1 && aligned.back() == 1;
    return loadCompute(b, loc, inputs[arg.getArgNumber()], offset, plan.width,
                       splat);
  }

  /// Per-column value `v` on `chunk`; evaluated once, outside the passes'
  /// loops.
  Value columnValue(Value v, ColumnChunk &chunk) {
    if (Value known = chunk.columnValues.lookup(v))
      return known;
    Value result;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      SmallVector<int64_t> space = columnSpaceShape(a, a.alignedShape(arg));
      SmallVector<int64_t> all = columnSpaceShape(a, a.iterShape);
      result = load(arg, a.alignedShape(arg),
                    mapBroadcastIndex(b, loc, all, space, chunk.columnLinear));
    } else if (auto constant = v.getDefiningOp<ConstantOp>()) {
      result = emitSplatConstant(b, constant, plan.width);
    } else {
      Operation *op = v.getDefiningOp();
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(columnValue(operand, chunk));
      result = emitElementwise(b, op, operands, plan.width);
    }
    chunk.columnValues[v] = result;
    return result;
  }

  /// Evaluates every per-column value available once the reductions of
  /// level <= `level` are done.
  void evaluateColumnValues(unsigned level) {
    Block &body = fusion.getBodyBlock();
    for (ColumnChunk &chunk : chunks) {
      for (BlockArgument arg : body.getArguments())
        if (a.perRow.contains(arg))
          columnValue(arg, chunk);
      for (Operation &op : body.without_terminator())
        for (Value result : op.getResults())
          if (a.perRow.contains(result) && a.level.lookup(result) <= level &&
              !chunk.columnValues.count(result))
            columnValue(result, chunk);
    }
  }

  /// Per-element value `v` of `chunk` at element `linear` (offset in the
  /// iteration shape of the chunk's first lane); `values` memoises one
  /// element's values.
  Value elementValue(Value v, ColumnChunk &chunk, Value linear,
                     llvm::DenseMap<Value, Value> &values) {
    if (a.perRow.contains(v))
      return chunk.columnValues.lookup(v);
    if (Value known = values.lookup(v))
      return known;
    Value result;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      SmallVector<int64_t> aligned = a.alignedShape(arg);
      result = load(arg, aligned,
                    mapBroadcastIndex(b, loc, a.iterShape, aligned, linear));
    } else if (auto constant = v.getDefiningOp<ConstantOp>()) {
      result = emitSplatConstant(b, constant, plan.width);
    } else {
      Operation *op = v.getDefiningOp();
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(elementValue(operand, chunk, linear, values));
      result = emitElementwise(b, op, operands, plan.width);
    }
    values[v] = result;
    return result;
  }

  /// The reductions pass `level` accumulates; sets `accs` to their
  /// accumulators' initial values (identities()).
  SmallVector<const RowReduction *> passReductions(unsigned level,
                                                   SmallVector<Value> &accs) {
    SmallVector<const RowReduction *> reds;
    for (const RowReduction &red : a.reductions)
      if (a.level.lookup(red.input) == level && !online.absorbed(red.op))
        reds.push_back(&red);
    accs = identities(reds);
    return reds;
  }

  /// Element `r` of every chunk in pass `level`: accumulates into `accs`,
  /// stores the level's full outputs, and returns the new accumulators.
  /// `values` memoises each chunk's values at `r`.
  SmallVector<Value>
  step(Value r, unsigned level, ArrayRef<const RowReduction *> reds,
       ValueRange accs,
       MutableArrayRef<llvm::DenseMap<Value, Value>> values) {
    Value offset = arith::MulIOp::create(b, loc, r, cst(a.innerWidth));
    SmallVector<Value> next;
    unsigned slot = 0;
    for (auto [chunk, chunkValues] : llvm::zip(chunks, values)) {
      Value linear = arith::AddIOp::create(b, loc, chunk.base, offset);
      for (const RowReduction *red : reds) {
        Value v = elementValue(red->input, chunk, linear, chunkValues);
        if (online.sumOf(red->op)) {
          OnlineSoftmax state = accumulateOnlineSoftmax(
              b, loc, {accs[slot], accs[slot + 1]}, v);
          next.append({state.max, state.sum});
          slot += 2;
          continue;
        }
        next.push_back(combinePartials(b, loc, red->kind, accs[slot++], v));
      }
      for (auto [i, yielded] : llvm::enumerate(
               fusion.getBodyBlock().getTerminator()->getOperands()))
        if (!a.perRow.contains(yielded) && a.level.lookup(yielded) == level)
          storeCompute(b, loc, elementValue(yielded, chunk, linear, chunkValues),
                       outputs[i], linear);
    }
    return next;
  }

  /// The initial accumulators of `reds`, chunk after chunk: their
  /// identities (an online softmax's max -inf and sum 0).
  SmallVector<Value> identities(ArrayRef<const RowReduction *> reds) {
    SmallVector<Value> init;
    for (size_t k = 0; k < chunks.size(); ++k)
      for (const RowReduction *red : reds) {
        Type type = computeType(red->input);
        init.push_back(reductionIdentity(b, loc, red->kind, type));
        if (online.sumOf(red->op))
          init.push_back(createConstant(b, loc, type, 0.0));
      }
    return init;
  }

  /// Merges two sets of accumulators of `reds` (laid out as `identities`).
  SmallVector<Value> mergeAccs(ArrayRef<const RowReduction *> reds,
                               ValueRange lhs, ValueRange rhs) {
    SmallVector<Value> out;
    unsigned i = 0;
    for (size_t k = 0; k < chunks.size(); ++k)
      for (const RowReduction *red : reds) {
        if (online.sumOf(red->op)) {
          OnlineSoftmax merged = mergeOnlineSoftmax(
              b, loc, {lhs[i], lhs[i + 1]}, {rhs[i], rhs[i + 1]});
          out.append({merged.max, merged.sum});
          i += 2;
          continue;
        }
        out.push_back(combinePartials(b, loc, red->kind, lhs[i], rhs[i]));
        ++i;
      }
    return out;
  }

  /// Index of slice `k`'s partial of column vector `blockColumn` in scratch
  /// slot `slot`.
  Value scratchIndex(int64_t slot, Value k) {
    Value row = arith::AddIOp::create(b, loc, cst(slot * plan.slices), k);
    Value vector = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, row, cst(plan.columnThreads)),
        blockColumn);
    return arith::MulIOp::create(b, loc, vector, cst(plan.width));
  }

  /// Split columns: combines every slice's accumulators `accs` (those of
  /// `reds`, chunk after chunk) so that each thread holds the column's.
  SmallVector<Value> combineSlices(ArrayRef<const RowReduction *> reds,
                                   ArrayRef<Value> accs) {
    int64_t firstSlot = nextSlot;
    nextSlot += accs.size();
    for (auto [i, acc] : llvm::enumerate(accs)) {
      Value index = scratchIndex(firstSlot + i, slice);
      if (isa<VectorType>(acc.getType()))
        vector::StoreOp::create(b, loc, acc, scratch, ValueRange{index},
                                /*nontemporal=*/false,
                                llvm::MaybeAlign(plan.width * 4));
      else
        memref::StoreOp::create(b, loc, acc, scratch, ValueRange{index});
    }
    gpu::BarrierOp::create(b, loc);
    // Every thread folds the column's partials in slice order, from the
    // identities.
    SmallVector<Value> init = identities(reds);
    auto loop = scf::ForOp::create(
        b, loc, cst(0), cst(plan.slices), cst(1), init,
        [&](OpBuilder &inner, Location, Value k, ValueRange partial) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(inner.getInsertionBlock(),
                              inner.getInsertionPoint());
          SmallVector<Value> loaded;
          for (auto [i, acc] : llvm::enumerate(accs)) {
            Value index = scratchIndex(firstSlot + i, k);
            if (auto vectorType = dyn_cast<VectorType>(acc.getType()))
              loaded.push_back(vector::LoadOp::create(
                  b, loc, vectorType, scratch, ValueRange{index},
                  /*nontemporal=*/false, llvm::MaybeAlign(plan.width * 4)));
            else
              loaded.push_back(memref::LoadOp::create(b, loc, scratch,
                                                      ValueRange{index}));
          }
          scf::YieldOp::create(b, loc, mergeAccs(reds, partial, loaded));
        });
    return SmallVector<Value>(loop.getResults());
  }

  void emit() {
    Block &body = fusion.getBodyBlock();
    size_t numChunks = chunks.size();
    // Unrolled columns keep each element's values across the passes.
    SmallVector<SmallVector<llvm::DenseMap<Value, Value>>> kept(
        plan.inRegisters ? a.rowWidth : 0,
        SmallVector<llvm::DenseMap<Value, Value>>(numChunks));
    for (unsigned level = 0; level <= a.maxLevel; ++level) {
      evaluateColumnValues(level);
      SmallVector<Value> accs;
      SmallVector<const RowReduction *> reds = passReductions(level, accs);
      if (reds.empty() && !storesInPass(a, fusion, level))
        continue;
      if (plan.inRegisters) {
        for (int64_t r = 0; r < a.rowWidth; ++r)
          accs = step(cst(r), level, reds, accs, kept[r]);
      } else {
        auto walk = [&](Value r, ValueRange iterArgs) {
          SmallVector<llvm::DenseMap<Value, Value>> values(numChunks);
          return step(r, level, reds, iterArgs, values);
        };
        if (plan.split()) {
          // A split column's thread walks its slice: ty, ty + TY, ... (a
          // few elements: the slices are short).
          auto loop = scf::ForOp::create(
              b, loc, slice, cst(a.rowWidth), cst(plan.slices), accs,
              [&](OpBuilder &inner, Location, Value r, ValueRange iterArgs) {
                OpBuilder::InsertionGuard guard(b);
                b.setInsertionPoint(inner.getInsertionBlock(),
                                    inner.getInsertionPoint());
                scf::YieldOp::create(b, loc, walk(r, iterArgs));
              });
          accs.assign(loop.getResults().begin(), loop.getResults().end());
          if (!reds.empty())
            accs = combineSlices(reds, accs);
        } else {
          // One thread walks the whole column, in blocks when it is long.
          SmallVector<Value> init = accs;
          auto merge = [&](ValueRange lhs, ValueRange rhs) {
            return mergeAccs(reds, lhs, rhs);
          };
          bool cascade = llvm::any_of(reds, [&](const RowReduction *red) {
            return roundsByOrder(*red, online.sumOf(red->op));
          });
          accs = emitAccumulationLoop(b, loc, cst(0), 1, a.rowWidth, init,
                                      cascade ? ValueRange(init) : ValueRange(),
                                      merge, walk);
        }
      }
      unsigned slot = 0;
      for (ColumnChunk &chunk : chunks)
        for (const RowReduction *red : reds) {
          Value total = accs[slot++];
          if (red->kind == ReduceKind::Mean)
            total = arith::DivFOp::create(
                b, loc, total,
                createConstant(b, loc, total.getType(),
                               static_cast<double>(a.rowWidth)));
          chunk.columnValues[red->result] = total;
          if (const RowReduction *sum = online.sumOf(red->op))
            chunk.columnValues[sum->result] = accs[slot++];
        }
    }

    // One value per column, stored by the column's first slice.
    evaluateColumnValues(a.maxLevel + 1);
    if (plan.split()) {
      Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          slice, cst(0));
      auto guard = scf::IfOp::create(b, loc, first, /*withElse=*/false);
      b.setInsertionPoint(guard.thenBlock()->getTerminator());
    }
    for (ColumnChunk &chunk : chunks)
      for (auto [i, yielded] :
           llvm::enumerate(body.getTerminator()->getOperands()))
        if (a.perRow.contains(yielded))
          storeCompute(b, loc, columnValue(yielded, chunk), outputs[i],
                       chunk.columnLinear);
  }
};

} // namespace

FailureOr<LaunchConfig>
gpu_codegen::buildColumnKernel(KernelSkeleton &kernel,
                               const RowAnalysis &analysis) {
  FusionOp fusion = kernel.fusion;
  const TargetDescriptor &target = kernel.target;
  const RowAnalysis &a = analysis;
  ColumnPlan plan = chooseColumnPlan(a, fusion, target);

  int64_t columnsPerThread = plan.width * plan.chunksPerThread;
  int64_t threadsPerLead = a.innerWidth / columnsPerThread;
  int64_t threads = a.numRows * threadsPerLead;
  int64_t maxBlock = std::min<int64_t>(
      kColumnBlockThreads,
      llvm::bit_floor<uint64_t>(target.maxThreadsPerBlock));
  int64_t block = std::clamp<int64_t>(
      llvm::PowerOf2Ceil(threads),
      std::min<int64_t>(target.subgroupSize, maxBlock), maxBlock);
  // Split columns: TX column vectors per block, each by TY threads.
  int64_t columnsPerBlock = plan.split() ? plan.columnThreads : block;
  if (plan.split())
    block = plan.columnThreads * plan.slices;
  int64_t numBlocks = llvm::divideCeil(threads, columnsPerBlock);
  if (numBlocks > std::numeric_limits<int32_t>::max())
    return fusion.emitError() << "column group of " << threads
                              << " column vectors exceeds the 1-D grid";
  LaunchConfig config;
  config.grid = {numBlocks, 1, 1};
  config.block = {block, 1, 1};
  config.strategy = plan.split()       ? "column.split"
                    : plan.inRegisters ? "column"
                                       : "column.loop";

  Location loc = fusion.getLoc();
  OpBuilder b(kernel.func.getBody().front().getTerminator());
  ColumnEmitter emitter(b, loc, fusion, a, plan);
  for (unsigned i = 0; i < fusion.getNumOperands(); ++i)
    emitter.inputs.push_back(flattenBuffer(b, loc, kernel.input(i)));
  for (unsigned i = 0; i < fusion.getNumResults(); ++i)
    emitter.outputs.push_back(flattenBuffer(b, loc, kernel.output(i)));

  Value threadInBlock = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value blockStart = arith::MulIOp::create(
      b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
      indexConstant(b, loc, columnsPerBlock));
  Value thread;
  if (plan.split()) {
    // Thread (tx, ty) of the block: tx the column vector, ty the slice.
    // TX divides the column vectors, so every thread has a column and
    // reaches the barrier.
    Value tx = arith::RemUIOp::create(
        b, loc, threadInBlock, indexConstant(b, loc, plan.columnThreads));
    emitter.blockColumn = tx;
    emitter.slice = arith::DivUIOp::create(
        b, loc, threadInBlock, indexConstant(b, loc, plan.columnThreads));
    thread = arith::AddIOp::create(b, loc, blockStart, tx);
    auto workgroup = gpu::AddressSpaceAttr::get(
        fusion.getContext(), gpu::AddressSpace::Workgroup);
    int64_t floats = splitScratchFloats(a, plan);
    emitter.scratch = kernel.func.addWorkgroupAttribution(
        MemRefType::get({floats}, b.getF32Type(), MemRefLayoutAttrInterface{},
                        workgroup),
        loc);
    config.staticSharedBytes = floats * 4;
  } else {
    thread = arith::AddIOp::create(b, loc, blockStart, threadInBlock);
    if (threads % block != 0) {
      Value inside =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, thread,
                                indexConstant(b, loc, threads));
      auto guard = scf::IfOp::create(b, loc, inside, false);
      b.setInsertionPoint(guard.thenBlock()->getTerminator());
    }
  }
  Value lead = arith::DivUIOp::create(b, loc, thread,
                                      indexConstant(b, loc, threadsPerLead));
  Value inner = arith::MulIOp::create(
      b, loc,
      arith::RemUIOp::create(b, loc, thread,
                             indexConstant(b, loc, threadsPerLead)),
      indexConstant(b, loc, columnsPerThread));
  // Chunk k starts at (lead, 0, inner + k * width) in the iteration shape and
  // at (lead, inner + k * width) among the columns.
  Value leadBase = arith::MulIOp::create(
      b, loc, lead, indexConstant(b, loc, a.rowWidth * a.innerWidth));
  Value leadColumns = arith::MulIOp::create(
      b, loc, lead, indexConstant(b, loc, a.innerWidth));
  for (int64_t k = 0; k < plan.chunksPerThread; ++k) {
    Value column = arith::AddIOp::create(
        b, loc, inner, indexConstant(b, loc, k * plan.width));
    ColumnChunk &chunk = emitter.chunks.emplace_back();
    chunk.base = arith::AddIOp::create(b, loc, leadBase, column);
    chunk.columnLinear = arith::AddIOp::create(b, loc, leadColumns, column);
  }
  emitter.emit();
  return config;
}
