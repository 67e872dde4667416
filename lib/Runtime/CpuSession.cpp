//===- CpuSession.cpp - Executes artifacts on the CPU
//----------------------===//
//
// This file implements the CPU executor. At creation it loads the ELF shared
// objects the plan's launches need, resolves every kernel symbol, decodes
// every library call and allocates the arena, so that run() only walks the
// steps. Each launch's work items [0, grid.x) are split into contiguous
// ranges across the thread pool; the CPU kernel ABI is
//
//   extern "C" void kernel(void **args, int64_t begin, int64_t end);
//
// with args[i] the base address of the launch's i-th argument buffer.
//
//===----------------------------------------------------------------------===//

#include "CpuBlas.h"
#include "DynamicLibrary.h"
#include "rong/Runtime/Session.h"
#include "rong/Runtime/ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace rong::runtime {

namespace {

using CpuKernelFn = void (*)(void **args, int64_t begin, int64_t end);

/// Host memory aligned like the artifact's data, freed on destruction.
class AlignedMemory {
public:
  AlignedMemory() = default;
  explicit AlignedMemory(uint64_t bytes) {
    uint64_t rounded = (std::max<uint64_t>(bytes, 1) + kDataAlignment - 1) /
                       kDataAlignment * kDataAlignment;
    ptr.reset(
        static_cast<uint8_t *>(std::aligned_alloc(kDataAlignment, rounded)));
  }
  uint8_t *get() const { return ptr.get(); }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> ptr;
};

struct CpuStep {
  bool isLaunch = true;
  CpuKernelFn fn = nullptr;
  int64_t items = 0;
  GemmCall gemm;
  bool isConv = false;
  Conv2DCall conv;
  bool isCopy = false;
  CopyCall copy;
};

class CpuSession : public Session {
public:
  CpuSession(std::shared_ptr<const Artifact> artifact, unsigned numThreads)
      : Session(std::move(artifact)), pool(numThreads) {}

  Status init();

  DeviceKind device() const override { return DeviceKind::Cpu; }
  Status setInput(size_t index, const void *host, size_t bytes) override;
  Status run() override;
  Expected<double> timedRun() override;
  Expected<std::vector<double>> profiledRun() override;
  Status getOutput(size_t index, void *host, size_t bytes) override;
  Status runWith(const std::vector<const void *> &inputs,
                 const std::vector<void *> &outputs, void *stream) override;

private:
  Expected<CpuKernelFn> resolveKernel(uint32_t kernel);
  /// Runs every step; with `stepMs`, stores each step's time there.
  void execute(std::vector<void *> &pointers, double *stepMs = nullptr);
  void executeStep(size_t i, std::vector<void *> &pointers,
                   std::vector<void *> &args);

