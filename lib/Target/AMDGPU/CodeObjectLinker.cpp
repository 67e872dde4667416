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

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rong;

FailureOr<std::string> rocm::linkCodeObject(StringRef object,
                                            StringRef linkerPath,
                                            std::string &log) {
  llvm::SmallString<128> input, output, messages;
  int fd = -1;
  bool notCreated =
      llvm::sys::fs::createTemporaryFile("rong-kernels", "o", fd, input) ||
      llvm::sys::fs::createTemporaryFile("rong-kernels", "hsaco", output) ||
      llvm::sys::fs::createTemporaryFile("rong-lld", "log", messages);
  // Whatever was created is removed on every path out.
  llvm::FileRemover removeInput(input), removeOutput(output),
      removeMessages(messages);
  if (notCreated) {
    log = "cannot create temporary files for the linker";
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << object;
  }
  SmallVector<StringRef> args{linkerPath,  "-shared",   "--no-undefined",
                              input.str(), "-o",        output.str()};
  std::optional<StringRef> redirects[] = {std::nullopt, messages.str(),
                                          messages.str()};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(linkerPath, args, std::nullopt,
                                         redirects, 0, 0, &error);
  if (auto text = llvm::MemoryBuffer::getFile(messages))
    log = (*text)->getBuffer().str();
  if (status != 0) {
    if (!error.empty())
      log += error;
    return failure();
  }
  auto linked = llvm::MemoryBuffer::getFile(output, /*IsText=*/false);
  if (!linked) {
    log += "the linker wrote no code object";
    return failure();
  }
  return (*linked)->getBuffer().str();
}
