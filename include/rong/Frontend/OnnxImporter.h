//===- OnnxImporter.h - ONNX models to the rong dialect ---------*- C++ -*-===//
//
// This file declares Rong's ONNX importer: it reads a `.onnx` file with
// libprotobuf (the schema is the onnx package's own onnx.proto) and builds a
// `func.func` of rong ops. Every problem with the input is an error that names
// the node (name and op_type) and the reason; unsupported ops are all listed
// before the import gives up.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_FRONTEND_ONNXIMPORTER_H
#define RONG_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::rong {

/// A graph input given its value at compile time (`rongc --constant-input`):
/// the importer makes it an initializer, so that inputs an op needs as
/// constants (reduction axes, shapes, pads) may come from the user.
struct OnnxConstantInput {
  std::string name;
  /// NumPy's type string of `bytes` ("<f4", "<i8", "|b1", ...); bf16 is
  /// given as its bits, "<u2".
  std::string npyDescr;
  std::vector<int64_t> shape;
  /// Little-endian, row-major elements.
  std::string bytes;
};

/// Options of the ONNX importer.
struct OnnxImportOptions {
  /// Graph inputs to replace with constants before the import.
  std::vector<OnnxConstantInput> constantInputs;
  /// Sizes for symbolic dimensions (`dim_param`, such as "batch") of the
  /// graph inputs (`rongc --dim NAME=SIZE`); each name must occur.
  std::vector<std::pair<std::string, int64_t>> dimSizes;
  /// Name of the function that holds the graph.
  std::string functionName = "main";
  /// Initializers with more elements than this become `dense_resource`
  /// constants, so that a model's weights do not bloat the textual IR.
  int64_t resourceThreshold = 64;
};

/// Imports the ONNX model in `path`. Returns null after emitting diagnostics
/// through `context`'s diagnostic engine when the model cannot be imported.
OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path, MLIRContext *context,
                                     const OnnxImportOptions &options = {});

/// Imports an ONNX model held in memory; `modelDir` resolves external data
/// files, and `sourceName` names the model in diagnostics.
OwningOpRef<ModuleOp> importOnnxBuffer(llvm::StringRef bytes,
                                       llvm::StringRef sourceName,
                                       llvm::StringRef modelDir,
                                       MLIRContext *context,
                                       const OnnxImportOptions &options = {});

/// Describes the first input of an imported graph whose shape is still
/// dynamic ("graph input 'x' has a dynamic shape tensor<?x8xf32>"), for the
/// drivers to refuse it before a kernel does; empty when all are static.
std::string describeDynamicInput(ModuleOp module);

} // namespace mlir::rong

#endif // RONG_FRONTEND_ONNXIMPORTER_H
