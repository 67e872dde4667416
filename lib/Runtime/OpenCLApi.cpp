//===- OpenCLApi.cpp - The OpenCL API, loaded at run time -----------------===//
//
// This file implements OpenCLApi::load, the error names, program builds with
// readable failures, and OpenCLContext, the device, context and queue every
// OpenCL executor starts from.
//
//===----------------------------------------------------------------------===//

#include "OpenCLApi.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <vector>

namespace rong::runtime::opencl {

Expected<std::shared_ptr<OpenCLApi>>
OpenCLApi::load(const std::string &libraryName) {
  Expected<DynamicLibrary> lib = DynamicLibrary::open(libraryName);
  if (!lib)
    return Status::failure("cannot load the OpenCL ICD loader '" +
                           libraryName + "': " + lib.message() +
                           " (Debian: ocl-icd-libopencl1 and a platform such "
                           "as pocl-opencl-icd)");
  std::shared_ptr<OpenCLApi> api(new OpenCLApi(lib.take()));
  SymbolResolver resolve(api->library);
  resolve(api->GetPlatformIDs, "clGetPlatformIDs");
  resolve(api->GetPlatformInfo, "clGetPlatformInfo");
  resolve(api->GetDeviceIDs, "clGetDeviceIDs");
  resolve(api->GetDeviceInfo, "clGetDeviceInfo");
  resolve(api->CreateContext, "clCreateContext");
  resolve(api->CreateCommandQueue, "clCreateCommandQueue");
  resolve(api->CreateProgramWithSource, "clCreateProgramWithSource");
  resolve(api->BuildProgram, "clBuildProgram");
  resolve(api->GetProgramBuildInfo, "clGetProgramBuildInfo");
  resolve(api->CreateKernel, "clCreateKernel");
  resolve(api->GetKernelInfo, "clGetKernelInfo");
  resolve(api->GetKernelWorkGroupInfo, "clGetKernelWorkGroupInfo");
  resolve(api->SetKernelArg, "clSetKernelArg");
  resolve(api->CreateBuffer, "clCreateBuffer");
  resolve(api->CreateSubBuffer, "clCreateSubBuffer");
  resolve(api->EnqueueWriteBuffer, "clEnqueueWriteBuffer");
  resolve(api->EnqueueReadBuffer, "clEnqueueReadBuffer");
  resolve(api->EnqueueCopyBuffer, "clEnqueueCopyBuffer");
  resolve(api->EnqueueFillBuffer, "clEnqueueFillBuffer");
  resolve(api->EnqueueNDRangeKernel, "clEnqueueNDRangeKernel");
  resolve(api->Finish, "clFinish");
  resolve(api->ReleaseMemObject, "clReleaseMemObject");
  resolve(api->ReleaseKernel, "clReleaseKernel");
  resolve(api->ReleaseProgram, "clReleaseProgram");
  resolve(api->ReleaseCommandQueue, "clReleaseCommandQueue");
  resolve(api->ReleaseContext, "clReleaseContext");
  if (!resolve.missing().empty())
    return Status::failure("the OpenCL library '" + libraryName + "' lacks " +
                           resolve.missing() + " (OpenCL 1.2 is needed)");
  return api;
}

std::string OpenCLApi::errorName(cl_int code) {
  static const char *const names[] = {
      "CL_SUCCESS",
      "CL_DEVICE_NOT_FOUND",
      "CL_DEVICE_NOT_AVAILABLE",
      "CL_COMPILER_NOT_AVAILABLE",
      "CL_MEM_OBJECT_ALLOCATION_FAILURE",
      "CL_OUT_OF_RESOURCES",
      "CL_OUT_OF_HOST_MEMORY",
      "CL_PROFILING_INFO_NOT_AVAILABLE",
      "CL_MEM_COPY_OVERLAP",
      "CL_IMAGE_FORMAT_MISMATCH",
      "CL_IMAGE_FORMAT_NOT_SUPPORTED",
      "CL_BUILD_PROGRAM_FAILURE",
      "CL_MAP_FAILURE",
      "CL_MISALIGNED_SUB_BUFFER_OFFSET",
  };
  static const char *const invalid[] = {
      "CL_INVALID_VALUE",          "CL_INVALID_DEVICE_TYPE",
      "CL_INVALID_PLATFORM",       "CL_INVALID_DEVICE",
      "CL_INVALID_CONTEXT",        "CL_INVALID_QUEUE_PROPERTIES",
      "CL_INVALID_COMMAND_QUEUE",  "CL_INVALID_HOST_PTR",
      "CL_INVALID_MEM_OBJECT",     "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR",
      "CL_INVALID_IMAGE_SIZE",     "CL_INVALID_SAMPLER",
      "CL_INVALID_BINARY",         "CL_INVALID_BUILD_OPTIONS",
      "CL_INVALID_PROGRAM",        "CL_INVALID_PROGRAM_EXECUTABLE",
      "CL_INVALID_KERNEL_NAME",    "CL_INVALID_KERNEL_DEFINITION",
      "CL_INVALID_KERNEL",         "CL_INVALID_ARG_INDEX",
      "CL_INVALID_ARG_VALUE",      "CL_INVALID_ARG_SIZE",
      "CL_INVALID_KERNEL_ARGS",    "CL_INVALID_WORK_DIMENSION",
      "CL_INVALID_WORK_GROUP_SIZE", "CL_INVALID_WORK_ITEM_SIZE",
      "CL_INVALID_GLOBAL_OFFSET",  "CL_INVALID_EVENT_WAIT_LIST",
      "CL_INVALID_EVENT",          "CL_INVALID_OPERATION",
      "CL_INVALID_GL_OBJECT",      "CL_INVALID_BUFFER_SIZE",
      "CL_INVALID_MIP_LEVEL",      "CL_INVALID_GLOBAL_WORK_SIZE",
  };
  std::string number = " (" + std::to_string(code) + ")";
  if (code <= 0 && -code < static_cast<cl_int>(std::size(names)))
    return names[-code] + number;
  if (code <= -30 && -code - 30 < static_cast<cl_int>(std::size(invalid)))
    return invalid[-code - 30] + number;
  return "OpenCL error " + std::to_string(code);
}

Status OpenCLApi::check(cl_int code, const std::string &what) {
  if (code == CL_SUCCESS)
    return Status::success();
  return Status::failure(what + " failed: " + errorName(code));
}

/// The kernel whose definition encloses line `line` (1-based) of `source`:
/// the last `__kernel` definition starting at or before it. Rong's printer
/// writes `__kernel <attributes>` and `void NAME(...)` on one line or two.
static std::string kernelAtLine(const std::string &source, long line) {
  std::string kernel;
  bool pending = false;
  long current = 1;
  size_t pos = 0;
  while (pos < source.size() && current <= line) {
    size_t end = source.find('\n', pos);
    if (end == std::string::npos)
      end = source.size();
    std::string text = source.substr(pos, end - pos);
    if (text.rfind("__kernel", 0) == 0)
      pending = true;
    size_t name = text.find("void ");
    size_t paren = text.find('(', name);
    if (pending && name != std::string::npos && paren != std::string::npos) {
      kernel = text.substr(name + 5, paren - name - 5);
      pending = false;
    }
    pos = end + 1;
    ++current;
  }
  return kernel;
}

/// The kernels that the error lines of a build log point into: the first
/// ":<line>:" of each line that mentions an error ("<source>:12:5: error:
/// ..." from clang, "error: <file>:12:5: ..." from PoCL).
static std::vector<std::string> kernelsInLog(const std::string &source,
                                             const std::string &log) {
  std::vector<std::string> kernels;
  size_t lineStart = 0;
  while (lineStart < log.size()) {
    size_t lineEnd = log.find('\n', lineStart);
    if (lineEnd == std::string::npos)
      lineEnd = log.size();
    std::string text = log.substr(lineStart, lineEnd - lineStart);
    lineStart = lineEnd + 1;
    if (text.find("error") == std::string::npos)
      continue;
    for (size_t c = text.find(':'); c != std::string::npos;
         c = text.find(':', c + 1)) {
      size_t d = c + 1;
      while (d < text.size() && std::isdigit((unsigned char)text[d]))
        ++d;
      if (d == c + 1 || d >= text.size() || text[d] != ':' || d - c > 9)
        continue;
      std::string kernel =
          kernelAtLine(source, std::stol(text.substr(c + 1, d - c - 1)));
      if (!kernel.empty() &&
          std::find(kernels.begin(), kernels.end(), kernel) == kernels.end())
        kernels.push_back(kernel);
      break;
    }
  }
  return kernels;
}

Expected<cl_handle> OpenCLApi::buildProgram(cl_handle context,
                                            cl_handle device,
                                            const std::string &source,
                                            const std::string &options,
                                            const std::string &what) const {
  // Kernels that compute in f64 enable cl_khr_fp64; a device without it
  // would only report the pragma or `double` as a build error.
  if (source.find("cl_khr_fp64") != std::string::npos) {
    size_t size = 0;
    std::string extensions;
    if (GetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, nullptr, &size) ==
            CL_SUCCESS &&
        size) {
      extensions.resize(size);
      GetDeviceInfo(device, CL_DEVICE_EXTENSIONS, size, extensions.data(),
                    nullptr);
    }
    if (extensions.find("cl_khr_fp64") == std::string::npos)
      return Status::failure(what +
                             ": its kernels compute in f64 (double), and "
                             "this OpenCL device has no cl_khr_fp64");
  }
  const char *text = source.c_str();
  size_t length = source.size();
  cl_int err = CL_SUCCESS;
  cl_handle program =
      CreateProgramWithSource(context, 1, &text, &length, &err);
  if (Status s = check(err, what + ": clCreateProgramWithSource"); !s.ok())
    return s;
  err = BuildProgram(program, 1, &device, options.c_str(), nullptr, nullptr);
  if (err == CL_SUCCESS)
    return program;
  std::string log;
  size_t size = 0;
  GetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr,
                      &size);
  log.resize(size);
  if (size)
    GetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size,
                        log.data(), nullptr);
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n'))
    log.pop_back();
  ReleaseProgram(program);
  std::string message =
      err == CL_BUILD_PROGRAM_FAILURE
          ? what + ": the OpenCL C program does not build"
          : what + ": clBuildProgram failed: " + errorName(err);
  std::vector<std::string> kernels = kernelsInLog(source, log);
  for (size_t i = 0; i < kernels.size(); ++i)
    message += std::string(i ? ", '" : " (errors in kernel '") + kernels[i] +
               "'" + (i + 1 == kernels.size() ? ")" : "");
  return Status::failure(message + ":\n" + log);
}

