//===- Passes.h - Rong graph passes -----------------------------*- C++ -*-===//

#ifndef RONG_TRANSFORMS_PASSES_H
#define RONG_TRANSFORMS_PASSES_H

#include "rong/IR/RongDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::rong {

#define GEN_PASS_DECL
#include "rong/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rong/Transforms/Passes.h.inc"

/// rong-form-fusions printing its `explain` report to `report` instead of
/// stderr (the Python module returns the report as a string). The stream
/// must outlive the pass.
std::unique_ptr<Pass>
createRongFormFusions(const RongFormFusionsOptions &options,
                      llvm::raw_ostream &report);

/// rong-fold-layouts-into-contractions printing its `explain` lines to
/// `report` instead of stderr.
std::unique_ptr<Pass> createRongFoldLayoutsIntoContractions(
    const RongFoldLayoutsIntoContractionsOptions &options,
    llvm::raw_ostream &report);

} // namespace mlir::rong

#endif // RONG_TRANSFORMS_PASSES_H
