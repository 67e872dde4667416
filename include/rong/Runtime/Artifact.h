//===- Artifact.h - A loaded, validated Rong artifact -----------*- C++ -*-===//
//
// This file declares the in-memory description of an artifact (the same
// structs describe what ArtifactBuilder writes and what Artifact::load reads)
// and the Artifact class, which owns an artifact's bytes and exposes them
// through those structs once the file has been verified and validated.
//
// Large payloads (constant data, module images) are not copied: their
// ByteSpans point into the bytes the Artifact owns, which stay at one address
// for the Artifact's lifetime (moving an Artifact does not move them).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_ARTIFACT_H
#define RONG_RUNTIME_ARTIFACT_H

#include "rong/Runtime/Status.h"
#include "rong/Runtime/Types.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rong::runtime {

/// The artifact format version this library writes and reads. A reader
/// accepts every minor version of its major version (1.2 added the u16, u32
/// and u64 dtypes).
constexpr uint16_t kFormatMajor = 1;
constexpr uint16_t kFormatMinor = 2;

/// Constant data and arena offsets are aligned to this many bytes.
constexpr uint64_t kDataAlignment = 64;

struct BufferDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t sizeBytes = 0;
  BufferRole role = BufferRole::Intermediate;
  /// Intermediates: byte offset into the arena.
  uint64_t arenaOffset = 0;
  /// Constants: the bytes.
  ByteSpan data;
};

struct ModuleImageDesc {
  ModuleFormat format = ModuleFormat::ElfSharedObject;
  ByteSpan data;
};

struct ModuleDesc {
  /// "cpu", "sm_90", "gfx942", ...
  std::string target;
  std::vector<ModuleImageDesc> images;

  /// The image in `format`, or null.
  const ModuleImageDesc *find(ModuleFormat format) const;
};

struct KernelDesc {
  std::string symbol;
  uint32_t module = 0;
};

using Dim3 = std::array<uint32_t, 3>;

struct LaunchDesc {
  uint32_t kernel = 0;
  Dim3 grid = {1, 1, 1};
  Dim3 block = {1, 1, 1};
  uint32_t dynamicSharedBytes = 0;
  /// Buffer indices, in kernel-argument order.
  std::vector<uint32_t> args;
};

struct LibraryCallDesc {
  /// "gemm", "batched_gemm"; see docs/runtime.md for their parameters.
  std::string function;
  std::vector<int64_t> intParams;
  std::vector<double> floatParams;
  std::vector<uint32_t> args;
};

struct StepDesc {
  enum class Kind { Launch, LibraryCall };
  Kind kind = Kind::Launch;
  LaunchDesc launch;    // valid when kind == Launch
  LibraryCallDesc call; // valid when kind == LibraryCall
  /// Which ops the step fuses, and so on; for people only.
  std::string debug;

  const std::vector<uint32_t> &args() const {
    return kind == Kind::Launch ? launch.args : call.args;
  }
};

struct ProducerDesc {
  std::string compilerVersion;
  std::string sourceModel;
};

class Artifact {
public:
  /// Maps the file at `path` and validates it.
  static Expected<Artifact> load(const std::string &path);
  /// Copies `size` bytes into 64-byte-aligned storage and validates them.
  static Expected<Artifact> fromBytes(const void *data, size_t size);

  Artifact(Artifact &&) noexcept;
  Artifact &operator=(Artifact &&) noexcept;
  ~Artifact();

  uint16_t formatMajor() const { return major; }
  uint16_t formatMinor() const { return minor; }
  const std::string &target() const { return targetName; }
  const ProducerDesc &producer() const { return producerDesc; }
  const std::vector<BufferDesc> &buffers() const { return bufferDescs; }
  const std::vector<ModuleDesc> &modules() const { return moduleDescs; }
  const std::vector<KernelDesc> &kernels() const { return kernelDescs; }
  const std::vector<StepDesc> &steps() const { return stepDescs; }
  const std::vector<uint32_t> &inputs() const { return inputIndices; }
  const std::vector<uint32_t> &outputs() const { return outputIndices; }
  uint64_t arenaBytes() const { return arena; }
  /// The artifact's io_alignment field as written (0: not given).
  uint32_t ioAlignmentField() const { return ioAlign; }
  /// The byte alignment the kernels need of caller memory bound to buffer
  /// `index` (a graph input or output): the artifact's io_alignment, never
  /// less than the element size; kDataAlignment where the artifact gives
  /// none.
  uint64_t ioAlignment(uint32_t index) const;

  /// "step 3 (launch of kernel 'fusion_2')", for error messages.
  std::string describeStep(size_t index) const;
  /// "buffer 4 ('x')", for error messages.
  std::string describeBuffer(uint32_t index) const;

  class Storage;

private:
  Artifact();
  static Expected<Artifact> fromStorage(std::unique_ptr<Storage> storage);

  std::unique_ptr<Storage> storage;
  uint16_t major = 0;
  uint16_t minor = 0;
  uint32_t ioAlign = 0;
  std::string targetName;
  ProducerDesc producerDesc;
  std::vector<BufferDesc> bufferDescs;
  std::vector<ModuleDesc> moduleDescs;
  std::vector<KernelDesc> kernelDescs;
  std::vector<StepDesc> stepDescs;
  std::vector<uint32_t> inputIndices;
  std::vector<uint32_t> outputIndices;
  uint64_t arena = 0;
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_ARTIFACT_H
