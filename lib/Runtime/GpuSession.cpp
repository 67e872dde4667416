//===- GpuSession.cpp - Executes artifacts on CUDA and HIP devices --------===//
//
// This file implements the GPU executor on a driver-style API (GpuDriver.h):
// NVIDIA's driver API or AMD's HIP module API, resolved from a table of
// symbol names. At creation it binds the device (CUDA: retains the primary
// context, the one the CUDA runtime and so PyTorch use; HIP: hipSetDevice),
// picks for each module the image the device can run (CUDA: a cubin for its
// architecture, else the PTX, which the driver compiles; HIP: the HSA code
// object), resolves the kernels, uploads the constants and allocates the
// arena. A run then only enqueues launches, GEMMs (the vendor BLAS, GpuBlas.h)
// and device-to-device copies. The GPU kernel ABI is the bare
// pointer convention: kernel parameter i is the device address of the
// launch's i-th argument buffer.
//
//===----------------------------------------------------------------------===//

#include "GpuBlas.h"
#include "GpuBlasLt.h"
#include "GpuDriver.h"
#include "rong/Runtime/Session.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

namespace rong::runtime {

using namespace gpu;

constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr int CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr unsigned CU_EVENT_DEFAULT = 0;
/// LDS per work-group on every GCN/CDNA chip (gfx9).
constexpr unsigned kAmdLdsBytes = 64 * 1024;

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

/// cuBLASLt's workspace, shared by every GEMM of a session (what PyTorch
/// gives cuBLAS on Hopper).
constexpr uint64_t kBlasLtWorkspaceBytes = 32ull << 20;

struct GpuStep {
  enum class Kind { Launch, Gemm, Copy } kind = Kind::Launch;
  Function fn = nullptr;
  Dim3 grid, block;
  unsigned sharedBytes = 0;
  GemmCall gemm;
  /// A GEMM with a bias: cuBLASLt's plan, or null when the bias is copied
  /// into C and cuBLAS accumulates onto it (beta = 1).
  std::shared_ptr<const GpuBlasLt::Plan> biasPlan;
  CopyCall copy;
};

/// The cuBLASLt libraries that go with `cublas`: "libcublas.so.13" ->
/// "libcublasLt.so.13", in the same directory.
std::vector<std::string> blasLtLibraries(const std::vector<std::string> &cublas) {
  std::vector<std::string> lt;
  for (const std::string &path : cublas) {
    size_t at = path.rfind("libcublas");
    if (at != std::string::npos && path.compare(at, 11, "libcublasLt") != 0)
      lt.push_back(path.substr(0, at) + "libcublasLt" + path.substr(at + 9));
  }
  return lt;
}

class GpuSession : public Session {
public:
  GpuSession(std::shared_ptr<const Artifact> artifact,
             std::shared_ptr<GpuDriver> driver, DeviceKind kind,
             std::vector<std::string> blasLibraries)
      : Session(std::move(artifact)), drv(std::move(driver)), kind(kind),
        blasLibraries(std::move(blasLibraries)) {}
  ~GpuSession() override;

  Status init(int ordinal);

  DeviceKind device() const override { return kind; }
  Status setInput(size_t index, const void *host, size_t bytes) override;
  Status run() override;
  Expected<double> timedRun() override;
  Expected<std::vector<double>> profiledRun() override;
  Status getOutput(size_t index, void *host, size_t bytes) override;
  Status runWith(const std::vector<const void *> &inputs,
                 const std::vector<void *> &outputs, void *stream) override;
  void *nativeStream() const override { return ownStream; }
  Status synchronize(void *stream) override;

private:
  /// Binds the session's device to the calling thread for the scope: pushes
  /// its context (CUDA) or selects it (HIP).
  class ContextScope {
  public:
    explicit ContextScope(const GpuSession &s) : drv(*s.drv) {
      if (drv.table().contextModel == ContextModel::PrimaryContext) {
        drv.ctxPushCurrent(s.context);
        pushed = true;
      } else {
        drv.setDevice(s.ordinal);
      }
    }
    ~ContextScope() {
      Context popped;
      if (pushed)
        drv.ctxPopCurrent(&popped);
    }

  private:
    const GpuDriver &drv;
    bool pushed = false;
  };

  bool isCuda() const { return drv->table().family == DriverFamily::Cuda; }
  const char *api() const { return drv->table().apiName; }

