//===- Session.cpp - What every executor shares ---------------------------===//
//
// This file implements the device-independent parts of Session: argument
// checks of the binding calls and the choice of executor by device kind.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Session.h"

#include <cstdint>

namespace rong::runtime {

const char *deviceName(DeviceKind device) {
  switch (device) {
  case DeviceKind::Cpu:
    return "cpu";
  case DeviceKind::Cuda:
    return "cuda";
  case DeviceKind::OpenCL:
    return "opencl";
  case DeviceKind::Hip:
    return "hip";
  }
  return "unknown";
}

std::optional<DeviceKind> parseDeviceKind(std::string_view name) {
  for (DeviceKind kind : {DeviceKind::Cpu, DeviceKind::Cuda,
                          DeviceKind::OpenCL, DeviceKind::Hip})
    if (name == deviceName(kind))
      return kind;
  return std::nullopt;
}

DeviceKind defaultDevice(const Artifact &artifact) {
  const std::string &t = artifact.target();
  if (t == "opencl")
    return DeviceKind::OpenCL;
  if (t.rfind("sm_", 0) == 0)
    return DeviceKind::Cuda;
  if (t.rfind("gfx", 0) == 0)
    return DeviceKind::Hip;
  return DeviceKind::Cpu;
}

Session::~Session() = default;

Expected<std::vector<double>> Session::profiledRun() {
  return Status::failure(std::string("per-step profiling is not supported "
                                     "on the ") +
                         deviceName(device()) +
                         " executor (only on the cpu, cuda and hip ones)");
}

uint64_t Session::bindingAlignment(bool output, size_t index) const {
  const std::vector<uint32_t> &list = output ? art->outputs() : art->inputs();
  return index < list.size() ? art->ioAlignment(list[index]) : 1;
}

Status Session::checkBindings(const std::vector<const void *> &inputs,
                              const std::vector<void *> &outputs) const {
  if (inputs.size() != art->inputs().size())
    return Status::failure(
        "the model takes " + std::to_string(art->inputs().size()) +
        " inputs, but " + std::to_string(inputs.size()) + " were given");
  if (outputs.size() != art->outputs().size())
    return Status::failure(
        "the model has " + std::to_string(art->outputs().size()) +
        " outputs, but " + std::to_string(outputs.size()) + " were given");
  auto check = [&](bool output, size_t index, const void *pointer) {
    uint64_t alignment = bindingAlignment(output, index);
    if (reinterpret_cast<uintptr_t>(pointer) % alignment == 0)
      return Status::success();
    uint32_t buffer = (output ? art->outputs() : art->inputs())[index];
    return Status::failure(std::string(output ? "output " : "input ") +
                           std::to_string(index) + " ('" +
                           art->buffers()[buffer].name + "') is not " +
                           std::to_string(alignment) +
                           "-byte aligned, which the kernels need");
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status s = check(false, i, inputs[i]); !s.ok())
      return s;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (Status s = check(true, i, outputs[i]); !s.ok())
      return s;
  return Status::success();
}

Status Session::checkHostCopy(bool input, size_t index, size_t bytes) const {
  const std::vector<uint32_t> &list = input ? art->inputs() : art->outputs();
  const char *kind = input ? "input" : "output";
  if (index >= list.size())
    return Status::failure(std::string("there is no ") + kind + " " +
                           std::to_string(index) + ": the model has " +
                           std::to_string(list.size()) + " " + kind + "s");
  const BufferDesc &b = art->buffers()[list[index]];
  if (bytes != b.sizeBytes)
    return Status::failure(std::string(kind) + " " + std::to_string(index) +
                           " ('" + b.name + "') holds " +
                           std::to_string(b.sizeBytes) + " bytes, but " +
                           std::to_string(bytes) + " were given");
  return Status::success();
}

Expected<std::unique_ptr<Session>>
createSession(std::shared_ptr<const Artifact> artifact, DeviceKind device,
              const SessionOptions &options) {
  // Source targets carry kernels as text for a vendor toolchain.
  if (artifact->target().rfind("source:", 0) == 0)
    return Status::failure(
        "the artifact is for target '" + artifact->target() +
        "': its kernels are source text for the vendor's toolchain, which "
        "no Rong executor runs; build them as the package's BUILD.md says");
  switch (device) {
  case DeviceKind::Cuda:
    return createCudaSession(std::move(artifact), options);
  case DeviceKind::OpenCL:
    return createOpenCLSession(std::move(artifact), options);
  case DeviceKind::Hip:
    return createHipSession(std::move(artifact), options);
  case DeviceKind::Cpu:
    break;
  }
  return createCpuSession(std::move(artifact), options);
}

} // namespace rong::runtime
