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
#include <vector>

namespace rong::runtime {

class DynamicLibrary {
public:
  /// dlopen()s a library by name or path.
  static Expected<DynamicLibrary> open(const std::string &name);
  /// dlopen()s the first of `names` that opens and stores its name in
  /// `opened`. Fails with "cannot load <what> (<names>): <each dlerror>".
  static Expected<DynamicLibrary> openFirst(const std::vector<std::string> &names,
                                            const std::string &what,
                                            std::string &opened);
  /// Loads an ELF shared object held in memory: through an anonymous memfd,
  /// or a temporary file unlinked right after dlopen where memfd_create is
  /// unavailable. `what` names the image in errors. The memfd stays open
  /// while the library is loaded: dlopen finds libraries it has loaded by
  /// path, so a later image given the same /proc/self/fd/N path would get
  /// this library back instead of its own.
  static Expected<DynamicLibrary> openImage(ByteSpan image,
                                            const std::string &what);

  DynamicLibrary(DynamicLibrary &&other) noexcept
      : handle(other.handle), fd(other.fd) {
    other.handle = nullptr;
    other.fd = -1;
  }
  DynamicLibrary &operator=(DynamicLibrary &&other) noexcept;
  ~DynamicLibrary();

  /// The address of `name`, or null.
  void *symbol(const char *name) const;
  /// The address of the first of `alternatives` ("cuMemAlloc_v2|cuMemAlloc":
  /// names separated by '|') the library exports, or null.
  void *firstSymbol(const char *alternatives) const;

private:
  DynamicLibrary(void *handle, int fd) : handle(handle), fd(fd) {}
  void release();

  void *handle = nullptr;
  /// The memfd an image was loaded from, or -1.
  int fd = -1;
};

/// Fills a vendor API's function pointers from a library and collects the
/// names it lacks, for one "lacks ..." message naming them all.
class SymbolResolver {
public:
  explicit SymbolResolver(const DynamicLibrary &library) : library(library) {}

  /// Sets `field` to the first of `alternatives` ("cuMemAlloc_v2|cuMemAlloc")
  /// the library exports. When it exports none, the first alternative is
  /// noted as missing; empty `alternatives` (an entry point this API does not
  /// have) leaves `field` null without a note.
  template <typename Fn> void operator()(Fn &field, const char *alternatives) {
    field = reinterpret_cast<Fn>(resolve(alternatives));
  }

  /// The missing names, comma-separated; empty when none is.
  const std::string &missing() const { return missingNames; }

private:
  void *resolve(const char *alternatives);

  const DynamicLibrary &library;
  std::string missingNames;
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_DYNAMICLIBRARY_H
