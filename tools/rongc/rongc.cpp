//===- rongc.cpp - Rong's compile driver ----------------------------------===//
//
// This file implements rongc, the driver that takes a model file through
// Rong's phases. `--emit` picks the phase to stop at and print: `rong` (the
// imported graph, canonicalised unless --no-canonicalize) or `fused` (fusion
// groups formed for --target); the later phases join as they land.
//
//===----------------------------------------------------------------------===//

#include "rong/Frontend/OnnxImporter.h"
#include "rong/InitAll.h"
#include "rong/Target/TargetDescriptor.h"
#include "rong/Compiler/Compile.h"
#include "rong/Compiler/Pipelines.h"
#include "rong/Runtime/Npy.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory rongcCategory("rongc options");

namespace {
enum class EmitPhase { Rong, Fused, Artifact };
} // namespace

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.onnx | graph.mlir>"),
                                          cl::Required, cl::cat(rongcCategory));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"),
                                           cl::cat(rongcCategory));
static cl::opt<EmitPhase> emitPhase(
    "emit", cl::desc("Phase to stop at and print"), cl::init(EmitPhase::Rong),
    cl::values(clEnumValN(EmitPhase::Rong, "rong", "the imported rong graph"),
               clEnumValN(EmitPhase::Fused, "fused",
                          "the graph with its fusion groups formed"),
               clEnumValN(EmitPhase::Artifact, "artifact",
                          "a compiled artifact for rong-run and the runtime "
                          "(the default when -o names a .rong file)")),
    cl::cat(rongcCategory));
static cl::opt<std::string> targetName(
    "target",
    cl::desc("Target: cpu, sm_80, sm_90, rocm:gfx906|gfx90a|gfx942, opencl, "
             "or source:<profile>[:<arch>] (cuda, hip, musa, maca, corex); "
             "an unknown name lists them all"),
    cl::init("cpu"), cl::cat(rongcCategory));
static cl::opt<std::string> cudaPath(
    "cuda-path",
    cl::desc("NVIDIA targets: the CUDA toolkit (libdevice, ptxas)"),
    cl::init(""), cl::cat(rongcCategory));
static cl::opt<unsigned> codeObjectVersion(
    "code-object",
    cl::desc("AMD / Hygon targets: HSA code object version, 4 (what Hygon's "
             "DTK loads) or 5"),
    cl::init(4), cl::cat(rongcCategory));
static cl::opt<std::string> profileName(
    "profile",
    cl::desc("With an artifact: print the kernels with this source profile "
             "instead of the target's own backend; `opencl` runs kernel IR "
             "built for any GPU target (e.g. --target=musa, warps of 128) on "
             "OpenCL"),
    cl::init(""), cl::cat(rongcCategory));
static cl::opt<bool> explainFusion(
    "explain-fusion",
    cl::desc("Print every fusion group and every rejected fusion to stderr"),
    cl::init(false), cl::cat(rongcCategory));
static cl::opt<bool> foldLayouts(
    "fold-layouts",
    cl::desc("Read transposed and sliced matmul operands in place through "
             "strided library calls instead of copying them with a kernel "
             "(default on; =false keeps the copies)"),
    cl::init(true), cl::cat(rongcCategory));

static cl::opt<bool> noFusion(
    "no-fusion",
    cl::desc("Compile every op as a kernel of its own (the unfused baseline)"),
    cl::init(false), cl::cat(rongcCategory));
static cl::opt<bool> printPlan(
    "print-plan",
    cl::desc("With an artifact: print its steps, one line per kernel or "
             "library call, to stdout"),
    cl::init(false), cl::cat(rongcCategory));
static cl::opt<bool> noCanonicalize(
    "no-canonicalize",
    cl::desc("Print the graph exactly as imported, without folding"),
    cl::init(false), cl::cat(rongcCategory));
static cl::opt<int64_t> resourceThreshold(
    "resource-threshold",
    cl::desc("Initializers with more elements become dense_resource constants"),
    cl::init(64), cl::cat(rongcCategory));
