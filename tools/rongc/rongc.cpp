//===- rongc.cpp - Rong's compile driver ----------------------------------===//
//
// This file implements rongc, the driver that takes a model file through
// Rong's phases. `--emit` picks the phase to stop at and print; today the
// ladder has its first rung, `rong` (the imported graph, canonicalised unless
// --no-canonicalize), and the later phases join as they land.
//
//===----------------------------------------------------------------------===//

#include "rong/Frontend/OnnxImporter.h"
#include "rong/InitAll.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
enum class EmitPhase { Rong };
} // namespace

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.onnx>"),
                                          cl::Required);
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"));
static cl::opt<EmitPhase> emitPhase(
    "emit", cl::desc("Phase to stop at and print"), cl::init(EmitPhase::Rong),
    cl::values(clEnumValN(EmitPhase::Rong, "rong",
                          "the imported rong graph")));
static cl::opt<bool> noCanonicalize(
    "no-canonicalize",
    cl::desc("Print the graph exactly as imported, without folding"),
    cl::init(false));
static cl::opt<int64_t> resourceThreshold(
    "resource-threshold",
    cl::desc("Initializers with more elements become dense_resource constants"),
    cl::init(64));
static cl::opt<bool> emitBytecode("emit-bytecode",
                                  cl::desc("Write MLIR bytecode"),
                                  cl::init(false));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "Rong compile driver\n");

  DialectRegistry registry;
  rong::registerAllDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  rong::OnnxImportOptions options;
  options.resourceThreshold = resourceThreshold;
  OwningOpRef<ModuleOp> module =
      rong::importOnnxFile(inputFilename, &context, options);
  if (!module)
    return 1;

  if (!noCanonicalize) {
    PassManager pm(&context);
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
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
