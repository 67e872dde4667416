//===- GpuDriver.cpp - A GPU driver API, loaded at run time ---------------===//
//
// This file implements the driver tables and GpuDriver::load. cuda.h maps
// many API names onto versioned symbols (cuMemAlloc -> cuMemAlloc_v2, ...);
// libcuda exports those versioned names, so they come first in the CUDA
// table, with the unversioned name as the fallback for older drivers. The HIP
// names were checked against the exports of libamdhip64 (ROCm 5.2, Debian's
// libamdhip64-5) by test/Unit/Runtime/GpuSessionTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "GpuDriver.h"

#include <cstring>

namespace rong::runtime::gpu {

const DriverTable &cudaDriverTable() {
  static const DriverTable table = {
      DriverFamily::Cuda,
      "CUDA",
      "is an NVIDIA driver installed?",
      "",
      ErrorStyle::OutParam,
      ContextModel::PrimaryContext,
      "cuInit",
      "cuDriverGetVersion",
      "cuDeviceGetCount",
      "cuDeviceGet",
      "cuDeviceGetAttribute",
      "cuDeviceGetName",
      "cuDevicePrimaryCtxRetain",
      "cuDevicePrimaryCtxRelease_v2|cuDevicePrimaryCtxRelease",
      "cuCtxPushCurrent_v2|cuCtxPushCurrent",
      "cuCtxPopCurrent_v2|cuCtxPopCurrent",
      "",
      "cuModuleLoadDataEx",
      "cuModuleUnload",
      "cuModuleGetFunction",
      "cuFuncSetAttribute",
      "cuMemAlloc_v2",
      "cuMemFree_v2",
      "cuMemcpyHtoD_v2",
      "cuMemcpyDtoH_v2",
      "cuMemcpyDtoDAsync_v2|cuMemcpyDtoDAsync",
      "cuLaunchKernel",
      "cuStreamCreate",
      "cuStreamDestroy_v2|cuStreamDestroy",
      "cuStreamSynchronize",
      "cuEventCreate",
      "cuEventDestroy_v2|cuEventDestroy",
      "cuEventRecord",
      "cuEventSynchronize",
      "cuEventElapsedTime_v2|cuEventElapsedTime",
      "cuGetErrorString",
      "cuGetErrorName",
  };
  return table;
}

const DriverTable &hipDriverTable() {
  static const DriverTable table = {
      DriverFamily::Hip,
      "HIP",
      "is ROCm (or Hygon's DTK) installed? Debian: libamdhip64-5",
      "; is an AMD GPU or Hygon DCU present, with /dev/kfd readable?",
      ErrorStyle::ReturnText,
      ContextModel::SetDevice,
      "hipInit",
      "hipDriverGetVersion",
      "hipGetDeviceCount",
      "hipDeviceGet",
      "",
      "hipDeviceGetName",
      "",
      "",
      "",
      "",
      "hipSetDevice",
      "hipModuleLoadDataEx",
      "hipModuleUnload",
      "hipModuleGetFunction",
      "",
      "hipMalloc",
      "hipFree",
      "hipMemcpyHtoD",
      "hipMemcpyDtoH",
      "hipMemcpyDtoDAsync",
      "hipModuleLaunchKernel",
      "hipStreamCreateWithFlags",
      "hipStreamDestroy",
      "hipStreamSynchronize",
      "hipEventCreateWithFlags",
      "hipEventDestroy",
      "hipEventRecord",
      "hipEventSynchronize",
      "hipEventElapsedTime",
      "hipGetErrorString",
      "hipGetErrorName",
  };
  return table;
}

Expected<std::shared_ptr<GpuDriver>>
GpuDriver::load(const DriverTable &table,
                const std::vector<std::string> &libraries) {
  std::string name;
  Expected<DynamicLibrary> lib = DynamicLibrary::openFirst(
      libraries, "the " + std::string(table.apiName) + " driver", name);
  if (!lib)
    return Status::failure(lib.message() + "; " + table.installHint);
  std::shared_ptr<GpuDriver> d(new GpuDriver(table, lib.take()));
  SymbolResolver resolve(d->library);
  resolve(d->init, table.init);
  resolve(d->driverGetVersion, table.driverGetVersion);
  resolve(d->deviceGetCount, table.deviceGetCount);
  resolve(d->deviceGet, table.deviceGet);
  resolve(d->deviceGetAttribute, table.deviceGetAttribute);
  resolve(d->deviceGetName, table.deviceGetName);
  resolve(d->primaryCtxRetain, table.primaryCtxRetain);
  resolve(d->primaryCtxRelease, table.primaryCtxRelease);
  resolve(d->ctxPushCurrent, table.ctxPushCurrent);
  resolve(d->ctxPopCurrent, table.ctxPopCurrent);
  resolve(d->setDevice, table.setDevice);
  resolve(d->moduleLoadDataEx, table.moduleLoadDataEx);
  resolve(d->moduleUnload, table.moduleUnload);
  resolve(d->moduleGetFunction, table.moduleGetFunction);
  resolve(d->funcSetAttribute, table.funcSetAttribute);
  resolve(d->memAlloc, table.memAlloc);
  resolve(d->memFree, table.memFree);
  resolve(d->memcpyHtoD, table.memcpyHtoD);
  resolve(d->memcpyDtoH, table.memcpyDtoH);
  resolve(d->memcpyDtoDAsync, table.memcpyDtoDAsync);
  resolve(d->launchKernel, table.launchKernel);
  resolve(d->streamCreate, table.streamCreate);
  resolve(d->streamDestroy, table.streamDestroy);
  resolve(d->streamSynchronize, table.streamSynchronize);
  resolve(d->eventCreate, table.eventCreate);
  resolve(d->eventDestroy, table.eventDestroy);
  resolve(d->eventRecord, table.eventRecord);
  resolve(d->eventSynchronize, table.eventSynchronize);
  resolve(d->eventElapsedTime, table.eventElapsedTime);
  resolve(d->getErrorString, table.getErrorString);
  resolve(d->getErrorName, table.getErrorName);
  if (!resolve.missing().empty())
    return Status::failure("the " + std::string(table.apiName) +
                           " driver (" + name +
                           ") lacks entry points: " + resolve.missing() +
                           "; it is too old for this runtime");
  return d;
}

std::string GpuDriver::errorString(Result error) const {
  const char *name = nullptr, *text = nullptr;
  if (tbl->errorStyle == ErrorStyle::OutParam) {
    using Fn = Result (*)(Result, const char **);
    reinterpret_cast<Fn>(getErrorName)(error, &name);
    reinterpret_cast<Fn>(getErrorString)(error, &text);
  } else {
    using Fn = const char *(*)(Result);
    name = reinterpret_cast<Fn>(getErrorName)(error);
    text = reinterpret_cast<Fn>(getErrorString)(error);
  }
  std::string s = name ? name
                       : std::string(tbl->apiName) + " error " +
                             std::to_string(error);
  // HIP's text is often the name again; say it once.
  if (text && (!name || std::strcmp(text, name) != 0))
    s += std::string(" (") + text + ")";
  return s;
}

Status GpuDriver::check(Result result, const std::string &what) const {
  if (result == kSuccess)
    return Status::success();
  return Status::failure(what + ": " + errorString(result));
}

} // namespace rong::runtime::gpu
