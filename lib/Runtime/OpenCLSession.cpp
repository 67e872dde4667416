//===- OpenCLSession.cpp - Executes artifacts on an OpenCL device ---------===//
//
// This file implements the OpenCL executor. At creation it opens the first
// OpenCL device (through the ICD loader, loaded with dlopen), builds each
// module's OpenCL C program, creates one kernel object per launch with its
// arguments already set, uploads the constants and allocates the inputs, the
// outputs and the arena, so that run() only enqueues the steps on one
// in-order queue and waits once. Library calls go to OpenCLLibraryCalls
// (CLBlast), copies to clEnqueueCopyBuffer.
//
// Intermediates are sub-buffers of one arena buffer at their arena offsets
// where the offset meets the device's base-address alignment
// (CL_DEVICE_MEM_BASE_ADDR_ALIGN, 128 bytes on PoCL); the others get a buffer
// of their own, which only costs the memory the arena would have shared.
//
//===----------------------------------------------------------------------===//

#include "OpenCLApi.h"
#include "OpenCLLibraryCalls.h"
#include "rong/Runtime/Session.h"

#include <chrono>
#include <map>
#include <mutex>

namespace rong::runtime {

using namespace opencl;

namespace {

struct OpenCLStep {
  enum class Kind { Launch, Gemm, Conv2D, Copy } kind = Kind::Launch;
  cl_handle kernel = nullptr;
  std::array<size_t, 3> global{1, 1, 1}, local{1, 1, 1};
  GemmCall gemm;
  Conv2DCall conv;
  CopyCall copy;
};

class OpenCLSession : public Session {
public:
  OpenCLSession(std::shared_ptr<const Artifact> artifact,
                std::unique_ptr<OpenCLContext> context)
      : Session(std::move(artifact)), ctx(std::move(context)),
        cl(ctx->api()) {}
  ~OpenCLSession() override;

  Status init(const SessionOptions &options);

  DeviceKind device() const override { return DeviceKind::OpenCL; }
  Status setInput(size_t index, const void *host, size_t bytes) override;
  Status run() override;
  Expected<double> timedRun() override;
  Status getOutput(size_t index, void *host, size_t bytes) override;
  Status runWith(const std::vector<const void *> &inputs,
                 const std::vector<void *> &outputs, void *stream) override;
  /// Host memory is copied to and from the device's buffers, at any
  /// address.
  uint64_t bindingAlignment(bool, size_t) const override { return 1; }

private:
  Expected<cl_handle> program(uint32_t module);
  Expected<cl_handle> createBuffer(uint64_t bytes, const std::string &what);
  Status createBuffers();
  Status prepareLaunch(size_t index, OpenCLStep &step);
  Status enqueue();
  Status finish();
  Status copyIn(size_t index, const void *host, size_t bytes);
  Status copyOut(size_t index, void *host, size_t bytes);

