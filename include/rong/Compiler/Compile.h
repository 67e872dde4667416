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
  /// Target, as `--target=` spells it: `cpu` (a shared object), `sm_80` /
  /// `sm_90` (cubin and PTX), `rocm:gfx906|gfx90a|gfx942` (an HSA code
  /// object), `opencl` (OpenCL C), or `source:<profile>[:<arch>]` (vendor
  /// source text, with a package in CompileResult::packageFiles).
  std::string target = "cpu";
  /// Form fused groups; false gives one kernel per op (the unfused baseline).
  bool fuse = true;
  /// Fold layout ops around matmuls into strided library-call operands.
  bool foldLayouts = true;
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
  /// NVIDIA: the CUDA toolkit (libdevice, ptxas); empty: the default.
  std::string cudaPath;
  /// AMD / Hygon: the HSA code object version, 4 (what DTK loads) or 5.
  unsigned codeObjectVersion = 4;
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
  /// Source targets: the package's files as (name, contents), in the order
  /// they are listed in its BUILD.md: the kernels file, launch.json (the
  /// kernels and the plan), weights.bin, model.rong and BUILD.md.
  std::vector<std::pair<std::string, std::string>> packageFiles;
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