  ThreadPool pool;
  std::map<uint32_t, DynamicLibrary> libraries; // by module index
  std::vector<CpuStep> steps;
  AlignedMemory arena;
  /// im2col matrix of the largest convolution; steps run one at a time.
  AlignedMemory scratch;
  size_t scratchBytes = 0;
  std::vector<AlignedMemory> ownedIO; // by buffer index; inputs and outputs
  std::vector<void *> basePointers;   // by buffer index
  std::mutex runMutex;                // the arena is shared: one run at a time
};

Expected<CpuKernelFn> CpuSession::resolveKernel(uint32_t index) {
  const KernelDesc &kernel = art->kernels()[index];
  const ModuleDesc &module = art->modules()[kernel.module];
  std::string moduleName = "module " + std::to_string(kernel.module) +
                           " (target '" + module.target + "')";
  auto it = libraries.find(kernel.module);
  if (it == libraries.end()) {
    const ModuleImageDesc *image = module.find(ModuleFormat::ElfSharedObject);
    if (!image) {
      std::string formats;
      for (const ModuleImageDesc &i : module.images)
        formats += std::string(formats.empty() ? "" : ", ") +
                   moduleFormatName(i.format);
      return Status::failure(moduleName +
                             " has no elf_shared_object image, which the CPU "
                             "executor needs (it has: " +
                             formats + ")");
    }
    Expected<DynamicLibrary> lib =
        DynamicLibrary::openImage(image->data, moduleName);
    if (!lib)
      return lib.status();
    it = libraries.emplace(kernel.module, lib.take()).first;
  }
  void *fn = it->second.symbol(kernel.symbol.c_str());
  if (!fn)
    return Status::failure("kernel " + std::to_string(index) + " ('" +
                           kernel.symbol + "'): symbol not found in " +
                           moduleName);
  return reinterpret_cast<CpuKernelFn>(fn);
}

Status CpuSession::init() {
  const Artifact &a = *art;
  for (size_t i = 0; i < a.steps().size(); ++i) {
    const StepDesc &s = a.steps()[i];
    CpuStep step;
    if (s.kind == StepDesc::Kind::Launch) {
      const LaunchDesc &l = s.launch;
      if (l.grid[1] != 1 || l.grid[2] != 1)
        return Status::failure(a.describeStep(i) +
                               ": CPU launches use grid.x only, but grid is [" +
                               std::to_string(l.grid[0]) + ", " +
                               std::to_string(l.grid[1]) + ", " +
                               std::to_string(l.grid[2]) + "]");
      Expected<CpuKernelFn> fn = resolveKernel(l.kernel);
      if (!fn)
        return Status::failure(a.describeStep(i) + ": " + fn.message());
      step.fn = *fn;
      step.items = l.grid[0];
    } else {
      if (s.call.function == "copy") {
        Expected<CopyCall> copy = decodeCopy(a, i);
        if (!copy)
          return copy.status();
        step.isLaunch = false;
        step.isCopy = true;
        step.copy = *copy;
        steps.push_back(step);
        continue;
      }
      if (s.call.function == "conv2d") {
        Expected<Conv2DCall> conv = decodeConv2D(a, i);
        if (!conv)
          return conv.status();
        if (Status st = checkCpuConv2D(*conv, a.describeStep(i)); !st.ok())
          return st;
        step.isLaunch = false;
        step.isConv = true;
        step.conv = *conv;
        scratchBytes = std::max(scratchBytes, cpuConv2DScratchBytes(*conv));
        steps.push_back(step);
        continue;
      }
      if (!isGemm(s.call.function))
        return Status::failure(a.describeStep(i) + ": library function '" +
                               s.call.function +
                               "' is not supported on the CPU");
      Expected<GemmCall> gemm = decodeGemm(a, i);
      if (!gemm)
        return gemm.status();
      if (Status st = checkCpuGemm(*gemm, a.describeStep(i)); !st.ok())
        return st;
      step.isLaunch = false;
      step.gemm = *gemm;
    }
    steps.push_back(step);
  }

  scratch = AlignedMemory(scratchBytes);
  if (scratchBytes && !scratch.get())
    return Status::failure("cannot allocate " + std::to_string(scratchBytes) +
                           " bytes of convolution scratch memory");
  arena = AlignedMemory(a.arenaBytes());
  if (!arena.get())
    return Status::failure("cannot allocate the arena of " +
                           std::to_string(a.arenaBytes()) + " bytes");
  ownedIO.resize(a.buffers().size());
  basePointers.resize(a.buffers().size());
  for (uint32_t b = 0; b < a.buffers().size(); ++b) {
    const BufferDesc &d = a.buffers()[b];
    switch (d.role) {
    case BufferRole::Constant:
      // Kernels must not write constants: they point into the artifact,
      // which may be a read-only mapping of the file.
      basePointers[b] = const_cast<uint8_t *>(d.data.data);
      break;
    case BufferRole::Intermediate:
      basePointers[b] = arena.get() + d.arenaOffset;
      break;
    case BufferRole::Input:
    case BufferRole::Output:
      ownedIO[b] = AlignedMemory(d.sizeBytes);
      if (!ownedIO[b].get())
        return Status::failure("cannot allocate " +
                               std::to_string(d.sizeBytes) + " bytes for " +
                               a.describeBuffer(b));
      basePointers[b] = ownedIO[b].get();
      break;
    }
  }
  return Status::success();
}

void CpuSession::execute(std::vector<void *> &pointers, double *stepMs) {
  std::vector<void *> args;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!stepMs) {
      executeStep(i, pointers, args);
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    executeStep(i, pointers, args);
    std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    stepMs[i] = elapsed.count();
  }
}

