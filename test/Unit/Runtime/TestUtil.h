//===- TestUtil.h - Helpers of the runtime unit tests -----------*- C++ -*-===//
//
// This file declares what several runtime tests share: compiling a C source
// into a shared object at test time, a scratch directory, an empty artifact.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TEST_UNIT_RUNTIME_TESTUTIL_H
#define RONG_TEST_UNIT_RUNTIME_TESTUTIL_H

#include "rong/Runtime/Artifact.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rong::runtime::test {

/// A fresh directory under $TMPDIR, removed with its files on destruction.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  const std::string &path() const { return dir; }
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

/// Compiles C `source` into a shared object with the system C compiler and
/// returns its bytes; fails the current test (and returns nothing) if the
/// compiler fails.
std::vector<uint8_t> compileSharedObject(const std::string &source);

/// The bytes of a file.
std::vector<uint8_t> readFile(const std::string &path);

/// An artifact for `target` with nothing in it: enough to open a session,
/// which is how the driver tests reach device discovery.
std::shared_ptr<const Artifact> emptyArtifact(const std::string &target);

} // namespace rong::runtime::test

#endif // RONG_TEST_UNIT_RUNTIME_TESTUTIL_H