  Status loadModule(uint32_t index);
  Status addLaunch(size_t index, std::map<Function, unsigned> &sharedNeeds,
                   int sharedLimit);
  Status addLibraryCall(size_t index);
  Expected<DevicePtr> allocate(uint64_t bytes, const std::string &what);
  /// Enqueues every step on `stream`; with `marks` (one event per step and
  /// one more), records marks[i] before step i and the last after them.
  Status enqueue(const std::vector<DevicePtr> &pointers, Stream stream,
                 const std::vector<Event> *marks = nullptr);
  Status planBias(size_t index, GpuStep &step);
  Status enqueueGemm(const GpuStep &step,
                     const std::vector<DevicePtr> &pointers, Stream stream);

  std::shared_ptr<GpuDriver> drv;
  DeviceKind kind;
  std::vector<std::string> blasLibraries;
  std::unique_ptr<GpuBlas> blas; // created when the plan has a GEMM
  std::unique_ptr<GpuBlasLt> blasLt; // ... and when one has a bias
  std::string blasLtError;           // why cuBLASLt could not be loaded
  DevicePtr blasLtWorkspace = 0;
  int ordinal = 0;
  bool bound = false; // the device (and on CUDA its context) is held
  Device dev = 0;
  Context context = nullptr;
  std::string deviceDescription; // "NVIDIA H100 (sm_90)"
  int capability = 0;            // 90 for 9.0
  std::map<uint32_t, Module> modules;
  std::vector<GpuStep> steps;
  std::vector<DevicePtr> allocations;
  std::vector<DevicePtr> basePointers; // by buffer index
  Stream ownStream = nullptr;
  Event startEvent = nullptr, stopEvent = nullptr;
  std::vector<Event> stepEvents; // profiledRun's, created on its first call
  Stream lastStream = nullptr; // where the arena was last used
  std::mutex runMutex;           // the arena is shared: one run at a time
};

GpuSession::~GpuSession() {
  if (!bound)
    return;
  {
    ContextScope scope(*this);
    if (ownStream)
      drv->streamSynchronize(ownStream);
    steps.clear(); // the cuBLASLt plans, before their library goes
    blasLt.reset();
    blas.reset();
    for (DevicePtr p : allocations)
      drv->memFree(p);
    for (auto &[index, module] : modules)
      drv->moduleUnload(module);
    if (startEvent)
      drv->eventDestroy(startEvent);
    if (stopEvent)
      drv->eventDestroy(stopEvent);
    for (Event e : stepEvents)
      drv->eventDestroy(e);
    if (ownStream)
      drv->streamDestroy(ownStream);
  }
  if (drv->primaryCtxRelease)
    drv->primaryCtxRelease(dev);
}

Expected<DevicePtr> GpuSession::allocate(uint64_t bytes,
                                            const std::string &what) {
  if (bytes == 0)
    return DevicePtr(0);
  DevicePtr p = 0;
  if (Status s =
          drv->check(drv->memAlloc(&p, bytes),
                     "cannot allocate " + std::to_string(bytes) +
                         " bytes for " + what + " on " + deviceDescription);
      !s.ok())
    return s;
  allocations.push_back(p);
  return p;
}

/// The image of module `m` a CUDA device of compute capability `capability`
/// runs (a cubin for its architecture, else PTX the driver compiles), with
/// the image kind for messages; null where none runs.
const ModuleImageDesc *pickCudaImage(const ModuleDesc &m, int capability,
                                     bool &isPtx) {
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
  isPtx = !cubinRuns && ptxRuns;
  return cubinRuns ? cubin : ptxRuns ? ptx : nullptr;
}

Status GpuSession::loadModule(uint32_t index) {
  if (modules.count(index))
    return Status::success();
  const ModuleDesc &m = art->modules()[index];
  std::string what =
      "module " + std::to_string(index) + " (target '" + m.target + "')";
  bool isPtx = false;
  const ModuleImageDesc *chosen =
      isCuda() ? pickCudaImage(m, capability, isPtx)
               : m.find(ModuleFormat::Hsaco);
  if (!chosen) {
    std::string has;
    for (const ModuleImageDesc &i : m.images)
      has += std::string(has.empty() ? "" : ", ") + moduleFormatName(i.format);
    return Status::failure(what + ": no image runs on " + deviceDescription +
                           " (the module has: " + has + ")");
  }
  std::string image(reinterpret_cast<const char *>(chosen->data.data),
                    chosen->data.size);
  // The driver reads PTX as a NUL-terminated string.
  if (isPtx)
    image.push_back('\0');

  char errorLog[8192] = {0};
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog) - 1)};
  Module module = nullptr;
  // Only the PTX JIT writes a log; HIP ignores load options.
  Result r = drv->moduleLoadDataEx(&module, image.data(), isPtx ? 2 : 0,
                                   isPtx ? options : nullptr,
                                   isPtx ? values : nullptr);
  if (r != kSuccess) {
    std::string msg = "cannot load the " +
                      std::string(moduleFormatName(chosen->format)) + " of " +
                      what + " on " + deviceDescription + ": " +
                      drv->errorString(r);
    if (errorLog[0])
      msg += "\n" + std::string(errorLog);
    return Status::failure(msg);
  }
  modules[index] = module;
  return Status::success();
}

