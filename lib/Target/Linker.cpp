//===- Linker.cpp - The external tools the backends run -------------------===//
//
// This file implements findLLDLinker and runFileTool. The ld.lld of the LLVM
// installation Rong was built against comes first: it understands every
// object format that installation's code generators write (host ELF, AMDGPU
// ELF).
//
//===----------------------------------------------------------------------===//

#include "rong/Target/Linker.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

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

mlir::FailureOr<std::string>
mlir::rong::runFileTool(llvm::StringRef program,
                        llvm::ArrayRef<llvm::StringRef> args,
                        llvm::StringRef input, llvm::StringRef inExt,
                        llvm::StringRef outExt, std::string &log) {
  llvm::StringRef name = llvm::sys::path::filename(program);
  llvm::SmallString<128> in, out, messages;
  int fd = -1;
  bool notCreated =
      llvm::sys::fs::createTemporaryFile("rong-" + name, inExt, fd, in) ||
      llvm::sys::fs::createTemporaryFile("rong-" + name, outExt, out) ||
      llvm::sys::fs::createTemporaryFile("rong-" + name, "log", messages);
  // Whatever was created is removed on every path out.
  llvm::FileRemover removeIn(in), removeOut(out), removeMessages(messages);
  if (notCreated) {
    log = "cannot create temporary files for " + name.str();
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << input;
  }
  SmallVector<llvm::StringRef> argv{program};
  for (llvm::StringRef arg : args)
    argv.push_back(arg == "{in}" ? in.str() : arg == "{out}" ? out.str() : arg);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, messages.str(),
                                                messages.str()};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(program, argv, std::nullopt,
                                         redirects, 0, 0, &error);
  log.clear();
  if (auto text = llvm::MemoryBuffer::getFile(messages))
    log = (*text)->getBuffer().str();
  if (status != 0) {
    log += error;
    return failure();
  }
  auto bytes = llvm::MemoryBuffer::getFile(out, /*IsText=*/false);
  if (!bytes) {
    log += name.str() + " wrote no output file";
    return failure();
  }
  return (*bytes)->getBuffer().str();
}
