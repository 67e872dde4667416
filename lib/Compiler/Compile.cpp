//===- Compile.cpp - From a rong graph to an artifact ---------------------===//
//
// This file implements compileToArtifact, the compiler's whole pipeline:
//
//   clean-up, fusion (rong-fusion-pipeline), rong-outline-contractions
//     -> rong-fusion-to-gpu{target}: one kernel per group, in kernel IR
//     -> the target's backend: kernel IR to code (CPU: LLVM, a shared
//        object; NVIDIA: PTX and its cubin from ptxas; AMD / Hygon: one HSA
//        code object; OpenCL: the source backend's OpenCL C, built by the
//        runtime on the device; source targets: vendor source text)
//     -> the execution plan (ExecutionPlan.cpp) and the artifact; for source
//        targets also a package (SourcePlan.cpp) that a vendor toolchain
//        builds.
//
//===----------------------------------------------------------------------===//

#include "rong/Compiler/Compile.h"

#include "ExecutionPlan.h"

#include "rong/Compiler/Pipelines.h"
#include "rong/Conversion/Passes.h"
#include "rong/IR/RongOps.h"
#include "rong/Target/AMDGPU/AMDGPUBackend.h"
#include "rong/Target/CPU/CPUBackend.h"
#include "rong/Target/CUDA/CUDABackend.h"
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
  cuda::registerCUDABackendDependencies(registry);
  rocm::registerAMDGPUBackendDependencies(registry);
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

/// The backends that write artifacts.
enum class Backend { CPU, OpenCL, CUDA, ROCm, Source };

FailureOr<Backend> chooseBackend(ModuleOp module,
                                 const TargetDescriptor &target,
                                 StringRef profile) {
  if (profile.empty()) {
    switch (target.kind) {
    case TargetKind::CPU:
      return Backend::CPU;
    case TargetKind::OpenCL:
      return Backend::OpenCL;
    case TargetKind::CUDA:
      return Backend::CUDA;
    case TargetKind::ROCm:
      return Backend::ROCm;
    case TargetKind::Source:
      return Backend::Source;
    }
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
    return module.emitError() << explainUnknownTarget(options.target);
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
  fusionOptions.foldLayouts = options.foldLayouts;
  // GEMMs of a target's kernel IR printed for OpenCL run on CLBlast.
  fusionOptions.gemmBiasEpilogue = *backend != Backend::OpenCL;
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
  switch (*backend) {
  case Backend::CPU:
    planBackend = {"cpu", "CPU", "BLAS"};
    planBackend.ioAlignment = cpu::kIoAlignment;
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
    break;
  case Backend::OpenCL:
    // One OpenCL C program holds every kernel; the runtime builds it once.
    planBackend = {"opencl", "OpenCL", "CLBlast"};
    // The OpenCL session copies caller memory into its own buffers.
    planBackend.ioAlignment = 1;
    if (!code.kernels.empty()) {
      FailureOr<source::SourcePackage> package = source::emitSourcePackage(
          module, *target, *source::lookupSourceProfile("opencl"));
      if (failed(package))
        return failure();
      code.images.push_back(
          {::rong::runtime::ModuleFormat::OpenclC, std::move(package->source)});
      modules.push_back(std::move(code));
    }
    break;
  case Backend::CUDA: {
    // One module per kernel, each with its cubin and the PTX it came from,
    // so a driver for a newer architecture can JIT the PTX.
    planBackend = {target->name.str(), "CUDA", "cuBLAS",
                   /*lowPrecisionGemm=*/true,
                   /*gemmBias=*/target->gemmBiasEpilogue()};
    cuda::CUDAOptions cudaOptions;
    cudaOptions.toolkitPath = options.cudaPath.empty()
                                  ? cuda::defaultToolkitPath()
                                  : options.cudaPath;
    std::string ptxas = cudaOptions.toolkitPath + "/bin/ptxas";
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>()) {
      plan::CodeModule one;
      one.target = target->arch.str();
      for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>())
        if (kernel.isKernel())
          one.kernels.push_back(kernel.getName().str());
      if (one.kernels.empty())
        continue;
      FailureOr<std::string> ptx =
          cuda::emitPTX(gpuModule, *target, cudaOptions);
      if (failed(ptx))
        return failure();
      std::string log;
      FailureOr<std::string> cubin =
          cuda::assemblePTX(*ptx, *target, ptxas, log);
      if (failed(cubin))
        return gpuModule.emitError()
               << "ptxas (" << ptxas << ") failed on kernel '"
               << one.kernels.front() << "': " << log;
      one.images.push_back(
          {::rong::runtime::ModuleFormat::Cubin, std::move(*cubin)});
      one.images.push_back(
          {::rong::runtime::ModuleFormat::Ptx, std::move(*ptx)});
      modules.push_back(std::move(one));
    }
    break;
  }
  case Backend::ROCm: {
    // One HSA code object holds every kernel.
    planBackend = {target->name.str(), "ROCm", "hipBLAS"};
    if (!code.kernels.empty()) {
      rocm::AMDGPUOptions amdOptions;
      amdOptions.codeObjectVersion = options.codeObjectVersion;
      FailureOr<std::string> hsaco =
          rocm::emitHSACO(module, *target, amdOptions);
      if (failed(hsaco))
        return failure();
      code.target = target->arch.str();
      code.images.push_back(
          {::rong::runtime::ModuleFormat::Hsaco, std::move(*hsaco)});
      modules.push_back(std::move(code));
    }
    break;
  }
  case Backend::Source: {
    // The artifact keeps the plan and the weights with the kernels as
    // source text; the package adds the vendor's build notes and the plan
    // as JSON for a host program that is not Rong's runtime.
    const source::SourceProfile *profile = source::profileForTarget(*target);
    if (!profile)
      return module.emitError() << "target '" << options.target
                                << "' has no source profile";
    planBackend = {spellTarget(*target), profile->name.str(),
                   profile->blasLibrary.str()};
    source::SourcePackage package;
    if (!code.kernels.empty()) {
      FailureOr<source::SourcePackage> printed =
          source::emitSourcePackage(module, *target, *profile);
      if (failed(printed))
        return failure();
      package = std::move(*printed);
      code.target = spellTarget(*target);
      code.images.push_back(
          {::rong::runtime::ModuleFormat::CudaSource, package.source});
      modules.push_back(std::move(code));
    }
    FailureOr<CompileResult> result =
        plan::buildArtifact(*entry, options, planBackend, modules, kernels);
    if (failed(result))
      return failure();
    if (failed(plan::addSourcePackage(module, *target, *profile,
                                      std::move(package), *result)))
      return failure();
    return result;
  }
  }
  return plan::buildArtifact(*entry, options, planBackend, modules, kernels);
}
