//===- Ptxas.cpp - PTX to cubin through the CUDA toolkit's ptxas ----------===//
//
// This file implements assemblePTX. ptxas is the only complete PTX
// assembler, so it also serves as the strictest check of the emitted PTX; the
// backend runs it as a separate process on temporary files.
//
//===----------------------------------------------------------------------===//

#include "rong/Target/CUDA/CUDABackend.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> cuda::assemblePTX(StringRef ptx,
                                         const TargetDescriptor &target,
                                         StringRef ptxasPath,
                                         std::string &log) {
  llvm::SmallString<128> input, output, messages;
  int fd = -1;
  bool notCreated =
      llvm::sys::fs::createTemporaryFile("rong-kernel", "ptx", fd, input) ||
      llvm::sys::fs::createTemporaryFile("rong-kernel", "cubin", output) ||
      llvm::sys::fs::createTemporaryFile("rong-ptxas", "log", messages);
  // Whatever was created is removed on every path out.
  llvm::FileRemover removeInput(input), removeOutput(output),
      removeMessages(messages);
  if (notCreated) {
    log = "cannot create temporary files for ptxas";
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  std::string arch = ("-arch=" + target.arch).str();
  SmallVector<StringRef> args{ptxasPath, arch, "-O3", input.str(), "-o",
                              output.str()};
  std::optional<StringRef> redirects[] = {std::nullopt, messages.str(),
                                          messages.str()};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(ptxasPath, args, std::nullopt,
                                         redirects, 0, 0, &error);
  if (auto text = llvm::MemoryBuffer::getFile(messages))
    log = (*text)->getBuffer().str();
  if (status != 0) {
    if (!error.empty())
      log += error;
    return failure();
  }
  auto cubin = llvm::MemoryBuffer::getFile(output, /*IsText=*/false);
  if (!cubin) {
    log += "ptxas wrote no cubin";
    return failure();
  }
  return (*cubin)->getBuffer().str();
}
