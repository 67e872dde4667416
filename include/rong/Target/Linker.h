//===- Linker.h - The linker the backends run -------------------*- C++ -*-===//
//
// The CPU backend links host shared objects and the AMDGPU backend links HSA
// code objects with ld.lld; both look for it the same way.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_LINKER_H
#define RONG_TARGET_LINKER_H

#include <string>

namespace mlir::rong {

/// ld.lld of the LLVM installation Rong was built against, else ld.lld on
/// PATH, else the bare name "ld.lld".
std::string findLLDLinker();

} // namespace mlir::rong

#endif // RONG_TARGET_LINKER_H
