//===- FusionPlanner.h - Deciding which ops share a kernel ------*- C++ -*-===//
//
// The planner walks one block of `rong` ops from the last op to the first and
// grows groups backwards, asking for each producer whether it may join the
// groups that consume it. Legality depends on the group's iteration domain
// and reduced axes; profitability on a cost model read from a target
// descriptor. Every refusal is recorded with its reason so that the pass can
// explain itself. The planner only decides; FormFusions rewrites the IR.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_TRANSFORMS_FUSIONPLANNER_H
#define RONG_LIB_TRANSFORMS_FUSIONPLANNER_H

#include "rong/Target/TargetDescriptor.h"

#include "mlir/IR/Block.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace mlir::rong::fusion {

/// What an op does, as far as fusion cares.
enum class OpClass {
  None,         ///< Not computed by a kernel (constants).
  View,         ///< Reinterprets a buffer (reshape): no kernel.
  Elementwise,  ///< One output element from the same-index inputs.
  DataMovement, ///< Index remapping (transpose, slice, concat, ...).
  Window,       ///< Windowed gather (pooling).
  Reduction,    ///< Reduces over axes of its input.
  Row,          ///< Reduces and broadcasts back (softmax, norms).
  Contraction,  ///< matmul, convolution: a library call or a tiled kernel.
};

enum class GroupKind { Loop, Reduction, Stitch, Contraction, Epilogue, Horizontal };

llvm::StringRef stringifyGroupKind(GroupKind kind);

/// An op's iteration domain and, for reductions and row ops, the axes of that
/// domain it reduces over.
struct OpInfo {
  OpClass cls = OpClass::None;
  llvm::SmallVector<int64_t> domain;
  llvm::SmallVector<int64_t> axes;
  bool keepdims = true;
};

OpInfo classifyOp(Operation *op);

struct Group {
  unsigned id = 0;
  GroupKind kind = GroupKind::Loop;
  /// Members in block order once the planner finishes.
  llvm::SmallVector<Operation *> ops;
  llvm::SmallVector<int64_t> domain;
  llvm::SmallVector<int64_t> axes;
  Operation *contraction = nullptr;
  /// Set when a horizontal merge folded this group into another.
  bool merged = false;
  unsigned mergedInto = 0;
  /// Estimated device-memory traffic the group avoids compared with running
  /// each member as its own kernel.
  double bytesSaved = 0;
  /// For a stitch group whose rows do not fit on chip: the bytes its kernel
  /// reads again in each pass after the first (its inputs that vary along
  /// the rows). 0 when the rows stay on chip.
  double rowRereadBytes = 0;
};

/// One fusion the planner considered and refused, with its reason.
struct Decision {
  Operation *producer = nullptr;
  /// The consumer group it was refused by, or -1.
  int groupId = -1;
  std::string reason;
};

class FusionPlanner {
public:
  /// With `fuse` false every op becomes a group of its own (the unfused
  /// baseline benchmarks compare against).
  FusionPlanner(const TargetDescriptor &target, unsigned maxRecompute,
                bool fuse = true)
      : target(target), maxRecompute(maxRecompute), fuse(fuse) {}

  void run(Block &block);

  /// The groups, numbered 0..n-1 in program order once run() returns.
  llvm::ArrayRef<Group> getGroups() const { return groups; }
  llvm::ArrayRef<Decision> getDecisions() const { return decisions; }
  /// The groups `op` belongs to: one, or several when it is recomputed.
  llvm::ArrayRef<unsigned> groupsOf(Operation *op) const;

private:
  /// Why `producer` may not join `group`; empty when it may. On success,
  /// `updated` holds the group's new kind, domain and axes.
  std::string checkFusion(Operation *producer, const OpInfo &info,
                          const Group &group, Group &updated) const;
  double rowRereadBytes(const Group &group) const;
  /// Planner state to roll back to when a tentative change creates a cycle.
  struct Snapshot {
    std::vector<Group> groups;
    llvm::DenseMap<Operation *, llvm::SmallVector<unsigned, 1>> membership;
  };
  Snapshot snapshot() const { return {groups, membership}; }
  /// Keeps the current state if the group graph is acyclic, else restores
  /// `before` and returns false.
  bool commitUnlessCyclic(const Snapshot &before);
  bool hasGroupCycle() const;
  void collectSuppliers(Operation *op, unsigned self,
                        llvm::SetVector<unsigned> &out, bool throughOutside,
                        llvm::SmallPtrSetImpl<Operation *> &seen) const;
  void mergeInto(unsigned into, unsigned from);
  void absorbRowConsumers();
  unsigned newGroup(Operation *op, const OpInfo &info);
  void addToGroup(Operation *op, Group &group);
  void joinViewToLoopGroup(Operation *view);
  void dropBoundaryViews();
  void mergeHorizontal();
  void renumber();
  void estimateSavings();

  const TargetDescriptor &target;
  unsigned maxRecompute;
  bool fuse;
  std::vector<Group> groups;
  std::vector<Decision> decisions;
  llvm::DenseMap<Operation *, llvm::SmallVector<unsigned, 1>> membership;
  llvm::DenseMap<Operation *, unsigned> position;
};

/// "rong.add 'node_7'" or "rong.add (line 12)": how reports name an op.
std::string describeOp(Operation *op);

/// Bytes of a ranked tensor value (bool counts one byte per element).
double valueBytes(Value value);

} // namespace mlir::rong::fusion

#endif // RONG_LIB_TRANSFORMS_FUSIONPLANNER_H
