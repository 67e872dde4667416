//===- FusionPlanner.cpp - Deciding which ops share a kernel --------------===//
//
// Groups grow backwards: ops are visited from the last to the first, so when a
// producer is visited every consumer already has its group. A producer whose
// users all sit in one group joins it if legal; one used by several groups is
// recomputed in each when it is cheap, or joins one of them as an extra
// output; otherwise it starts a group of its own. Siblings that read the same
// inputs over the same domain are then merged horizontally.
//
//===----------------------------------------------------------------------===//

#include "FusionPlanner.h"

#include "rong/IR/RongOps.h"
#include "rong/Transforms/StridedView.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::fusion;

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

static std::string shapeStr(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return s;
}

static std::string axesStr(ArrayRef<int64_t> axes) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(axes, os);
  os << "]";
  return s;
}

/// NumPy broadcasting of `from` to exactly `to`.
static bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (auto [i, d] : llvm::enumerate(from))
    if (d != 1 && d != to[offset + i])
      return false;
  return true;
}

/// `domain` with the reduced axes dropped.
static SmallVector<int64_t> dropAxes(ArrayRef<int64_t> domain,
                                     ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out;
  for (auto [i, d] : llvm::enumerate(domain))
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      out.push_back(d);
  return out;
}

/// `domain` with the reduced axes kept as size 1.
static SmallVector<int64_t> keepAxes(ArrayRef<int64_t> domain,
                                     ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out(domain);
  for (int64_t a : axes)
    out[a] = 1;
  return out;
}

static SmallVector<int64_t> resultShape(Operation *op) {
  if (auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType()))
    return SmallVector<int64_t>(type.getShape());
  return {};
}

double mlir::rong::fusion::valueBytes(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return 0;
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  return static_cast<double>(type.getNumElements()) * std::max(8u, bits) / 8;
}

std::string mlir::rong::fusion::describeOp(Operation *op) {
  std::string s = op->getName().getStringRef().str();
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc); fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto name = dyn_cast<NameLoc>(loc))
    return s + " '" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return s + " (line " + std::to_string(file.getLine()) + ")";
  return s;
}

//===----------------------------------------------------------------------===//
// Legality and cost
//===----------------------------------------------------------------------===//

/// True if `producer`'s result feeds the operands of the group's contraction
/// (directly): that would be prologue fusion, which Rong does not do.
static bool feedsContraction(Operation *producer, const Group &group) {
  if (!group.contraction)
    return false;
  for (Value operand : group.contraction->getOperands())
    if (operand.getDefiningOp() == producer)
      return true;
  return false;
}

/// True if any member of `group` uses a result of `producer` at the full
/// domain (broadcast back over the reduced axes).
static bool usedAtFullDomain(Operation *producer, const Group &group) {
  for (Operation *member : group.ops)
    if (llvm::is_contained(member->getOperands(), producer->getResult(0)) &&
        resultShape(member) == ArrayRef<int64_t>(group.domain))
      return true;
  return false;
}

/// True if `group` holds only layout ops a strided view expresses
/// (reshapes, transposes, constant selects). Such a group keeps its shape: a
/// contraction may read or write it in place
/// (rong-fold-layouts-into-contractions), which a computation or a view
/// joining it would prevent.
static bool isStridedViewGroup(const Group &group) {
  return llvm::all_of(group.ops, [](Operation *op) { return isLayoutOp(op); });
}

