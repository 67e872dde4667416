//===- FusionToGPU.cpp - rong.fusion groups to gpu.func kernels -----------===//
//
// This file implements the rong-fusion-to-gpu pass. Each rong.fusion becomes
// a gpu.module holding one gpu.func kernel built by the strategy its body
// needs (row strategy when it reduces, loop strategy otherwise), with the
// group's inputs then outputs as memref arguments. The host function keeps a
// valid, testable graph: the fusion op is replaced by a gpu.launch_func on
// buffers (bufferization.to_buffer for inputs, memref.alloc for outputs,
// bufferization.to_tensor back to the graph). The kernel carries its launch
// configuration as attributes, so a consumer that writes an artifact can read
// everything from the gpu.func alone (a group whose results have no elements
// gets no kernel: its results become empty constants):
//
//   rong.grid = array<i64: gx, gy, gz>, rong.block = array<i64: bx, by, bz>,
//   rong.shared_bytes = dynamic shared bytes (i64),
//   rong.args = ["in0", ..., "out0", ...]  (argument order),
//   rong.strategy, rong.fusion_kind.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "RowAnalysis.h"

#include "rong/Conversion/Passes.h"
#include "rong/IR/RongOps.h"
#include "rong/Target/KernelLaunch.h"
#include "rong/Target/TargetDescriptor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rong {
#define GEN_PASS_DEF_CONVERTFUSIONTOGPUPASS
#include "rong/Conversion/Passes.h.inc"
} // namespace mlir::rong

using namespace mlir;
using namespace mlir::rong;
using namespace mlir::rong::gpu_codegen;

namespace {

/// Static, identity-layout memref of a fusion operand's tensor type, as
/// the host holds it.
MemRefType hostBufferType(Type tensorType) {
  auto tensor = cast<RankedTensorType>(tensorType);
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

/// The same as a kernel argument: unsigned integers are held as signless
/// integers of their width, as the arith ops that read them need.
MemRefType bufferType(Type tensorType) {
  MemRefType host = hostBufferType(tensorType);
  return MemRefType::get(host.getShape(), toSignless(host.getElementType()));
}

/// `buffer` as the kernel argument of type `type`: the same buffer,
/// reinterpreted (an unrealized cast the execution plan reads as an alias)
/// where the element type is unsigned.
Value asKernelArgument(OpBuilder &b, Location loc, Value buffer, Type type) {
  if (buffer.getType() == type)
    return buffer;
  return UnrealizedConversionCastOp::create(b, loc, type, buffer).getResult(0);
}

LogicalResult checkStaticShapes(FusionOp fusion) {
  for (Type type : llvm::concat<Type>(fusion.getOperandTypes(),
                                      fusion.getResultTypes()))
    if (!cast<RankedTensorType>(type).hasStaticShape())
      return fusion.emitError()
             << "GPU kernels need static shapes; found " << type;
  if (fusion.getNumResults() == 0)
    return fusion.emitError() << "fusion group without results";
  return success();
}

/// Kernels materialise splat constants as immediates; any other constant in
/// the body becomes an input buffer of the group.
void hoistNonSplatConstants(FusionOp fusion) {
  Block &body = fusion.getBodyBlock();
  for (Operation &op : llvm::make_early_inc_range(body)) {
    auto constant = dyn_cast<ConstantOp>(op);
    if (!constant)
      continue;
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
        dense && dense.isSplat())
      continue;
    constant->moveBefore(fusion);
    fusion->insertOperands(fusion->getNumOperands(), constant.getResult());
    BlockArgument arg =
        body.addArgument(constant.getType(), constant.getLoc());
    constant.getResult().replaceUsesWithIf(arg, [&](OpOperand &use) {
      return fusion->isProperAncestor(use.getOwner());
    });
  }
}

/// Creates `gpu.module @name { gpu.func @name(...) kernel }` at the end of
/// `module` with the fusion's buffers as arguments.
gpu::GPUFuncOp createKernel(ModuleOp module, FusionOp fusion,
                            StringRef name) {
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = fusion.getLoc();
  auto gpuModule = gpu::GPUModuleOp::create(b, loc, name);
  SymbolTable(module).insert(gpuModule);
  SmallVector<Type> argTypes;
  for (Type type : llvm::concat<Type>(fusion.getOperandTypes(),
                                      fusion.getResultTypes()))
    argTypes.push_back(bufferType(type));
  b.setInsertionPointToStart(gpuModule.getBody());
  auto func = gpu::GPUFuncOp::create(b, loc, gpuModule.getName(),
                                     b.getFunctionType(argTypes, {}));
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  b.setInsertionPointToEnd(&func.getBody().front());
  gpu::ReturnOp::create(b, loc);
  return func;
}

void recordLaunch(gpu::GPUFuncOp func, FusionOp fusion,
                  const LaunchConfig &config) {
  Builder b(func.getContext());
  setKernelLaunch(func, {config.grid, config.block, config.dynamicSharedBytes});
  func->setAttr("rong.strategy", b.getStringAttr(config.strategy));
  if (std::optional<StringRef> kind = fusion.getKind())
    func->setAttr("rong.fusion_kind", b.getStringAttr(*kind));
  SmallVector<Attribute> args;
  for (unsigned i = 0; i < fusion.getNumOperands(); ++i)
    args.push_back(b.getStringAttr("in" + std::to_string(i)));
  for (unsigned i = 0; i < fusion.getNumResults(); ++i)
    args.push_back(b.getStringAttr("out" + std::to_string(i)));
  func->setAttr("rong.args", b.getArrayAttr(args));
  // The launch sizes are exact, so the backends may fold thread and block
  // ids' ranges.
  auto i32s = [&](const std::array<int64_t, 3> &v) {
    return b.getDenseI32ArrayAttr({static_cast<int32_t>(v[0]),
                                   static_cast<int32_t>(v[1]),
                                   static_cast<int32_t>(v[2])});
  };
  func.setKnownBlockSizeAttr(i32s(config.block));
  func.setKnownGridSizeAttr(i32s(config.grid));
}

/// Replaces the fusion op by a launch of `func` on buffers.
void replaceWithLaunch(FusionOp fusion, gpu::GPUFuncOp func,
                       const LaunchConfig &config) {
  OpBuilder b(fusion);
  Location loc = fusion.getLoc();
  SmallVector<Value> operands;
  for (Value input : fusion.getInputs())
    operands.push_back(asKernelArgument(
        b, loc,
        bufferization::ToBufferOp::create(b, loc,
                                          hostBufferType(input.getType()),
                                          input, /*read_only=*/true),
        bufferType(input.getType())));
  SmallVector<Value> outBuffers;
  for (Type type : fusion.getResultTypes()) {
    Value buffer =
        memref::AllocOp::create(b, loc, hostBufferType(type), /*alignment=*/
                                b.getI64IntegerAttr(64));
    outBuffers.push_back(buffer);
    operands.push_back(asKernelArgument(b, loc, buffer, bufferType(type)));
  }
  auto dim3 = [&](const std::array<int64_t, 3> &v) {
    return gpu::KernelDim3{indexConstant(b, loc, v[0]),
                           indexConstant(b, loc, v[1]),
                           indexConstant(b, loc, v[2])};
  };
  Value shared = arith::ConstantIntOp::create(
      b, loc, b.getI32Type(), config.dynamicSharedBytes);
  gpu::LaunchFuncOp::create(b, loc, func, dim3(config.grid),
                            dim3(config.block), shared, operands);
  SmallVector<Value> results;
  for (auto [buffer, type] : llvm::zip(outBuffers, fusion.getResultTypes()))
    results.push_back(bufferization::ToTensorOp::create(
        b, loc, type, buffer, /*restrict=*/true, /*writable=*/true));
  fusion->replaceAllUsesWith(results);
  fusion->erase();
}

/// True if every result of `fusion` has no elements: there is nothing for a
/// kernel to compute (a zero-sized launch).
bool hasOnlyEmptyResults(FusionOp fusion) {
  return llvm::all_of(fusion.getResultTypes(), [](Type type) {
    return cast<RankedTensorType>(type).getNumElements() == 0;
  });
}

/// Replaces a group whose results are all empty by empty constants.
void replaceWithEmptyConstants(FusionOp fusion) {
  OpBuilder b(fusion);
  SmallVector<Value> results;
  for (Type type : fusion.getResultTypes()) {
    auto tensor = cast<RankedTensorType>(type);
    results.push_back(ConstantOp::create(
        b, fusion.getLoc(), tensor,
        DenseElementsAttr::get(tensor, ArrayRef<Attribute>{})));
  }
  fusion->replaceAllUsesWith(results);
  fusion->erase();
}

struct ConvertFusionToGPUPass
    : mlir::rong::impl::ConvertFusionToGPUPassBase<ConvertFusionToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const TargetDescriptor *desc = lookupTarget(target);
    if (!desc) {
      module.emitError() << "rong-fusion-to-gpu: '" << target
                         << "' is not a known target (known: "
                         << listTargetNames() << ")";
      return signalPassFailure();
    }