Status GpuSession::addLaunch(size_t i,
                             std::map<Function, unsigned> &sharedNeeds,
                             int sharedLimit) {
  const Artifact &a = *art;
  const LaunchDesc &l = a.steps()[i].launch;
  const KernelDesc &k = a.kernels()[l.kernel];
  if (Status st = loadModule(k.module); !st.ok())
    return Status::failure(a.describeStep(i) + ": " + st.message());
  GpuStep step;
  if (Status st = drv->check(drv->moduleGetFunction(&step.fn, modules[k.module],
                                                    k.symbol.c_str()),
                             a.describeStep(i) + ": cannot find kernel '" +
                                 k.symbol + "'");
      !st.ok())
    return st;
  if (l.dynamicSharedBytes > static_cast<unsigned>(sharedLimit))
    return Status::failure(a.describeStep(i) + ": needs " +
                           std::to_string(l.dynamicSharedBytes) +
                           " bytes of dynamic shared memory, but " +
                           deviceDescription + " allows " +
                           std::to_string(sharedLimit));
  step.grid = l.grid;
  step.block = l.block;
  step.sharedBytes = l.dynamicSharedBytes;
  unsigned &need = sharedNeeds[step.fn];
  need = std::max(need, step.sharedBytes);
  steps.push_back(step);
  return Status::success();
}

Status GpuSession::addLibraryCall(size_t i) {
  const Artifact &a = *art;
  const std::string &function = a.steps()[i].call.function;
  GpuStep step;
  if (function == "copy") {
    Expected<CopyCall> copy = decodeCopy(a, i);
    if (!copy)
      return copy.status();
    step.kind = GpuStep::Kind::Copy;
    step.copy = *copy;
    steps.push_back(step);
    return Status::success();
  }
  if (!isGemm(function))
    return Status::failure(a.describeStep(i) + ": library function '" +
                           function + "' is not supported on " + api() +
                           " devices yet");
  Expected<GemmCall> gemm = decodeGemm(a, i);
  if (!gemm)
    return gemm.status();
  if (!isCuda())
    return Status::failure(a.describeStep(i) + ": " + function +
                           " needs a BLAS, and " + api() +
                           " sessions have none yet (hipBLAS is not wired)");
  if (!blas) {
    Expected<std::unique_ptr<GpuBlas>> loaded =
        GpuBlas::create(cublasTable(), blasLibraries);
    if (!loaded)
      return Status::failure(a.describeStep(i) + ": " + loaded.message());
    blas = loaded.take();
  }
  if (Status st = GpuBlas::supports(blas->table(), *gemm); !st.ok())
    return Status::failure(a.describeStep(i) + ": " + st.message());
  step.kind = GpuStep::Kind::Gemm;
  step.gemm = *gemm;
  if (gemm->hasBias)
    if (Status st = planBias(i, step); !st.ok())
      return st;
  steps.push_back(step);
  return Status::success();
}

