//===- KernelsToLLVM.cpp - Kernel IR to host functions --------------------===//
//
// This file implements lowerKernelsToLLVM. Each gpu.func kernel generated for
// one-thread blocks is outlined into a host function that loops over the
// block ids it is given:
//
//   func @k_blocks(%buffers..., %begin: index, %end: index) {
//     scf.for %block = %begin to %end { <kernel body, block id x = %block> }
//   }
//
// Thread ids are 0, block and grid sizes are the launch's, barriers vanish (a
// block is one thread) and workgroup scratch becomes a stack buffer. The
// module is then lowered to the LLVM dialect with the bare-pointer calling
// convention, math functions are expanded to polynomial approximations where
// Rong or upstream has them (so they stay vectorised) and go to libm
// otherwise, and each kernel gets the runtime's entry point
//
//   void k(void **args, int64_t begin, int64_t end)
//
// which loads the buffer pointers from `args` and calls @k_blocks.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CPU/CPUBackend.h"
#include "rong/Target/CPU/Passes.h"
#include "rong/Target/KernelLaunch.h"
#include "rong/Target/NarrowF64.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::rong;

namespace {

constexpr StringLiteral kBlocksSuffix = "_blocks";

/// Replaces the gpu ops of a cloned kernel body by their one-thread-block
/// values.
LogicalResult replaceGpuOps(Block &body, gpu::GPUFuncOp kernel, Value block,
                            const std::array<int64_t, 3> &grid) {
  SmallVector<Operation *> gpuOps;
  body.walk([&](Operation *op) {
    if (isa<gpu::GPUDialect>(op->getDialect()))
      gpuOps.push_back(op);
  });
  for (Operation *op : gpuOps) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value replacement;
    if (isa<gpu::ThreadIdOp, gpu::LaneIdOp>(op)) {
      replacement = index(0);
    } else if (auto id = dyn_cast<gpu::BlockIdOp>(op)) {
      replacement = id.getDimension() == gpu::Dimension::x ? block : index(0);
    } else if (isa<gpu::BlockDimOp, gpu::SubgroupSizeOp>(op)) {
      replacement = index(1);
    } else if (auto dim = dyn_cast<gpu::GridDimOp>(op)) {
      replacement = index(grid[static_cast<unsigned>(dim.getDimension())]);
    } else if (isa<gpu::BarrierOp>(op)) {
      op->erase();
      continue;
    } else {
      return op->emitError() << "the CPU backend cannot run '"
                             << op->getName() << "' in kernel '"
                             << kernel.getName()
                             << "' (was it generated for a GPU target?)";
    }
    op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();
  }
  return success();
}

/// Whether `body` computes a math function (exp, tanh, erf, ...) on vectors.
/// Such a function expands to a polynomial with a dozen constants per
/// vector; LLVM's runtime unrolling of the block loop around it (by two on
/// x86-64) then needs more than the 16 ymm registers, and the copy re-loads
/// or spills the constants: a SiLU over 32 x 256 x 14 x 14 floats ran 8-9%
/// slower unrolled (bench/results/2026-11-24-cpu-2core-loop-widths). A
/// body this long gains nothing from unrolling.
bool hasVectorMath(Block &body) {
  return body
      .walk([](Operation *op) {
        bool vectorMath =
            isa<math::MathDialect>(op->getDialect()) &&
            llvm::any_of(op->getResultTypes(), llvm::IsaPred<VectorType>);
        return vectorMath ? WalkResult::interrupt() : WalkResult::advance();
      })
      .wasInterrupted();
}

