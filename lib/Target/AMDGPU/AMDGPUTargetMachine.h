//===- AMDGPUTargetMachine.h - LLVM's AMDGPU code generator -----*- C++ -*-===//
//
// Internal to the AMDGPU backend: the one place that creates LLVM's AMDGPU
// TargetMachine, so the data layout the lowering writes into the LLVM
// dialect and the one the code generator uses cannot drift apart.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_TARGET_AMDGPU_AMDGPUTARGETMACHINE_H
#define RONG_LIB_TARGET_AMDGPU_AMDGPUTARGETMACHINE_H

#include "rong/Target/TargetDescriptor.h"

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace mlir::rong::rocm {

/// The triple of HSA code objects.
inline constexpr llvm::StringLiteral kAMDHSATriple = "amdgcn-amd-amdhsa";

/// A TargetMachine for amdgcn-amd-amdhsa and `target.arch`; null with
/// `error` set when the target is not a wavefront-64 ROCm target LLVM knows.
std::unique_ptr<llvm::TargetMachine>
createAMDGPUTargetMachine(const TargetDescriptor &target, unsigned optLevel,
                          std::string &error);

} // namespace mlir::rong::rocm

#endif // RONG_LIB_TARGET_AMDGPU_AMDGPUTARGETMACHINE_H