Status GpuSession::planBias(size_t index, GpuStep &step) {
  const GemmCall &g = step.gemm;
  std::string reason;
  if (!blasLt && blasLtError.empty()) {
    Expected<std::unique_ptr<GpuBlasLt>> loaded =
        GpuBlasLt::create(cublasLtTable(), blasLtLibraries(blasLibraries));
    if (loaded)
      blasLt = loaded.take();
    else
      blasLtError = loaded.message();
  }
  if (blasLt) {
    if (!blasLtWorkspace) {
      Expected<DevicePtr> w =
          allocate(kBlasLtWorkspaceBytes, "cuBLASLt's workspace");
      if (!w)
        return w.status();
      blasLtWorkspace = *w;
    }
    Expected<std::unique_ptr<GpuBlasLt::Plan>> plan =
        blasLt->plan(g, kBlasLtWorkspaceBytes);
    if (plan) {
      step.biasPlan = std::shared_ptr<const GpuBlasLt::Plan>(plan.take());
      return Status::success();
    }
    reason = plan.message();
  } else {
    reason = blasLtError;
  }
  // Without cuBLASLt: copy the bias into every row of C, then accumulate the
  // product onto it. One rounding still, at the price of writing C twice;
  // this needs C packed densely and no beta of its own.
  bool dense = g.ldc() == g.n && g.outerBatch == 1 && g.offsetC == 0 &&
               (g.batch == 1 || g.strideC == g.m * g.n) && g.beta == 0;
  if (!dense)
    return Status::failure(art->describeStep(index) +
                           ": the GEMM's bias needs cuBLASLt: " + reason);
  step.gemm.beta = 1;
  return Status::success();
}

Status GpuSession::enqueueGemm(const GpuStep &step,
                               const std::vector<DevicePtr> &pointers,
                               Stream stream) {
  const GemmCall &g = step.gemm;
  if (g.hasBias && step.biasPlan)
    return blasLt->run(*step.biasPlan, pointers[g.a], pointers[g.b],
                       pointers[g.bias], pointers[g.c], blasLtWorkspace,
                       stream);
  if (g.hasBias) {
    // Row 0 from the bias, then each copy doubles the rows filled.
    uint64_t row = uint64_t(g.n) * dtypeSize(g.dtype);
    uint64_t rows = uint64_t(g.m) * g.batch;
    DevicePtr c = pointers[g.c];
    if (rows)
      if (Status s = drv->check(
              drv->memcpyDtoDAsync(c, pointers[g.bias], row, stream),
              "copying the bias into the GEMM's result failed");
          !s.ok())
        return s;
    for (uint64_t filled = 1; filled < rows;) {
      uint64_t count = std::min(filled, rows - filled);
      if (Status s = drv->check(drv->memcpyDtoDAsync(c + filled * row, c,
                                                     count * row, stream),
                                "copying the bias into the GEMM's result "
                                "failed");
          !s.ok())
        return s;
      filled += count;
    }
  }
  return blas->gemm(g, pointers[g.a], pointers[g.b], pointers[g.c], stream);
}

Status GpuSession::init(int deviceOrdinal) {
  const GpuDriver &d = *drv;
  std::string apiName = api();
  if (Status s = d.check(d.init(0), "cannot initialise the " + apiName +
                                        " driver");
      !s.ok())
    return Status::failure(s.message() + d.table().initHint);
  int count = 0;
  if (Status s = d.check(d.deviceGetCount(&count),
                         "cannot count " + apiName + " devices");
      !s.ok())
    return s;
  if (deviceOrdinal < 0 || deviceOrdinal >= count)
    return Status::failure(apiName + " device " +
                           std::to_string(deviceOrdinal) + " requested, but " +
                           std::to_string(count) + " device" +
                           (count == 1 ? " is" : "s are") + " present");
  ordinal = deviceOrdinal;
  if (Status s = d.check(d.deviceGet(&dev, ordinal),
                         "cannot open " + apiName + " device");
      !s.ok())
    return s;
  char name[256] = {0};
  d.deviceGetName(name, sizeof(name) - 1, dev);
  int sharedLimit = kAmdLdsBytes;
  if (isCuda()) {
    int major = 0, minor = 0;
    d.deviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                         dev);
    d.deviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                         dev);
    d.deviceGetAttribute(&sharedLimit,
                         CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                         dev);
    capability = major * 10 + minor;
    deviceDescription =
        std::string(name) + " (sm_" + std::to_string(capability) + ")";
  } else {
    deviceDescription =
        std::string(name) + " (HIP device " + std::to_string(ordinal) + ")";
  }
  if (d.table().contextModel == ContextModel::PrimaryContext) {
    if (Status s = d.check(d.primaryCtxRetain(&context, dev),
                           "cannot create a context on " + deviceDescription);
        !s.ok())
      return s;
  } else if (Status s = d.check(d.setDevice(ordinal),
                                "cannot select " + deviceDescription);
             !s.ok()) {
    return s;
  }
  bound = true;

  ContextScope scope(*this);
  const Artifact &a = *art;
  std::map<Function, unsigned> sharedNeeds;
  for (size_t i = 0; i < a.steps().size(); ++i) {
    Status st = a.steps()[i].kind == StepDesc::Kind::LibraryCall
                    ? addLibraryCall(i)
                    : addLaunch(i, sharedNeeds, sharedLimit);
    if (!st.ok())
      return st;
  }
  // Above 48 KiB of dynamic shared memory a kernel must opt in.
  for (auto &[fn, bytes] : sharedNeeds)
    if (bytes > 48 * 1024 && d.funcSetAttribute)
      if (Status s =
              d.check(d.funcSetAttribute(
                          fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                          int(bytes)),
                      "cannot raise a kernel's dynamic shared memory to " +
                          std::to_string(bytes) + " bytes");
          !s.ok())
        return s;

  Expected<DevicePtr> arena = allocate(a.arenaBytes(), "the arena");
  if (!arena)
    return arena.status();
  basePointers.resize(a.buffers().size());
  for (uint32_t b = 0; b < a.buffers().size(); ++b) {
    const BufferDesc &desc = a.buffers()[b];
    if (desc.role == BufferRole::Intermediate) {
      basePointers[b] = *arena + desc.arenaOffset;
      continue;
    }
    Expected<DevicePtr> p = allocate(desc.sizeBytes, a.describeBuffer(b));
    if (!p)
      return p.status();
    basePointers[b] = *p;
    if (desc.role == BufferRole::Constant && desc.sizeBytes)
      if (Status s = d.check(d.memcpyHtoD(*p, desc.data.data, desc.sizeBytes),
                             "cannot upload " + a.describeBuffer(b));
          !s.ok())
        return s;
  }
  // A blocking stream (flags 0) orders after the synchronous copies of
  // setInput, which run on the legacy default stream.
  if (Status s =
          d.check(d.streamCreate(&ownStream, 0), "cannot create a stream");
      !s.ok())
    return s;
  if (Status s = d.check(d.eventCreate(&startEvent, CU_EVENT_DEFAULT),
                         "cannot create an event");
      !s.ok())
    return s;
  return d.check(d.eventCreate(&stopEvent, CU_EVENT_DEFAULT),
                 "cannot create an event");
}

