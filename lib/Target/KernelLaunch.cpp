//===- KernelLaunch.cpp - Launch attributes of a kernel-IR kernel ---------===//

#include "rong/Target/KernelLaunch.h"

using namespace mlir;
using namespace mlir::rong;

static constexpr StringLiteral kGrid = "rong.grid";
static constexpr StringLiteral kBlock = "rong.block";
static constexpr StringLiteral kSharedBytes = "rong.shared_bytes";

void mlir::rong::setKernelLaunch(gpu::GPUFuncOp kernel,
                                 const KernelLaunch &launch) {
  Builder b(kernel.getContext());
  kernel->setAttr(kGrid, b.getDenseI64ArrayAttr(launch.grid));
  kernel->setAttr(kBlock, b.getDenseI64ArrayAttr(launch.block));
  kernel->setAttr(kSharedBytes, b.getI64IntegerAttr(launch.dynamicSharedBytes));
}

FailureOr<KernelLaunch> mlir::rong::getKernelLaunch(gpu::GPUFuncOp kernel) {
  KernelLaunch launch;
  for (auto [name, dims] : {std::pair{kGrid, &launch.grid},
                            std::pair{kBlock, &launch.block}}) {
    auto attr = kernel->getAttrOfType<DenseI64ArrayAttr>(name);
    if (!attr || attr.size() != 3)
      return kernel.emitError() << "kernel '" << kernel.getName()
                                << "' has no " << name
                                << " attribute of three sizes";
    llvm::copy(attr.asArrayRef(), dims->begin());
  }
  if (auto shared = kernel->getAttrOfType<IntegerAttr>(kSharedBytes))
    launch.dynamicSharedBytes = shared.getInt();
  return launch;
}
