//===- CudaSession.cpp - Executes artifacts on CUDA devices
//----------------===//
//
// This file implements the CUDA executor on the driver API (CudaDriver.h).
// At creation it retains the device's primary context (the one the CUDA
// runtime, and so PyTorch, uses), picks for each module the image the device
// can run (a cubin for its architecture, else the PTX, which the driver
// compiles), resolves the kernels, uploads the constants and allocates the
// arena. A run then only enqueues launches. The GPU kernel ABI is the bare
// pointer convention: kernel parameter i is the device address of the
// launch's i-th argument buffer.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"
#include "rong/Runtime/Session.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

namespace rong::runtime {

using namespace cuda;

namespace {

/// The architecture of a target name "sm_90", "sm_90a", "sm_120f": number
/// and whether it carries a feature suffix (arch-specific code that runs on
/// that exact architecture only).
struct SmArch {
  int number = 0;
  bool suffixed = false;
};

std::optional<SmArch> parseSmArch(const std::string &target) {
  if (target.rfind("sm_", 0) != 0 || target.size() < 5)
    return std::nullopt;
  SmArch arch;
  size_t i = 3;
  for (;
       i < target.size() && std::isdigit(static_cast<unsigned char>(target[i]));
       ++i)
    arch.number = arch.number * 10 + (target[i] - '0');
  if (i == 3)
    return std::nullopt;
  arch.suffixed = i < target.size();
  return arch;
}

struct CudaStep {
  CUfunction fn = nullptr;
  Dim3 grid, block;
  unsigned sharedBytes = 0;
};

class CudaSession : public Session {
public:
  CudaSession(std::shared_ptr<const Artifact> artifact,
              std::shared_ptr<CudaDriver> driver)
      : Session(std::move(artifact)), drv(std::move(driver)) {}
  ~CudaSession() override;

  Status init(int ordinal);

  DeviceKind device() const override { return DeviceKind::Cuda; }
  Status setInput(size_t index, const void *host, size_t bytes) override;
  Status run() override;
  Expected<double> timedRun() override;
  Status getOutput(size_t index, void *host, size_t bytes) override;
  Status runWith(const std::vector<const void *> &inputs,
                 const std::vector<void *> &outputs, void *stream) override;

private:
  /// Makes the session's context current for the scope.
  class ContextScope {
  public:
    explicit ContextScope(const CudaSession &s) : drv(*s.drv) {
      drv.cuCtxPushCurrent(s.context);
    }
    ~ContextScope() {
      CUcontext popped;
      drv.cuCtxPopCurrent(&popped);
    }

  private:
    const CudaDriver &drv;
  };

  Status loadModule(uint32_t index);
  Expected<CUdeviceptr> allocate(uint64_t bytes, const std::string &what);
  Status enqueue(const std::vector<CUdeviceptr> &pointers, CUstream stream);