/// True if every member of the loop group `group` that reads `producer`'s
/// result (of `shape`) reads it through an index map: a layout change, or an
/// elementwise op or explicit broadcast that the result broadcasts to. A
/// loop kernel evaluates every value at points of its own shape through its
/// users' index maps, so such a producer joins whatever its shape: the two
/// halves of a rotary embedding's rotate_half feeding a concat, the keys
/// repeated for grouped-query attention. Broadcasting recomputes the
/// producer once per copy, as it does for a producer that broadcasts to the
/// group's domain. A group of strided-view layout ops takes no such
/// producer.
static bool readOnceInGroup(Operation *producer, ArrayRef<int64_t> shape,
                            const Group &group) {
  if (isStridedViewGroup(group))
    return false;
  bool read = false;
  for (Operation *member : group.ops) {
    if (!llvm::is_contained(member->getOperands(), producer->getResult(0)))
      continue;
    read = true;
    if (isa<ReshapeOp, TransposeOp, SliceOp, ConcatOp, PadOp, GatherOp,
            GatherElementsOp>(member))
      continue;
    if ((isa<BroadcastToOp>(member) ||
         classifyOp(member).cls == OpClass::Elementwise) &&
        broadcastsTo(shape, resultShape(member)))
      continue;
    return false;
  }
  return read;
}

/// True if `v` is computed by a member of `group`.
static bool computedIn(Value v, const Group &group) {
  Operation *def = v.getDefiningOp();
  return def && llvm::is_contained(group.ops, def);
}

/// True if `group` holds a reshape of a value it computes, or a value that
/// does not broadcast to its domain: members joined through index maps
/// (readOnceInGroup). Only the loop strategy evaluates those, so the group
/// stays a loop group: no reduction, row op or contraction may join it. A
/// reshape of a value from outside is left out of the group at the end
/// (dropBoundaryViews) and does not count.
static bool isIndexMapped(const Group &group) {
  return llvm::any_of(group.ops, [&](Operation *op) {
    if (isa<ReshapeOp>(op) && computedIn(op->getOperand(0), group))
      return true;
    return !broadcastsTo(resultShape(op), group.domain);
  });
}

/// True if a reshape in `group` reads `producer`'s result.
static bool readThroughView(Operation *producer, const Group &group) {
  return llvm::any_of(producer->getUsers(), [&](Operation *user) {
    return isa<ReshapeOp>(user) && llvm::is_contained(group.ops, user);
  });
}