static cl::list<std::string> constantInputs(
    "constant-input",
    cl::desc("NAME=FILE.npy: compile with graph input NAME fixed to the "
             "array in FILE.npy (for inputs an op needs at compile time, such "
             "as reduction axes or shapes); repeatable"),
    cl::value_desc("NAME=FILE.npy"), cl::cat(rongcCategory));
static cl::list<std::string> dimSizes(
    "dim",
    cl::desc("NAME=SIZE: give the symbolic ONNX dimension NAME (a dim_param "
             "of the graph inputs, such as a dynamic batch) a size; Rong "
             "compiles static shapes; repeatable"),
    cl::value_desc("NAME=SIZE"), cl::cat(rongcCategory));
static cl::opt<bool> emitBytecode("emit-bytecode",
                                  cl::desc("Write MLIR bytecode"),
                                  cl::init(false), cl::cat(rongcCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // --help lists rongc's options and MLIR's printing options (for --emit=rong
  // and --emit=fused), not the hundreds LLVM's libraries register; those
  // still parse.
  static cl::OptionCategory mlirCategory("MLIR printing options");
  for (auto &entry : cl::getRegisteredOptions())
    if (entry.first.starts_with("mlir-"))
      entry.second->addCategory(mlirCategory);
  cl::HideUnrelatedOptions({&rongcCategory, &mlirCategory});
  cl::ParseCommandLineOptions(argc, argv, "Rong compile driver\n");

  const mlir::rong::TargetDescriptor *target = mlir::rong::lookupTarget(targetName);
  if (!target) {
    llvm::errs() << "rongc: " << mlir::rong::explainUnknownTarget(targetName)
                 << "\n";
    return 1;
  }

  DialectRegistry registry;
  mlir::rong::registerAllDialects(registry);
  mlir::rong::registerCompilerDependencies(registry);
  MLIRContext context(registry);
  // Diagnostics name the node; a dump of the whole function helps no user.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module;
  if (StringRef(inputFilename).ends_with(".mlir")) {
    // A rong-dialect graph written by hand or by another tool.
    module = parseSourceFile<ModuleOp>(inputFilename, sourceMgr, &context);
  } else {
    mlir::rong::OnnxImportOptions options;
    options.resourceThreshold = resourceThreshold;
    for (StringRef spec : constantInputs) {
      auto [name, path] = spec.split('=');
      if (name.empty() || path.empty()) {
        llvm::errs() << "rongc: --constant-input expects NAME=FILE.npy, got '"
                     << spec << "'\n";
        return 1;
      }
      auto array = ::rong::runtime::readNpy(path.str());
      if (!array) {
        llvm::errs() << "rongc: --constant-input " << name << ": "
                     << array.status().message() << "\n";
        return 1;
      }
      options.constantInputs.push_back(
          {name.str(), array->descr, array->shape,
           std::string(array->data.begin(), array->data.end())});
    }
    for (StringRef spec : dimSizes) {
      auto [name, text] = spec.split('=');
      int64_t size;
      if (name.empty() || text.getAsInteger(10, size) || size < 0) {
        llvm::errs() << "rongc: --dim expects NAME=SIZE with a size >= 0, got '"
                     << spec << "'\n";
        return 1;
      }
      options.dimSizes.push_back({name.str(), size});
    }
    module = mlir::rong::importOnnxFile(inputFilename, &context, options);
  }
  if (!module)
    return 1;

  // A source target writes a package directory; every other target, and a
  // source target printed with the opencl profile, one artifact file.
  bool sourcePackage =
      target->kind == mlir::rong::TargetKind::Source && profileName.empty();
  EmitPhase phase = emitPhase;
  if (!emitPhase.getNumOccurrences() &&
      (StringRef(outputFilename).ends_with(".rong") ||
       (sourcePackage && outputFilename != "-")))
    phase = EmitPhase::Artifact;

  // Kernels need static shapes: say which ONNX input is dynamic, and how to
  // size it, before a kernel fails on it.
  if (phase == EmitPhase::Artifact &&
      !StringRef(inputFilename).ends_with(".mlir")) {
    std::string dynamic = mlir::rong::describeDynamicInput(*module);
    if (!dynamic.empty()) {
      llvm::errs() << "rongc: " << dynamic
                   << "; Rong compiles static shapes: give its symbolic "
                      "dimensions a size with --dim NAME=SIZE\n";
      return 1;
    }
  }

  if (phase == EmitPhase::Artifact) {
    if (outputFilename == "-") {
      llvm::errs() << (sourcePackage
                           ? "rongc: a source package is a directory; name "
                             "it with -o\n"
                           : "rongc: an artifact is binary; name a file "
                             "with -o\n");
      return 1;
    }
    if (sourcePackage && StringRef(outputFilename).ends_with(".rong")) {
      llvm::errs() << "rongc: target '" << targetName
                   << "' writes a source package, which is a directory; "
                      "name one with -o (not a .rong file)\n";
      return 1;
    }
    if (codeObjectVersion != 4 && codeObjectVersion != 5) {
      llvm::errs() << "rongc: --code-object must be 4 or 5, not "
                   << codeObjectVersion << "\n";
      return 1;
    }
    mlir::rong::CompileOptions options;
    options.target = targetName;
    options.profile = profileName;
    options.fuse = !noFusion;
    options.foldLayouts = foldLayouts;
    options.explain = explainFusion;
    options.sourceModel = llvm::sys::path::filename(inputFilename).str();
    options.cudaPath = cudaPath;
    options.codeObjectVersion = codeObjectVersion;
    FailureOr<mlir::rong::CompileResult> result =
        mlir::rong::compileToArtifact(*module, options);
    if (failed(result))
      return 1;
    if (sourcePackage) {
      if (std::error_code ec =
              llvm::sys::fs::create_directories(outputFilename)) {
        llvm::errs() << "rongc: cannot create directory '" << outputFilename
                     << "': " << ec.message() << "\n";
        return 1;
      }
      for (const auto &[name, contents] : result->packageFiles) {
        SmallString<256> path(outputFilename);
        llvm::sys::path::append(path, name);
        std::string error;
        auto file = openOutputFile(path, &error);
        if (!file) {
          llvm::errs() << "rongc: " << error << "\n";
          return 1;
        }
        file->os() << contents;
        file->keep();
      }
    } else {
      std::string error;
      auto output = openOutputFile(outputFilename, &error);
      if (!output) {
        llvm::errs() << "rongc: " << error << "\n";
        return 1;
      }
      output->os().write(
          reinterpret_cast<const char *>(result->artifact.data()),
          result->artifact.size());
      output->keep();
    }
    if (printPlan) {
      unsigned kernels = 0, calls = 0;
      for (const mlir::rong::PlanStepSummary &step : result->steps)
        (step.kind == "kernel" ? kernels : calls)++;
      llvm::outs() << "plan: " << result->steps.size() << " steps ("
                   << kernels << " kernels, " << calls
                   << " library calls), arena " << result->arenaBytes
                   << " bytes\n";
      for (auto [i, step] : llvm::enumerate(result->steps))
        llvm::outs() << "  " << i << "  "
                     << (step.kind == "kernel" ? "kernel  " : "library ")
                     << (step.name.empty() ? "" : step.name + "  ")
                     << step.ops << "\n";
    }
    return 0;
  }

  if (!noCanonicalize || phase == EmitPhase::Fused) {
    PassManager pm(&context);
    mlir::rong::buildGraphCleanupPipeline(pm);
    if (phase == EmitPhase::Fused) {
      mlir::rong::FusionPipelineOptions fusion;
      fusion.target = targetName;
      fusion.explain = explainFusion;
      fusion.fuse = !noFusion;
      fusion.foldLayouts = foldLayouts;
      mlir::rong::buildFusionPipeline(pm, fusion);
    }
    if (failed(pm.run(*module)))
      return 1;
  }

  std::string error;
  auto output = openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << "rongc: " << error << "\n";
    return 1;
  }
  if (emitBytecode) {
    if (failed(writeBytecodeToFile(*module, output->os())))
      return 1;
  } else {
    module->print(output->os());
  }
  output->keep();
  return 0;
}
