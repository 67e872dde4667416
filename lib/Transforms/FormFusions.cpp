//===- FormFusions.cpp - Wrap planned groups in rong.fusion regions -------===//
//
// Runs the FusionPlanner on each function body, optionally prints its report,
// then rewrites the IR: every group becomes one `rong.fusion` whose inputs are
// the values it reads from outside (small constants are cloned inside instead)
// and whose results are the values read outside it. Ops recomputed in several
// groups are cloned into each. The block is topologically re-sorted at the
// end, since a group sits where its last member was.
//
//===----------------------------------------------------------------------===//

#include "FusionPlanner.h"

#include "rong/IR/RongOps.h"
#include "rong/Target/TargetDescriptor.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::rong {
#define GEN_PASS_DEF_RONGFORMFUSIONS
#include "rong/Transforms/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::fusion;

namespace {

/// Constants up to this many elements are cloned into each group that reads
/// them; larger ones (weights) stay outside and become inputs.
constexpr int64_t kMaxClonedConstantElements = 64;

bool isClonableConstant(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return false;
  auto type = cast<RankedTensorType>(value.getType());
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      dense && dense.isSplat())
    return true;
  return type.hasStaticShape() &&
         type.getNumElements() <= kMaxClonedConstantElements;
}

std::string humanBytes(double bytes) {
  const char *units[] = {"B", "KB", "MB", "GB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 3) {
    bytes /= 1000;
    ++unit;
  }
  return llvm::formatv("{0:f1} {1}", bytes, units[unit]).str();
}

void printReport(func::FuncOp func, const TargetDescriptor &target,
                 const FusionPlanner &planner, llvm::raw_ostream &os) {
  // After planning, groups are numbered 0..n-1 in program order.
  os << llvm::formatv("fusion report for @{0} on {1} (subgroup {2}, {3} bytes "
                      "on chip per block): {4} group(s)\n",
                      func.getSymName(), target.name, target.subgroupSize,
                      target.onChipBytesPerBlock, planner.getGroups().size());
  for (const Group &g : planner.getGroups()) {
    os << llvm::formatv("  group {0} [{1}] {2} op(s), domain ", g.id,
                        stringifyGroupKind(g.kind), g.ops.size());
    if (g.domain.empty())
      os << "scalar";
    else
      llvm::interleave(g.domain, os, "x");
    if (!g.axes.empty()) {
      os << " reducing [";
      llvm::interleaveComma(g.axes, os);
      os << "]";
    }
    os << llvm::formatv(", saves ~{0} and {1} launch(es)",
                        humanBytes(g.bytesSaved), g.ops.size() - 1);
    if (g.rowRereadBytes > 0)
      os << llvm::formatv("; its rows exceed the {0} bytes on chip, so each "
                          "pass after the first reads its inputs again "
                          "(~{1})",
                          target.onChipBytesPerBlock,
                          humanBytes(g.rowRereadBytes));
    os << "\n";
    for (Operation *op : g.ops)
      os << "    " << describeOp(op) << "\n";
  }
  // Ops recomputed in several groups, as membership ended up after merges.
  llvm::SetVector<Operation *> shared;
  for (const Group &g : planner.getGroups())
    for (Operation *op : g.ops)
      if (planner.groupsOf(op).size() > 1)
        shared.insert(op);
  for (Operation *op : shared) {
    os << "  recomputed: " << describeOp(op) << " in groups ";
    llvm::interleaveComma(planner.groupsOf(op), os);
    os << " instead of being written to memory\n";
  }
  for (const Decision &d : planner.getDecisions()) {
    os << "  rejected: " << describeOp(d.producer);
    if (d.groupId >= 0)
      os << " into group " << d.groupId;
    os << ": " << d.reason << "\n";
  }
}

