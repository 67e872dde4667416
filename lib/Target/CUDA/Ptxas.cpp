//===- Ptxas.cpp - PTX to cubin through the CUDA toolkit's ptxas ----------===//
//
// This file implements assemblePTX. ptxas is the only complete PTX
// assembler, so it also serves as the strictest check of the emitted PTX; the
// backend runs it as a separate process on temporary files (runFileTool).
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CUDA/CUDABackend.h"

#include "rong/Target/Linker.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> cuda::assemblePTX(StringRef ptx,
                                         const TargetDescriptor &target,
                                         StringRef ptxasPath,
                                         std::string &log) {
  std::string arch = ("-arch=" + target.arch).str();
  return runFileTool(ptxasPath, {arch, "-O3", "{in}", "-o", "{out}"}, ptx,
                     "ptx", "cubin", log);
}