std::string FusionPlanner::checkFusion(Operation *producer, const OpInfo &info,
                                       const Group &group,
                                       Group &updated) const {
  updated.kind = group.kind;
  updated.domain = group.domain;
  updated.axes = group.axes;
  updated.contraction = group.contraction;
  if (group.kind == GroupKind::Contraction)
    return "the consumer is a contraction; Rong fuses epilogues, not prologues";
  if (feedsContraction(producer, group))
    return llvm::formatv("it feeds the operands of {0}; Rong fuses epilogues, "
                         "not prologues",
                         describeOp(group.contraction))
        .str();
  SmallVector<int64_t> shape = resultShape(producer);
  // Reductions, row ops and contractions turn the group into a row or an
  // epilogue kernel, which evaluates no index maps.
  bool makesRowOrEpilogue = info.cls == OpClass::Reduction ||
                            info.cls == OpClass::Row ||
                            info.cls == OpClass::Contraction;
  if (makesRowOrEpilogue &&
      (isIndexMapped(group) || readThroughView(producer, group)))
    return "the group reads values of other shapes through index maps, "
           "which only a loop kernel evaluates";

  switch (info.cls) {
  case OpClass::None:
  case OpClass::View:
    return "it is not computed by a kernel";
  case OpClass::Elementwise:
  case OpClass::DataMovement:
  case OpClass::Window: {
    // Row kernels walk each row contiguously; an index remapping in front of
    // a reduction would make every row a strided gather. It stays a loop
    // kernel of its own (or joins its producers).
    if (info.cls != OpClass::Elementwise &&
        (group.kind == GroupKind::Reduction || group.kind == GroupKind::Stitch))
      return "a layout change does not join a row (reduction or stitch) "
             "group: rows are read contiguously";
    // A reshape only a loop kernel evaluates.
    if (group.kind != GroupKind::Loop && readThroughView(producer, group))
      return llvm::formatv("it is read through a reshape, which a {0} "
                           "kernel does not evaluate",
                           stringifyGroupKind(group.kind))
          .str();
    // Per-element producers join any group whose domain their result
    // broadcasts to, or (in a reduction group) its per-row space.
    if (broadcastsTo(shape, group.domain))
      return {};
    if (!group.axes.empty() &&
        broadcastsTo(shape, dropAxes(group.domain, group.axes)))
      return {};
    if (info.cls != OpClass::Window && group.kind == GroupKind::Loop &&
        readOnceInGroup(producer, shape, group))
      return {};
    return llvm::formatv("its result ({0}) does not broadcast to the group's "
                         "domain ({1})",
                         shapeStr(shape), shapeStr(group.domain))
        .str();
  }
  case OpClass::Reduction: {
    if (group.contraction)
      return llvm::formatv("the epilogue of {0} may not contain reductions",
                           describeOp(group.contraction))
          .str();
    if (!group.axes.empty()) {
      if (info.domain == group.domain && info.axes == group.axes) {
        // A sibling reduction over the same rows, or a reduction whose result
        // the group broadcasts back: a stitch.
        if (usedAtFullDomain(producer, group)) {
          if (!info.keepdims)
            return "its result drops the reduced axes and cannot be broadcast "
                   "back";
          updated.kind = GroupKind::Stitch;
        }
        return {};
      }
      if (info.domain == group.domain)
        return llvm::formatv("it reduces axes {0} but the group reduces axes "
                             "{1} of the same domain",
                             axesStr(info.axes), axesStr(group.axes))
            .str();
      return llvm::formatv("the group reduces axes {0} of its result ({1}), "
                           "which needs that result materialised",
                           axesStr(group.axes), shapeStr(group.domain))
          .str();
    }
    // The group so far is per-element.
    if (group.domain == info.domain) {
      if (!info.keepdims)
        return "its result drops the reduced axes and cannot be broadcast back";
      updated.kind = GroupKind::Stitch;
      updated.axes = info.axes;
      return {};
    }
    if (broadcastsTo(group.domain, shape) &&
        ShapedType::getNumElements(group.domain) ==
            ShapedType::getNumElements(shape)) {
      // Output fusion: the group computes on the reduced values.
      updated.kind = GroupKind::Reduction;
      updated.domain = info.domain;
      updated.axes = info.axes;
      return {};
    }
    return llvm::formatv("its domain ({0}) and the group's ({1}) differ",
                         shapeStr(info.domain), shapeStr(group.domain))
        .str();
  }
  case OpClass::Row: {
    if (group.contraction)
      return llvm::formatv("the epilogue of {0} may not contain reductions",
                           describeOp(group.contraction))
          .str();
    if (group.domain != info.domain)
      return llvm::formatv("its domain ({0}) and the group's ({1}) differ",
                           shapeStr(info.domain), shapeStr(group.domain))
          .str();
    if (!group.axes.empty() && group.axes != info.axes)
      return llvm::formatv("it reduces axes {0} but the group reduces axes {1}",
                           axesStr(info.axes), axesStr(group.axes))
          .str();
    updated.kind = GroupKind::Stitch;
    updated.axes = info.axes;
    return {};
  }
  case OpClass::Contraction: {
    if (group.kind != GroupKind::Loop)
      return llvm::formatv("an epilogue may only hold elementwise ops, but the "
                           "group is a {0} group",
                           stringifyGroupKind(group.kind))
          .str();
    if (group.domain != shape)
      return llvm::formatv("the epilogue's domain ({0}) is not the product's "
                           "shape ({1}); broadcasting it would recompute the "
                           "product",
                           shapeStr(group.domain), shapeStr(shape))
          .str();
    updated.kind = GroupKind::Epilogue;
    updated.contraction = producer;
    return {};
  }
  }
  return "unknown op class";
}

