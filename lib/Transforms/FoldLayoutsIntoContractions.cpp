//===- FoldLayoutsIntoContractions.cpp - Strided GEMM operands -----------===//
//
// This file implements rong-fold-layouts-into-contractions. Exported
// attention moves data around its GEMMs: the packed q/k/v projection is
// reshaped, transposed to heads and split, and the attention output is
// transposed back before the output projection. Each of those layout
// changes is a kernel that reads and writes the whole tensor. A GEMM library
// call reads strided operands and writes a strided result, so the pass moves
// chains of layout ops (reshape, transpose, constant select) that feed a
// matmul, or that only reorder its result, into the matmul's group: the
// library call then reads the producer's buffer in place (and writes the
// consumer's), and the layout groups disappear.
//
// A chain is folded only when the three views still make one BLAS call
// (StridedView.h: unit stride on one matrix axis, at most two batch levels).
//
//===----------------------------------------------------------------------===//

#include "FusionPlanner.h"

#include "rong/IR/RongOps.h"
#include "rong/Transforms/Passes.h"
#include "rong/Transforms/StridedView.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGFOLDLAYOUTSINTOCONTRACTIONS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Layout ops that turn `base` into some value, in the order they apply.
struct LayoutChain {
  Value base;
  SmallVector<Operation *> ops;
};

/// True for a group that only moves data: layout ops (and the constants a
/// select reads), no arithmetic.
bool isLayoutGroup(FusionOp fusion) {
  for (Operation &op : fusion.getBodyBlock().without_terminator())
    if (!isLayoutOp(&op) && !isa<ConstantOp>(op))
      return false;
  return true;
}

/// The layout ops inside `fusion` that compute yielded value `inner` from a
/// block argument, appended in reverse order; returns that argument.
FailureOr<BlockArgument> traceInside(FusionOp fusion, Value inner,
                                     SmallVectorImpl<Operation *> &reversed) {
  while (!isa<BlockArgument>(inner)) {
    Operation *op = inner.getDefiningOp();
    if (!op || !isLayoutOp(op))
      return failure();
    reversed.push_back(op);
    inner = op->getOperand(0);
  }
  auto arg = cast<BlockArgument>(inner);
  if (arg.getOwner() != &fusion.getBodyBlock())
    return failure();
  return arg;
}

/// The chain of layout ops that produces `value` from a computed (or input)
/// value: standalone reshapes and layout groups, walked backwards.
LayoutChain traceOperand(Value value) {
  SmallVector<Operation *> reversed;
  Value v = value;
  while (true) {
    if (auto reshape = v.getDefiningOp<ReshapeOp>()) {
      reversed.push_back(reshape);
      v = reshape.getInput();
      continue;
    }
    if (auto fusion = v.getDefiningOp<FusionOp>(); fusion &&
                                                    isLayoutGroup(fusion)) {
      unsigned index = cast<OpResult>(v).getResultNumber();
      Value inner =
          fusion.getBodyBlock().getTerminator()->getOperand(index);
      SmallVector<Operation *> inside;
      FailureOr<BlockArgument> arg = traceInside(fusion, inner, inside);
      if (failed(arg))
        break;
      reversed.append(inside.begin(), inside.end());
      v = fusion.getInputs()[arg->getArgNumber()];
      continue;
    }
    break;
  }
  LayoutChain chain;
  chain.base = v;
  chain.ops.assign(reversed.rbegin(), reversed.rend());
  return chain;
}

/// The chain of layout ops (reshapes and transposes only, each result used
/// once) that `value` flows through, walked forwards: the last op's result
/// is what the matmul can write in place.
LayoutChain traceResult(Value value) {
  LayoutChain chain;
  chain.base = value;
  Value v = value;
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (auto reshape = dyn_cast<ReshapeOp>(user)) {
      chain.ops.push_back(reshape);
      v = reshape.getResult();
      continue;
    }
    auto fusion = dyn_cast<FusionOp>(user);
    if (!fusion || !isLayoutGroup(fusion) || fusion->getNumResults() != 1 ||
        fusion.getInputs().size() != 1)
      break;
    SmallVector<Operation *> inside;
    Value yielded = fusion.getBodyBlock().getTerminator()->getOperand(0);
    if (failed(traceInside(fusion, yielded, inside)) ||
        llvm::any_of(inside, [](Operation *op) { return isa<GatherOp>(op); }))
      break;
    chain.ops.append(inside.rbegin(), inside.rend());
    v = fusion.getResult(0);
  }
  // Trailing standalone reshapes are free anyway; the chain ends at its last
  // layout group.
  while (!chain.ops.empty() && isa<ReshapeOp>(chain.ops.back()) &&
         !isa<FusionOp>(chain.ops.back()->getParentOp()))
    chain.ops.pop_back();
  return chain;
}

/// The value outside any group that the last op of a result chain computes:
/// its group's result, or its own for a standalone reshape.
Value chainEnd(const LayoutChain &chain) {
  Operation *last = chain.ops.back();
  if (auto group = dyn_cast<FusionOp>(last->getParentOp()))
    return group.getResult(0);
  return last->getResult(0);
}

