//===- TargetDescriptor.h - What Rong knows about a target ------*- C++ -*-===//
//
// One descriptor per compilation target. The fusion cost model and the kernel
// strategies read these numbers; nothing else in the compiler may hard-code a
// warp width, a shared-memory size or a bandwidth.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_TARGETDESCRIPTOR_H
#define RONG_TARGET_TARGETDESCRIPTOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::rong {

/// The family of a target, which decides the backend that finishes the job.
enum class TargetKind {
  CPU,    ///< Host code through LLVM.
  CUDA,   ///< NVIDIA: NVVM -> PTX -> cubin.
  ROCm,   ///< AMD / Hygon DCU: ROCDL -> HSACO.
  Source, ///< Portable CUDA-dialect source for a vendor profile.
  OpenCL, ///< OpenCL C.
};

struct TargetDescriptor {
  /// Name users pass to `--target=` (e.g. "cpu", "sm_90", "gfx906", "musa").
  llvm::StringLiteral name;
  TargetKind kind;
  /// Architecture handed to the backend ("sm_90", "gfx906", "mp_21", ...).
  llvm::StringLiteral arch;
  /// Threads that execute in lockstep and can exchange values by shuffles;
  /// 1 on the CPU (vectors play that role there).
  unsigned subgroupSize;
  /// Largest block (work-group) the target launches.
  unsigned maxThreadsPerBlock;
  /// On-chip memory one block may use (shared memory / LDS / local memory; on
  /// the CPU the per-core L2, which is what keeps a row resident).
  uint64_t onChipBytesPerBlock;
  /// Parallel processors (SMs, CUs; cores on the CPU).
  unsigned numProcessors;
  /// Widest single memory access in bytes (16 = 128-bit).
  unsigned vectorBytes;
  /// Sustained device-memory bandwidth in GB/s, used only for cost estimates.
  double memoryBandwidthGBs;
  /// Fixed cost of one kernel launch in microseconds.
  double launchOverheadUs;
  bool hasF16;
  bool hasBF16;
  /// May the generated code use NVIDIA-only features (inline PTX, clusters,
  /// TMA)? Only the `cuda` family says yes.
  bool allowsNvidiaOnlyFeatures;

  bool isGPU() const { return kind != TargetKind::CPU; }
  /// Does the runtime's BLAS add a bias vector in the GEMM's epilogue, so
  /// `rong-fold-bias-into-matmul` applies? Rong's CUDA runtime does, through
  /// cuBLASLt; the CPU's BLAS, CLBlast and the source packages do not.
  bool gemmBiasEpilogue() const { return kind == TargetKind::CUDA; }
};

/// Every target Rong knows, in a stable order.
llvm::ArrayRef<TargetDescriptor> getAllTargets();

/// The descriptor called `name`, or null. A name may be qualified by its
/// family (`stringifyTargetKind`): "rocm:gfx906" and "cuda:sm_90" are
/// "gfx906" and "sm_90".
const TargetDescriptor *lookupTarget(llvm::StringRef name);

/// "cpu, sm_80, sm_90, ..." for diagnostics.
std::string listTargetNames();

/// The spelling `--target=` documents for a descriptor: "cpu", "sm_90",
/// "rocm:gfx906", "source:musa:mp_22", "opencl".
std::string spellTarget(const TargetDescriptor &target);

/// "unknown target 'rocm:gfx936' (...hint...); known targets: ..." for
/// diagnostics.
std::string explainUnknownTarget(llvm::StringRef name);

/// Name of a target kind ("cpu", "cuda", "rocm", "source", "opencl").
llvm::StringRef stringifyTargetKind(TargetKind kind);

} // namespace mlir::rong

#endif // RONG_TARGET_TARGETDESCRIPTOR_H