//===----------------------------------------------------------------------===//
// Reachability
//===----------------------------------------------------------------------===//


/// Empty if a group of `updated`'s kind, domain and axes can write a value of
/// `shape` as one of its results; otherwise why not. Every result of a loop
/// or epilogue kernel covers the whole domain; a row (reduction or stitch)
/// kernel writes full rows or one value per row.
static std::string checkWritable(ArrayRef<int64_t> shape,
                                 const Group &updated) {
  if (shape == ArrayRef(updated.domain))
    return {};
  if (!updated.axes.empty() &&
      ShapedType::getNumElements(shape) ==
          ShapedType::getNumElements(dropAxes(updated.domain, updated.axes)))
    return {};
  return llvm::formatv("its result ({0}) is also needed outside the group, "
                       "but a {1} kernel over {2} writes {3}",
                       shapeStr(shape), stringifyGroupKind(updated.kind),
                       shapeStr(updated.domain),
                       updated.axes.empty() ? "only values of that shape"
                                            : "only full rows or one value "
                                              "per row")
      .str();
}

/// The groups whose results `op` reads, looking through ops that belong to
/// no group (views): the group that owns a value is the first that holds its
/// producer. `seen` holds the ops outside every group already looked
/// through for `self`: each is walked once, as chains of views that share
/// operands (DenseNet's concatenations) would otherwise be walked once per
/// path, exponentially often.
void FusionPlanner::collectSuppliers(Operation *op, unsigned self,
                                     llvm::SetVector<unsigned> &out,
                                     bool throughOutside,
                                     llvm::SmallPtrSetImpl<Operation *> &seen)
    const {
  for (Value operand : op->getOperands()) {
    Operation *def = operand.getDefiningOp();
    if (!def)
      continue;
    ArrayRef<unsigned> of = groupsOf(def);
    if (of.empty()) {
      if (seen.insert(def).second)
        collectSuppliers(def, self, out, /*throughOutside=*/true, seen);
      continue;
    }
    // A group reading its own result back through an op outside it (a view)
    // depends on itself.
    if (!llvm::is_contained(of, self))
      out.insert(of.front());
    else if (throughOutside)
      out.insert(self);
  }
}

bool FusionPlanner::hasGroupCycle() const {
  // Edges supplier -> consumer; a depth-first search finds back edges.
  std::vector<llvm::SetVector<unsigned>> preds(groups.size());
  for (const Group &g : groups) {
    llvm::SmallPtrSet<Operation *, 16> seen;
    for (Operation *op : g.ops)
      collectSuppliers(op, g.id, preds[g.id], /*throughOutside=*/false, seen);
  }
  enum class Mark { None, Active, Done };
  std::vector<Mark> mark(groups.size(), Mark::None);
  std::function<bool(unsigned)> visit = [&](unsigned g) {
    if (mark[g] == Mark::Active)
      return true;
    if (mark[g] == Mark::Done)
      return false;
    mark[g] = Mark::Active;
    for (unsigned p : preds[g])
      if (visit(p))
        return true;
    mark[g] = Mark::Done;
    return false;
  };
  for (unsigned g = 0; g < groups.size(); ++g)
    if (visit(g))
      return true;
  return false;
}

bool FusionPlanner::commitUnlessCyclic(const Snapshot &before) {
  if (!hasGroupCycle())
    return true;
  groups = before.groups;
  membership = before.membership;
  return false;
}

void FusionPlanner::mergeInto(unsigned into, unsigned from) {
  for (Operation *op : groups[from].ops) {
    SmallVector<unsigned, 1> &of = membership[op];
    llvm::erase(of, from);
    // A producer recomputed in both groups now needs only one copy.
    if (llvm::is_contained(of, into))
      continue;
    of.push_back(into);
    groups[into].ops.push_back(op);
  }
  groups[from].ops.clear();
  groups[from].merged = true;
  groups[from].mergedInto = into;
  llvm::sort(groups[into].ops, [&](Operation *x, Operation *y) {
    return position.lookup(x) < position.lookup(y);
  });
}

