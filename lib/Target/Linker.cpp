//===- Linker.cpp - Finding ld.lld ----------------------------------------===//
//
// This file implements findLLDLinker. The ld.lld of the LLVM installation
// Rong was built against comes first: it understands every object format
// that installation's code generators write (host ELF, AMDGPU ELF).
//
//===----------------------------------------------------------------------===//

#include "rong/Target/Linker.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#ifndef RONG_LLVM_BINARY_DIR
#define RONG_LLVM_BINARY_DIR ""
#endif

std::string mlir::rong::findLLDLinker() {
  llvm::SmallString<128> bundled(RONG_LLVM_BINARY_DIR);
  llvm::sys::path::append(bundled, "ld.lld");
  if (!bundled.empty() && llvm::sys::fs::can_execute(bundled))
    return bundled.str().str();
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("ld.lld"))
    return *found;
  return "ld.lld";
}
