//===- Pipelines.cpp - Rong's named pass pipelines ------------------------===//

#include "rong/Compiler/Pipelines.h"
#include "rong/Conversion/Passes.h"
#include "rong/Target/TargetDescriptor.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rong;

/// Longest integer column a GPU column kernel walks in one thread (an
/// estimate, not a measurement: at 1024 sequential loads per thread the
/// latency of the walk approaches the cost of the transpose that turns the
/// columns into rows spread over a block). Float columns of any length are
/// split among a block's threads instead.
static constexpr int64_t kMaxGpuColumnLength = 1024;

void mlir::rong::buildGraphCleanupPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::rong::buildFusionPipeline(OpPassManager &pm,
                                     const FusionPipelineOptions &options) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  // Decompose first so the parts fold with their constant operands, then
  // recognise spelled-out composites on the folded graph.
  // Weights are transposed once, here, rather than by a kernel per run.
  func.addPass(createRongFoldConstantLayouts());
  func.addPass(createRongDecompose());
  // Again for the weights decomposition sliced (ConvTranspose's phases).
  func.addPass(createRongFoldConstantLayouts());
  // The CPU's BLAS has no f16/bf16 GEMM and runs one batch shape per call;
  // rewritten before fusion, the casts and broadcasts join other kernels.
  if (const TargetDescriptor *target = lookupTarget(options.target);
      target && target->kind == TargetKind::CPU)
    func.addPass(createRongLegalizeLibraryContractions());
  func.addPass(createCanonicalizerPass());
  // The unfused baseline runs the graph as exported, one op per kernel.
  if (options.fuse)
    func.addPass(createRongRecognizePatterns());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
  if (!options.fuse)
    func.addPass(createExpandRowOpsPass());
  // Row kernels reduce trailing axes, column kernels contiguous axes in front
  // of kept ones; other reductions get a transpose in front. After
  // recognition, so a spelled-out softmax moves as one op. GPU column
  // kernels split long float columns among a block's threads; a long integer
  // column, which one thread would walk, is transposed into rows there.
  RongMoveReducedAxesLastOptions reducedAxes;
  reducedAxes.columnReductions = true;
  if (const TargetDescriptor *target = lookupTarget(options.target);
      target && target->isGPU()) {
    reducedAxes.maxColumnLength = kMaxGpuColumnLength;
    reducedAxes.splitFloatColumns = true;
  }
  func.addPass(createRongMoveReducedAxesLast(reducedAxes));
  // A reduction with too few rows or columns to fill the target (the mean
  // of a whole tensor, a bias gradient over few columns) is cut into pieces
  // and reduced twice. Also in the unfused baseline: this is how a
  // reduction is spread over the target, not a fusion.
  RongSplitReductionsOptions splitReductions;
  splitReductions.target = options.target;
  func.addPass(createRongSplitReductions(splitReductions));
  // A transpose after a GEMM's bias moves onto the GEMM's result, where the
  // library call writes it in place.
  if (options.fuse && options.foldLayouts)
    func.addPass(createRongHoistLayoutsAboveEpilogues());
  // Then a bias the BLAS adds in its epilogue becomes the matmul's operand.
  if (const TargetDescriptor *target = lookupTarget(options.target);
      options.fuse && options.gemmBiasEpilogue && target &&
      target->gemmBiasEpilogue())
    func.addPass(createRongFoldBiasIntoMatmul());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
  RongFormFusionsOptions fusion;
  fusion.target = options.target;
  fusion.explain = options.explain;
  fusion.fuse = options.fuse;
  if (options.explainStream)
    func.addPass(createRongFormFusions(fusion, *options.explainStream));
  else
    func.addPass(createRongFormFusions(fusion));
  // Contractions are library calls on every target: layout chains around
  // them become strided operands instead of kernels.
  if (options.fuse && options.foldLayouts) {
    RongFoldLayoutsIntoContractionsOptions layouts;
    layouts.explain = options.explain;
    if (options.explainStream)
      func.addPass(createRongFoldLayoutsIntoContractions(
          layouts, *options.explainStream));
    else
      func.addPass(createRongFoldLayoutsIntoContractions(layouts));
  }
}

namespace {
struct FusionPipelineCLOptions
    : public PassPipelineOptions<FusionPipelineCLOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("target descriptor name"),
                             llvm::cl::init("cpu")};
  Option<bool> explain{*this, "explain",
                       llvm::cl::desc("print the fusion report to stderr"),
                       llvm::cl::init(false)};
};
} // namespace

void mlir::rong::registerPipelines() {
  PassPipelineRegistration<FusionPipelineCLOptions>(
      "rong-fusion-pipeline",
      "decompose, recognise composites, clean up and form fusion groups",
      [](OpPassManager &pm, const FusionPipelineCLOptions &cl) {
        FusionPipelineOptions options;
        options.target = cl.target;
        options.explain = cl.explain;
        buildFusionPipeline(pm, options);
      });
}