  std::shared_ptr<CudaDriver> drv;
  CUdevice dev = 0;
  CUcontext context = nullptr;
  std::string deviceDescription; // "NVIDIA H100 (sm_90)"
  int capability = 0;            // 90 for 9.0
  std::map<uint32_t, CUmodule> modules;
  std::vector<CudaStep> steps;
  std::vector<CUdeviceptr> allocations;
  std::vector<CUdeviceptr> basePointers; // by buffer index
  CUstream ownStream = nullptr;
  CUevent startEvent = nullptr, stopEvent = nullptr;
  CUstream lastStream = nullptr; // where the arena was last used
  std::mutex runMutex;           // the arena is shared: one run at a time
};

CudaSession::~CudaSession() {
  if (!context)
    return;
  {
    ContextScope scope(*this);
    if (ownStream)
      drv->cuStreamSynchronize(ownStream);
    for (CUdeviceptr p : allocations)
      drv->cuMemFree(p);
    for (auto &[index, module] : modules)
      drv->cuModuleUnload(module);
    if (startEvent)
      drv->cuEventDestroy(startEvent);
    if (stopEvent)
      drv->cuEventDestroy(stopEvent);
    if (ownStream)
      drv->cuStreamDestroy(ownStream);
  }
  drv->cuDevicePrimaryCtxRelease(dev);
}

Expected<CUdeviceptr> CudaSession::allocate(uint64_t bytes,
                                            const std::string &what) {
  if (bytes == 0)
    return CUdeviceptr(0);
  CUdeviceptr p = 0;
  if (Status s =
          drv->check(drv->cuMemAlloc(&p, bytes),
                     "cannot allocate " + std::to_string(bytes) +
                         " bytes for " + what + " on " + deviceDescription);
      !s.ok())
    return s;
  allocations.push_back(p);
  return p;
}

Status CudaSession::loadModule(uint32_t index) {
  if (modules.count(index))
    return Status::success();
  const ModuleDesc &m = art->modules()[index];
  std::string what =
      "module " + std::to_string(index) + " (target '" + m.target + "')";
  std::optional<SmArch> arch = parseSmArch(m.target);
  const ModuleImageDesc *cubin = m.find(ModuleFormat::Cubin);
  const ModuleImageDesc *ptx = m.find(ModuleFormat::Ptx);

  // A cubin runs on its own architecture and, unless arch-specific, on later
  // minor revisions of the same major one. PTX is compiled by the driver for
  // any architecture at least as new as its target.
  bool cubinRuns = cubin && arch &&
                   (arch->number == capability ||
                    (!arch->suffixed && arch->number / 10 == capability / 10 &&
                     arch->number <= capability));
  bool ptxRuns =
      ptx && (!arch || (arch->suffixed ? arch->number == capability
                                       : arch->number <= capability));
  std::string image;
  if (cubinRuns) {
    image.assign(reinterpret_cast<const char *>(cubin->data.data),
                 cubin->data.size);
  } else if (ptxRuns) {
    // The driver reads PTX as a NUL-terminated string.
    image.assign(reinterpret_cast<const char *>(ptx->data.data),
                 ptx->data.size);
    image.push_back('\0');
  } else {
    std::string has;
    for (const ModuleImageDesc &i : m.images)
      has += std::string(has.empty() ? "" : ", ") + moduleFormatName(i.format);
    return Status::failure(what + ": no image runs on " + deviceDescription +
                           " (the module has: " + has + ")");
  }

  char errorLog[8192] = {0};
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog) - 1)};
  CUmodule module = nullptr;
  CUresult r =
      drv->cuModuleLoadDataEx(&module, image.data(), 2, options, values);
  if (r != CUDA_SUCCESS) {
    std::string msg = "cannot load the " +
                      std::string(cubinRuns ? "cubin" : "PTX") + " of " + what +
                      " on " + deviceDescription + ": " + drv->errorString(r);
    if (errorLog[0])
      msg += "\n" + std::string(errorLog);
    return Status::failure(msg);
  }
  modules[index] = module;
  return Status::success();
}

