//===- DynamicLibrary.h - dlopen for files and in-memory images -*- C++ -*-===//
//
// This file declares DynamicLibrary, the runtime's one wrapper of dlopen. The
// CPU executor opens kernel modules from bytes inside an artifact, and GPU
// executors open vendor drivers (libcuda.so.1, ...) by name at run time so
// the runtime builds and starts on machines without them.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_DYNAMICLIBRARY_H
#define RONG_RUNTIME_DYNAMICLIBRARY_H

#include "rong/Runtime/Status.h"
#include "rong/Runtime/Types.h"

#include <string>

namespace rong::runtime {

class DynamicLibrary {
public:
  /// dlopen()s a library by name or path.
  static Expected<DynamicLibrary> open(const std::string &name);
  /// Loads an ELF shared object held in memory: through an anonymous memfd,
  /// or a temporary file unlinked right after dlopen where memfd_create is
  /// unavailable. `what` names the image in errors.
  static Expected<DynamicLibrary> openImage(ByteSpan image,
                                            const std::string &what);

  DynamicLibrary(DynamicLibrary &&other) noexcept : handle(other.handle) {
    other.handle = nullptr;
  }
  DynamicLibrary &operator=(DynamicLibrary &&other) noexcept;
  ~DynamicLibrary();

  /// The address of `name`, or null.
  void *symbol(const char *name) const;

private:
  explicit DynamicLibrary(void *handle) : handle(handle) {}
  void *handle = nullptr;
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_DYNAMICLIBRARY_H
