//===- KernelLaunch.h - Launch attributes of a kernel-IR kernel -*- C++ -*-===//
//
// rong-fusion-to-gpu records on every gpu.func kernel how it must be
// launched (`rong.grid`, `rong.block`, `rong.shared_bytes`); every backend and
// artifact writer reads them back. This header is the one place that knows
// the attribute names.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_KERNELLAUNCH_H
#define RONG_TARGET_KERNELLAUNCH_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <cstdint>

namespace mlir::rong {

struct KernelLaunch {
  std::array<int64_t, 3> grid{1, 1, 1};
  std::array<int64_t, 3> block{1, 1, 1};
  /// Dynamic shared memory to request at launch.
  int64_t dynamicSharedBytes = 0;
};

/// Writes `launch` as the kernel's `rong.grid`, `rong.block` and
/// `rong.shared_bytes` attributes.
void setKernelLaunch(gpu::GPUFuncOp kernel, const KernelLaunch &launch);

/// Reads the launch attributes of `kernel`; emits an error naming the kernel
/// when `rong.grid` or `rong.block` is missing or malformed. A missing
/// `rong.shared_bytes` reads as 0.
FailureOr<KernelLaunch> getKernelLaunch(gpu::GPUFuncOp kernel);

} // namespace mlir::rong

#endif // RONG_TARGET_KERNELLAUNCH_H