Status CudaSession::init(int ordinal) {
  const CudaDriver &d = *drv;
  if (Status s = d.check(d.cuInit(0), "cannot initialise the CUDA driver");
      !s.ok())
    return s;
  int count = 0;
  if (Status s =
          d.check(d.cuDeviceGetCount(&count), "cannot count CUDA devices");
      !s.ok())
    return s;
  if (ordinal < 0 || ordinal >= count)
    return Status::failure("CUDA device " + std::to_string(ordinal) +
                           " requested, but " + std::to_string(count) +
                           " device" + (count == 1 ? " is" : "s are") +
                           " present");
  if (Status s =
          d.check(d.cuDeviceGet(&dev, ordinal), "cannot open CUDA device");
      !s.ok())
    return s;
  int major = 0, minor = 0, optinShared = 0;
  char name[256] = {0};
  d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                         dev);
  d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                         dev);
  d.cuDeviceGetAttribute(
      &optinShared, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev);
  d.cuDeviceGetName(name, sizeof(name) - 1, dev);
  capability = major * 10 + minor;
  deviceDescription =
      std::string(name) + " (sm_" + std::to_string(capability) + ")";
  if (Status s = d.check(d.cuDevicePrimaryCtxRetain(&context, dev),
                         "cannot create a context on " + deviceDescription);
      !s.ok()) {
    context = nullptr;
    return s;
  }

  ContextScope scope(*this);
  const Artifact &a = *art;
  std::map<CUfunction, unsigned> sharedNeeds;
  for (size_t i = 0; i < a.steps().size(); ++i) {
    const StepDesc &s = a.steps()[i];
    if (s.kind == StepDesc::Kind::LibraryCall)
      return Status::failure(a.describeStep(i) + ": library function '" +
                             s.call.function +
                             "' is not supported on CUDA devices yet");
    const LaunchDesc &l = s.launch;
    const KernelDesc &k = a.kernels()[l.kernel];
    if (Status st = loadModule(k.module); !st.ok())
      return Status::failure(a.describeStep(i) + ": " + st.message());
    CudaStep step;
    if (Status st = d.check(d.cuModuleGetFunction(&step.fn, modules[k.module],
                                                  k.symbol.c_str()),
                            a.describeStep(i) + ": cannot find kernel '" +
                                k.symbol + "'");
        !st.ok())
      return st;
    if (l.dynamicSharedBytes > static_cast<unsigned>(optinShared))
      return Status::failure(a.describeStep(i) + ": needs " +
                             std::to_string(l.dynamicSharedBytes) +
                             " bytes of dynamic shared memory, but " +
                             deviceDescription + " allows " +
                             std::to_string(optinShared));
    step.grid = l.grid;
    step.block = l.block;
    step.sharedBytes = l.dynamicSharedBytes;
    unsigned &need = sharedNeeds[step.fn];
    need = std::max(need, step.sharedBytes);
    steps.push_back(step);
  }
  // Above 48 KiB of dynamic shared memory a kernel must opt in.
  for (auto &[fn, bytes] : sharedNeeds)
    if (bytes > 48 * 1024)
      if (Status s =
              d.check(d.cuFuncSetAttribute(
                          fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                          int(bytes)),
                      "cannot raise a kernel's dynamic shared memory to " +
                          std::to_string(bytes) + " bytes");
          !s.ok())
        return s;

  Expected<CUdeviceptr> arena = allocate(a.arenaBytes(), "the arena");
  if (!arena)
    return arena.status();
  basePointers.resize(a.buffers().size());
  for (uint32_t b = 0; b < a.buffers().size(); ++b) {
    const BufferDesc &desc = a.buffers()[b];
    if (desc.role == BufferRole::Intermediate) {
      basePointers[b] = *arena + desc.arenaOffset;
      continue;
    }
    Expected<CUdeviceptr> p = allocate(desc.sizeBytes, a.describeBuffer(b));
    if (!p)
      return p.status();
    basePointers[b] = *p;
    if (desc.role == BufferRole::Constant && desc.sizeBytes)
      if (Status s = d.check(d.cuMemcpyHtoD(*p, desc.data.data, desc.sizeBytes),
                             "cannot upload " + a.describeBuffer(b));
          !s.ok())
        return s;
  }
  // A blocking stream (flags 0) orders after the synchronous copies of
  // setInput, which run on the legacy default stream.
  if (Status s =
          d.check(d.cuStreamCreate(&ownStream, 0), "cannot create a stream");
      !s.ok())
    return s;
  if (Status s = d.check(d.cuEventCreate(&startEvent, CU_EVENT_DEFAULT),
                         "cannot create an event");
      !s.ok())
    return s;
  return d.check(d.cuEventCreate(&stopEvent, CU_EVENT_DEFAULT),
                 "cannot create an event");
}

