//===- DynamicLibrary.cpp - dlopen for files and in-memory images ---------===//
//
// This file implements DynamicLibrary. glibc's dlopen only takes paths, so an
// in-memory image is written to an anonymous memfd and opened through
// /proc/self/fd; the fallback is a private temporary file that is unlinked
// as soon as it is mapped, so nothing is left behind either way.
//
//===----------------------------------------------------------------------===//

#include "DynamicLibrary.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace rong::runtime {

namespace {

bool writeAll(int fd, ByteSpan image) {
  size_t done = 0;
  while (done < image.size) {
    ssize_t n = ::write(fd, image.data + done, image.size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string dlerrorString() {
  const char *e = dlerror();
  return e ? e : "unknown dlopen error";
}

} // namespace

void DynamicLibrary::release() {
  if (handle)
    dlclose(handle);
  if (fd >= 0)
    ::close(fd);
  handle = nullptr;
  fd = -1;
}

DynamicLibrary &DynamicLibrary::operator=(DynamicLibrary &&other) noexcept {
  if (this != &other) {
    release();
    handle = other.handle;
    fd = other.fd;
    other.handle = nullptr;
    other.fd = -1;
  }
  return *this;
}

DynamicLibrary::~DynamicLibrary() { release(); }

void *DynamicLibrary::symbol(const char *name) const {
  return dlsym(handle, name);
}

void *DynamicLibrary::firstSymbol(const char *alternatives) const {
  const char *start = alternatives;
  while (true) {
    const char *bar = std::strchr(start, '|');
    std::string one = bar ? std::string(start, bar) : std::string(start);
    if (void *p = symbol(one.c_str()))
      return p;
    if (!bar)
      return nullptr;
    start = bar + 1;
  }
}

Expected<DynamicLibrary> DynamicLibrary::open(const std::string &name) {
  void *h = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h)
    return Status::failure(dlerrorString());
  return DynamicLibrary(h, -1);
}

Expected<DynamicLibrary>
DynamicLibrary::openFirst(const std::vector<std::string> &names,
                          const std::string &what, std::string &opened) {
  std::string tried, list;
  for (const std::string &name : names) {
    Expected<DynamicLibrary> lib = open(name);
    if (lib) {
      opened = name;
      return lib;
    }
    tried += (tried.empty() ? "" : "; ") + lib.message();
    list += (list.empty() ? "" : ", ") + name;
  }
  return Status::failure("cannot load " + what + " (" + list + "): " + tried);
}

Expected<DynamicLibrary> DynamicLibrary::openImage(ByteSpan image,
                                                   const std::string &what) {
  std::string path;
  bool unlinkAfter = false;
  int fd = -1;
#ifdef MFD_CLOEXEC
  fd = memfd_create("rong-module", MFD_CLOEXEC);
  if (fd >= 0)
    path = "/proc/self/fd/" + std::to_string(fd);
#endif
  if (fd < 0) {
    const char *tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/rong-module-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd = mkstemp(buf.data());
    if (fd < 0)
      return Status::failure("cannot create a file for " + what + ": " +
                             std::strerror(errno));
    path = buf.data();
    unlinkAfter = true;
  }
  bool written = writeAll(fd, image);
  int writeErr = errno;
  void *h = nullptr;
  std::string error;
  if (!written)
    error = std::string("cannot write it: ") + std::strerror(writeErr);
  else if (!(h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)))
    error = dlerrorString();
  // A temporary file's path is unique; a memfd's /proc/self/fd/N is unique
  // only while the descriptor stays open.
  if (unlinkAfter || !h) {
    if (unlinkAfter)
      ::unlink(path.c_str());
    ::close(fd);
    fd = -1;
  }
  if (!h)
    return Status::failure("cannot load " + what + ": " + error);
  return DynamicLibrary(h, fd);
}

void *SymbolResolver::resolve(const char *alternatives) {
  if (!*alternatives)
    return nullptr;
  if (void *p = library.firstSymbol(alternatives))
    return p;
  const char *bar = std::strchr(alternatives, '|');
  missingNames += std::string(missingNames.empty() ? "" : ", ") +
                  (bar ? std::string(alternatives, bar)
                       : std::string(alternatives));
  return nullptr;
}

} // namespace rong::runtime