/// `llvm.loop.unroll.disable`, as a loop annotation.
LLVM::LoopAnnotationAttr noUnrollAnnotation(MLIRContext *context) {
  auto unroll = LLVM::LoopUnrollAttr::get(
      context, /*disable=*/BoolAttr::get(context, true), /*count=*/{},
      /*runtimeDisable=*/{}, /*full=*/{}, /*followupUnrolled=*/{},
      /*followupRemainder=*/{}, /*followupAll=*/{});
  return LLVM::LoopAnnotationAttr::get(
      context, /*disableNonforced=*/{}, /*vectorize=*/{}, /*interleave=*/{},
      unroll, /*unrollAndJam=*/{}, /*licm=*/{}, /*distribute=*/{},
      /*pipeline=*/{}, /*peeled=*/{}, /*unswitch=*/{}, /*mustProgress=*/{},
      /*isVectorized=*/{}, /*startLoc=*/{}, /*endLoc=*/{},
      /*parallelAccesses=*/{});
}

/// Outlines `kernel` into `func @<name>_blocks(buffers..., begin, end)` at the
/// end of `host`.
LogicalResult outlineKernel(ModuleOp host, gpu::GPUFuncOp kernel) {
  FailureOr<KernelLaunch> launch = getKernelLaunch(kernel);
  if (failed(launch))
    return failure();
  const std::array<int64_t, 3> *block = &launch->block;
  const std::array<int64_t, 3> *grid = &launch->grid;
  if ((*block)[0] * (*block)[1] * (*block)[2] != 1)
    return kernel.emitError()
           << "kernel '" << kernel.getName() << "' was generated for blocks of "
           << (*block)[0] << "x" << (*block)[1] << "x" << (*block)[2]
           << " threads; the CPU backend runs kernels generated for the 'cpu' "
              "target (one-thread blocks)";
  if ((*grid)[1] != 1 || (*grid)[2] != 1)
    return kernel.emitError() << "kernel '" << kernel.getName()
                              << "' has a multi-dimensional grid; CPU "
                                 "launches use grid.x only";
  if (!kernel.getBody().hasOneBlock())
    return kernel.emitError() << "kernel '" << kernel.getName()
                              << "' has more than one block";

  Location loc = kernel.getLoc();
  OpBuilder b = OpBuilder::atBlockEnd(host.getBody());
  SmallVector<Type> argTypes(kernel.getArgumentTypes());
  unsigned numBuffers = argTypes.size();
  // The bare-pointer convention refuses memrefs without elements; such a
  // buffer (an empty operand of a concat) is passed as memref<1xT> and
  // viewed back with its own shape.
  SmallVector<MemRefType> emptyBuffers(numBuffers);
  for (unsigned i = 0; i < numBuffers; ++i)
    if (auto type = dyn_cast<MemRefType>(argTypes[i]);
        type && type.hasStaticShape() && type.getNumElements() == 0) {
      emptyBuffers[i] = type;
      argTypes[i] = MemRefType::get({1}, type.getElementType());
    }
  argTypes.append({b.getIndexType(), b.getIndexType()});
  auto func = func::FuncOp::create(b, loc, (kernel.getName() + kBlocksSuffix).str(),
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);

  IRMapping mapping;
  Block &kernelBody = kernel.getBody().front();
  for (unsigned i = 0; i < numBuffers; ++i) {
    Value buffer = entry->getArgument(i);
    if (MemRefType type = emptyBuffers[i]) {
      SmallVector<int64_t> strides(type.getRank(), 1);
      for (int64_t d = type.getRank() - 2; d >= 0; --d)
        strides[d] = strides[d + 1] * type.getDimSize(d + 1);
      buffer = memref::ReinterpretCastOp::create(b, loc, type, buffer,
                                                 /*offset=*/0,
                                                 type.getShape(), strides);
    }
    mapping.map(kernelBody.getArgument(i), buffer);
  }
  // Workgroup and private memory of a one-thread block is this call's stack,
  // aligned for the kernels' full-width vector accesses.
  SmallVector<BlockArgument> attributions(kernel.getWorkgroupAttributions());
  llvm::append_range(attributions, kernel.getPrivateAttributions());
  for (BlockArgument attribution : attributions) {
    auto type = cast<MemRefType>(attribution.getType());
    auto plain = MemRefType::get(type.getShape(), type.getElementType());
    mapping.map(attribution,
                memref::AllocaOp::create(b, loc, plain,
                                         b.getI64IntegerAttr(64))
                    .getResult());
  }

  Value begin = entry->getArgument(numBuffers);
  Value end = entry->getArgument(numBuffers + 1);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(b, loc, begin, end, one);
  if (hasVectorMath(kernelBody))
    loop->setAttr(LLVM::LoopAnnotationAttr::getMnemonic(),
                  noUnrollAnnotation(b.getContext()));
  b.setInsertionPoint(loop.getBody()->getTerminator());
  for (Operation &op : kernelBody.without_terminator())
    b.clone(op, mapping);
  b.setInsertionPointAfter(loop);
  func::ReturnOp::create(b, loc);

  // Values typed in the workgroup address space (views of dynamic shared
  // memory) have no host equivalent.
  WalkResult shared = loop.getBody()->walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      if (auto memref = dyn_cast<MemRefType>(type);
          memref && memref.getMemorySpace()) {
        op->emitError() << "the CPU backend cannot run kernel '"
                        << kernel.getName()
                        << "': it uses GPU shared memory";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (shared.wasInterrupted())
    return failure();
  return replaceGpuOps(*loop.getBody(), kernel, loop.getInductionVar(), *grid);
}

/// Marks every arith.maximumf / minimumf `nsz`. x86 has no instruction with
/// their IEEE semantics; LLVM expands them to max/min, a NaN check, and a
/// test of the sign bit to order -0 below +0, which on scalars becomes a
/// branch on the data. On a max pool of a convolution's output (random
/// signs) that branch mispredicted often enough to make the kernel 1.5-2x
/// slower than on non-negative input. Max / min reductions of a vector
/// (a row's max for softmax) expand to the same tests lane by lane, three
/// branches per row; with them marked too, softmax rows of 256 and 1024
/// floats ran 3-4% faster. With `nsz` the result of a +0 / -0 tie may be
/// either zero; NaN still propagates.
void ignoreSignOfZeroInMinMax(ModuleOp host) {
  host.walk([](Operation *op) {
    auto reduction = dyn_cast<vector::ReductionOp>(op);
    bool minMaxReduction =
        reduction && (reduction.getKind() == vector::CombiningKind::MAXIMUMF ||
                      reduction.getKind() == vector::CombiningKind::MINIMUMF);
    if (!isa<arith::MaximumFOp, arith::MinimumFOp>(op) && !minMaxReduction)
      return;
    auto flags = cast<arith::ArithFastMathInterface>(op);
    arith::FastMathFlags current = flags.getFastMathFlagsAttr().getValue();
    op->setAttr(flags.getFastMathAttrName(),
                arith::FastMathFlagsAttr::get(
                    op->getContext(), current | arith::FastMathFlags::nsz));
  });
}

/// Gives every vector load and store the alignment of its element (see
/// kIoAlignment). The kernel IR asks for whole-vector alignment, which GPUs
/// need for one wide transaction; x86 loads and stores with AVX encoding
/// take any address at the same speed on aligned data and fold into
/// arithmetic either way. Callers' arrays then need no copy: NumPy aligns
/// large arrays to 16 bytes, and copying a misaligned 16 MiB input into
/// aligned memory took 1.3 ms on a LayerNorm whose kernel takes 0.6 ms.
void alignVectorAccessesToElements(ModuleOp host) {
  auto elementAlignment = [](Type element) -> uint64_t {
    // index is 64-bit on the CPU.
    if (!element.isIntOrFloat())
      return 8;
    return llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
  };
  host.walk([&](Operation *op) {
    if (auto load = dyn_cast<vector::LoadOp>(op))
      load.setAlignment(
          elementAlignment(load.getVectorType().getElementType()));
    else if (auto store = dyn_cast<vector::StoreOp>(op))
      store.setAlignment(
          elementAlignment(store.getVectorType().getElementType()));
  });
}

/// Lowers `host` (func, scf, arith, math, memref, vector) to the LLVM dialect.
LogicalResult lowerToLLVMDialect(ModuleOp host) {
  MLIRContext *ctx = host.getContext();
  RewritePatternSet expansions(ctx);
  // Vectorisable math (rong-cpu-approximate-math); LLVM would call libm
  // lane by lane.
  cpu::populateCPUMathPatterns(expansions);
  // Kernels compute bf16 in f32 and truncate when they store. LLVM lowers
  // that truncation to a call to `__truncsfbf2` on hosts without bf16
  // conversion instructions, which the kernel shared object has nowhere to
  // resolve from; the integer expansion (round to nearest even, NaN kept a
  // quiet NaN) needs no runtime library and stays vectorised.
  arith::populateExpandBFloat16Patterns(expansions);
  // f64 -> f16 / bf16 would call `__truncdfhf2` / `__truncdfbf2` likewise.
  populateNarrowF64Patterns(expansions);
  if (failed(applyPatternsGreedily(host, std::move(expansions))))
    return host.emitError() << "math and bf16 expansion did not converge";
  ignoreSignOfZeroInMinMax(host);
  alignVectorAccessesToElements(host);

  PassManager pm(ctx);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What has no LLVM intrinsic (erf of f64, ...) calls libm, lane by lane
  // for vectors: the lanes' vector.extract and vector.insert are lowered
  // next.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  return pm.run(host);
}

/// Adds `void <name>(ptr args, i64 begin, i64 end)` calling `blocks`.
void addEntryPoint(ModuleOp host, LLVM::LLVMFuncOp blocks, StringRef name,
                   unsigned numBuffers) {
  MLIRContext *ctx = host.getContext();
  Location loc = blocks.getLoc();
  OpBuilder b = OpBuilder::atBlockEnd(host.getBody());
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                          {ptr, i64, i64});
  auto entry = LLVM::LLVMFuncOp::create(b, loc, name, type);
  Block *body = entry.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  SmallVector<Value> operands;
  for (unsigned i = 0; i < numBuffers; ++i) {
    Value slot = LLVM::GEPOp::create(
        b, loc, ptr, ptr, body->getArgument(0),
        ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
    operands.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
  }
  operands.push_back(body->getArgument(1));
  operands.push_back(body->getArgument(2));
  LLVM::CallOp::create(b, loc, blocks, operands);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  blocks.setLinkage(LLVM::Linkage::Internal);
}

} // namespace

FailureOr<OwningOpRef<ModuleOp>> cpu::lowerKernelsToLLVM(ModuleOp container) {
  OwningOpRef<ModuleOp> host = ModuleOp::create(container.getLoc());
  // The block loops' annotations are LLVM dialect attributes.
  container.getContext()->getOrLoadDialect<LLVM::LLVMDialect>();
  SmallVector<std::pair<std::string, unsigned>> kernels;
  for (auto gpuModule : container.getOps<gpu::GPUModuleOp>())
    for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
      if (!kernel.isKernel())
        continue;
      if (failed(outlineKernel(*host, kernel)))
        return failure();
      kernels.push_back({kernel.getName().str(),
                         static_cast<unsigned>(
                             kernel.getArgumentTypes().size())});
    }
  if (failed(lowerToLLVMDialect(*host)))
    return failure();
  for (auto &[name, numBuffers] : kernels) {
    auto blocks = host->lookupSymbol<LLVM::LLVMFuncOp>(name + kBlocksSuffix.str());
    if (!blocks)
      return container.emitError() << "lowering lost kernel '" << name << "'";
    addEntryPoint(*host, blocks, name, numBuffers);
  }
  return host;
}