  std::unique_ptr<OpenCLContext> ctx;
  const OpenCLApi &cl;
  std::unique_ptr<OpenCLLibraryCalls> library;
  std::map<uint32_t, cl_handle> programs; // by module index
  std::vector<OpenCLStep> steps;
  std::vector<cl_handle> subBuffers, buffers; // released in this order
  std::vector<cl_handle> bufferOf;            // by artifact buffer index
  cl_handle scratch = nullptr;
  std::mutex runMutex; // the arena is shared: one run at a time
};

OpenCLSession::~OpenCLSession() {
  cl.Finish(ctx->queue());
  for (OpenCLStep &step : steps)
    if (step.kernel)
      cl.ReleaseKernel(step.kernel);
  for (auto &[index, p] : programs)
    cl.ReleaseProgram(p);
  for (cl_handle b : subBuffers)
    cl.ReleaseMemObject(b);
  for (cl_handle b : buffers)
    cl.ReleaseMemObject(b);
  library.reset();
}

Expected<cl_handle> OpenCLSession::program(uint32_t index) {
  auto it = programs.find(index);
  if (it != programs.end())
    return it->second;
  const ModuleDesc &m = art->modules()[index];
  std::string what =
      "module " + std::to_string(index) + " (target '" + m.target + "')";
  const ModuleImageDesc *image = m.find(ModuleFormat::OpenclC);
  if (!image) {
    std::string formats;
    for (const ModuleImageDesc &i : m.images)
      formats += std::string(formats.empty() ? "" : ", ") +
                 moduleFormatName(i.format);
    return Status::failure(what +
                           " has no opencl_c image, which the OpenCL "
                           "executor needs (it has: " +
                           formats + ")");
  }
  std::string source(reinterpret_cast<const char *>(image->data.data),
                     image->data.size);
  Expected<cl_handle> built = cl.buildProgram(
      ctx->context(), ctx->device(), source, "-cl-std=CL1.2",
      what + " on " + ctx->name());
  if (!built)
    return built.status();
  programs[index] = *built;
  return *built;
}

Expected<cl_handle> OpenCLSession::createBuffer(uint64_t bytes,
                                                const std::string &what) {
  cl_int err = CL_SUCCESS;
  // OpenCL has no empty buffers; an empty tensor gets one unused byte.
  cl_handle b = cl.CreateBuffer(ctx->context(), CL_MEM_READ_WRITE,
                                std::max<uint64_t>(bytes, 1), nullptr, &err);
  if (Status s = OpenCLApi::check(err, "allocating " + std::to_string(bytes) +
                                           " bytes for " + what + " on " +
                                           ctx->name());
      !s.ok())
    return s;
  buffers.push_back(b);
  return b;
}

Status OpenCLSession::createBuffers() {
  const Artifact &a = *art;
  cl_uint alignBits = 0;
  cl.GetDeviceInfo(ctx->device(), CL_DEVICE_MEM_BASE_ADDR_ALIGN,
                   sizeof(alignBits), &alignBits, nullptr);
  uint64_t align = std::max<uint64_t>(alignBits / 8, 1);
  cl_handle arena = nullptr;
  if (a.arenaBytes()) {
    Expected<cl_handle> b = createBuffer(a.arenaBytes(), "the arena");
    if (!b)
      return b.status();
    arena = *b;
  }
  bufferOf.assign(a.buffers().size(), nullptr);
  for (uint32_t i = 0; i < a.buffers().size(); ++i) {
    const BufferDesc &d = a.buffers()[i];
    if (d.role == BufferRole::Intermediate && d.sizeBytes &&
        d.arenaOffset % align == 0) {
      size_t region[2] = {size_t(d.arenaOffset), size_t(d.sizeBytes)};
      cl_int err = CL_SUCCESS;
      cl_handle sub = cl.CreateSubBuffer(arena, CL_MEM_READ_WRITE,
                                         CL_BUFFER_CREATE_TYPE_REGION, region,
                                         &err);
      if (Status s = OpenCLApi::check(err, "clCreateSubBuffer for " +
                                               a.describeBuffer(i));
          !s.ok())
        return s;
      subBuffers.push_back(sub);
      bufferOf[i] = sub;
      continue;
    }
    Expected<cl_handle> b = createBuffer(d.sizeBytes, a.describeBuffer(i));
    if (!b)
      return b.status();
    bufferOf[i] = *b;
    if (d.role == BufferRole::Constant && d.sizeBytes)
      if (Status s = OpenCLApi::check(
              cl.EnqueueWriteBuffer(ctx->queue(), *b, CL_TRUE, 0, d.sizeBytes,
                                    d.data.data, 0, nullptr, nullptr),
              "uploading " + a.describeBuffer(i));
          !s.ok())
        return s;
  }
  return Status::success();
}

Status OpenCLSession::prepareLaunch(size_t index, OpenCLStep &step) {
  const Artifact &a = *art;
  const LaunchDesc &l = a.steps()[index].launch;
  const KernelDesc &k = a.kernels()[l.kernel];
  std::string what = a.describeStep(index);
  Expected<cl_handle> p = program(k.module);
  if (!p)
    return Status::failure(what + ": " + p.message());
  cl_int err = CL_SUCCESS;
  step.kernel = cl.CreateKernel(*p, k.symbol.c_str(), &err);
  if (err != CL_SUCCESS) {
    step.kernel = nullptr;
    return OpenCLApi::check(err, what + ": clCreateKernel '" + k.symbol + "'");
  }
  size_t threads = 1;
  for (int d = 0; d < 3; ++d) {
    step.local[d] = l.block[d];
    step.global[d] = size_t(l.grid[d]) * l.block[d];
    threads *= l.block[d];
  }
  size_t maxThreads = 0;
  cl.GetKernelWorkGroupInfo(step.kernel, ctx->device(),
                            CL_KERNEL_WORK_GROUP_SIZE, sizeof(maxThreads),
                            &maxThreads, nullptr);
  if (maxThreads && threads > maxThreads)
    return Status::failure(what + ": kernel '" + k.symbol + "' runs " +
                           std::to_string(threads) +
                           " work-items per work-group, but " + ctx->name() +
                           " allows it " + std::to_string(maxThreads));
  cl_ulong localBytes = 0, staticLocal = 0;
  cl.GetDeviceInfo(ctx->device(), CL_DEVICE_LOCAL_MEM_SIZE, sizeof(localBytes),
                   &localBytes, nullptr);
  cl.GetKernelWorkGroupInfo(step.kernel, ctx->device(),
                            CL_KERNEL_LOCAL_MEM_SIZE, sizeof(staticLocal),
                            &staticLocal, nullptr);
  if (localBytes && l.dynamicSharedBytes + staticLocal > localBytes)
    return Status::failure(what + ": kernel '" + k.symbol + "' needs " +
                           std::to_string(l.dynamicSharedBytes + staticLocal) +
                           " bytes of local memory, but " + ctx->name() +
                           " has " + std::to_string(localBytes));

  // Buffers in launch order, then the dynamic __local argument where the
  // kernel declares one (row.block.smem kernels).
  cl_uint numArgs = 0;
  cl.GetKernelInfo(step.kernel, CL_KERNEL_NUM_ARGS, sizeof(numArgs), &numArgs,
                   nullptr);
  const std::vector<uint32_t> &args = l.args;
  if (numArgs != args.size() && numArgs != args.size() + 1)
    return Status::failure(what + ": kernel '" + k.symbol + "' takes " +
                           std::to_string(numArgs) + " arguments, but the "
                           "launch passes " + std::to_string(args.size()) +
                           " buffers");
  for (size_t j = 0; j < args.size(); ++j)
    if (Status s = OpenCLApi::check(
            cl.SetKernelArg(step.kernel, cl_uint(j), sizeof(cl_handle),
                            &bufferOf[args[j]]),
            what + ": clSetKernelArg " + std::to_string(j));
        !s.ok())
      return s;
  if (numArgs == args.size() + 1)
    if (Status s = OpenCLApi::check(
            cl.SetKernelArg(step.kernel, cl_uint(args.size()),
                            std::max<size_t>(l.dynamicSharedBytes, 1),
                            nullptr),
            what + ": clSetKernelArg (dynamic local memory)");
        !s.ok())
      return s;
  return Status::success();
}

Status OpenCLSession::init(const SessionOptions &options) {
  const Artifact &a = *art;
  if (Status s = createBuffers(); !s.ok())
    return s;
  bool needsBlas = false, needsConv = false;
  size_t scratchBytes = 0;
  steps.resize(a.steps().size());
  for (size_t i = 0; i < a.steps().size(); ++i) {
    const StepDesc &s = a.steps()[i];
    OpenCLStep &step = steps[i];
    if (s.kind == StepDesc::Kind::Launch) {
      if (Status st = prepareLaunch(i, step); !st.ok())
        return st;
      continue;
    }
    const std::string &fn = s.call.function;
    if (fn == "copy") {
      Expected<CopyCall> copy = decodeCopy(a, i);
      if (!copy)
        return copy.status();
      step.kind = OpenCLStep::Kind::Copy;
      step.copy = *copy;
    } else if (fn == "conv2d") {
      Expected<Conv2DCall> conv = decodeConv2D(a, i);
      if (!conv)
        return conv.status();
      if (Status st = OpenCLLibraryCalls::checkConv2D(*conv, a.describeStep(i));
          !st.ok())
        return st;
      step.kind = OpenCLStep::Kind::Conv2D;
      step.conv = *conv;
      needsBlas = needsConv = true;
      scratchBytes = std::max(scratchBytes,
                              OpenCLLibraryCalls::conv2DScratchBytes(*conv));
    } else if (isGemm(fn)) {
      Expected<GemmCall> gemm = decodeGemm(a, i);
      if (!gemm)
        return gemm.status();
      if (Status st = OpenCLLibraryCalls::checkGemm(*gemm, a.describeStep(i));
          !st.ok())
        return st;
      step.kind = OpenCLStep::Kind::Gemm;
      step.gemm = *gemm;
      needsBlas = true;
    } else {
      return Status::failure(a.describeStep(i) + ": library function '" + fn +
                             "' is not supported on OpenCL devices");
    }
  }
  if (needsBlas) {
    Expected<std::unique_ptr<OpenCLLibraryCalls>> calls =
        OpenCLLibraryCalls::create(*ctx, options.clblastLibrary, needsConv);
    if (!calls)
      return calls.status();
    library = calls.take();
  }
  if (scratchBytes) {
    Expected<cl_handle> b =
        createBuffer(scratchBytes, "the convolution scratch buffer");
    if (!b)
      return b.status();
    scratch = *b;
  }
  return Status::success();
}

Status OpenCLSession::enqueue() {
  cl_handle queue = ctx->queue();
  for (size_t i = 0; i < steps.size(); ++i) {
    const OpenCLStep &step = steps[i];
    Status s = Status::success();
    switch (step.kind) {
    case OpenCLStep::Kind::Launch:
      s = OpenCLApi::check(
          cl.EnqueueNDRangeKernel(queue, step.kernel, 3, nullptr,
                                  step.global.data(), step.local.data(), 0,
                                  nullptr, nullptr),
          "clEnqueueNDRangeKernel");
      break;
    case OpenCLStep::Kind::Copy:
      if (step.copy.bytes)
        s = OpenCLApi::check(cl.EnqueueCopyBuffer(queue,
                                                  bufferOf[step.copy.src],
                                                  bufferOf[step.copy.dst], 0,
                                                  0, step.copy.bytes, 0,
                                                  nullptr, nullptr),
                             "clEnqueueCopyBuffer");
      break;
    case OpenCLStep::Kind::Gemm: {
      const GemmCall &g = step.gemm;
      s = library->gemm(g, bufferOf[g.a], bufferOf[g.b], bufferOf[g.c]);
      break;
    }
    case OpenCLStep::Kind::Conv2D: {
      const Conv2DCall &c = step.conv;
      s = library->conv2d(c, bufferOf[c.input], bufferOf[c.weight],
                          c.hasBias ? bufferOf[c.bias] : nullptr,
                          bufferOf[c.output], scratch);
      break;
    }
    }
    if (!s.ok()) {
      // Leave nothing running on the session's buffers.
      cl.Finish(queue);
      return Status::failure(art->describeStep(i) + ": " + s.message());
    }
  }
  return Status::success();
}

Status OpenCLSession::finish() {
  return OpenCLApi::check(cl.Finish(ctx->queue()),
                          "running the model on " + ctx->name());
}

Status OpenCLSession::copyIn(size_t index, const void *host, size_t bytes) {
  if (!bytes)
    return Status::success();
  return OpenCLApi::check(
      cl.EnqueueWriteBuffer(ctx->queue(), bufferOf[art->inputs()[index]],
                            CL_TRUE, 0, bytes, host, 0, nullptr, nullptr),
      "copying input " + std::to_string(index) + " to " + ctx->name());
}

Status OpenCLSession::copyOut(size_t index, void *host, size_t bytes) {
  if (!bytes)
    return Status::success();
  return OpenCLApi::check(
      cl.EnqueueReadBuffer(ctx->queue(), bufferOf[art->outputs()[index]],
                           CL_TRUE, 0, bytes, host, 0, nullptr, nullptr),
      "copying output " + std::to_string(index) + " from " + ctx->name());
}

Status OpenCLSession::setInput(size_t index, const void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/true, index, bytes); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  return copyIn(index, host, bytes);
}

Status OpenCLSession::getOutput(size_t index, void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/false, index, bytes); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  return copyOut(index, host, bytes);
}

