//===- ArtifactBuilder.h - Writes Rong artifacts ----------------*- C++ -*-===//
//
// This file declares ArtifactBuilder, the one writer of artifact files. The
// compiler's backends and the tests build artifacts through it; it links no
// MLIR, so anything that can describe buffers, kernels and steps can use it.
//
// Payloads (constant bytes, module images) are copied into the artifact when
// they are added, so the caller's memory need not outlive the call.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_ARTIFACTBUILDER_H
#define RONG_RUNTIME_ARTIFACTBUILDER_H

#include "rong/Runtime/Artifact.h"

#include <memory>

namespace rong::runtime {

class ArtifactBuilder {
public:
  explicit ArtifactBuilder(std::string target);
  ~ArtifactBuilder();

  void setProducer(const ProducerDesc &producer);
  void setArenaBytes(uint64_t bytes);
  /// The alignment the kernels need of caller memory bound to inputs and
  /// outputs (the io_alignment field); 0 leaves the default, kDataAlignment.
  void setIoAlignment(uint32_t bytes);
  /// Overrides the written format version; for tests of the version check.
  void setFormatVersion(uint16_t major, uint16_t minor);

  /// Adds a buffer exactly as described and returns its index. Inputs and
  /// outputs are appended to the graph's input and output lists in the order
  /// they are added.
  uint32_t addBuffer(const BufferDesc &buffer);
  /// Shorthands that compute size_bytes from the shape and element type.
  uint32_t addInput(std::string name, DType dtype, std::vector<int64_t> shape);
  uint32_t addOutput(std::string name, DType dtype, std::vector<int64_t> shape);
  uint32_t addConstant(std::string name, DType dtype,
                       std::vector<int64_t> shape, ByteSpan data);
  uint32_t addIntermediate(std::string name, DType dtype,
                           std::vector<int64_t> shape, uint64_t arenaOffset);

  uint32_t addModule(const ModuleDesc &module);
  uint32_t addKernel(std::string symbol, uint32_t module);
  void addLaunch(const LaunchDesc &launch, std::string debug = "");
  void addLibraryCall(const LibraryCallDesc &call, std::string debug = "");

  /// Replaces the graph's input or output list; for tests of the checks.
  void setInputs(std::vector<uint32_t> indices);
  void setOutputs(std::vector<uint32_t> indices);

  /// Finishes the artifact and returns its bytes after validating them with
  /// the reader's checks, so a producer cannot write a file the runtime
  /// rejects. Nothing can be added afterwards.
  Expected<std::vector<uint8_t>> serialize();
  /// serialize(), then writes the bytes to `path`.
  Status writeFile(const std::string &path);
  /// Finishes without validation; for tests that need a broken artifact.
  std::vector<uint8_t> serializeUnchecked();

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Writes `bytes` to `path`, replacing it.
Status writeBytesToFile(const std::string &path,
                        const std::vector<uint8_t> &bytes);

} // namespace rong::runtime

#endif // RONG_RUNTIME_ARTIFACTBUILDER_H
