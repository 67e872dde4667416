//===- InitAll.h - Register everything Rong's tools use ---------*- C++ -*-===//
//
// This file declares the one place where Rong registers its dialects, the
// upstream dialects and passes its pipelines use, so that rong-opt, rongc and
// the Python module all see the same set and any failure reproduces with one
// rong-opt command line.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_INITALL_H
#define RONG_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rong {

/// Adds the rong dialect and the upstream dialects Rong lowers through.
void registerAllDialects(DialectRegistry &registry);

/// Registers the upstream passes Rong's pipelines use (and, as they land,
/// Rong's own passes and named pipelines) with the global pass registry.
void registerAllPasses();

} // namespace mlir::rong

#endif // RONG_INITALL_H
