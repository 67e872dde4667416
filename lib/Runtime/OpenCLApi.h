//===- OpenCLApi.h - The OpenCL API, loaded at run time ---------*- C++ -*-===//
//
// This file declares the slice of the OpenCL 1.2 API the runtime uses, with
// Rong's own declarations of its types and constants (the values of the
// Khronos header CL/cl.h), and OpenCLApi, which dlopen()s the ICD loader
// (libOpenCL.so.1) and resolves the entry points. The runtime therefore
// builds without OpenCL headers and starts on machines without OpenCL; only
// creating an OpenCL executor needs the loader and a platform.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_OPENCLAPI_H
#define RONG_RUNTIME_OPENCLAPI_H

#include "DynamicLibrary.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rong::runtime::opencl {

using cl_int = int32_t;
using cl_uint = uint32_t;
using cl_ulong = uint64_t;
using cl_bitfield = cl_ulong;
using cl_handle = void *;

constexpr cl_int CL_SUCCESS = 0;
constexpr cl_int CL_BUILD_PROGRAM_FAILURE = -11;
constexpr cl_uint CL_FALSE = 0;
constexpr cl_uint CL_TRUE = 1;
constexpr cl_bitfield CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;
constexpr cl_uint CL_PLATFORM_NAME = 0x0902;
constexpr cl_uint CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
constexpr cl_uint CL_DEVICE_MEM_BASE_ADDR_ALIGN = 0x1019;
constexpr cl_uint CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
constexpr cl_uint CL_DEVICE_NAME = 0x102B;
constexpr cl_uint CL_DEVICE_EXTENSIONS = 0x1030;
constexpr cl_uint CL_PROGRAM_BUILD_LOG = 0x1183;
constexpr cl_uint CL_KERNEL_NUM_ARGS = 0x1191;
constexpr cl_uint CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;
constexpr cl_uint CL_KERNEL_LOCAL_MEM_SIZE = 0x11B2;
constexpr cl_bitfield CL_MEM_READ_WRITE = 1 << 0;
constexpr cl_uint CL_BUFFER_CREATE_TYPE_REGION = 0x1220;

/// The entry points, resolved by OpenCLApi::load.
struct OpenCLApi {
  cl_int (*GetPlatformIDs)(cl_uint, cl_handle *, cl_uint *);
  cl_int (*GetPlatformInfo)(cl_handle, cl_uint, size_t, void *, size_t *);
  cl_int (*GetDeviceIDs)(cl_handle, cl_bitfield, cl_uint, cl_handle *,
                         cl_uint *);
  cl_int (*GetDeviceInfo)(cl_handle, cl_uint, size_t, void *, size_t *);
  cl_handle (*CreateContext)(const intptr_t *, cl_uint, const cl_handle *,
                             void *, void *, cl_int *);
  cl_handle (*CreateCommandQueue)(cl_handle, cl_handle, cl_bitfield, cl_int *);
  cl_handle (*CreateProgramWithSource)(cl_handle, cl_uint, const char **,
                                       const size_t *, cl_int *);
  cl_int (*BuildProgram)(cl_handle, cl_uint, const cl_handle *, const char *,
                         void *, void *);
  cl_int (*GetProgramBuildInfo)(cl_handle, cl_handle, cl_uint, size_t, void *,
                                size_t *);
  cl_handle (*CreateKernel)(cl_handle, const char *, cl_int *);
  cl_int (*GetKernelInfo)(cl_handle, cl_uint, size_t, void *, size_t *);
  cl_int (*GetKernelWorkGroupInfo)(cl_handle, cl_handle, cl_uint, size_t,
                                   void *, size_t *);
  cl_int (*SetKernelArg)(cl_handle, cl_uint, size_t, const void *);
  cl_handle (*CreateBuffer)(cl_handle, cl_bitfield, size_t, void *, cl_int *);
  cl_handle (*CreateSubBuffer)(cl_handle, cl_bitfield, cl_uint, const void *,
                               cl_int *);
  cl_int (*EnqueueWriteBuffer)(cl_handle, cl_handle, cl_uint, size_t, size_t,
                               const void *, cl_uint, const void *, void *);
  cl_int (*EnqueueReadBuffer)(cl_handle, cl_handle, cl_uint, size_t, size_t,
                              void *, cl_uint, const void *, void *);
  cl_int (*EnqueueCopyBuffer)(cl_handle, cl_handle, cl_handle, size_t, size_t,
                              size_t, cl_uint, const void *, void *);
  cl_int (*EnqueueFillBuffer)(cl_handle, cl_handle, const void *, size_t,
                              size_t, size_t, cl_uint, const void *, void *);
  cl_int (*EnqueueNDRangeKernel)(cl_handle, cl_handle, cl_uint, const size_t *,
                                 const size_t *, const size_t *, cl_uint,
                                 const void *, void *);
  cl_int (*Finish)(cl_handle);
  cl_int (*ReleaseMemObject)(cl_handle);
  cl_int (*ReleaseKernel)(cl_handle);
  cl_int (*ReleaseProgram)(cl_handle);
  cl_int (*ReleaseCommandQueue)(cl_handle);
  cl_int (*ReleaseContext)(cl_handle);

  /// Loads `library` (normally "libOpenCL.so.1") and resolves every entry
  /// point; the library stays loaded while the returned object lives.
  static Expected<std::shared_ptr<OpenCLApi>> load(const std::string &library);

  /// "CL_INVALID_WORK_GROUP_SIZE (-54)", or "OpenCL error -N".
  static std::string errorName(cl_int code);
  /// Success, or a failure "<what> failed: <errorName>".
  static Status check(cl_int code, const std::string &what);

  /// Builds `source` for `device` with `options`. On failure the message
  /// holds the build log and, where the log names a line, the kernel that
  /// line belongs to; `what` names the program ("module 0").
  Expected<cl_handle> buildProgram(cl_handle context, cl_handle device,
                                   const std::string &source,
                                   const std::string &options,
                                   const std::string &what) const;

private:
  explicit OpenCLApi(DynamicLibrary library) : library(std::move(library)) {}
  DynamicLibrary library;
};

/// The first device of the first platform that has one, with a context and
/// an in-order queue on it; released on destruction.
class OpenCLContext {
public:
  static Expected<std::unique_ptr<OpenCLContext>>
  create(std::shared_ptr<OpenCLApi> api);
  ~OpenCLContext();

  const OpenCLApi &api() const { return *cl; }
  std::shared_ptr<OpenCLApi> apiPtr() const { return cl; }
  cl_handle device() const { return dev; }
  cl_handle context() const { return ctx; }
  cl_handle queue() const { return q; }
  /// "platform / device".
  const std::string &name() const { return deviceName; }

private:
  explicit OpenCLContext(std::shared_ptr<OpenCLApi> api)
      : cl(std::move(api)) {}
  std::shared_ptr<OpenCLApi> cl;
  cl_handle dev = nullptr, ctx = nullptr, q = nullptr;
  std::string deviceName;
};

} // namespace rong::runtime::opencl

#endif // RONG_RUNTIME_OPENCLAPI_H