Status GpuSession::enqueue(const std::vector<DevicePtr> &pointers,
                            Stream stream, const std::vector<Event> *marks) {
  // Every run uses the one arena: a run on another stream than the last one
  // must not overlap it.
  if (lastStream && lastStream != stream)
    if (Status s = drv->check(drv->streamSynchronize(lastStream),
                              "waiting for the previous run failed");
        !s.ok())
      return s;
  lastStream = stream;
  std::vector<DevicePtr> values;
  std::vector<void *> params;
  auto mark = [&](size_t i) {
    return marks ? drv->check(drv->eventRecord((*marks)[i], stream),
                              "recording an event")
                 : Status::success();
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const GpuStep &step = steps[i];
    Status status = mark(i);
    if (!status.ok())
      return status;
    switch (step.kind) {
    case GpuStep::Kind::Gemm:
      status = enqueueGemm(step, pointers, stream);
      break;
    case GpuStep::Kind::Copy:
      status = drv->check(
          drv->memcpyDtoDAsync(pointers[step.copy.dst],
                               pointers[step.copy.src], step.copy.bytes,
                               stream),
          "the copy failed");
      break;
    case GpuStep::Kind::Launch: {
      const std::vector<uint32_t> &args = art->steps()[i].args();
      values.resize(args.size());
      params.resize(args.size());
      for (size_t j = 0; j < args.size(); ++j) {
        values[j] = pointers[args[j]];
        params[j] = &values[j];
      }
      status = drv->check(
          drv->launchKernel(step.fn, step.grid[0], step.grid[1], step.grid[2],
                            step.block[0], step.block[1], step.block[2],
                            step.sharedBytes, stream, params.data(), nullptr),
          "launch failed");
      break;
    }
    }
    if (!status.ok())
      return Status::failure(art->describeStep(i) + ": " + status.message());
  }
  return mark(steps.size());
}

Status GpuSession::setInput(size_t index, const void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/true, index, bytes); !s.ok())
    return s;
  if (!bytes)
    return Status::success();
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  return drv->check(
      drv->memcpyHtoD(basePointers[art->inputs()[index]], host, bytes),
      "cannot copy input " + std::to_string(index) + " to " +
          deviceDescription);
}

Status GpuSession::getOutput(size_t index, void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/false, index, bytes); !s.ok())
    return s;
  if (!bytes)
    return Status::success();
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  return drv->check(
      drv->memcpyDtoH(host, basePointers[art->outputs()[index]], bytes),
      "cannot copy output " + std::to_string(index) + " from " +
          deviceDescription);
}