ArrayRef<unsigned> FusionPlanner::groupsOf(Operation *op) const {
  auto it = membership.find(op);
  if (it == membership.end())
    return {};
  return it->second;
}

/// Values a group reads from outside itself.
static llvm::SetVector<Value> externalInputs(const Group &group) {
  llvm::SetVector<Value> inputs;
  llvm::SmallPtrSet<Operation *, 16> members(group.ops.begin(), group.ops.end());
  for (Operation *op : group.ops)
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (def && (members.contains(def) || isa<ConstantOp>(def)))
        continue;
      inputs.insert(operand);
    }
  return inputs;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

unsigned FusionPlanner::newGroup(Operation *op, const OpInfo &info) {
  Group group;
  group.id = groups.size();
  group.domain = info.domain;
  switch (info.cls) {
  case OpClass::Reduction:
    group.kind = GroupKind::Reduction;
    group.axes = info.axes;
    break;
  case OpClass::Row:
    group.kind = GroupKind::Stitch;
    group.axes = info.axes;
    break;
  case OpClass::Contraction:
    group.kind = GroupKind::Contraction;
    group.contraction = op;
    break;
  default:
    group.kind = GroupKind::Loop;
    break;
  }
  groups.push_back(std::move(group));
  addToGroup(op, groups.back());
  return groups.back().id;
}

void FusionPlanner::addToGroup(Operation *op, Group &group) {
  group.ops.push_back(op);
  membership[op].push_back(group.id);
}

