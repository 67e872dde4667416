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

} // namespace mlir::rong

#endif // RONG_TRANSFORMS_PASSES_H
