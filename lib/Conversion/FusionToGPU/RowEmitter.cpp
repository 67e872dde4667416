//===- RowEmitter.cpp - The passes of the row strategy --------------------===//
//
// This file implements the emission of the row strategy's passes. The row is
// walked in passes, one per level (RowAnalysis.h): pass L evaluates the
// per-element values reductions of level L need, accumulates them per thread,
// then reduces across the row's threads; the results become per-row values
// for the next pass, and the group's outputs are stored in the pass of their
// level. Rows in registers are unrolled chunk by chunk, so each chunk's values
// are SSA values shared by all passes; other rows loop over their chunks in
// every pass, reading from shared memory when the row is cached there.
//
//===----------------------------------------------------------------------===//

#include "RowEmitter.h"
#include "AccumulationLoop.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// One thread's chunk of a row: its column, whether it lies inside the row,
/// and the values computed on it so far.
struct Chunk {
  Value column;   // first column of the chunk
  Value loadColumn; // column clamped into the row, safe to read
  Value inBounds; // i1, null when the chunk is always inside the row
  /// vector<width x i1>: the lanes that count, null when all do (the
  /// overlapping tail of a CPU row, RowPlan::overlapTail).
  Value laneMask;
  llvm::DenseMap<Value, Value> values;
};

/// A reduction evaluated in the current pass; `onlineSum` is set when the
/// reduction is a max computed together with its softmax sum.
struct PassReduction {
  const RowReduction *red;
  const RowReduction *onlineSum;
};

struct RowEmitter {
  RowEmitter(OpBuilder &b, Location loc, KernelSkeleton &kernel,
             const RowAnalysis &a, const RowPlan &plan,
             const RowThreads &threads, const RowKernelIO &io)
      : b(b), loc(loc), kernel(kernel), a(a), plan(plan), threads(threads),
        row(io.row), rowValid(io.rowValid), inputs(io.inputs),
        outputs(io.outputs),
        rowCache(io.rowCache), valueCache(io.valueCache) {}

  OpBuilder &b;
  Location loc;
  KernelSkeleton &kernel;
  const RowAnalysis &a;
  const RowPlan &plan;
  const RowThreads &threads;
  Value row;
  Value rowValid;
  ArrayRef<Value> inputs, outputs;
  const llvm::DenseMap<Value, Value> &rowCache;
  const llvm::DenseMap<Value, Value> &valueCache;
  llvm::DenseMap<Value, Value> rowValues;
  int64_t nextSlot = 0;
  /// Max reductions whose paired sum of exp(x - max) is computed with them in
  /// one online pass when the row is re-read in every pass: the row is then
  /// read twice instead of three times.
  OnlineSoftmaxPairs online{a, plan.onlineSoftmax};
  /// The pass that fills each input's shared-memory copy, and each cached
  /// value's row buffer.
  llvm::DenseMap<Value, unsigned> cacheFilledIn;
  unsigned currentLevel = 0;

  /// Whether vector accesses are aligned to their full size: everywhere
  /// but in rows with an overlapping tail, which start anywhere.
  bool aligned() const { return !plan.overlapTail; }

  /// The i64 index of each lane of a chunk (argmax).
  Type indexType() { return getComputeType(b.getI64Type(), plan.width); }

  /// The position along the row of each lane of `chunk`, as i64.
  Value columnIndex(const Chunk &chunk) {
    Value column =
        arith::IndexCastOp::create(b, loc, b.getI64Type(), chunk.column);
    if (plan.width == 1)
      return column;
    auto type = cast<VectorType>(indexType());
    auto lanes = DenseElementsAttr::get(
        type, llvm::to_vector(llvm::map_range(
                  llvm::seq<int64_t>(0, plan.width),
                  [](int64_t i) { return APInt(64, i); })));
    return arith::AddIOp::create(b, loc, splatTo(b, loc, column, type),
                                 arith::ConstantOp::create(b, loc, lanes));
  }

  /// The compute type of the partial values of `red`: f32 for floats, the
  /// integer type itself for integer reductions.
  Type computeType(const RowReduction &red) {
    return getComputeType(getElementTypeOrSelf(red.input.getType()),
                          plan.width);
  }