bool movesData(const LayoutChain &chain) {
  return llvm::any_of(chain.ops,
                      [](Operation *op) { return !isa<ReshapeOp>(op); });
}

std::optional<StridedView> forwardView(const LayoutChain &chain) {
  auto type = cast<RankedTensorType>(chain.base.getType());
  std::optional<StridedView> view = StridedView::contiguous(type.getShape());
  for (Operation *op : chain.ops) {
    view = applyLayoutOp(op, *view);
    if (!view)
      return std::nullopt;
  }
  return view;
}

std::optional<StridedView> backwardView(const LayoutChain &chain) {
  Value last = chain.ops.empty() ? chain.base : chain.ops.back()->getResult(0);
  auto type = cast<RankedTensorType>(last.getType());
  std::optional<StridedView> view = StridedView::contiguous(type.getShape());
  for (Operation *op : llvm::reverse(chain.ops)) {
    view = invertLayoutOp(op, *view);
    if (!view)
      return std::nullopt;
  }
  return view;
}

int64_t tensorBytes(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return type.getNumElements() *
         std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

struct FoldLayoutsPass
    : rong::impl::RongFoldLayoutsIntoContractionsBase<FoldLayoutsPass> {
  using RongFoldLayoutsIntoContractionsBase::
      RongFoldLayoutsIntoContractionsBase;
  FoldLayoutsPass(const RongFoldLayoutsIntoContractionsOptions &options,
                  llvm::raw_ostream &report)
      : RongFoldLayoutsIntoContractionsBase(options), report(&report) {}

  llvm::raw_ostream *report = nullptr;
  std::string text;

  void runOnOperation() override {
    SmallVector<std::pair<FusionOp, MatMulOp>> work;
    getOperation().walk([&](MatMulOp matmul) {
      if (auto fusion = dyn_cast<FusionOp>(matmul->getParentOp()))
        work.push_back({fusion, matmul});
    });
    for (auto [fusion, matmul] : work)
      fold(fusion, matmul);
    eraseDeadLayouts();
    if (explain && !text.empty())
      (report ? *report : llvm::errs()) << text;
  }

  /// The group input that a matmul operand reads, if it is one.
  static std::optional<Value> groupInput(FusionOp fusion, Value operand) {
    auto arg = dyn_cast<BlockArgument>(operand);
    if (!arg || arg.getOwner() != &fusion.getBodyBlock())
      return std::nullopt;
    return fusion.getInputs()[arg.getArgNumber()];
  }

  void fold(FusionOp fusion, MatMulOp matmul) {
    // Operands: chains into the group's inputs.
    std::array<std::optional<LayoutChain>, 2> in;
    std::array<std::optional<StridedView>, 2> inView;
    for (unsigned i = 0; i < 2; ++i) {
      std::optional<Value> input = groupInput(fusion, matmul->getOperand(i));
      if (!input)
        continue;
      LayoutChain chain = traceOperand(*input);
      if (!movesData(chain))
        continue;
      if (std::optional<StridedView> view = forwardView(chain)) {
        in[i] = std::move(chain);
        inView[i] = std::move(view);
      }
    }
    // Result: only a plain contraction group that yields the product.
    std::optional<LayoutChain> out;
    std::optional<StridedView> outView;
    Operation *yield = fusion.getBodyBlock().getTerminator();
    if (fusion->getNumResults() == 1 && yield->getOperand(0) ==
                                            matmul.getResult() &&
        matmul->hasOneUse()) {
      LayoutChain chain = traceResult(fusion.getResult(0));
      if (movesData(chain))
        if (std::optional<StridedView> view = backwardView(chain)) {
          out = std::move(chain);
          outView = std::move(view);
        }
    }
    if (!in[0] && !in[1] && !out)
      return;

    // The most layout the library call can take in place.
    auto shapeView = [](Value v) {
      return StridedView::contiguous(
          cast<RankedTensorType>(v.getType()).getShape());
    };
    std::array<bool, 3> best = {false, false, false};
    int bestCount = 0;
    for (unsigned mask = 1; mask < 8; ++mask) {
      bool useA = mask & 1, useB = mask & 2, useC = mask & 4;
      if ((useA && !in[0]) || (useB && !in[1]) || (useC && !out))
        continue;
      int count = useA + useB + useC;
      if (count <= bestCount)
        continue;
      std::optional<GemmLayout> layout =
          computeGemmLayout(useA ? *inView[0] : shapeView(matmul.getLhs()),
                            useB ? *inView[1] : shapeView(matmul.getRhs()),
                            useC ? *outView : shapeView(matmul.getResult()));
      // A bias is added along the call's N: the product's columns must stay
      // the call's columns, whole.
      if (layout && matmul.getBias() &&
          (layout->swapped ||
           layout->n !=
               cast<RankedTensorType>(matmul.getType()).getShape().back()))
        continue;
      if (layout)
        best = {useA, useB, useC}, bestCount = count;
    }
    if (!bestCount)
      return;

    OpBuilder b(matmul);
    for (unsigned i = 0; i < 2; ++i) {
      if (!best[i])
        continue;
      Value operand = absorbOperand(fusion, *in[i], b);
      matmul->setOperand(i, operand);
      describe(matmul, *in[i], i == 0 ? "operand A" : "operand B",
               tensorBytes(operand));
    }
    pruneInputs(fusion);
    if (best[2])
      fusion = absorbResult(fusion, matmul, *out);
  }

  /// Clones `chain` into `fusion` in front of `matmul`, reading the chain's
  /// base as a (new) group input; returns the cloned chain's value.
  Value absorbOperand(FusionOp fusion, const LayoutChain &chain,
                      OpBuilder &b) {
    Block &body = fusion.getBodyBlock();
    Value arg;
    for (auto [input, blockArg] :
         llvm::zip(fusion.getInputs(), body.getArguments()))
      if (input == chain.base)
        arg = blockArg;
    if (!arg) {
      fusion->insertOperands(fusion->getNumOperands(), chain.base);
      arg = body.addArgument(chain.base.getType(), chain.base.getLoc());
    }
    IRMapping mapping;
    Value current = arg;
    for (Operation *op : chain.ops) {
      mapping.map(op->getOperand(0), current);
      for (Value operand : op->getOperands().drop_front())
        if (Operation *def = operand.getDefiningOp();
            def && isa<ConstantOp>(def))
          mapping.map(operand, b.clone(*def)->getResult(0));
      current = b.clone(*op, mapping)->getResult(0);
    }
    return current;
  }

  /// Inputs of `fusion` its body no longer reads.
  static void pruneInputs(FusionOp fusion) {
    Block &body = fusion.getBodyBlock();
    for (int i = static_cast<int>(body.getNumArguments()) - 1; i >= 0; --i) {
      if (!body.getArgument(i).use_empty())
        continue;
      body.eraseArgument(i);
      fusion->eraseOperand(i);
    }
  }

  /// Rebuilds `fusion` so it yields `chain` applied to the product; the
  /// chain's final value is replaced by the new group's result.
  FusionOp absorbResult(FusionOp fusion, MatMulOp matmul,
                        const LayoutChain &chain) {
    Operation *yield = fusion.getBodyBlock().getTerminator();
    OpBuilder b(yield);
    IRMapping mapping;
    Value current = matmul.getResult();
    for (Operation *op : chain.ops) {
      mapping.map(op->getOperand(0), current);
      current = b.clone(*op, mapping)->getResult(0);
    }
    yield->setOperand(0, current);
    Value last = chainEnd(chain);

    OpBuilder outer(fusion);
    auto rebuilt = FusionOp::create(outer, fusion.getLoc(),
                                    TypeRange{current.getType()},
                                    fusion.getInputs(),
                                    fusion.getKind().value_or(""));
    rebuilt.getBody().takeBody(fusion.getBody());
    last.replaceAllUsesWith(rebuilt.getResult(0));
    describe(matmul, chain, "result", tensorBytes(last));
    // The old chain (standalone reshapes and layout groups) is dead now;
    // erase it from its end, then the old group.
    SmallVector<Operation *> tops;
    for (Operation *op : chain.ops) {
      Operation *top = op;
      if (auto group = dyn_cast<FusionOp>(op->getParentOp()))
        top = group;
      if (tops.empty() || tops.back() != top)
        tops.push_back(top);
    }
    for (Operation *top : llvm::reverse(tops))
      top->erase();
    fusion.erase();
    return rebuilt;
  }

  void describe(MatMulOp matmul, const LayoutChain &chain, StringRef role,
                int64_t bytes) {
    if (!explain)
      return;
    llvm::raw_string_ostream os(text);
    os << "  layout: " << fusion::describeOp(matmul)
       << (role == "result" ? " writes its " : " reads its ") << role
       << " in place through";
    for (Operation *op : chain.ops)
      if (!isa<ReshapeOp>(op))
        os << " " << fusion::describeOp(op);
    os << llvm::formatv(" (a strided view; saves ~{0} KB of copies)\n",
                        2 * bytes / 1000);
  }

  /// Layout groups and reshapes whose results are no longer read.
  void eraseDeadLayouts() {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<Operation *> dead;
      getOperation().walk([&](Operation *op) {
        if ((isa<ReshapeOp>(op) && !op->getParentOfType<FusionOp>()) ||
            (isa<FusionOp>(op) && isLayoutGroup(cast<FusionOp>(op))))
          if (op->use_empty())
            dead.push_back(op);
      });
      for (Operation *op : dead)
        op->erase();
      changed = !dead.empty();
    }
  }
};

} // namespace

std::unique_ptr<Pass> mlir::rong::createRongFoldLayoutsIntoContractions(
    const RongFoldLayoutsIntoContractionsOptions &options,
    llvm::raw_ostream &report) {
  return std::make_unique<FoldLayoutsPass>(options, report);
}
