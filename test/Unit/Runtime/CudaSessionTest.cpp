//===- CudaSessionTest.cpp - CUDA sessions without a GPU ------------------===//
//
// Tests that creating a CUDA session where no usable driver or device exists
// fails with a message instead of crashing: with no driver library, with a
// driver that lacks entry points, and with a stand-in driver (compiled at test
// time) that reports no device. Execution on a GPU is covered by the CUDA
// smoke test (test/gpu), run on GPU machines.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include "gtest/gtest.h"

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

std::string cudaError(const std::string &driver) {
  SessionOptions options;
  options.cudaDriverLibrary = driver;
  Expected<std::unique_ptr<Session>> s =
      createCudaSession(emptyArtifact("sm_90"), options);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.message();
}

TEST(CudaSessionTest, MissingDriver) {
  EXPECT_EQ(cudaError("/nonexistent/libcuda.so.1"),
            "cannot load the CUDA driver (/nonexistent/libcuda.so.1): "
            "/nonexistent/libcuda.so.1: cannot open shared object file: No "
            "such file or directory; is an NVIDIA driver installed?");
}

/// A stand-in for libcuda: every entry point exists; cuInit reports
/// CUDA_ERROR_NO_DEVICE (100).
const char kNoDeviceDriver[] = R"c(
#define STUB(name) int name() { return 999; }
int cuInit(unsigned flags) { return 100; }
int cuGetErrorName(int e, const char **s) {
  *s = e == 100 ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_UNKNOWN"; return 0; }
int cuGetErrorString(int e, const char **s) {
  *s = e == 100 ? "no CUDA-capable device is detected" : "unknown"; return 0; }
STUB(cuDriverGetVersion) STUB(cuDeviceGetCount) STUB(cuDeviceGet)
STUB(cuDeviceGetAttribute) STUB(cuDeviceGetName) STUB(cuDevicePrimaryCtxRetain)
STUB(cuDevicePrimaryCtxRelease_v2) STUB(cuCtxPushCurrent_v2)
STUB(cuCtxPopCurrent_v2) STUB(cuModuleLoadDataEx) STUB(cuModuleUnload)
STUB(cuModuleGetFunction) STUB(cuFuncSetAttribute) STUB(cuMemAlloc_v2)
STUB(cuMemFree_v2) STUB(cuMemcpyHtoD_v2) STUB(cuMemcpyDtoH_v2)
STUB(cuMemcpyDtoDAsync_v2)
STUB(cuLaunchKernel) STUB(cuStreamCreate) STUB(cuStreamDestroy_v2)
STUB(cuStreamSynchronize) STUB(cuEventCreate) STUB(cuEventDestroy_v2)
STUB(cuEventRecord) STUB(cuEventSynchronize) STUB(cuEventElapsedTime)
)c";

TEST(CudaSessionTest, DriverWithoutDevice) {
  ScratchDir dir;
  std::vector<uint8_t> so = compileSharedObject(kNoDeviceDriver);
  ASSERT_FALSE(so.empty());
  std::string path = dir.file("libcuda.so.1");
  ASSERT_TRUE(writeBytesToFile(path, so).ok());
  EXPECT_EQ(cudaError(path), "cannot initialise the CUDA driver: "
                             "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is "
                             "detected)");
}

TEST(CudaSessionTest, DriverMissingEntryPoints) {
  ScratchDir dir;
  std::vector<uint8_t> so =
      compileSharedObject("int cuInit(unsigned f) { return 0; }\n");
  ASSERT_FALSE(so.empty());
  std::string path = dir.file("libcuda.so.1");
  ASSERT_TRUE(writeBytesToFile(path, so).ok());
  std::string message = cudaError(path);
  EXPECT_EQ(message.rfind("the CUDA driver (" + path +
                              ") lacks entry points: cuDriverGetVersion, "
                              "cuDeviceGetCount, ",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("; it is too old for this runtime"),
            std::string::npos);
}

TEST(CudaSessionTest, DefaultDriverFailsCleanlyOrWorks) {
  SessionOptions options;
  Expected<std::unique_ptr<Session>> s =
      createCudaSession(emptyArtifact("sm_90"), options);
  if (s.ok())
    GTEST_SKIP() << "a CUDA device is present; test/gpu covers execution";
  const std::string &m = s.message();
  bool known =
      m.rfind("cannot load the CUDA driver (libcuda.so.1): ", 0) == 0 ||
      m.rfind("cannot initialise the CUDA driver: ", 0) == 0 ||
      m.find("requested, but 0 devices are present") != std::string::npos;
  EXPECT_TRUE(known) << m;
}

} // namespace