Status GpuSession::run() {
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  if (Status s = enqueue(basePointers, ownStream); !s.ok())
    return s;
  return drv->check(drv->streamSynchronize(ownStream),
                    "running the model on " + deviceDescription + " failed");
}

Expected<double> GpuSession::timedRun() {
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  const GpuDriver &d = *drv;
  if (Status s =
          d.check(d.eventRecord(startEvent, ownStream), "recording an event");
      !s.ok())
    return s;
  if (Status s = enqueue(basePointers, ownStream); !s.ok())
    return s;
  if (Status s =
          d.check(d.eventRecord(stopEvent, ownStream), "recording an event");
      !s.ok())
    return s;
  if (Status s =
          d.check(d.eventSynchronize(stopEvent),
                  "running the model on " + deviceDescription + " failed");
      !s.ok())
    return s;
  float ms = 0;
  if (Status s = d.check(d.eventElapsedTime(&ms, startEvent, stopEvent),
                         "reading an event timer");
      !s.ok())
    return s;
  return double(ms);
}

Expected<std::vector<double>> GpuSession::profiledRun() {
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  const GpuDriver &d = *drv;
  while (stepEvents.size() < steps.size() + 1) {
    Event e = nullptr;
    if (Status s = d.check(d.eventCreate(&e, CU_EVENT_DEFAULT),
                           "cannot create an event");
        !s.ok())
      return s;
    stepEvents.push_back(e);
  }
  if (Status s = enqueue(basePointers, ownStream, &stepEvents); !s.ok())
    return s;
  if (Status s =
          d.check(d.eventSynchronize(stepEvents.back()),
                  "running the model on " + deviceDescription + " failed");
      !s.ok())
    return s;
  std::vector<double> stepMs(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    float ms = 0;
    if (Status s = d.check(
            d.eventElapsedTime(&ms, stepEvents[i], stepEvents[i + 1]),
            "reading an event timer");
        !s.ok())
      return s;
    stepMs[i] = ms;
  }
  return stepMs;
}

Status GpuSession::runWith(const std::vector<const void *> &inputs,
                            const std::vector<void *> &outputs, void *stream) {
  if (Status s = checkBindings(inputs, outputs); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  ContextScope scope(*this);
  std::vector<DevicePtr> pointers = basePointers;
  for (size_t i = 0; i < inputs.size(); ++i)
    pointers[art->inputs()[i]] = reinterpret_cast<DevicePtr>(inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    pointers[art->outputs()[i]] = reinterpret_cast<DevicePtr>(outputs[i]);
  return enqueue(pointers, stream ? static_cast<Stream>(stream) : ownStream);
}

Status GpuSession::synchronize(void *stream) {
  ContextScope scope(*this);
  return drv->check(
      drv->streamSynchronize(stream ? static_cast<Stream>(stream) : ownStream),
      "waiting for the stream");
}

/// Creates a session on `table`'s API from the first of `libraries` that
/// loads.
Expected<std::unique_ptr<Session>>
createDriverSession(std::shared_ptr<const Artifact> artifact,
                    const DriverTable &table,
                    const std::vector<std::string> &libraries, int ordinal,
                    DeviceKind kind,
                    const std::vector<std::string> &blasLibraries) {
  Expected<std::shared_ptr<GpuDriver>> driver =
      GpuDriver::load(table, libraries);
  if (!driver)
    return driver.status();
  auto session =
      std::make_unique<GpuSession>(std::move(artifact), driver.take(), kind,
                                   blasLibraries);
  if (Status s = session->init(ordinal); !s.ok())
    return s;
  return std::unique_ptr<Session>(std::move(session));
}

} // namespace

Expected<std::unique_ptr<Session>>
createCudaSession(std::shared_ptr<const Artifact> artifact,
                  const SessionOptions &options) {
  return createDriverSession(std::move(artifact), cudaDriverTable(),
                             {options.cudaDriverLibrary}, options.gpuDevice,
                             DeviceKind::Cuda, options.cublasLibraries);
}

Expected<std::unique_ptr<Session>>
createHipSession(std::shared_ptr<const Artifact> artifact,
                 const SessionOptions &options) {
  return createDriverSession(std::move(artifact), hipDriverTable(),
                             options.hipLibraries, options.gpuDevice,
                             DeviceKind::Hip, {});
}

} // namespace rong::runtime
