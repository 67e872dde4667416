//===- GpuDriver.h - A GPU driver API, loaded at run time -------*- C++ -*-===//
//
// This file declares GpuDriver, the launcher interface of Rong's GPU
// executors: the slice of a CUDA-driver-style API they use (devices, modules,
// kernels, memory, streams, events), as function pointers resolved with
// dlsym from a table of symbol names. NVIDIA's driver API (libcuda) and AMD's
// HIP module API (libamdhip64) are two such tables over one ABI: handles are
// pointers or ints, device addresses are 64-bit, and the calls take the same
// arguments in the same order. A vendor whose runtime follows the same shape
// (Moore Threads' libmusa: muInit, muModuleLoadData, muLaunchKernel, ...)
// is one more table; docs/runtime.md says how to add one.
//
// The runtime therefore builds without any vendor header and starts on
// machines without a GPU; only creating a session needs the library, and
// fails with a message where it is absent.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_GPUDRIVER_H
#define RONG_RUNTIME_GPUDRIVER_H

#include "DynamicLibrary.h"

#include <memory>
#include <vector>

namespace rong::runtime::gpu {

// Opaque handles and scalar types, laid out as both driver ABIs define them.
using Result = int;
using Device = int;
using DevicePtr = unsigned long long;
using Context = struct Context_st *;
using Module = struct Module_st *;
using Function = struct Function_st *;
using Stream = struct Stream_st *;
using Event = struct Event_st *;

constexpr Result kSuccess = 0;

/// How a driver reports errors as text.
enum class ErrorStyle {
  OutParam,   ///< cuGetErrorString(result, &text) -> result
  ReturnText, ///< hipGetErrorString(result) -> text
};

/// How a driver binds a device to the calling thread.
enum class ContextModel {
  PrimaryContext, ///< retain the device's primary context, push/pop it
  SetDevice,      ///< hipSetDevice(ordinal) before each call sequence
};

/// Which driver-API family a table describes; the executor picks images and
/// checks architectures by it.
enum class DriverFamily { Cuda, Hip };

/// One vendor's table: where its library lives and the symbol of every entry
/// point. An entry may list alternatives separated by '|' (versioned names
/// first: "cuMemAlloc_v2|cuMemAlloc"); an empty entry is one this API does
/// not have (HIP has no primary-context push).
struct DriverTable {
  DriverFamily family;
  /// For messages: "CUDA", "HIP".
  const char *apiName;
  /// What to install when the library is missing.
  const char *installHint;
  /// Appended when initialisation fails ("" for none).
  const char *initHint;
  ErrorStyle errorStyle;
  ContextModel contextModel;
  const char *init, *driverGetVersion, *deviceGetCount, *deviceGet,
      *deviceGetAttribute, *deviceGetName, *primaryCtxRetain,
      *primaryCtxRelease, *ctxPushCurrent, *ctxPopCurrent, *setDevice,
      *moduleLoadDataEx, *moduleUnload, *moduleGetFunction, *funcSetAttribute,
      *memAlloc, *memFree, *memcpyHtoD, *memcpyDtoH, *memcpyDtoDAsync,
      *launchKernel,
      *streamCreate, *streamDestroy, *streamSynchronize, *eventCreate,
      *eventDestroy, *eventRecord, *eventSynchronize, *eventElapsedTime,
      *getErrorString, *getErrorName;
};

/// NVIDIA's driver API in libcuda.so.1.
const DriverTable &cudaDriverTable();
/// AMD ROCm / Hygon DTK: the HIP module API in libamdhip64.so.
const DriverTable &hipDriverTable();

/// The entry points, resolved by GpuDriver::load. Entries the table leaves
/// empty are null.
struct GpuDriver {
  Result (*init)(unsigned flags);
  Result (*driverGetVersion)(int *version);
  Result (*deviceGetCount)(int *count);
  Result (*deviceGet)(Device *device, int ordinal);
  Result (*deviceGetAttribute)(int *value, int attribute, Device device);
  Result (*deviceGetName)(char *name, int length, Device device);
  Result (*primaryCtxRetain)(Context *context, Device device);
  Result (*primaryCtxRelease)(Device device);
  Result (*ctxPushCurrent)(Context context);
  Result (*ctxPopCurrent)(Context *context);
  Result (*setDevice)(int ordinal);
  Result (*moduleLoadDataEx)(Module *module, const void *image,
                             unsigned numOptions, int *options,
                             void **optionValues);
  Result (*moduleUnload)(Module module);
  Result (*moduleGetFunction)(Function *function, Module module,
                              const char *name);
  Result (*funcSetAttribute)(Function function, int attribute, int value);
  Result (*memAlloc)(DevicePtr *pointer, size_t bytes);
  Result (*memFree)(DevicePtr pointer);
  Result (*memcpyHtoD)(DevicePtr dst, const void *src, size_t bytes);
  Result (*memcpyDtoH)(void *dst, DevicePtr src, size_t bytes);
  Result (*memcpyDtoDAsync)(DevicePtr dst, DevicePtr src, size_t bytes,
                            Stream stream);
  Result (*launchKernel)(Function function, unsigned gridX, unsigned gridY,
                         unsigned gridZ, unsigned blockX, unsigned blockY,
                         unsigned blockZ, unsigned sharedBytes, Stream stream,
                         void **params, void **extra);
  Result (*streamCreate)(Stream *stream, unsigned flags);
  Result (*streamDestroy)(Stream stream);
  Result (*streamSynchronize)(Stream stream);
  Result (*eventCreate)(Event *event, unsigned flags);
  Result (*eventDestroy)(Event event);
  Result (*eventRecord)(Event event, Stream stream);
  Result (*eventSynchronize)(Event event);
  Result (*eventElapsedTime)(float *milliseconds, Event start, Event end);
  /// ErrorStyle::OutParam: Result (*)(Result, const char **);
  /// ErrorStyle::ReturnText: const char *(*)(Result).
  void *getErrorString;
  void *getErrorName;

  /// Loads the first of `libraries` that opens and resolves every entry
  /// point `table` names; the library stays loaded while the returned object
  /// lives.
  static Expected<std::shared_ptr<GpuDriver>>
  load(const DriverTable &table, const std::vector<std::string> &libraries);

  const DriverTable &table() const { return *tbl; }
  /// "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)".
  std::string errorString(Result error) const;
  /// Success, or a failure "<what>: <errorString>".
  Status check(Result result, const std::string &what) const;

private:
  GpuDriver(const DriverTable &table, DynamicLibrary library)
      : tbl(&table), library(std::move(library)) {}
  const DriverTable *tbl;
  DynamicLibrary library;
};

} // namespace rong::runtime::gpu

#endif // RONG_RUNTIME_GPUDRIVER_H
