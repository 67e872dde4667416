//===- TestUtil.cpp - Helpers of the runtime unit tests -------------------===//
//
// This file implements the shared test helpers.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace rong::runtime::test {

ScratchDir::ScratchDir() {
  const char *tmp = std::getenv("TMPDIR");
  std::string templ =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/rong-test-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()))
    dir = buf.data();
}

ScratchDir::~ScratchDir() {
  if (!dir.empty())
    std::system(("rm -rf '" + dir + "'").c_str());
}

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

std::vector<uint8_t> compileSharedObject(const std::string &source) {
  ScratchDir scratch;
  std::string src = scratch.file("kernels.c"), so = scratch.file("kernels.so");
  std::ofstream(src) << source;
  std::string command = std::string(RONG_TEST_C_COMPILER) +
                        " -O2 -shared -fPIC -o '" + so + "' '" + src + "'";
  int rc = std::system(command.c_str());
  EXPECT_EQ(rc, 0) << "compiling a test kernel failed: " << command;
  if (rc != 0)
    return {};
  return readFile(so);
}

std::shared_ptr<const Artifact> emptyArtifact(const std::string &target) {
  ArtifactBuilder b(target);
  std::vector<uint8_t> bytes = b.serializeUnchecked();
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  EXPECT_TRUE(a.ok()) << a.message();
  return std::make_shared<const Artifact>(a.take());
}

} // namespace rong::runtime::test