    // Named row ops become reductions first, so one row strategy serves the
    // named and the decomposed forms. On the CPU a softmax divides once per
    // row and multiplies per element (a vector division per 8 elements cost
    // ~15% of an in-cache f32 softmax there); GPUs divide per element, as
    // PyTorch's CUDA kernel does.
    RewritePatternSet patterns(&getContext());
    populateExpandRowOpsPatterns(patterns,
                                 /*reciprocalSoftmax=*/!desc->isGPU());
    FrozenRewritePatternSet frozen(std::move(patterns));

    bool failedAny = false;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      SmallVector<FusionOp> fusions;
      func.walk([&](FusionOp fusion) { fusions.push_back(fusion); });
      for (auto [index, fusion] : llvm::enumerate(fusions)) {
        if (failed(checkStaticShapes(fusion)) ||
            failed(applyPatternsGreedily(fusion.getBody(), frozen))) {
          failedAny = true;
          continue;
        }
        if (hasOnlyEmptyResults(fusion)) {
          replaceWithEmptyConstants(fusion);
          continue;
        }
        hoistNonSplatConstants(fusion);
        std::string name =
            (func.getSymName() + "_fusion_" + Twine(index)).str();
        gpu::GPUFuncOp kernelFunc = createKernel(module, fusion, name);
        KernelSkeleton kernel{fusion, kernelFunc, *desc};
        FailureOr<LaunchConfig> config = hasReduction(fusion)
                                             ? buildRowKernel(kernel)
                                             : buildLoopKernel(kernel);
        if (failed(config)) {
          kernelFunc->getParentOp()->erase();
          failedAny = true;
          continue;
        }
        recordLaunch(kernelFunc, fusion, *config);
        replaceWithLaunch(fusion, kernelFunc, *config);
      }
    }
    if (failedAny)
      return signalPassFailure();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(&getContext()));
  }
};

} // namespace
