//===- AMDGPUTargetMachine.cpp - LLVM's AMDGPU code generator -------------===//
//
// This file implements createAMDGPUTargetMachine: it registers LLVM's AMDGPU
// target (built into Debian's libLLVM), checks that the descriptor's
// architecture is one LLVM knows and that the descriptor's subgroup is the
// wavefront of 64 the kernels were generated for, and creates the machine.
//
//===----------------------------------------------------------------------===//

#include "AMDGPUTargetMachine.h"

#include "llvm/Config/Targets.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/TargetParser.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace mlir::rong;

std::unique_ptr<llvm::TargetMachine>
rocm::createAMDGPUTargetMachine(const TargetDescriptor &target,
                                unsigned optLevel, std::string &error) {
#if LLVM_HAS_AMDGPU_TARGET
  static std::once_flag registered;
  std::call_once(registered, [] {
    LLVMInitializeAMDGPUTargetInfo();
    LLVMInitializeAMDGPUTarget();
    LLVMInitializeAMDGPUTargetMC();
    LLVMInitializeAMDGPUAsmPrinter();
  });
#else
  error = "the LLVM installation Rong was built against has no AMDGPU target";
  return nullptr;
#endif
  if (target.kind != TargetKind::ROCm) {
    error = ("target '" + target.name + "' is not a ROCm target").str();
    return nullptr;
  }
  if (llvm::AMDGPU::parseArchAMDGCN(target.arch) == llvm::AMDGPU::GK_NONE) {
    error = ("LLVM does not know the AMDGPU architecture '" + target.arch +
             "'")
                .str();
    return nullptr;
  }
  // gfx9 runs wavefronts of 64 only; gfx10 and later would need
  // +wavefrontsize64, which no descriptor asks for yet.
  if (target.subgroupSize != 64) {
    error = ("target '" + target.name + "' has subgroups of " +
             llvm::Twine(target.subgroupSize) +
             "; the AMDGPU backend generates wavefront-64 code")
                .str();
    return nullptr;
  }
  llvm::Triple triple(kAMDHSATriple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 0 ? llvm::CodeGenOptLevel::None
                               : llvm::CodeGenOptLevel::Default;
  std::unique_ptr<llvm::TargetMachine> machine(
      llvmTarget->createTargetMachine(triple, target.arch, /*Features=*/"",
                                      llvm::TargetOptions(), llvm::Reloc::PIC_,
                                      std::nullopt, level));
  if (!machine)
    error = ("cannot create an LLVM target machine for " + triple.str() +
             " " + target.arch)
                .str();
  return machine;
}