void CpuSession::executeStep(size_t i, std::vector<void *> &pointers,
                             std::vector<void *> &args) {
  const CpuStep &step = steps[i];
  const std::vector<uint32_t> &argIndices = art->steps()[i].args();
  if (step.isCopy) {
    std::memcpy(pointers[step.copy.dst], pointers[step.copy.src],
                step.copy.bytes);
    return;
  }
  if (step.isConv) {
    const Conv2DCall &c = step.conv;
    runCpuConv2D(c, pointers[c.input], pointers[c.weight],
                 c.hasBias ? pointers[c.bias] : nullptr, pointers[c.output],
                 scratch.get(), pool);
    return;
  }
  if (!step.isLaunch) {
    const GemmCall &g = step.gemm;
    runCpuGemm(g, pointers[g.a], pointers[g.b],
               g.hasBias ? pointers[g.bias] : nullptr, pointers[g.c], pool);
    return;
  }
  args.resize(argIndices.size());
  for (size_t j = 0; j < argIndices.size(); ++j)
    args[j] = pointers[argIndices[j]];
  CpuKernelFn fn = step.fn;
  void **argv = args.data();
  pool.parallelFor(step.items, [fn, argv](int64_t begin, int64_t end) {
    fn(argv, begin, end);
  });
}

Status CpuSession::setInput(size_t index, const void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/true, index, bytes); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  if (bytes)
    std::memcpy(basePointers[art->inputs()[index]], host, bytes);
  return Status::success();
}

Status CpuSession::getOutput(size_t index, void *host, size_t bytes) {
  if (Status s = checkHostCopy(/*input=*/false, index, bytes); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  if (bytes)
    std::memcpy(host, basePointers[art->outputs()[index]], bytes);
  return Status::success();
}

Status CpuSession::run() {
  std::lock_guard<std::mutex> lock(runMutex);
  execute(basePointers);
  return Status::success();
}

Expected<double> CpuSession::timedRun() {
  auto start = std::chrono::steady_clock::now();
  if (Status s = run(); !s.ok())
    return s;
  std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count();
}

Expected<std::vector<double>> CpuSession::profiledRun() {
  std::lock_guard<std::mutex> lock(runMutex);
  std::vector<double> stepMs(steps.size(), 0.0);
  execute(basePointers, stepMs.data());
  return stepMs;
}

Status CpuSession::runWith(const std::vector<const void *> &inputs,
                           const std::vector<void *> &outputs, void *) {
  if (Status s = checkBindings(inputs, outputs); !s.ok())
    return s;
  std::lock_guard<std::mutex> lock(runMutex);
  std::vector<void *> pointers = basePointers;
  for (size_t i = 0; i < inputs.size(); ++i)
    pointers[art->inputs()[i]] = const_cast<void *>(inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    pointers[art->outputs()[i]] = outputs[i];
  execute(pointers);
  return Status::success();
}

} // namespace

Expected<std::unique_ptr<Session>>
createCpuSession(std::shared_ptr<const Artifact> artifact,
                 const SessionOptions &options) {
  unsigned threads = options.numThreads ? options.numThreads
                                        : ThreadPool::defaultThreadCount();
  auto session = std::make_unique<CpuSession>(std::move(artifact), threads);
  if (Status s = session->init(); !s.ok())
    return s;
  return std::unique_ptr<Session>(std::move(session));
}

} // namespace rong::runtime
