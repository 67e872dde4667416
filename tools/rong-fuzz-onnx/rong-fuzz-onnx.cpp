//===- rong-fuzz-onnx.cpp - libFuzzer target over the ONNX importer -------===//
//
// This file implements a libFuzzer entry point that feeds arbitrary bytes to
// the ONNX importer. Any input must either import or fail with diagnostics;
// a crash, an abort or a sanitizer report is a bug. The test suite runs it for
// a bounded time from a corpus of valid models.
//
//===----------------------------------------------------------------------===//

#include "rong/Frontend/OnnxImporter.h"
#include "rong/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    mlir::rong::registerAllDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  // Diagnostics are the expected outcome for most inputs; keep them quiet.
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // External data resolves against a folder that holds no data files.
  (void)mlir::rong::importOnnxBuffer(bytes, "fuzz.onnx", "/nonexistent",
                                     &context);
  return 0;
}
