//===- OpenCLDevice.cpp - OpenCL through a dlopen'ed ICD loader -----------===//
//
// This file implements OpenCLDevice. The OpenCL entry points are resolved
// from libOpenCL.so.1 at run time; the few types and constants used are
// declared here with the values of the Khronos headers (CL/cl.h), so
// building the runtime needs no OpenCL headers either.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/OpenCL.h"

#include "DynamicLibrary.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

using namespace rong::runtime;

namespace {
using cl_int = int32_t;
using cl_uint = uint32_t;
using cl_ulong = uint64_t;
using cl_bitfield = cl_ulong;
using cl_handle = void *;

constexpr cl_int CL_SUCCESS = 0;
constexpr cl_int CL_BUILD_PROGRAM_FAILURE = -11;
constexpr cl_bitfield CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;
constexpr cl_uint CL_PLATFORM_NAME = 0x0902;
constexpr cl_uint CL_DEVICE_NAME = 0x102B;
constexpr cl_uint CL_PROGRAM_BUILD_LOG = 0x1183;
constexpr cl_bitfield CL_MEM_READ_WRITE = 1 << 0;
constexpr cl_uint CL_TRUE = 1;
} // namespace

struct OpenCLDevice::API {
  DynamicLibrary library;
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
  cl_int (*SetKernelArg)(cl_handle, cl_uint, size_t, const void *);
  cl_handle (*CreateBuffer)(cl_handle, cl_bitfield, size_t, void *, cl_int *);
  cl_int (*EnqueueWriteBuffer)(cl_handle, cl_handle, cl_uint, size_t, size_t,
                               const void *, cl_uint, const void *, void *);
  cl_int (*EnqueueReadBuffer)(cl_handle, cl_handle, cl_uint, size_t, size_t,
                              void *, cl_uint, const void *, void *);
  cl_int (*EnqueueNDRangeKernel)(cl_handle, cl_handle, cl_uint, const size_t *,
                                 const size_t *, const size_t *, cl_uint,
                                 const void *, void *);
  cl_int (*Finish)(cl_handle);
  cl_int (*ReleaseMemObject)(cl_handle);
  cl_int (*ReleaseKernel)(cl_handle);
  cl_int (*ReleaseProgram)(cl_handle);
  cl_int (*ReleaseCommandQueue)(cl_handle);
  cl_int (*ReleaseContext)(cl_handle);

  explicit API(DynamicLibrary library) : library(std::move(library)) {}
};

template <typename F>
static bool resolve(const DynamicLibrary &library, const char *name, F &fn,
                    std::string &missing) {
  fn = reinterpret_cast<F>(library.symbol(name));
  if (!fn)
    missing += std::string(missing.empty() ? "" : ", ") + name;
  return fn != nullptr;
}

static std::string clError(const std::string &what, cl_int code) {
  return std::string(what) + " failed with OpenCL error " +
         std::to_string(code);
}

Expected<std::unique_ptr<OpenCLDevice>>
OpenCLDevice::create(const std::string &libraryName) {
  Expected<DynamicLibrary> library = DynamicLibrary::open(libraryName);
  if (!library)
    return Status::failure("cannot load the OpenCL ICD loader '" +
                           libraryName + "': " + library.message());
  auto api = std::make_unique<API>(std::move(*library));
  std::string missing;
  const DynamicLibrary &l = api->library;
  resolve(l, "clGetPlatformIDs", api->GetPlatformIDs, missing);
  resolve(l, "clGetPlatformInfo", api->GetPlatformInfo, missing);
  resolve(l, "clGetDeviceIDs", api->GetDeviceIDs, missing);
  resolve(l, "clGetDeviceInfo", api->GetDeviceInfo, missing);
  resolve(l, "clCreateContext", api->CreateContext, missing);
  resolve(l, "clCreateCommandQueue", api->CreateCommandQueue, missing);
  resolve(l, "clCreateProgramWithSource", api->CreateProgramWithSource,
          missing);
  resolve(l, "clBuildProgram", api->BuildProgram, missing);
  resolve(l, "clGetProgramBuildInfo", api->GetProgramBuildInfo, missing);
  resolve(l, "clCreateKernel", api->CreateKernel, missing);
  resolve(l, "clSetKernelArg", api->SetKernelArg, missing);
  resolve(l, "clCreateBuffer", api->CreateBuffer, missing);
  resolve(l, "clEnqueueWriteBuffer", api->EnqueueWriteBuffer, missing);
  resolve(l, "clEnqueueReadBuffer", api->EnqueueReadBuffer, missing);
  resolve(l, "clEnqueueNDRangeKernel", api->EnqueueNDRangeKernel, missing);
  resolve(l, "clFinish", api->Finish, missing);
  resolve(l, "clReleaseMemObject", api->ReleaseMemObject, missing);
  resolve(l, "clReleaseKernel", api->ReleaseKernel, missing);
  resolve(l, "clReleaseProgram", api->ReleaseProgram, missing);
  resolve(l, "clReleaseCommandQueue", api->ReleaseCommandQueue, missing);
  resolve(l, "clReleaseContext", api->ReleaseContext, missing);
  if (!missing.empty())
    return Status::failure("the OpenCL library '" + libraryName +
                           "' lacks " + missing);

  cl_uint numPlatforms = 0;
  if (api->GetPlatformIDs(0, nullptr, &numPlatforms) != CL_SUCCESS ||
      numPlatforms == 0)
    return Status::failure("no OpenCL platform is installed (no ICD in "
                           "/etc/OpenCL/vendors?)");
  std::vector<cl_handle> platforms(numPlatforms);
  api->GetPlatformIDs(numPlatforms, platforms.data(), nullptr);
  std::unique_ptr<OpenCLDevice> dev(new OpenCLDevice());
  for (cl_handle platform : platforms) {
    cl_uint numDevices = 0;
    if (api->GetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &dev->device,
                          &numDevices) != CL_SUCCESS ||
        numDevices == 0)
      continue;
    char text[256] = {0};
    api->GetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(text) - 1, text,
                         nullptr);
    dev->deviceName = text;
    std::fill(std::begin(text), std::end(text), 0);
    api->GetDeviceInfo(dev->device, CL_DEVICE_NAME, sizeof(text) - 1, text,
                       nullptr);
    dev->deviceName += std::string(" / ") + text;
    break;
  }
  if (!dev->device)
    return Status::failure("no OpenCL platform has a device");
  cl_int err = CL_SUCCESS;
  dev->context =
      api->CreateContext(nullptr, 1, &dev->device, nullptr, nullptr, &err);
  if (err != CL_SUCCESS)
    return Status::failure(clError("clCreateContext", err));
  dev->queue = api->CreateCommandQueue(dev->context, dev->device, 0, &err);
  if (err != CL_SUCCESS)
    return Status::failure(clError("clCreateCommandQueue", err));
  dev->api = std::move(api);
  return dev;
}