Expected<std::unique_ptr<OpenCLContext>>
OpenCLContext::create(std::shared_ptr<OpenCLApi> api) {
  const OpenCLApi &cl = *api;
  std::unique_ptr<OpenCLContext> c(new OpenCLContext(std::move(api)));
  cl_uint numPlatforms = 0;
  if (cl.GetPlatformIDs(0, nullptr, &numPlatforms) != CL_SUCCESS ||
      numPlatforms == 0)
    return Status::failure("no OpenCL platform is installed (no ICD in "
                           "/etc/OpenCL/vendors?)");
  std::vector<cl_handle> platforms(numPlatforms);
  cl.GetPlatformIDs(numPlatforms, platforms.data(), nullptr);
  for (cl_handle platform : platforms) {
    cl_uint numDevices = 0;
    if (cl.GetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &c->dev,
                        &numDevices) != CL_SUCCESS ||
        numDevices == 0) {
      c->dev = nullptr;
      continue;
    }
    char text[256] = {0};
    cl.GetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(text) - 1, text,
                       nullptr);
    c->deviceName = text;
    std::fill(std::begin(text), std::end(text), 0);
    cl.GetDeviceInfo(c->dev, CL_DEVICE_NAME, sizeof(text) - 1, text, nullptr);
    c->deviceName += std::string(" / ") + text;
    break;
  }
  if (!c->dev)
    return Status::failure("no OpenCL platform has a device");
  cl_int err = CL_SUCCESS;
  c->ctx = cl.CreateContext(nullptr, 1, &c->dev, nullptr, nullptr, &err);
  if (Status s = OpenCLApi::check(err, "clCreateContext on " + c->deviceName);
      !s.ok()) {
    c->ctx = nullptr;
    return s;
  }
  c->q = cl.CreateCommandQueue(c->ctx, c->dev, 0, &err);
  if (Status s =
          OpenCLApi::check(err, "clCreateCommandQueue on " + c->deviceName);
      !s.ok()) {
    c->q = nullptr;
    return s;
  }
  return c;
}

OpenCLContext::~OpenCLContext() {
  if (q) {
    cl->Finish(q);
    cl->ReleaseCommandQueue(q);
  }
  if (ctx)
    cl->ReleaseContext(ctx);
}

} // namespace rong::runtime::opencl
