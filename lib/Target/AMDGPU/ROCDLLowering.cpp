//===- ROCDLLowering.cpp - Kernel IR to the ROCDL and LLVM dialects -------===//
//
// This file implements lowerKernelIRToROCDL, the first half of the AMDGPU
// backend. Each gpu.module goes through:
//
//   launch attributes   rocdl.flat_work_group_size = "N,N" from rong.block
//   rong-amdgpu-prepare-math, convert-math-to-llvm
//                       math ops to approximations and to the LLVM
//                       intrinsics the AMDGPU code generator expands (no
//                       ocml)
//   canonicalize, cse, expand-strided-metadata, lower-affine, scf-to-cf
//   GPU to ROCDL        upstream GPU-to-ROCDL patterns (thread ids, shuffles
//                       through ds_bpermute / ds_swizzle, barriers, kernels,
//                       workgroup buffers in LDS) with the bare-pointer
//                       calling convention, plus the to-LLVM patterns of the
//                       arith, cf, index, memref, ub and vector dialects
//   canonicalize, cse, reconcile-unrealized-casts
//
// The conversion is assembled here rather than taken from upstream
// convert-gpu-to-rocdl because that pass also lowers math ops to calls into
// the ROCm device libraries, which Rong does not link.
//
//===----------------------------------------------------------------------===//

#include "AMDGPUTargetMachine.h"
#include "rong/Target/AMDGPU/AMDGPUBackend.h"
#include "rong/Target/AMDGPU/Passes.h"
#include "rong/Target/KernelLaunch.h"

#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rong;