void FusionPlanner::run(Block &block) {
  unsigned index = 0;
  for (Operation &op : block)
    position[&op] = index++;

  for (Operation &opRef : llvm::reverse(block)) {
    Operation *op = &opRef;
    OpInfo info = classifyOp(op);
    if (info.cls == OpClass::View && fuse)
      joinViewToLoopGroup(op);
    if (info.cls == OpClass::None || info.cls == OpClass::View)
      continue;
    if (!fuse || (info.domain.empty() && info.cls != OpClass::Elementwise)) {
      newGroup(op, info);
      continue;
    }

    // The groups that consume this op, and whether some user needs the value
    // in memory anyway (a view, the function's return, an unknown op).
    llvm::SetVector<unsigned> consumers;
    bool materialised = false;
    for (Operation *user : op->getUsers()) {
      ArrayRef<unsigned> of = groupsOf(user);
      if (of.empty())
        materialised = true;
      consumers.insert(of.begin(), of.end());
    }
    if (consumers.empty()) {
      newGroup(op, info);
      continue;
    }

    // Legality against every consumer group.
    SmallVector<std::pair<unsigned, Group>> legal;
    for (unsigned id : consumers) {
      Group updated;
      std::string why = checkFusion(op, info, groups[id], updated);
      if (why.empty()) {
        legal.push_back({id, std::move(updated)});
        continue;
      }
      decisions.push_back({op, static_cast<int>(id), std::move(why)});
    }

    auto joinOne = [&](unsigned id, const Group &updated) {
      Group &group = groups[id];
      group.kind = updated.kind;
      group.domain = updated.domain;
      group.axes = updated.axes;
      group.contraction = updated.contraction;
      addToGroup(op, group);
    };
    auto cycleReason = [&](unsigned id) {
      decisions.push_back({op, static_cast<int>(id),
                           "joining would make the group depend on itself "
                           "through ops outside it"});
    };

    // One consumer group: join it (as an extra output if the value is also
    // needed in memory and the group can write it).
    if (consumers.size() == 1 && legal.size() == 1 && materialised) {
      if (std::string why = checkWritable(resultShape(op), legal[0].second);
          !why.empty()) {
        decisions.push_back({op, static_cast<int>(legal[0].first), why});
        newGroup(op, info);
        continue;
      }
    }
    if (consumers.size() == 1 && legal.size() == 1) {
      Snapshot before = snapshot();
      joinOne(legal[0].first, legal[0].second);
      if (!commitUnlessCyclic(before)) {
        cycleReason(legal[0].first);
        newGroup(op, info);
      }
      continue;
    }

    // Several consumer groups, all legal.
    if (legal.size() == consumers.size() && !legal.empty()) {
      // A cheap elementwise producer is recomputed in each.
      if (info.cls == OpClass::Elementwise && !materialised &&
          consumers.size() <= maxRecompute) {
        Snapshot before = snapshot();
        for (auto &[id, updated] : legal)
          joinOne(id, updated);
        if (commitUnlessCyclic(before))
          continue;
      }
      // A reduction read by several groups that all live on its rows (a
      // LayerNorm's statistics feeding both the normalised output and the
      // 1/stddev output): the consumers and the reduction become one group.
      if ((info.cls == OpClass::Reduction || info.cls == OpClass::Row) &&
          llvm::all_of(legal, [&](auto &entry) {
            const Group &u = entry.second;
            return u.domain == info.domain && u.axes == info.axes &&
                   !u.contraction;
          })) {
        Snapshot before = snapshot();
        unsigned into = legal.front().first;
        bool stitch = false;
        for (auto &[id, updated] : legal)
          stitch |= updated.kind == GroupKind::Stitch;
        for (auto &[id, updated] : llvm::drop_begin(legal))
          mergeInto(into, id);
        Group merged = legal.front().second;
        merged.kind = stitch ? GroupKind::Stitch : GroupKind::Reduction;
        joinOne(into, merged);
        if (commitUnlessCyclic(before))
          continue;
      }
    }

    // Otherwise join the first legal consumer that creates no cycle, and
    // write the value out for the others (multi-output fusion).
    bool joined = false;
    for (auto &[id, updated] : legal) {
      if (std::string why = checkWritable(resultShape(op), updated);
          !why.empty()) {
        decisions.push_back({op, static_cast<int>(id), std::move(why)});
        continue;
      }
      Snapshot before = snapshot();
      joinOne(id, updated);
      if (commitUnlessCyclic(before)) {
        joined = true;
        break;
      }
      cycleReason(id);
    }
    if (!joined)
      newGroup(op, info);
  }

  for (Group &group : groups)
    llvm::sort(group.ops, [&](Operation *a, Operation *b) {
      return position[a] < position[b];
    });
  if (fuse) {
    dropBoundaryViews();
    absorbRowConsumers();
    mergeHorizontal();
  }
  renumber();
  estimateSavings();
}

void FusionPlanner::joinViewToLoopGroup(Operation *view) {
  // A view costs nothing where it stands, but between two loop kernels it
  // splits them (the q/k heads of attention: a projection's reshape between
  // the rotary embedding and the repeat of shared heads). A loop kernel
  // evaluates a reshape by its linear offset, so one whose users all sit in
  // one loop group joins it, and its producer may follow. Otherwise it stays
  // a view, outside every group.
  std::optional<unsigned> only;
  for (Operation *user : view->getUsers()) {
    ArrayRef<unsigned> of = groupsOf(user);
    if (of.size() != 1 || (only && *only != of.front()))
      return;
    only = of.front();
  }
  if (!only || groups[*only].kind != GroupKind::Loop ||
      isStridedViewGroup(groups[*only]))
    return;
  const Group &group = groups[*only];
  SmallVector<int64_t> shape = resultShape(view);
  if (!broadcastsTo(shape, group.domain) &&
      !readOnceInGroup(view, shape, group))
    return;
  Snapshot before = snapshot();
  addToGroup(view, groups[*only]);
  if (!commitUnlessCyclic(before))
    decisions.push_back({view, static_cast<int>(*only),
                         "joining would make the group depend on itself "
                         "through ops outside it"});
}

