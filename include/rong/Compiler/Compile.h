//===- Compile.h - From a rong graph to an artifact -------------*- C++ -*-===//
//
// The compiler's main entry point: a module holding one rong-dialect function
// (as the ONNX importer or a test writes it) is fused, code-generated for a
// target and turned into an artifact the runtime executes. rongc and the
// Python module both call it.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_COMPILER_COMPILE_H
#define RONG_COMPILER_COMPILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rong {

struct CompileOptions {
  /// Target descriptor name. Artifacts are written for `cpu` (a shared
  /// object) and `opencl` (OpenCL C); any other GPU target compiles with
  /// `profile` "opencl".
  std::string target = "cpu";
  /// Form fused groups; false gives one kernel per op (the unfused baseline).
  bool fuse = true;
  /// Print the fusion report (every group, every rejection) to
  /// `explainStream`.
  bool explain = false;
  /// Where the fusion report goes; null means stderr.
  llvm::raw_ostream *explainStream = nullptr;
  /// Recorded in the artifact's producer table.
  std::string sourceModel;
  /// Source profile the kernels are printed with; empty means the target's
  /// own backend. "opencl" prints kernel IR built for any GPU target (its
  /// subgroup width: 64 for `maca`, 128 for `musa`) as OpenCL C, which
  /// exchanges shuffles through local memory and so runs any width.
  std::string profile;
};

/// One step of the compiled plan, for people.
struct PlanStepSummary {
  /// "kernel" or "library".
  std::string kind;
  /// Kernel symbol or library function.
  std::string name;
  /// Which ops the step runs: "stitch: rong.add, rong.layer_norm".
  std::string ops;
};

struct CompileResult {
  std::vector<uint8_t> artifact;
  std::vector<PlanStepSummary> steps;
  uint64_t arenaBytes = 0;
};

/// Registers what compileToArtifact needs in a context (backends' dialects
/// and translations); call it on the registry the context is built from.
void registerCompilerDependencies(DialectRegistry &registry);

/// Compiles `module` (modified in place: it ends up holding the lowered
/// host function) into artifact bytes. Errors are reported through the
/// context's diagnostics, naming the op.
FailureOr<CompileResult> compileToArtifact(ModuleOp module,
                                           const CompileOptions &options);

} // namespace mlir::rong

#endif // RONG_COMPILER_COMPILE_H