namespace {

/// Dialects whose to-LLVM patterns (ConvertToLLVMPatternInterface) the
/// conversion applies. Not the gpu dialect's: its registered interface may
/// be NVIDIA's.
constexpr StringLiteral kToLLVMDialects[] = {"arith", "cf",  "index",
                                             "memref", "ub", "vector"};

/// Largest work-group AMD GPUs launch.
constexpr int64_t kMaxFlatWorkGroupSize = 1024;

/// Writes rocdl.flat_work_group_size = "N,N" (N = the launch's block size) on
/// every kernel; the GPU-to-ROCDL lowering copies it onto the llvm.func and
/// the LLVM IR translation makes it `amdgpu-flat-work-group-size`. Without
/// it the code generator would assume at most 256 threads.
LogicalResult setFlatWorkGroupSizes(gpu::GPUModuleOp module) {
  auto *rocdl = module.getContext()->getLoadedDialect<ROCDL::ROCDLDialect>();
  for (auto kernel : module.getOps<gpu::GPUFuncOp>()) {
    if (!kernel.isKernel())
      continue;
    FailureOr<KernelLaunch> launch = getKernelLaunch(kernel);
    if (failed(launch))
      return failure();
    int64_t threads =
        launch->block[0] * launch->block[1] * launch->block[2];
    if (threads < 1 || threads > kMaxFlatWorkGroupSize)
      return kernel.emitError()
             << "kernel '" << kernel.getName() << "' has blocks of " << threads
             << " threads; AMD GPUs launch at most " << kMaxFlatWorkGroupSize;
    rocdl->getFlatWorkGroupSizeAttrHelper().setAttr(
        kernel, StringAttr::get(module.getContext(),
                                Twine(threads) + "," + Twine(threads)));
  }
  return success();
}

/// The GPU-to-ROCDL conversion of one gpu.module.
LogicalResult convertToROCDL(gpu::GPUModuleOp module, amdgpu::Chipset chipset,
                             StringRef dataLayout) {
  MLIRContext *ctx = module.getContext();
  module->setAttr(LLVM::LLVMDialect::getDataLayoutAttrName(),
                  StringAttr::get(ctx, dataLayout));

  // In-dialect rewrites first: 64-bit shuffles split into 32-bit ones,
  // shuffles that fit a ds_swizzle pattern promoted to it.
  {
    RewritePatternSet patterns(ctx);
    populateGpuRewritePatterns(patterns);
    populateGpuPromoteShuffleToAMDGPUPatterns(patterns, chipset);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return module.emitError()
             << "AMDGPU backend: the GPU rewrites did not converge";
  }

  LowerToLLVMOptions options(
      ctx, DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
  options.dataLayout = llvm::DataLayout(dataLayout);
  options.useBarePtrCallConv = true;
  LLVMTypeConverter converter(ctx, options);
  amdgpu::populateCommonGPUTypeAndAttributeConversions(converter);

  LLVMConversionTarget target(*ctx);
  RewritePatternSet patterns(ctx);
  for (StringRef name : kToLLVMDialects) {
    Dialect *dialect = ctx->getLoadedDialect(name);
    if (!dialect)
      continue;
    auto *iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect);
    if (!iface)
      return module.emitError()
             << "AMDGPU backend: the '" << name
             << "' dialect has no conversion to LLVM registered "
                "(registerAMDGPUBackendDependencies)";
    iface->populateConvertToLLVMConversionPatterns(target, converter,
                                                   patterns);
  }
  populateAMDGPUToROCDLConversionPatterns(converter, patterns, chipset);
  populateGpuToROCDLConversionPatterns(converter, patterns,
                                       gpu::amd::Runtime::Unknown, chipset);
  target.addLegalDialect<ROCDL::ROCDLDialect>();
  target.addIllegalDialect<gpu::GPUDialect, amdgpu::AMDGPUDialect>();
  target.addLegalOp<gpu::GPUModuleOp>();
  return applyPartialConversion(module, target, std::move(patterns));
}

/// Alignment of the dynamic shared memory: the strategies place 16-byte
/// aligned regions in it and access them with 16-byte vector loads.
constexpr uint64_t kDynamicSharedAlignment = 16;

/// Dynamic shared memory is a zero-length array in LDS. As an external
/// declaration it is what LLVM's AMDGPU backend treats as dynamic LDS (HIP's
/// `extern __shared__`): placed after the static LDS at its alignment, sized
/// at launch, and not counted in the kernel's group segment.
void externalizeDynamicSharedMemory(gpu::GPUModuleOp module) {
  module.walk([](LLVM::GlobalOp global) {
    auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
    if (global.getAddrSpace() ==
            static_cast<unsigned>(
                ROCDL::ROCDLDialect::kSharedMemoryAddressSpace) &&
        array && array.getNumElements() == 0) {
      global.setLinkage(LLVM::Linkage::External);
      global.removeValueAttr();
      if (global.getAlignment().value_or(0) < kDynamicSharedAlignment)
        global.setAlignment(kDynamicSharedAlignment);
    }
  });
}

/// Every op left must be translatable to LLVM IR.
LogicalResult checkFullyLowered(gpu::GPUModuleOp module) {
  WalkResult result = module.getBody()->walk([](Operation *op) {
    if (isa<LLVM::LLVMDialect, ROCDL::ROCDLDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitOpError() << "was not lowered to the LLVM dialect by the AMDGPU "
                         "backend";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

LogicalResult runOnKernels(ModuleOp container,
                           function_ref<void(OpPassManager &)> build) {
  PassManager pm(container.getContext());
  build(pm.nest<gpu::GPUModuleOp>());
  return pm.run(container);
}

} // namespace

LogicalResult rocm::lowerKernelIRToROCDL(ModuleOp container,
                                         const TargetDescriptor &target) {
  MLIRContext *ctx = container.getContext();
  ctx->loadDialect<LLVM::LLVMDialect, ROCDL::ROCDLDialect,
                   amdgpu::AMDGPUDialect>();
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createAMDGPUTargetMachine(target, /*optLevel=*/3, error);
  if (!machine)
    return container.emitError() << "AMDGPU backend: " << error;
  std::string dataLayout =
      machine->createDataLayout().getStringRepresentation();
  FailureOr<amdgpu::Chipset> chipset = amdgpu::Chipset::parse(target.arch);
  if (failed(chipset))
    return container.emitError()
           << "AMDGPU backend: '" << target.arch << "' is not a chipset name";

  for (auto module : container.getOps<gpu::GPUModuleOp>())
    if (failed(setFlatWorkGroupSizes(module)))
      return failure();
  if (failed(runOnKernels(container, [](OpPassManager &kernels) {
        kernels.addPass(rocm::createAMDGPUPrepareMathPass());
        // Upstream's convert-gpu-to-rocdl would turn these into ocml calls;
        // as intrinsics they reach the code generator.
        kernels.addPass(createConvertMathToLLVMPass());
        kernels.addPass(createCanonicalizerPass());
        kernels.addPass(createCSEPass());
        kernels.addPass(memref::createExpandStridedMetadataPass());
        kernels.addPass(createLowerAffinePass());
        kernels.addPass(createSCFToControlFlowPass());
      })))
    return failure();
  for (auto module : container.getOps<gpu::GPUModuleOp>())
    if (failed(convertToROCDL(module, *chipset, dataLayout)))
      return failure();
  if (failed(runOnKernels(container, [](OpPassManager &kernels) {
        kernels.addPass(createCanonicalizerPass());
        kernels.addPass(createCSEPass());
        kernels.addPass(createReconcileUnrealizedCastsPass());
      })))
    return failure();
  for (auto module : container.getOps<gpu::GPUModuleOp>()) {
    externalizeDynamicSharedMemory(module);
    if (failed(checkFullyLowered(module)))
      return failure();
  }
  return success();
}