OpenCLDevice::~OpenCLDevice() {
  if (!api)
    return;
  if (program)
    api->ReleaseProgram(program);
  if (queue)
    api->ReleaseCommandQueue(queue);
  if (context)
    api->ReleaseContext(context);
}

Status OpenCLDevice::build(const std::string &source,
                           const std::string &options) {
  if (program) {
    api->ReleaseProgram(program);
    program = nullptr;
  }
  const char *text = source.c_str();
  size_t length = source.size();
  cl_int err = CL_SUCCESS;
  program = api->CreateProgramWithSource(context, 1, &text, &length, &err);
  if (err != CL_SUCCESS)
    return Status::failure(clError("clCreateProgramWithSource", err));
  err = api->BuildProgram(program, 1, &device, options.c_str(), nullptr,
                          nullptr);
  if (err == CL_SUCCESS)
    return Status::success();
  std::string log;
  size_t size = 0;
  api->GetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr,
                           &size);
  log.resize(size);
  api->GetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size,
                           log.data(), nullptr);
  return Status::failure(
      (err == CL_BUILD_PROGRAM_FAILURE ? std::string("OpenCL build failed")
                                       : clError("clBuildProgram", err)) +
      ":\n" + log);
}

Status OpenCLDevice::run(const std::string &kernelName,
                         std::vector<OpenCLBufferArg> &args,
                         const OpenCLLaunch &launch) {
  if (!program)
    return Status::failure("no OpenCL program is built");
  cl_int err = CL_SUCCESS;
  cl_handle kernel = api->CreateKernel(program, kernelName.c_str(), &err);
  if (err != CL_SUCCESS)
    return Status::failure("the OpenCL program has no kernel '" + kernelName +
                           "' (" + clError("clCreateKernel", err) + ")");
  std::vector<cl_handle> buffers;
  auto cleanup = [&]() {
    for (cl_handle b : buffers)
      api->ReleaseMemObject(b);
    api->ReleaseKernel(kernel);
  };
  cl_uint index = 0;
  for (size_t i = 0; i <= args.size(); ++i) {
    if (launch.dynamicLocalIndex == static_cast<int>(index)) {
      err = api->SetKernelArg(kernel, index++, launch.dynamicLocalBytes,
                              nullptr);
      if (err != CL_SUCCESS) {
        cleanup();
        return Status::failure(clError("clSetKernelArg (local memory)", err));
      }
    }
    if (i == args.size())
      break;
    size_t bytes = args[i].bytes ? args[i].bytes : 1;
    cl_handle buffer =
        api->CreateBuffer(context, CL_MEM_READ_WRITE, bytes, nullptr, &err);
    if (err != CL_SUCCESS) {
      cleanup();
      return Status::failure(clError("clCreateBuffer", err));
    }
    buffers.push_back(buffer);
    if (args[i].bytes)
      err = api->EnqueueWriteBuffer(queue, buffer, CL_TRUE, 0, args[i].bytes,
                                    args[i].data, 0, nullptr, nullptr);
    if (err == CL_SUCCESS)
      err = api->SetKernelArg(kernel, index++, sizeof(cl_handle), &buffer);
    if (err != CL_SUCCESS) {
      cleanup();
      return Status::failure(
          clError("argument " + std::to_string(i) + ": clSetKernelArg", err));
    }
  }
  err = api->EnqueueNDRangeKernel(queue, kernel, 3, nullptr,
                                  launch.globalSize.data(),
                                  launch.localSize.data(), 0, nullptr, nullptr);
  if (err == CL_SUCCESS)
    err = api->Finish(queue);
  if (err != CL_SUCCESS) {
    cleanup();
    return Status::failure(clError("launching '" + kernelName + "'", err));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].readBack || !args[i].bytes)
      continue;
    err = api->EnqueueReadBuffer(queue, buffers[i], CL_TRUE, 0, args[i].bytes,
                                 args[i].data, 0, nullptr, nullptr);
    if (err != CL_SUCCESS) {
      cleanup();
      return Status::failure(clError("clEnqueueReadBuffer", err));
    }
  }
  cleanup();
  return Status::success();
}