void FusionPlanner::dropBoundaryViews() {
  // A reshape joins a loop group so that its producer may follow; where the
  // producer did not (a graph input, a constant, another group's result) the
  // reshape stays a view, outside the group, as before it joined.
  for (Group &group : groups) {
    while (true) {
      SmallVector<Operation *> boundary;
      for (Operation *op : group.ops)
        if (isa<ReshapeOp>(op) && !computedIn(op->getOperand(0), group))
          boundary.push_back(op);
      if (boundary.empty())
        break;
      for (Operation *op : boundary) {
        llvm::erase(group.ops, op);
        llvm::erase(membership[op], group.id);
        if (membership[op].empty())
          membership.erase(op);
      }
    }
  }
}

void FusionPlanner::absorbRowConsumers() {
  // A loop group computing on the per-row values of a reduction or stitch
  // group (a LayerNorm's 1/stddev output, say) is formed before the group it
  // reads from is known to reduce. Fold it into that group: it then costs
  // one value per row instead of a kernel.
  for (Group &consumer : groups) {
    if (consumer.merged || consumer.kind != GroupKind::Loop ||
        isIndexMapped(consumer))
      continue;
    // Row kernels compute per-row values elementwise; a layout change (a
    // gather_elements picking one entry of each row, say) reads whole rows
    // at remapped positions and stays a kernel of its own.
    if (llvm::any_of(consumer.ops, [](Operation *op) {
          return classifyOp(op).cls != OpClass::Elementwise;
        }))
      continue;
    for (Group &producer : groups) {
      if (&producer == &consumer || producer.merged || producer.axes.empty() ||
          producer.contraction)
        continue;
      SmallVector<int64_t> kept = keepAxes(producer.domain, producer.axes);
      SmallVector<int64_t> dropped = dropAxes(producer.domain, producer.axes);
      if (consumer.domain != ArrayRef<int64_t>(kept) &&
          consumer.domain != ArrayRef<int64_t>(dropped))
        continue;
      llvm::SetVector<Value> inputs = externalInputs(consumer);
      bool reads = llvm::any_of(inputs, [&](Value v) {
        Operation *def = v.getDefiningOp();
        return def && llvm::is_contained(groupsOf(def), producer.id);
      });
      bool shares = llvm::any_of(consumer.ops, [&](Operation *op) {
        return llvm::is_contained(groupsOf(op), producer.id);
      });
      if (!reads && !shares)
        continue;
      Snapshot before = snapshot();
      Operation *first = consumer.ops.front();
      unsigned into = producer.id;
      mergeInto(into, consumer.id);
      if (commitUnlessCyclic(before))
        break;
      decisions.push_back({first, static_cast<int>(into),
                           "it computes on the group's rows, but merging "
                           "would create a cycle"});
    }
  }
}

void FusionPlanner::mergeHorizontal() {
  // Siblings over the same domain that read a common input: one kernel reads
  // the input once and saves a launch.
  auto eligible = [](const Group &g) {
    return !g.merged && (g.kind == GroupKind::Loop ||
                         g.kind == GroupKind::Reduction ||
                         g.kind == GroupKind::Horizontal);
  };
  for (unsigned i = 0; i < groups.size(); ++i) {
    if (!eligible(groups[i]))
      continue;
    for (unsigned j = i + 1; j < groups.size(); ++j) {
      if (!eligible(groups[j]) || groups[j].domain != groups[i].domain ||
          groups[j].axes != groups[i].axes)
        continue;
      bool iReduces = groups[i].kind == GroupKind::Reduction;
      bool jReduces = groups[j].kind == GroupKind::Reduction;
      if (iReduces != jReduces)
        continue;
      llvm::SetVector<Value> a = externalInputs(groups[i]);
      llvm::SetVector<Value> b = externalInputs(groups[j]);
      if (llvm::none_of(a, [&](Value v) { return b.contains(v); }))
        continue;
      // Membership may overlap through recomputed producers; keep it simple
      // and merge only disjoint groups.
      if (llvm::any_of(groups[j].ops, [&](Operation *op) {
            return llvm::is_contained(groupsOf(op), i);
          }))
        continue;
      Snapshot before = snapshot();
      Operation *first = groups[j].ops.front();
      mergeInto(i, j);
      if (!commitUnlessCyclic(before)) {
        decisions.push_back({first, static_cast<int>(i),
                             llvm::formatv("group {0} and group {1} read the "
                                           "same input, but one depends on "
                                           "the other",
                                           i, j)
                                 .str()});
        continue;
      }
      if (!iReduces)
        groups[i].kind = GroupKind::Horizontal;
    }
  }
}

