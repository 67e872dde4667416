//===- Session.h - Executing an artifact on a device ------------*- C++ -*-===//
//
// This file declares Session, the interface every executor (CPU, CUDA,
// OpenCL)
// implements. A session loads an artifact's modules for its device, places
// constants and the arena there once, and then runs the plan as many times as
// asked, either on buffers it owns (setInput / run / getOutput) or on memory
// the caller owns (runWith: host pointers for the CPU, device pointers and a
// stream for GPUs, which is how tensors from PyTorch or DLPack come in).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_SESSION_H
#define RONG_RUNTIME_SESSION_H

#include "rong/Runtime/Artifact.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rong::runtime {

enum class DeviceKind { Cpu, Cuda, OpenCL, Hip };

/// "cpu", "cuda", "opencl" or "hip".
const char *deviceName(DeviceKind device);

/// The device kind deviceName gives `name`; none for any other name.
std::optional<DeviceKind> parseDeviceKind(std::string_view name);

/// The device an artifact was compiled for: `cpu`, `opencl`, CUDA for
/// `sm_NN` targets, HIP for `gfxNNN` targets.
DeviceKind defaultDevice(const Artifact &artifact);

struct SessionOptions {
  /// CPU: worker threads per launch; 0 means $RONG_NUM_THREADS if set, else
  /// the hardware concurrency.
  unsigned numThreads = 0;
  /// CUDA and HIP: device ordinal.
  int gpuDevice = 0;
  /// CUDA: the driver library to dlopen.
  std::string cudaDriverLibrary = "libcuda.so.1";
  /// CUDA: the cuBLAS libraries to try, in order, for gemm and batched_gemm
  /// steps (loaded only when the plan has them).
  std::vector<std::string> cublasLibraries = {
      "libcublas.so.13", "libcublas.so.12", "libcublas.so"};
  /// HIP: the libraries to try, in order (ROCm 6, unversioned, ROCm 5).
  std::vector<std::string> hipLibraries = {
      "libamdhip64.so.6", "libamdhip64.so", "libamdhip64.so.5"};
  /// OpenCL: the ICD loader to dlopen; the session runs on the first device
  /// of the first platform that has one.
  std::string openclLibrary = "libOpenCL.so.1";
  /// OpenCL: CLBlast, dlopen'ed when the plan has gemm or conv2d calls.
  std::string clblastLibrary = "libclblast.so.1";
};

class Session {
public:
  virtual ~Session();

  virtual DeviceKind device() const = 0;
  const Artifact &artifact() const { return *art; }

  /// Copies host bytes into the session's buffer for graph input `index`.
  virtual Status setInput(size_t index, const void *host, size_t bytes) = 0;
  /// Runs the plan on the session's own buffers and waits for it.
  virtual Status run() = 0;
  /// Runs the plan like run() and returns the time it took in milliseconds
  /// (device time measured with events on GPUs).
  virtual Expected<double> timedRun() = 0;
  /// Runs the plan like run() and returns each step's time in milliseconds,
  /// in plan order. The CPU executor times every step on the host; CUDA and
  /// HIP record an event between consecutive steps on the session's stream
  /// (device time, the launch gaps included); OpenCL fails with a message
  /// naming the device.
  virtual Expected<std::vector<double>> profiledRun();
  /// Copies the session's buffer for graph output `index` to host memory.
  virtual Status getOutput(size_t index, void *host, size_t bytes) = 0;

  /// Runs the plan on caller-owned memory: one pointer per graph input and
  /// output, in graph order, each holding the buffer's size_bytes. Pointers
  /// are host addresses on the CPU and device addresses on GPUs. `stream` is
  /// the GPU stream to enqueue on (a CUstream for CUDA; null means the
  /// session's own stream); on GPUs the call returns once the work is
  /// enqueued. The CPU ignores `stream` and returns when done.
  virtual Status runWith(const std::vector<const void *> &inputs,
                         const std::vector<void *> &outputs,
                         void *stream = nullptr) = 0;
  /// The byte alignment runWith needs of the pointer bound to graph input
  /// (`output` false) or output `index`; runWith refuses a pointer that
  /// lacks it. Kernels that read caller memory in place need the artifact's
  /// io alignment (Artifact::ioAlignment); executors that copy it first need
  /// none.
  virtual uint64_t bindingAlignment(bool output, size_t index) const;

  /// GPUs: the session's own stream (a CUstream or hipStream_t), where
  /// runWith enqueues when it is given none. Null on the CPU and OpenCL,
  /// which have no stream a caller could order work against.
  virtual void *nativeStream() const { return nullptr; }
  /// GPUs: waits until the work enqueued on `stream` (null: the session's
  /// own) has finished. The CPU and OpenCL finish their work inside runWith,
  /// so there is nothing to wait for.
  virtual Status synchronize(void *stream = nullptr) {
    return Status::success();
  }

protected:
  explicit Session(std::shared_ptr<const Artifact> artifact)
      : art(std::move(artifact)) {}
  /// Checks the pointer counts and alignments of runWith.
  Status checkBindings(const std::vector<const void *> &inputs,
                       const std::vector<void *> &outputs) const;
  /// Checks the index and byte count of setInput / getOutput.
  Status checkHostCopy(bool input, size_t index, size_t bytes) const;

  std::shared_ptr<const Artifact> art;
};

/// Creates a session on the CPU: loads the artifact's ELF shared objects and
/// checks every step can run there.
Expected<std::unique_ptr<Session>>
createCpuSession(std::shared_ptr<const Artifact> artifact,
                 const SessionOptions &options = {});

/// Creates a session on a CUDA device through the driver API, loaded with
/// dlopen. Fails with a message (never a crash) where no driver or no device
/// is present.
Expected<std::unique_ptr<Session>>
createCudaSession(std::shared_ptr<const Artifact> artifact,
                  const SessionOptions &options = {});

/// Creates a session on an OpenCL device: builds the artifact's OpenCL C
/// modules and allocates device buffers. Fails with a message (never a
/// crash) where no ICD loader, platform or device is present, or where a
/// program does not build (the message names the kernel and holds the log).
/// runWith takes host pointers, copied in and out; `stream` is ignored.
/// Creates a session on an AMD GPU or Hygon DCU through HIP's module API,
/// loaded with dlopen: runs the artifact's HSA code objects (rongc
/// --target=rocm:gfxNNN). Fails with a message (never a crash) where no
/// ROCm runtime or no device is present.
Expected<std::unique_ptr<Session>>
createHipSession(std::shared_ptr<const Artifact> artifact,
                 const SessionOptions &options = {});

Expected<std::unique_ptr<Session>>
createOpenCLSession(std::shared_ptr<const Artifact> artifact,
                    const SessionOptions &options = {});

Expected<std::unique_ptr<Session>>
createSession(std::shared_ptr<const Artifact> artifact, DeviceKind device,
              const SessionOptions &options = {});

} // namespace rong::runtime

#endif // RONG_RUNTIME_SESSION_H
