//===- CPUBackend.h - Kernel IR to a host shared object ---------*- C++ -*-===//
//
// This file declares the CPU backend. It runs the same kernel IR the GPU
// backends run (gpu.module / gpu.func from rong-fusion-to-gpu), generated for
// the `cpu` target descriptor: one-thread blocks whose body is vectorised to
// the host's vector width. Each kernel becomes a host function with the
// runtime's CPU ABI
//
//   extern "C" void kernel(void **args, int64_t begin, int64_t end);
//
// that runs blocks [begin, end) of the kernel's grid, so the runtime's thread
// pool splits the grid across cores. The functions are compiled by LLVM for
// the host and linked by ld.lld into one ELF shared object.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_CPU_CPUBACKEND_H
#define RONG_TARGET_CPU_CPUBACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rong::cpu {

struct CPUOptions {
  /// LLVM CPU name; empty: the host's (llvm::sys::getHostCPUName).
  std::string cpu;
  /// LLVM optimisation level.
  unsigned optLevel = 3;
  /// The linker; empty: defaultLinkerPath().
  std::string linkerPath;
};

/// Registers the dialects and LLVM IR translations the CPU backend needs.
void registerCPUBackendDependencies(DialectRegistry &registry);

/// ld.lld of the LLVM installation Rong was built against, else ld.lld on
/// PATH.
std::string defaultLinkerPath();

/// The byte alignment the CPU kernels need of the memory bound to graph
/// inputs and outputs (the artifact's io_alignment): lowerKernelsToLLVM
/// gives every vector access its element's alignment, so any address aligned
/// to the element works, and callers' arrays are used where they are.
constexpr uint32_t kIoAlignment = 1;

/// Builds a module of LLVM dialect functions, one per gpu.func kernel of
/// `container`, each with the CPU ABI above and the kernel's symbol. Kernels
/// must have been generated for one-thread blocks (the `cpu` target); a kernel
/// that needs several threads per block, or uses an op the CPU cannot run
/// (subgroup shuffles, dynamic shared memory), is an error naming it.
FailureOr<OwningOpRef<ModuleOp>> lowerKernelsToLLVM(ModuleOp container);

/// Compiles an LLVM dialect module to an ELF object for the host and links it
/// into a shared object; returns the shared object's bytes.
FailureOr<std::string> emitSharedObject(ModuleOp llvmModule,
                                        const CPUOptions &options = {});

} // namespace mlir::rong::cpu

#endif // RONG_TARGET_CPU_CPUBACKEND_H