void FusionPlanner::renumber() {
  // Drop merged groups and number the rest in program order of their last
  // member, so reports and the rewritten IR read top to bottom.
  auto resolve = [&](unsigned id) {
    while (groups[id].merged)
      id = groups[id].mergedInto;
    return id;
  };
  for (Decision &d : decisions)
    if (d.groupId >= 0)
      d.groupId = resolve(d.groupId);
  std::vector<Group> live;
  for (Group &g : groups)
    if (!g.merged && !g.ops.empty())
      live.push_back(std::move(g));
  llvm::sort(live, [&](const Group &a, const Group &b) {
    return position.lookup(a.ops.back()) < position.lookup(b.ops.back());
  });
  DenseMap<unsigned, int> newId;
  for (auto [i, g] : llvm::enumerate(live)) {
    newId[g.id] = i;
    g.id = i;
  }
  for (auto &[op, of] : membership)
    for (unsigned &id : of)
      id = newId.lookup(id);
  for (Decision &d : decisions)
    if (d.groupId >= 0)
      d.groupId = newId.count(d.groupId) ? newId[d.groupId] : -1;
  groups = std::move(live);
}

double FusionPlanner::rowRereadBytes(const Group &group) const {
  // A stitch kernel reduces its rows and then broadcasts the results back
  // over them: a pass per dependent reduction, then the output pass. Rows
  // too large for the block's on-chip memory cannot be kept there between
  // the passes, so every later pass reads the row's inputs from memory
  // again. That costs no more than the unfused kernels, which read those
  // inputs too (and a row op alone re-reads its row the same way), but it is
  // traffic an on-chip row would not have, so the report names it.
  if (group.kind != GroupKind::Stitch || group.axes.empty())
    return 0;
  int64_t rowElements = 1;
  for (int64_t a : group.axes)
    rowElements *= group.domain[a];
  int64_t domainElements = ShapedType::getNumElements(group.domain);
  double rowBytes = 0, inputBytes = 0;
  for (Value input : externalInputs(group)) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() != domainElements)
      continue;
    inputBytes += valueBytes(input);
    rowBytes += valueBytes(input) / domainElements * rowElements;
  }
  if (rowBytes <= static_cast<double>(target.onChipBytesPerBlock))
    return 0;
  return inputBytes;
}

void FusionPlanner::estimateSavings() {
  // Every value produced and consumed inside a group is neither written nor
  // read back; one that also leaves the group still saves the read.
  for (Group &group : groups) {
    if (group.merged)
      continue;
    llvm::SmallPtrSet<Operation *, 16> members(group.ops.begin(),
                                               group.ops.end());
    double saved = 0;
    for (Operation *op : group.ops)
      for (Value result : op->getResults()) {
        bool inside = false, outside = false;
        for (Operation *user : result.getUsers())
          (members.contains(user) ? inside : outside) = true;
        if (inside)
          saved += valueBytes(result) * (outside ? 1 : 2);
      }
    group.bytesSaved = saved;
    group.rowRereadBytes = rowRereadBytes(group);
  }
}