/// Builds the `rong.fusion` for one group before `anchor`.
FusionOp buildFusion(OpBuilder &builder, const Group &group,
                     const FusionPlanner &planner,
                     DenseMap<Value, Value> &replacement) {
  llvm::SmallPtrSet<Operation *, 16> members(group.ops.begin(),
                                             group.ops.end());
  llvm::SetVector<Value> inputs;
  for (Operation *op : group.ops)
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if ((def && members.contains(def)) || isClonableConstant(operand))
        continue;
      inputs.insert(operand);
    }
  // A result leaves the group when some user outside every group, or some
  // copy of a user in a group without a copy of the result, reads it.
  SmallVector<Value> outputs;
  for (Operation *op : group.ops) {
    ArrayRef<unsigned> copies = planner.groupsOf(op);
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            ArrayRef<unsigned> userGroups = planner.groupsOf(user);
            return userGroups.empty() ||
                   llvm::any_of(userGroups, [&](unsigned g) {
                     return !llvm::is_contained(copies, g);
                   });
          }))
        outputs.push_back(result);
  }

  Location loc = group.ops.size() == 1
                     ? group.ops.front()->getLoc()
                     : builder.getFusedLoc(llvm::map_to_vector(
                           group.ops, [](Operation *op) { return op->getLoc(); }));
  SmallVector<Type> resultTypes =
      llvm::map_to_vector(outputs, [](Value v) { return v.getType(); });
  auto fusion = FusionOp::create(builder, loc, resultTypes,
                                 inputs.getArrayRef(),
                                 stringifyGroupKind(group.kind));
  Block &body = fusion.getBodyBlock();
  IRMapping mapping;
  for (auto [input, arg] : llvm::zip(inputs, body.getArguments()))
    mapping.map(input, arg);
  OpBuilder inner = OpBuilder::atBlockBegin(&body);
  for (Operation *op : group.ops) {
    for (Value operand : op->getOperands())
      if (!mapping.contains(operand) && isClonableConstant(operand))
        mapping.map(operand, inner.clone(*operand.getDefiningOp())->getResult(0));
    inner.clone(*op, mapping);
  }
  SmallVector<Value> yielded =
      llvm::map_to_vector(outputs, [&](Value v) { return mapping.lookup(v); });
  // The implicit terminator is empty; replace it.
  body.getTerminator()->erase();
  inner.setInsertionPointToEnd(&body);
  YieldOp::create(inner, loc, yielded);
  for (auto [original, result] : llvm::zip(outputs, fusion.getResults()))
    replacement[original] = result;
  return fusion;
}

struct FormFusionsPass
    : public rong::impl::RongFormFusionsBase<FormFusionsPass> {
  using RongFormFusionsBase::RongFormFusionsBase;
  FormFusionsPass(const RongFormFusionsOptions &options,
                  llvm::raw_ostream &report)
      : RongFormFusionsBase(options), report(&report) {}

  /// Where `explain` prints; null means stderr.
  llvm::raw_ostream *report = nullptr;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    const TargetDescriptor *descriptor = lookupTarget(target);
    if (!descriptor) {
      func.emitError() << explainUnknownTarget(target);
      return signalPassFailure();
    }
    if (func.getBody().empty())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("fusion expects a function with a single block");
      return signalPassFailure();
    }
    Block &block = func.getBody().front();
    // Already fused bodies are left alone.
    if (llvm::any_of(block, [](Operation &op) { return isa<FusionOp>(op); }))
      return;

    FusionPlanner planner(*descriptor, maxRecompute, fuse);
    planner.run(block);
    if (explain)
      printReport(func, *descriptor, planner,
                  report ? *report : llvm::errs());

    OpBuilder builder(block.getTerminator());
    DenseMap<Value, Value> replacement;
    for (const Group &group : planner.getGroups())
      buildFusion(builder, group, planner, replacement);
    for (auto &[original, result] : replacement)
      original.replaceUsesWithIf(result, [&](OpOperand &use) {
        return planner.groupsOf(use.getOwner()).empty();
      });
    // Members are now dead; erase them users first.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (!planner.groupsOf(&op).empty())
        op.erase();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (isa<ConstantOp>(op) && op.use_empty())
        op.erase();
    if (!sortTopologically(&block)) {
      func.emitError("fusion formed a cyclic group graph");
      return signalPassFailure();
    }
  }
};

} // namespace

std::unique_ptr<Pass>
mlir::rong::createRongFormFusions(const RongFormFusionsOptions &options,
                                  llvm::raw_ostream &report) {
  return std::make_unique<FormFusionsPass>(options, report);
}