  /// Offset of row `row` in an operand of padded shape `padded`, scaled by the
  /// operand's row length.
  Value operandRowBase(ArrayRef<int64_t> padded) {
    ArrayRef<int64_t> lead = ArrayRef(padded).take_front(a.rowAxis);
    int64_t rowLength = 1;
    for (int64_t d : ArrayRef(padded).drop_front(a.rowAxis))
      rowLength *= d;
    Value base = mapBroadcastIndex(b, loc, a.leadShape(), lead, row);
    return arith::MulIOp::create(b, loc, base,
                                 indexConstant(b, loc, rowLength));
  }

  /// Per-row value `v` as a scalar; evaluated once, at the top level.
  Value rowValue(Value v) {
    if (Value known = rowValues.lookup(v))
      return known;
    Value result;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      SmallVector<int64_t> padded = a.alignedShape(arg);
      result = loadCompute(b, loc, inputs[arg.getArgNumber()],
                           operandRowBase(padded), 1, false);
    } else if (auto constant = v.getDefiningOp<ConstantOp>()) {
      result = emitSplatConstant(b, constant, 1);
    } else {
      Operation *op = v.getDefiningOp();
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(rowValue(operand));
      result = emitElementwise(b, op, operands, 1);
    }
    rowValues[v] = result;
    return result;
  }

  /// Evaluates every per-row value available once reductions of level <=
  /// `level` are done, so that later passes find them defined at the top.
  void evaluateRowValues(unsigned level) {
    Block &body = kernel.fusion.getBodyBlock();
    for (BlockArgument arg : body.getArguments())
      if (a.perRow.contains(arg))
        rowValue(arg);
    for (Operation &op : body.without_terminator())
      for (Value result : op.getResults())
        if (a.perRow.contains(result) && a.level.lookup(result) <= level &&
            !rowValues.count(result))
          rowValue(result);
  }

  /// Per-element value `v` on `chunk`.
  Value elementValue(Value v, Chunk &chunk) {
    if (Value known = chunk.values.lookup(v))
      return known;
    Value result;
    if (a.perRow.contains(v)) {
      result = splatTo(b, loc, rowValues.lookup(v),
                       getComputeType(getElementTypeOrSelf(
                                          rowValues.lookup(v).getType()),
                                      plan.width));
    } else if (auto arg = dyn_cast<BlockArgument>(v)) {
      SmallVector<int64_t> padded = a.alignedShape(arg);
      ArrayRef<int64_t> rowPart = ArrayRef(padded).drop_front(a.rowAxis);
      Value column = mapBroadcastIndex(b, loc, a.rowShape(), rowPart,
                                       chunk.loadColumn);
      Value offset =
          arith::AddIOp::create(b, loc, operandRowBase(padded), column);
      bool splat = plan.width > 1 && padded.back() == 1;
      if (Value cache = rowCache.lookup(arg)) {
        // The first pass that reads the row copies it to shared memory; the
        // later ones read it back from there. Each thread reads back only the
        // columns it wrote, so no barrier is needed.
        auto filled = cacheFilledIn.find(arg);
        if (filled != cacheFilledIn.end() && filled->second < currentLevel) {
          result = widenToCompute(
              b, loc, loadRaw(b, loc, cache, chunk.loadColumn, plan.width));
        } else {
          Value raw = loadRaw(b, loc, inputs[arg.getArgNumber()], offset,
                              plan.width);
          if (auto vectorType = dyn_cast<VectorType>(raw.getType()))
            vector::StoreOp::create(
                b, loc, raw, cache, ValueRange{chunk.loadColumn},
                /*nontemporal=*/false,
                llvm::MaybeAlign(vectorType.getNumElements() *
                                 elementBytes(vectorType.getElementType())));
          else
            memref::StoreOp::create(b, loc, raw, cache,
                                    ValueRange{chunk.loadColumn});
          cacheFilledIn.try_emplace(arg, currentLevel);
          result = widenToCompute(b, loc, raw);
        }
      } else {
        result = loadCompute(b, loc, inputs[arg.getArgNumber()], offset,
                             plan.width, splat, aligned());
      }
    } else if (auto constant = v.getDefiningOp<ConstantOp>()) {
      result = emitSplatConstant(b, constant, plan.width);
    } else {
      // A value cached by an earlier pass is read back; the first pass that
      // computes it writes it (each thread reads back only its own columns).
      Value cache = valueCache.lookup(v);
      auto filled = cacheFilledIn.find(v);
      if (cache && filled != cacheFilledIn.end() &&
          filled->second < currentLevel) {
        result = loadCompute(b, loc, cache, chunk.loadColumn, plan.width,
                             /*splat=*/false, aligned());
      } else {
        Operation *op = v.getDefiningOp();
        SmallVector<Value> operands;
        for (Value operand : op->getOperands())
          operands.push_back(elementValue(operand, chunk));
        result = emitElementwise(b, op, operands, plan.width);
        if (cache) {
          storeCompute(b, loc, result, cache, chunk.loadColumn, aligned());
          cacheFilledIn.try_emplace(v, currentLevel);
        }
      }
    }
    chunk.values[v] = result;
    return result;
  }

  /// True if `arg` holds a whole value per element: one full row per row,
  /// rows stored one after the other.
  bool isFullSize(BlockArgument arg) {
    SmallVector<int64_t> padded = a.alignedShape(arg);
    return llvm::equal(ArrayRef(padded).take_front(a.rowAxis),
                       a.leadShape()) &&
           llvm::equal(ArrayRef(padded).drop_front(a.rowAxis), a.rowShape());
  }

  /// Prefetches, from the next row of `buffer` (rows of rowWidth elements
  /// of `element`), the cache lines of the columns one loop iteration
  /// starting at chunk `k` covers (RowPlan::prefetchLevel). CPU rows only:
  /// one thread walks the row, so chunk k starts at column k * width.
  void prefetchRowLines(Value buffer, Type element, Value nextRowBase,
                        Value k, bool write) {
    constexpr int64_t kCacheLineBytes = 64;
    int64_t bytes = elementBytes(element);
    int64_t perLine = std::max<int64_t>(1, kCacheLineBytes / bytes);
    int64_t span = plan.accumulatorSets * plan.width;
    Value first =
        arith::MulIOp::create(b, loc, k, indexConstant(b, loc, plan.width));
    for (int64_t e = 0; e < span; e += perLine) {
      Value column =
          e == 0 ? first
                 : arith::AddIOp::create(b, loc, first,
                                         indexConstant(b, loc, e));
      // The last iteration may overhang a row whose width the iteration does
      // not divide; the address stays inside the row.
      if (a.rowWidth % span != 0)
        column = arith::MinUIOp::create(
            b, loc, column, indexConstant(b, loc, a.rowWidth - 1));
      Value offset = arith::AddIOp::create(b, loc, nextRowBase, column);
      memref::PrefetchOp::create(b, loc, buffer, ValueRange{offset}, write,
                                 /*localityHint=*/3, /*isDataCache=*/true);
    }
  }

  /// Prefetches the next row's lines of every full-size input and output
  /// that iteration `k` of this pass's loop covers.
  void prefetchNextRow(Value nextRow, Value k) {
    Block &body = kernel.fusion.getBodyBlock();
    Value base = arith::MulIOp::create(b, loc, nextRow,
                                       indexConstant(b, loc, a.rowWidth));
    for (BlockArgument arg : body.getArguments())
      if (isFullSize(arg))
        prefetchRowLines(inputs[arg.getArgNumber()],
                         getElementTypeOrSelf(arg.getType()), base, k,
                         /*write=*/false);
    for (auto [i, yielded] :
         llvm::enumerate(body.getTerminator()->getOperands()))
      if (!a.perRow.contains(yielded))
        prefetchRowLines(
            outputs[i],
            getElementTypeOrSelf(kernel.fusion.getResult(i).getType()), base,
            k, /*write=*/true);
  }

  /// `condition` (null: always) and, where this thread may hold another
  /// thread's row, `rowValid`: when this thread stores.
  Value storeGuard(Value condition) {
    if (!rowValid)
      return condition;
    if (!condition)
      return rowValid;
    return arith::AndIOp::create(b, loc, condition, rowValid);
  }

  /// Sets up the columns of chunk `k` (a constant or a loop index).
  void initChunk(Chunk &chunk, Value k, bool mayOverhang) {
    Value first = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, k,
                              indexConstant(b, loc, plan.threadsPerRow)),
        threads.lane);
    chunk.column =
        arith::MulIOp::create(b, loc, first, indexConstant(b, loc, plan.width));
    chunk.loadColumn = chunk.column;
    chunk.inBounds = nullptr;
    if (!mayOverhang)
      return;
    Value width = indexConstant(b, loc, a.rowWidth);
    chunk.inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           chunk.column, width);
    chunk.loadColumn = arith::MinUIOp::create(
        b, loc, chunk.column, indexConstant(b, loc, a.rowWidth - plan.width));
  }

  /// Sets up chunk `k`, the last of a CPU row with an overlapping tail
  /// (RowPlan::overlapTail): it covers the row's last `width` columns, and
  /// only its lanes from column k * width on count.
  void initTailChunk(Chunk &chunk, int64_t k) {
    assert(plan.threadsPerRow == 1 && "overlapping tails are per thread");
    int64_t start = a.rowWidth - plan.width;
    chunk.column = indexConstant(b, loc, start);
    chunk.loadColumn = chunk.column;
    chunk.inBounds = nullptr;
    int64_t covered = k * plan.width - start;
    auto maskType = VectorType::get({static_cast<int64_t>(plan.width)},
                                    b.getI1Type());
    SmallVector<bool> lanes;
    for (int64_t lane = 0; lane < static_cast<int64_t>(plan.width); ++lane)
      lanes.push_back(lane >= covered);
    chunk.laneMask = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(maskType, ArrayRef<bool>(lanes)));
  }

  /// Sets up chunk `k` of a thread's chunks, both known when emitting.
  void initStaticChunk(Chunk &chunk, int64_t k) {
    if (plan.overlapTail && k == plan.chunksPerThread - 1)
      return initTailChunk(chunk, k);
    bool overhang = (k + 1) * plan.threadsPerRow * plan.width > a.rowWidth;
    initChunk(chunk, indexConstant(b, loc, k), overhang);
  }

  /// Work of one pass on one chunk: accumulate the pass's reductions into
  /// `accs` (one value per reduction, two for an online softmax) and store
  /// the outputs of this level.
  SmallVector<Value> step(Chunk &chunk, unsigned level,
                          ArrayRef<PassReduction> reds, ValueRange accs) {
    SmallVector<Value> next;
    unsigned slot = 0;
    for (const PassReduction &pr : reds) {
      const RowReduction *red = pr.red;
      Value v = elementValue(red->input, chunk);
      for (Value counts : {chunk.inBounds, chunk.laneMask})
        if (counts)
          v = arith::SelectOp::create(
              b, loc, counts, v,
              reductionIdentity(b, loc, red->kind, v.getType()));
      if (pr.onlineSum) {
        OnlineSoftmax state = accumulateOnlineSoftmax(
            b, loc, {accs[slot], accs[slot + 1]}, v);
        next.append({state.max, state.sum});
        slot += 2;
        continue;
      }
      if (red->kind == ReduceKind::ArgMax) {
        Value index = columnIndex(chunk);
        for (Value counts : {chunk.inBounds, chunk.laneMask})
          if (counts)
            index = arith::SelectOp::create(
                b, loc, counts, index,
                argMaxSentinel(b, loc, index.getType(), red->selectLast));
        ArgMaxState state = combineArgMax(
            b, loc, {accs[slot], accs[slot + 1]}, {v, index}, red->selectLast);
        next.append({state.value, state.index});
        slot += 2;
        continue;
      }
      next.push_back(combinePartials(b, loc, red->kind, accs[slot++], v));
    }
    Block &body = kernel.fusion.getBodyBlock();
    for (auto [i, yielded] :
         llvm::enumerate(body.getTerminator()->getOperands())) {
      if (a.perRow.contains(yielded) || a.level.lookup(yielded) != level)
        continue;
      Value value = elementValue(yielded, chunk);
      OpBuilder::InsertionGuard guard(b);
      if (Value stores = storeGuard(chunk.inBounds)) {
        auto ifOp = scf::IfOp::create(b, loc, stores, false);
        b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
      }
      Value rowBase = arith::MulIOp::create(
          b, loc, row, indexConstant(b, loc, a.rowWidth));
      Value offset = arith::AddIOp::create(b, loc, rowBase, chunk.column);
      storeCompute(b, loc, value, outputs[i], offset, aligned());
    }
    return next;
  }

  void emit() {
    SmallVector<Chunk> chunks(plan.inRegisters ? plan.chunksPerThread : 0);
    for (int64_t k = 0; k < static_cast<int64_t>(chunks.size()); ++k)
      initStaticChunk(chunks[k], k);
    // The loop covers whole chunks only when the row has an overlapping
    // tail: it follows the loop.
    bool loopOverhang = !plan.overlapTail &&
                        a.rowWidth % (plan.threadsPerRow * plan.width) != 0;
    // The row after this one, or this one for the last row.
    Value nextRow;
    if (plan.prefetchLevel >= 0)
      nextRow = arith::MinUIOp::create(
          b, loc,
          arith::AddIOp::create(b, loc, row, indexConstant(b, loc, 1)),
          indexConstant(b, loc, a.numRows - 1));

    for (unsigned level = 0; level <= a.maxLevel; ++level) {
      currentLevel = level;
      evaluateRowValues(level);
      SmallVector<PassReduction> reds;
      SmallVector<Value> accs;
      for (const RowReduction &red : a.reductions) {
        if (a.level.lookup(red.input) != level || online.absorbed(red.op))
          continue;
        const RowReduction *sum = online.sumOf(red.op);
        reds.push_back({&red, sum});
        accs.push_back(
            reductionIdentity(b, loc, red.kind, computeType(red)));
        if (sum)
          accs.push_back(createConstant(b, loc, computeType(red), 0.0));
        if (red.kind == ReduceKind::ArgMax)
          accs.push_back(
              argMaxSentinel(b, loc, indexType(), red.selectLast));
      }

      // A pass with neither reductions nor full-row outputs has no work.
      if (reds.empty() && !storesInPass(a, kernel.fusion, level))
        continue;

      // Merges two tuples of this pass's partial values (scalars, or
      // vectors lane by lane).
      auto combine = [&](ValueRange lhs, ValueRange rhs) {
        SmallVector<Value> out;
        unsigned i = 0;
        for (const PassReduction &pr : reds) {
          if (pr.onlineSum) {
            OnlineSoftmax merged = mergeOnlineSoftmax(
                b, loc, {lhs[i], lhs[i + 1]}, {rhs[i], rhs[i + 1]});
            out.append({merged.max, merged.sum});
            i += 2;
            continue;
          }
          if (pr.red->kind == ReduceKind::ArgMax) {
            ArgMaxState merged =
                combineArgMax(b, loc, {lhs[i], lhs[i + 1]},
                              {rhs[i], rhs[i + 1]}, pr.red->selectLast);
            out.append({merged.value, merged.index});
            i += 2;
            continue;
          }
          out.push_back(combinePartials(b, loc, pr.red->kind, lhs[i], rhs[i]));
          ++i;
        }
        return out;
      };

      if (plan.inRegisters) {
        for (Chunk &chunk : chunks)
          accs = step(chunk, level, reds, accs);
      } else {
        // Each iteration takes `sets` neighbouring chunks, each folded into
        // its own set of accumulators, so that consecutive vector
        // reductions do not wait on each other's latency; the sets are
        // merged after the loop (RowPlan::accumulatorSets). A long row is
        // walked in blocks (emitAccumulationLoop).
        int64_t sets = plan.accumulatorSets;
        size_t perSet = accs.size();
        SmallVector<Value> init;
        for (int64_t u = 0; u < sets; ++u)
          llvm::append_range(init, accs);
        auto mergeSets = [&](ValueRange lhs, ValueRange rhs) {
          SmallVector<Value> out;
          for (int64_t u = 0; u < sets; ++u)
            llvm::append_range(out, combine(lhs.slice(u * perSet, perSet),
                                            rhs.slice(u * perSet, perSet)));
          return out;
        };
        bool cascade = llvm::any_of(reds, [](const PassReduction &pr) {
          return roundsByOrder(*pr.red, pr.onlineSum);
        });
        SmallVector<Value> results = emitAccumulationLoop(
            b, loc, indexConstant(b, loc, 0), sets, plan.loopChunks / sets,
            init, cascade ? ValueRange(init) : ValueRange(), mergeSets, [&](Value k, ValueRange iterArgs) {
              SmallVector<Value> next;
              for (int64_t u = 0; u < sets; ++u) {
                Chunk chunk;
                Value index =
                    u == 0 ? k
                           : arith::AddIOp::create(b, loc, k,
                                                   indexConstant(b, loc, u));
                initChunk(chunk, index, loopOverhang);
                llvm::append_range(
                    next, step(chunk, level, reds,
                               iterArgs.slice(u * perSet, perSet)));
              }
              if (static_cast<int>(level) == plan.prefetchLevel)
                prefetchNextRow(nextRow, k);
              return next;
            });
        SmallVector<SmallVector<Value>> partialSets;
        for (int64_t u = 0; u < sets; ++u)
          partialSets.emplace_back(
              ArrayRef(results).slice(u * perSet, perSet));
        // Pairwise, in a fixed order: (0 1) (2 3), then those.
        while (partialSets.size() > 1 && !reds.empty()) {
          SmallVector<SmallVector<Value>> merged;
          for (size_t i = 0; i + 1 < partialSets.size(); i += 2)
            merged.push_back(combine(partialSets[i], partialSets[i + 1]));
          if (partialSets.size() % 2)
            merged.push_back(partialSets.back());
          partialSets = std::move(merged);
        }
        accs = partialSets.front();
        // The chunks the loop leaves (RowPlan::loopChunks), unrolled.
        for (int64_t k = plan.loopChunks; k < plan.chunksPerThread; ++k) {
          Chunk chunk;
          initStaticChunk(chunk, k);
          accs = step(chunk, level, reds, accs);
        }
      }
      if (reds.empty())
        continue;

      // Per-thread partials: vector lanes folded, then the tuple of all of
      // this pass's reductions reduced across the row at once (one barrier).
      SmallVector<Value> partials;
      unsigned slot = 0;
      for (const PassReduction &pr : reds) {
        if (pr.onlineSum) {
          OnlineSoftmax state = reduceOnlineSoftmaxVector(
              b, loc, {accs[slot], accs[slot + 1]});
          partials.append({state.max, state.sum});
          slot += 2;
          continue;
        }
        if (pr.red->kind == ReduceKind::ArgMax) {
          ArgMaxState state = reduceArgMaxVector(
              b, loc, {accs[slot], accs[slot + 1]}, pr.red->selectLast);
          partials.append({state.value, state.index});
          slot += 2;
          continue;
        }
        partials.push_back(reduceVector(b, loc, pr.red->kind, accs[slot++]));
      }
      SmallVector<Value> totals = reduceTupleAcrossRow(
          b, loc, threads, partials, combine, nextSlot);
      nextSlot += partials.size();
      slot = 0;
      for (const PassReduction &pr : reds) {
        if (pr.red->kind == ReduceKind::ArgMax) {
          rowValues[pr.red->result] = totals[slot + 1];
          slot += 2;
          continue;
        }
        Value total = totals[slot++];
        if (pr.red->kind == ReduceKind::Mean)
          total = arith::DivFOp::create(
              b, loc, total,
              createConstant(b, loc, total.getType(),
                             static_cast<double>(a.rowWidth)));
        rowValues[pr.red->result] = total;
        if (pr.onlineSum)
          rowValues[pr.onlineSum->result] = totals[slot++];
      }
    }

    // One value per row: the row's first thread stores it.
    evaluateRowValues(a.maxLevel + 1);
    Block &body = kernel.fusion.getBodyBlock();
    Value isFirst = storeGuard(
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, threads.lane,
                              indexConstant(b, loc, 0)));
    for (auto [i, yielded] :
         llvm::enumerate(body.getTerminator()->getOperands())) {
      if (!a.perRow.contains(yielded))
        continue;
      auto ifOp = scf::IfOp::create(b, loc, isFirst, false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
      storeCompute(b, loc, rowValue(yielded), outputs[i], row);
    }
  }
};

} // namespace

OnlineSoftmaxPairs::OnlineSoftmaxPairs(const RowAnalysis &a, bool enabled) {
  if (!enabled)
    return;
  for (const RowReduction &max : a.reductions) {
    if (max.kind != ReduceKind::Max)
      continue;
    for (const RowReduction &sum : a.reductions) {
      if (sum.kind != ReduceKind::Sum || absorbedSums.contains(sum.op))
        continue;
      auto exp = sum.input.getDefiningOp<ExpOp>();
      auto sub = exp ? exp.getInput().getDefiningOp<SubOp>() : SubOp();
      if (!sub || sub.getLhs() != max.input || sub.getRhs() != max.result)
        continue;
      sums[max.op] = &sum;
      absorbedSums.insert(sum.op);
      break;
    }
  }
}

void gpu_codegen::emitRowPasses(OpBuilder &b, Location loc,
                                KernelSkeleton &kernel,
                                const RowAnalysis &analysis,
                                const RowPlan &plan, const RowThreads &threads,
                                const RowKernelIO &io) {
  RowEmitter(b, loc, kernel, analysis, plan, threads, io).emit();
}
