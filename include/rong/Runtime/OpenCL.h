//===- OpenCL.h - Building and running OpenCL C kernels ---------*- C++ -*-===//
//
// This file declares OpenCLDevice, which runs single OpenCL kernels (what
// rong-cl-run needs): it opens the ICD loader (libOpenCL.so.1) with dlopen,
// so the runtime builds and starts on machines without OpenCL, builds a
// program from OpenCL C source (what Rong's source backend prints for the
// `opencl` profile) and launches its kernels on host buffers, which it copies
// to and from the device. Whole artifacts run in the OpenCL Session
// (createOpenCLSession in Session.h).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_OPENCL_H
#define RONG_RUNTIME_OPENCL_H

#include "rong/Runtime/Status.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rong::runtime {

/// One kernel argument: a host buffer copied to a device buffer before the
/// launch and, when `readBack`, copied back after it.
struct OpenCLBufferArg {
  void *data = nullptr;
  size_t bytes = 0;
  bool readBack = false;
};

/// A launch: NDRange sizes in work-items (global = grid * block) and the
/// work-group size, plus an optional dynamic `__local` argument.
struct OpenCLLaunch {
  std::array<size_t, 3> globalSize{1, 1, 1};
  std::array<size_t, 3> localSize{1, 1, 1};
  /// Index of a `__local` pointer argument taking `dynamicLocalBytes`, or -1.
  int dynamicLocalIndex = -1;
  size_t dynamicLocalBytes = 0;
};

class OpenCLDevice {
public:
  /// Opens the ICD loader `library` and the first device of the first
  /// platform that has one. Fails with a message when either is missing.
  static Expected<std::unique_ptr<OpenCLDevice>>
  create(const std::string &library = "libOpenCL.so.1");
  ~OpenCLDevice();

  /// "platform / device".
  const std::string &name() const { return deviceName; }

  /// Builds `source` with `options`; the build log is in the message on
  /// failure. A later build replaces the program.
  Status build(const std::string &source, const std::string &options);

  /// Runs kernel `kernel` of the built program and waits for it.
  Status run(const std::string &kernel, std::vector<OpenCLBufferArg> &args,
             const OpenCLLaunch &launch);

  struct API;

private:
  OpenCLDevice() = default;
  std::unique_ptr<API> api;
  void *context = nullptr;
  void *queue = nullptr;
  void *device = nullptr;
  void *program = nullptr;
  std::string deviceName;
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_OPENCL_H
