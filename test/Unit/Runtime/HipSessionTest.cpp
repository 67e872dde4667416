//===- HipSessionTest.cpp - HIP sessions without an AMD GPU ---------------===//
//
// Tests the HIP executor where no AMD GPU is present, against the real HIP
// runtime (Debian's libamdhip64-5, which scripts/setup.sh installs): every
// entry point of the HIP driver table resolves in it, so session creation
// gets as far as asking for a device and fails there with HIP's own error
// name. Also: a library that is not HIP, and a missing library. Execution on
// AMD hardware is not tested anywhere yet (docs/targets/hygon-amd.md).
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include "gtest/gtest.h"

#include <dlfcn.h>

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

std::string hipError(std::vector<std::string> libraries) {
  SessionOptions options;
  options.hipLibraries = std::move(libraries);
  Expected<std::unique_ptr<Session>> s =
      createHipSession(emptyArtifact("gfx906"), options);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.message();
}

TEST(HipSessionTest, RealRuntimeWithoutDevice) {
  // The test needs the runtime, not a GPU: fail loudly where it is missing.
  void *probe = dlopen("libamdhip64.so.5", RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(probe, nullptr) << "libamdhip64.so.5 is missing; "
                               "scripts/setup.sh installs libamdhip64-5";
  dlclose(probe);
  std::string message = hipError({"libamdhip64.so.5"});
  // ROCm 5.2 reports a machine without AMD GPUs from hipInit; other
  // versions may report it when counting devices.
  bool atInit = message.rfind("cannot initialise the HIP driver: hip", 0) == 0;
  bool atCount =
      message == "HIP device 0 requested, but 0 devices are present";
  EXPECT_TRUE(atInit || atCount) << message;
  if (atInit)
    EXPECT_NE(message.find("; is an AMD GPU or Hygon DCU present"),
              std::string::npos)
        << message;
}

TEST(HipSessionTest, DefaultLibrariesFailCleanly) {
  SessionOptions options;
  Expected<std::unique_ptr<Session>> s =
      createSession(emptyArtifact("gfx906"), defaultDevice(*emptyArtifact("gfx906")), options);
  if (s.ok())
    GTEST_SKIP() << "an AMD GPU is present";
  EXPECT_EQ(s.message().find("lacks entry points"), std::string::npos)
      << s.message();
}

TEST(HipSessionTest, NotAHipLibrary) {
  ScratchDir dir;
  std::vector<uint8_t> so =
      compileSharedObject("int hipInit(unsigned f) { return 0; }\n");
  ASSERT_FALSE(so.empty());
  std::string path = dir.file("libamdhip64.so");
  ASSERT_TRUE(writeBytesToFile(path, so).ok());
  std::string message = hipError({path});
  EXPECT_EQ(message.rfind("the HIP driver (" + path +
                              ") lacks entry points: hipDriverGetVersion, "
                              "hipGetDeviceCount, hipDeviceGet, ",
                          0),
            0u)
      << message;
}

TEST(HipSessionTest, MissingLibraryNamesEveryTry) {
  std::string message = hipError({"/nonexistent/a.so", "/nonexistent/b.so"});
  EXPECT_EQ(message.rfind("cannot load the HIP driver (/nonexistent/a.so, "
                          "/nonexistent/b.so): /nonexistent/a.so: ",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("; is ROCm (or Hygon's DTK) installed? Debian: "
                         "libamdhip64-5"),
            std::string::npos)
      << message;
}

TEST(HipSessionTest, DefaultDeviceFollowsTheTarget) {
  EXPECT_EQ(defaultDevice(*emptyArtifact("gfx906")), DeviceKind::Hip);
  EXPECT_STREQ(deviceName(DeviceKind::Hip), "hip");
}

} // namespace
