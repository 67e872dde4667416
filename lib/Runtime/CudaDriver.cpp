//===- CudaDriver.cpp - The CUDA driver API, loaded at run time -----------===//
//
// This file implements CudaDriver::load. cuda.h maps many API names onto
// versioned symbols (cuMemAlloc -> cuMemAlloc_v2, ...); the driver library
// exports those versioned names, so they are the ones resolved here, with the
// unversioned name as the fallback for older drivers where one exists.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

namespace rong::runtime::cuda {

Expected<std::shared_ptr<CudaDriver>>
CudaDriver::load(const std::string &libraryName) {
  Expected<DynamicLibrary> lib = DynamicLibrary::open(libraryName);
  if (!lib)
    return Status::failure("cannot load the CUDA driver (" + libraryName +
                           "): " + lib.message() +
                           "; is an NVIDIA driver installed?");
  std::shared_ptr<CudaDriver> d(new CudaDriver(lib.take()));

  std::string missing;
  // Resolves `field` from the first of `names` the library exports.
  auto resolve = [&](auto &field, std::initializer_list<const char *> names) {
    for (const char *name : names) {
      if (void *p = d->library.symbol(name)) {
        field = reinterpret_cast<std::remove_reference_t<decltype(field)>>(p);
        return;
      }
    }
    field = nullptr;
    missing += std::string(missing.empty() ? "" : ", ") + *names.begin();
  };
  resolve(d->cuInit, {"cuInit"});
  resolve(d->cuDriverGetVersion, {"cuDriverGetVersion"});
  resolve(d->cuDeviceGetCount, {"cuDeviceGetCount"});
  resolve(d->cuDeviceGet, {"cuDeviceGet"});
  resolve(d->cuDeviceGetAttribute, {"cuDeviceGetAttribute"});
  resolve(d->cuDeviceGetName, {"cuDeviceGetName"});
  resolve(d->cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"});
  resolve(d->cuDevicePrimaryCtxRelease,
          {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"});
  resolve(d->cuCtxPushCurrent, {"cuCtxPushCurrent_v2", "cuCtxPushCurrent"});
  resolve(d->cuCtxPopCurrent, {"cuCtxPopCurrent_v2", "cuCtxPopCurrent"});
  resolve(d->cuModuleLoadDataEx, {"cuModuleLoadDataEx"});
  resolve(d->cuModuleUnload, {"cuModuleUnload"});
  resolve(d->cuModuleGetFunction, {"cuModuleGetFunction"});
  resolve(d->cuFuncSetAttribute, {"cuFuncSetAttribute"});
  resolve(d->cuMemAlloc, {"cuMemAlloc_v2"});
  resolve(d->cuMemFree, {"cuMemFree_v2"});
  resolve(d->cuMemcpyHtoD, {"cuMemcpyHtoD_v2"});
  resolve(d->cuMemcpyDtoH, {"cuMemcpyDtoH_v2"});
  resolve(d->cuLaunchKernel, {"cuLaunchKernel"});
  resolve(d->cuStreamCreate, {"cuStreamCreate"});
  resolve(d->cuStreamDestroy, {"cuStreamDestroy_v2", "cuStreamDestroy"});
  resolve(d->cuStreamSynchronize, {"cuStreamSynchronize"});
  resolve(d->cuEventCreate, {"cuEventCreate"});
  resolve(d->cuEventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"});
  resolve(d->cuEventRecord, {"cuEventRecord"});
  resolve(d->cuEventSynchronize, {"cuEventSynchronize"});
  resolve(d->cuEventElapsedTime,
          {"cuEventElapsedTime_v2", "cuEventElapsedTime"});
  resolve(d->cuGetErrorString, {"cuGetErrorString"});
  resolve(d->cuGetErrorName, {"cuGetErrorName"});
  if (!missing.empty())
    return Status::failure("the CUDA driver (" + libraryName +
                           ") lacks entry points: " + missing +
                           "; it is too old for this runtime");
  return d;
}

std::string CudaDriver::errorString(CUresult error) const {
  const char *name = nullptr, *text = nullptr;
  cuGetErrorName(error, &name);
  cuGetErrorString(error, &text);
  std::string s = name ? name : "CUDA error " + std::to_string(error);
  if (text)
    s += std::string(" (") + text + ")";
  return s;
}

Status CudaDriver::check(CUresult result, const std::string &what) const {
  if (result == CUDA_SUCCESS)
    return Status::success();
  return Status::failure(what + ": " + errorString(result));
}

} // namespace rong::runtime::cuda
