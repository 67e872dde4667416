//===- Linker.h - The external tools the backends run -----------*- C++ -*-===//
//
// The CPU backend links host shared objects and the AMDGPU backend links HSA
// code objects with ld.lld; both look for it the same way. The NVIDIA backend
// assembles PTX with ptxas. All three run their tool the same way: input in a
// temporary file, output read back from another (runFileTool).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TARGET_LINKER_H
#define RONG_TARGET_LINKER_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::rong {

/// ld.lld of the LLVM installation Rong was built against, else ld.lld on
/// PATH, else the bare name "ld.lld".
std::string findLLDLinker();

/// Runs `program` on `input`, written to a temporary `*.inExt` file: `args`
/// follow the program name, with "{in}" standing for that file and "{out}"
/// for the temporary `*.outExt` file the program must write. Returns the
/// bytes of that file. `log` receives what the program printed, and on
/// failure also why it failed. The temporary files are removed on every path.
FailureOr<std::string> runFileTool(llvm::StringRef program,
                                   llvm::ArrayRef<llvm::StringRef> args,
                                   llvm::StringRef input,
                                   llvm::StringRef inExt,
                                   llvm::StringRef outExt, std::string &log);

} // namespace mlir::rong

#endif // RONG_TARGET_LINKER_H
