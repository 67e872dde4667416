//===- CodeObjectLinker.cpp - AMDGPU object to a HSA code object ----------===//
//
// This file implements linkCodeObject. A HSA code object (HSACO) is an
// AMDGPU ELF shared object; the ROCm runtime (and Hygon's DTK) load only
// that, not the relocatable object the code generator writes. ld.lld links
// it the way ROCm's clang driver does: `-shared --no-undefined`, so a call
// to a function nobody defines (a device-library function) fails here
// rather than when the runtime loads the module.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/AMDGPU/AMDGPUBackend.h"

#include "rong/Target/Linker.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> rocm::linkCodeObject(StringRef object,
                                            StringRef linkerPath,
                                            std::string &log) {
  return runFileTool(linkerPath,
                     {"-shared", "--no-undefined", "{in}", "-o", "{out}"},
                     object, "o", "hsaco", log);
}