Status OpenCLSession::run() {
  std::lock_guard<std::mutex> lock(runMutex);
  if (Status s = enqueue(); !s.ok())
    return s;
  return finish();
}

Expected<double> OpenCLSession::timedRun() {
  // Host time around the whole run, waiting included: PoCL, the CI device,
  // runs on the host anyway, and no event profiling is needed.
  auto start = std::chrono::steady_clock::now();
  if (Status s = run(); !s.ok())
    return s;
  std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count();
}

Status OpenCLSession::runWith(const std::vector<const void *> &inputs,
                              const std::vector<void *> &outputs, void *) {
  if (Status s = checkBindings(inputs, outputs); !s.ok())
    return s;
  // Host memory: copied into the session's buffers and back, blocking.
  std::lock_guard<std::mutex> lock(runMutex);
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status s = copyIn(i, inputs[i],
                          art->buffers()[art->inputs()[i]].sizeBytes);
        !s.ok())
      return s;
  if (Status s = enqueue(); !s.ok())
    return s;
  if (Status s = finish(); !s.ok())
    return s;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (Status s = copyOut(i, outputs[i],
                           art->buffers()[art->outputs()[i]].sizeBytes);
        !s.ok())
      return s;
  return Status::success();
}

} // namespace

Expected<std::unique_ptr<Session>>
createOpenCLSession(std::shared_ptr<const Artifact> artifact,
                    const SessionOptions &options) {
  Expected<std::shared_ptr<OpenCLApi>> api =
      OpenCLApi::load(options.openclLibrary);
  if (!api)
    return api.status();
  Expected<std::unique_ptr<OpenCLContext>> context =
      OpenCLContext::create(api.take());
  if (!context)
    return context.status();
  auto session =
      std::make_unique<OpenCLSession>(std::move(artifact), context.take());
  if (Status s = session->init(options); !s.ok())
    return s;
  return std::unique_ptr<Session>(std::move(session));
}

} // namespace rong::runtime
