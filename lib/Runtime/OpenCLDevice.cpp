//===- OpenCLDevice.cpp - OpenCL through a dlopen'ed ICD loader -----------===//
//
// This file implements OpenCLDevice on OpenCLApi, which resolves the OpenCL
// entry points from libOpenCL.so.1 at run time, so building the runtime
// needs no OpenCL headers either.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/OpenCL.h"

#include "OpenCLApi.h"

using namespace rong::runtime;
using namespace rong::runtime::opencl;

struct OpenCLDevice::API {
  std::unique_ptr<OpenCLContext> context;
};

Expected<std::unique_ptr<OpenCLDevice>>
OpenCLDevice::create(const std::string &libraryName) {
  Expected<std::shared_ptr<OpenCLApi>> api = OpenCLApi::load(libraryName);
  if (!api)
    return api.status();
  Expected<std::unique_ptr<OpenCLContext>> context =
      OpenCLContext::create(api.take());
  if (!context)
    return context.status();
  std::unique_ptr<OpenCLDevice> dev(new OpenCLDevice());
  dev->api = std::make_unique<API>();
  dev->api->context = context.take();
  dev->deviceName = dev->api->context->name();
  dev->context = dev->api->context->context();
  dev->queue = dev->api->context->queue();
  dev->device = dev->api->context->device();
  return dev;
}

OpenCLDevice::~OpenCLDevice() {
  if (api && program)
    api->context->api().ReleaseProgram(program);
}

Status OpenCLDevice::build(const std::string &source,
                           const std::string &options) {
  const OpenCLApi &cl = api->context->api();
  if (program) {
    cl.ReleaseProgram(program);
    program = nullptr;
  }
  Expected<cl_handle> built =
      cl.buildProgram(context, device, source, options, "the program");
  if (!built)
    return built.status();
  program = *built;
  return Status::success();
}

Status OpenCLDevice::run(const std::string &kernelName,
                         std::vector<OpenCLBufferArg> &args,
                         const OpenCLLaunch &launch) {
  if (!program)
    return Status::failure("no OpenCL program is built");
  const OpenCLApi &cl = api->context->api();
  cl_int err = CL_SUCCESS;
  cl_handle kernel = cl.CreateKernel(program, kernelName.c_str(), &err);
  if (err != CL_SUCCESS)
    return Status::failure("the OpenCL program has no kernel '" + kernelName +
                           "' (clCreateKernel: " + OpenCLApi::errorName(err) +
                           ")");
  std::vector<cl_handle> buffers;
  auto release = [&]() {
    for (cl_handle b : buffers)
      cl.ReleaseMemObject(b);
    cl.ReleaseKernel(kernel);
  };
  auto fail = [&](const std::string &what) {
    release();
    return OpenCLApi::check(err, what);
  };
  cl_uint index = 0;
  for (size_t i = 0; i <= args.size(); ++i) {
    if (launch.dynamicLocalIndex == static_cast<int>(index)) {
      err = cl.SetKernelArg(kernel, index++, launch.dynamicLocalBytes,
                            nullptr);
      if (err != CL_SUCCESS)
        return fail("clSetKernelArg (local memory)");
    }
    if (i == args.size())
      break;
    size_t bytes = args[i].bytes ? args[i].bytes : 1;
    cl_handle buffer =
        cl.CreateBuffer(context, CL_MEM_READ_WRITE, bytes, nullptr, &err);
    if (err != CL_SUCCESS)
      return fail("clCreateBuffer");
    buffers.push_back(buffer);
    if (args[i].bytes)
      err = cl.EnqueueWriteBuffer(queue, buffer, CL_TRUE, 0, args[i].bytes,
                                  args[i].data, 0, nullptr, nullptr);
    if (err == CL_SUCCESS)
      err = cl.SetKernelArg(kernel, index++, sizeof(cl_handle), &buffer);
    if (err != CL_SUCCESS)
      return fail("argument " + std::to_string(i) + ": clSetKernelArg");
  }
  err = cl.EnqueueNDRangeKernel(queue, kernel, 3, nullptr,
                                launch.globalSize.data(),
                                launch.localSize.data(), 0, nullptr, nullptr);
  if (err == CL_SUCCESS)
    err = cl.Finish(queue);
  if (err != CL_SUCCESS)
    return fail("launching '" + kernelName + "'");
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].readBack || !args[i].bytes)
      continue;
    err = cl.EnqueueReadBuffer(queue, buffers[i], CL_TRUE, 0, args[i].bytes,
                               args[i].data, 0, nullptr, nullptr);
    if (err != CL_SUCCESS)
      return fail("clEnqueueReadBuffer");
  }
  release();
  return Status::success();
}
