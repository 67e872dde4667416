//===- Compile.cpp - From a rong graph to an artifact ---------------------===//
//
// This file implements compileToArtifact, the compiler's whole pipeline:
//
//   clean-up, fusion (rong-fusion-pipeline), rong-outline-contractions
//     -> rong-fusion-to-gpu{target}: one kernel per group, in kernel IR
//     -> the target's backend: kernel IR to code (CPU: LLVM, a shared
//        object; OpenCL: the source backend's OpenCL C, built by the
//        runtime on the device)
//     -> the execution plan (ExecutionPlan.cpp) and the artifact.
//
//===----------------------------------------------------------------------===//

#include "rong/Compiler/Compile.h"

#include "ExecutionPlan.h"

#include "rong/Compiler/Pipelines.h"
#include "rong/Conversion/Passes.h"
#include "rong/IR/RongOps.h"
#include "rong/Target/CPU/CPUBackend.h"
#include "rong/Target/KernelLaunch.h"
#include "rong/Target/Source/SourceBackend.h"
#include "rong/Target/TargetDescriptor.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rong;

void mlir::rong::registerCompilerDependencies(DialectRegistry &registry) {
  cpu::registerCPUBackendDependencies(registry);
}

namespace {

/// "stitch: rong.add, rong.layer_norm" for a fusion group.
std::string describeGroup(FusionOp fusion) {
  std::string text = fusion.getKind() ? fusion.getKind()->str() : "group";
  text += ":";
  llvm::SmallVector<StringRef> names;
  for (Operation &op : fusion.getBodyBlock().without_terminator()) {
    if (isa<ConstantOp>(op))
      continue;
    StringRef name = op.getName().getStringRef();
    if (names.empty() || names.back() != name)
      names.push_back(name);
  }
  for (auto [i, name] : llvm::enumerate(names))
    text += (i ? ", " : " ") + name.str();
  return text;
}

/// The backends that write artifacts a runtime executor runs.
enum class Backend { CPU, OpenCL };

FailureOr<Backend> chooseBackend(ModuleOp module,
                                 const TargetDescriptor &target,
                                 StringRef profile) {
  if (profile.empty()) {
    if (target.kind == TargetKind::CPU)
      return Backend::CPU;
    if (target.kind == TargetKind::OpenCL)
      return Backend::OpenCL;
    return module.emitError()
           << "compiling to an artifact for target '" << target.name
           << "' is not available yet; the artifact backends are: cpu, "
              "opencl (and any GPU target with the opencl profile)";
  }
  if (profile != "opencl")
    return module.emitError()
           << "artifacts are written with the opencl profile only; profile '"
           << profile << "' has no executor";
  if (!target.isGPU())
    return module.emitError() << "the opencl profile prints GPU kernel IR; "
                                 "target '"
                              << target.name << "' has none";
  return Backend::OpenCL;
}

FailureOr<func::FuncOp> entryFunction(ModuleOp module) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    if (entry)
      return module.emitError()
             << "the module holds several functions ('" << entry.getSymName()
             << "', '" << func.getSymName() << "'); compile one at a time";
    entry = func;
  }
  if (!entry)
    return module.emitError() << "the module holds no function to compile";
  if (!entry.getBody().hasOneBlock())
    return entry.emitError() << "the graph function must have one block";
  return entry;
}

} // namespace

FailureOr<CompileResult>
mlir::rong::compileToArtifact(ModuleOp module, const CompileOptions &options) {
  const TargetDescriptor *target = lookupTarget(options.target);
  if (!target)
    return module.emitError() << "unknown target '" << options.target
                              << "'; known targets: " << listTargetNames();
  FailureOr<Backend> backend = chooseBackend(module, *target, options.profile);
  if (failed(backend))
    return failure();
  FailureOr<func::FuncOp> entry = entryFunction(module);
  if (failed(entry))
    return failure();
  MLIRContext *ctx = module.getContext();

  // Graph to fusion groups, contractions standing alone.
  PassManager fusion(ctx);
  buildGraphCleanupPipeline(fusion);
  FusionPipelineOptions fusionOptions;
  fusionOptions.target = options.target;
  fusionOptions.explain = options.explain;
  fusionOptions.explainStream = options.explainStream;
  fusionOptions.fuse = options.fuse;
  buildFusionPipeline(fusion, fusionOptions);
  fusion.nest<func::FuncOp>().addPass(createRongOutlineContractions());
  if (failed(fusion.run(module)))
    return failure();

  // Descriptions of the groups, under the names rong-fusion-to-gpu gives
  // their kernels (<function>_fusion_<index>, in walk order).
  llvm::StringMap<plan::KernelLaunchInfo> kernels;
  for (auto func : module.getOps<func::FuncOp>()) {
    unsigned index = 0;
    func.walk([&](FusionOp group) {
      kernels[(func.getSymName() + "_fusion_" + Twine(index++)).str()]
          .description = describeGroup(group);
    });
  }

  PassManager codegen(ctx);
  ConvertFusionToGPUPassOptions kernelOptions;
  kernelOptions.target = options.target;
  codegen.addPass(createConvertFusionToGPUPass(kernelOptions));
  if (failed(codegen.run(module)))
    return failure();

  plan::CodeModule code;
  code.target = options.target;
  for (auto gpuModule : module.getOps<gpu::GPUModuleOp>())
    for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
      if (!kernel.isKernel())
        continue;
      plan::KernelLaunchInfo &info = kernels[kernel.getName()];
      FailureOr<KernelLaunch> launch = getKernelLaunch(kernel);
      if (failed(launch))
        return failure();
      info.grid = launch->grid;
      info.block = launch->block;
      info.dynamicSharedBytes = launch->dynamicSharedBytes;
      code.kernels.push_back(kernel.getName().str());
    }

  plan::PlanBackend planBackend;
  SmallVector<plan::CodeModule> modules;
  if (*backend == Backend::CPU) {
    planBackend = {"cpu", "CPU", "BLAS"};
    if (!code.kernels.empty()) {
      FailureOr<OwningOpRef<ModuleOp>> host = cpu::lowerKernelsToLLVM(module);
      if (failed(host))
        return failure();
      FailureOr<std::string> library = cpu::emitSharedObject(**host);
      if (failed(library))
        return failure();
      code.images.push_back({::rong::runtime::ModuleFormat::ElfSharedObject,
                             std::move(*library)});
      modules.push_back(std::move(code));
    }
  } else {
    // One OpenCL C program holds every kernel; the runtime builds it once.
    planBackend = {"opencl", "OpenCL", "CLBlast"};
    if (!code.kernels.empty()) {
      FailureOr<source::SourcePackage> package = source::emitSourcePackage(
          module, *target, *source::lookupSourceProfile("opencl"));
      if (failed(package))
        return failure();
      code.images.push_back(
          {::rong::runtime::ModuleFormat::OpenclC, std::move(package->source)});
      modules.push_back(std::move(code));
    }
  }
  return plan::buildArtifact(*entry, options, planBackend, modules, kernels);
}