Status CudaSession::enqueue(const std::vector<CUdeviceptr> &pointers,
                            CUstream stream) {
  // Every run uses the one arena: a run on another stream than the last one
  // must not overlap it.
  if (lastStream && lastStream != stream)
    if (Status s = drv->check(drv->cuStreamSynchronize(lastStream),
                              "waiting for the previous run failed");
        !s.ok())
      return s;
  lastStream = stream;
  std::vector<CUdeviceptr> values;
  std::vector<void *> params;
  for (size_t i = 0; i < steps.size(); ++i) {
    const CudaStep &step = steps[i];
    const std::vector<uint32_t> &args = art->steps()[i].args();
    values.resize(args.size());
    params.resize(args.size());
    for (size_t j = 0; j < args.size(); ++j) {
      values[j] = pointers[args[j]];
      params[j] = &values[j];
    }
    CUresult r =
        drv->cuLaunchKernel(step.fn, step.grid[0], step.grid[1], step.grid[2],
                            step.block[0], step.block[1], step.block[2],
                            step.sharedBytes, stream, params.data(), nullptr);
    if (Status s = drv->check(r, art->describeStep(i) + ": launch failed");
        !s.ok())
      return s;
  }
  return Status::success();
}

Status CudaSession::setInput(size_t index, const void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/true, index, bytes); !s.ok())
    return s;
  if (!bytes)
    return Status::success();
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  return drv->check(
      drv->cuMemcpyHtoD(basePointers[art->inputs()[index]], host, bytes),
      "cannot copy input " + std::to_string(index) + " to " +
          deviceDescription);
}

Status CudaSession::getOutput(size_t index, void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/false, index, bytes); !s.ok())
    return s;
  if (!bytes)
    return Status::success();
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  return drv->check(
      drv->cuMemcpyDtoH(host, basePointers[art->outputs()[index]], bytes),
      "cannot copy output " + std::to_string(index) + " from " +
          deviceDescription);
}

Status CudaSession::run() {
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  if (Status s = enqueue(basePointers, ownStream); !s.ok())
    return s;
  return drv->check(drv->cuStreamSynchronize(ownStream),
                    "running the model on " + deviceDescription + " failed");
}

Expected<double> CudaSession::timedRun() {
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  const CudaDriver &d = *drv;
  if (Status s =
          d.check(d.cuEventRecord(startEvent, ownStream), "cuEventRecord");
      !s.ok())
    return s;
  if (Status s = enqueue(basePointers, ownStream); !s.ok())
    return s;
  if (Status s =
          d.check(d.cuEventRecord(stopEvent, ownStream), "cuEventRecord");
      !s.ok())
    return s;
  if (Status s =
          d.check(d.cuEventSynchronize(stopEvent),
                  "running the model on " + deviceDescription + " failed");
      !s.ok())
    return s;
  float ms = 0;
  if (Status s = d.check(d.cuEventElapsedTime(&ms, startEvent, stopEvent),
                         "cuEventElapsedTime");
      !s.ok())
    return s;
  return double(ms);
}

Status CudaSession::runWith(const std::vector<const void *> &inputs,
                            const std::vector<void *> &outputs, void *stream) {
  if (Status s = checkBindings(inputs.size(), outputs.size()); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  std::vector<CUdeviceptr> pointers = basePointers;
  for (size_t i = 0; i < inputs.size(); ++i)
    pointers[art->inputs()[i]] = reinterpret_cast<CUdeviceptr>(inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    pointers[art->outputs()[i]] = reinterpret_cast<CUdeviceptr>(outputs[i]);
  return enqueue(pointers, stream ? static_cast<CUstream>(stream) : ownStream);
}

} // namespace

Expected<std::unique_ptr<Session>>
createCudaSession(std::shared_ptr<const Artifact> artifact,
                  const SessionOptions &options) {
  Expected<std::shared_ptr<CudaDriver>> driver =
      CudaDriver::load(options.cudaDriverLibrary);
  if (!driver)
    return driver.status();
  auto session =
      std::make_unique<CudaSession>(std::move(artifact), driver.take());
  if (Status s = session->init(options.cudaDevice); !s.ok())
    return s;
  return std::unique_ptr<Session>(std::move(session));
}

} // namespace rong::runtime
