//===- ArtifactBuilder.cpp - Writes Rong artifacts
//-------------------------===//
//
// This file implements ArtifactBuilder over a FlatBufferBuilder. FlatBuffers
// are built leaves first, so each add* call serialises its payload and its
// table at once and keeps only the table's offset; the root table is written
// by serialize(). Payloads are therefore copied exactly once.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ArtifactBuilder.h"
#include "Schema.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rong::runtime {

struct ArtifactBuilder::Impl {
  flatbuffers::FlatBufferBuilder fbb{1 << 16};
  std::string target;
  ProducerDesc producer;
  uint64_t arenaBytes = 0;
  uint32_t ioAlignment = 0;
  uint16_t major = kFormatMajor;
  uint16_t minor = kFormatMinor;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  std::vector<flatbuffers::Offset<fb::Module>> modules;
  std::vector<flatbuffers::Offset<fb::Kernel>> kernels;
  std::vector<flatbuffers::Offset<fb::Step>> steps;
  std::vector<uint32_t> inputs;
  std::vector<uint32_t> outputs;
  bool finished = false;
  /// Set when a payload would take the file past what FlatBuffers can
  /// address; the payload is dropped and serialize() fails.
  uint64_t droppedBytes = 0;

  /// A byte vector whose first element is `alignment`-aligned in the file.
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>>
  alignedBytes(ByteSpan data, size_t alignment) {
    static const uint8_t empty = 0;
    // Leave room for the tables that follow the payloads.
    constexpr uint64_t kReserve = 64 << 20;
    if (droppedBytes || uint64_t(fbb.GetSize()) + data.size + kReserve >
                            FLATBUFFERS_MAX_BUFFER_SIZE) {
      droppedBytes += data.size;
      data = ByteSpan();
    }
    fbb.ForceVectorAlignment(data.size, 1, alignment);
    return fbb.CreateVector(data.size ? data.data : &empty, data.size);
  }

  void finish();
};

void ArtifactBuilder::Impl::finish() {
  if (finished)
    return;
  auto targetOffset = fbb.CreateString(target);
  auto producerOffset =
      fb::CreateProducer(fbb, fbb.CreateString(producer.compilerVersion),
                         fbb.CreateString(producer.sourceModel));
  auto root = fb::CreateArtifact(
      fbb, major, minor, targetOffset, producerOffset,
      fbb.CreateVector(buffers), fbb.CreateVector(modules),
      fbb.CreateVector(kernels), fbb.CreateVector(steps),
      fbb.CreateVector(inputs), fbb.CreateVector(outputs), arenaBytes,
      ioAlignment);
  fb::FinishSizePrefixedArtifactBuffer(fbb, root);
  finished = true;
}

ArtifactBuilder::ArtifactBuilder(std::string target)
    : impl(std::make_unique<Impl>()) {
  impl->target = std::move(target);
}

ArtifactBuilder::~ArtifactBuilder() = default;

void ArtifactBuilder::setProducer(const ProducerDesc &producer) {
  impl->producer = producer;
}

void ArtifactBuilder::setArenaBytes(uint64_t bytes) {
  impl->arenaBytes = bytes;
}

void ArtifactBuilder::setIoAlignment(uint32_t bytes) {
  impl->ioAlignment = bytes;
}

void ArtifactBuilder::setFormatVersion(uint16_t major, uint16_t minor) {
  impl->major = major;
  impl->minor = minor;
}

uint32_t ArtifactBuilder::addBuffer(const BufferDesc &b) {
  assert(!impl->finished && "the artifact is already serialised");
  auto &fbb = impl->fbb;
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> data;
  if (b.role == BufferRole::Constant || b.data.size)
    data = impl->alignedBytes(b.data, kDataAlignment);
  auto name = fbb.CreateString(b.name);
  auto shape = fbb.CreateVector(b.shape);
  uint32_t index = static_cast<uint32_t>(impl->buffers.size());
  impl->buffers.push_back(fb::CreateBuffer(
      fbb, name, static_cast<fb::DType>(b.dtype), shape, b.sizeBytes,
      static_cast<fb::BufferRole>(b.role), b.arenaOffset, data));
  if (b.role == BufferRole::Input)
    impl->inputs.push_back(index);
  else if (b.role == BufferRole::Output)
    impl->outputs.push_back(index);
  return index;
}

namespace {
BufferDesc describe(std::string name, DType dtype, std::vector<int64_t> shape,
                    BufferRole role) {
  BufferDesc b;
  b.name = std::move(name);
  b.dtype = dtype;
  b.sizeBytes = elementCount(shape).value_or(0) * dtypeSize(dtype);
  b.shape = std::move(shape);
  b.role = role;
  return b;
}
} // namespace

uint32_t ArtifactBuilder::addInput(std::string name, DType dtype,
                                   std::vector<int64_t> shape) {
  return addBuffer(
      describe(std::move(name), dtype, std::move(shape), BufferRole::Input));
}

uint32_t ArtifactBuilder::addOutput(std::string name, DType dtype,
                                    std::vector<int64_t> shape) {
  return addBuffer(
      describe(std::move(name), dtype, std::move(shape), BufferRole::Output));
}

uint32_t ArtifactBuilder::addConstant(std::string name, DType dtype,
                                      std::vector<int64_t> shape,
                                      ByteSpan data) {
  BufferDesc b =
      describe(std::move(name), dtype, std::move(shape), BufferRole::Constant);
  b.data = data;
  return addBuffer(b);
}

uint32_t ArtifactBuilder::addIntermediate(std::string name, DType dtype,
                                          std::vector<int64_t> shape,
                                          uint64_t arenaOffset) {
  BufferDesc b = describe(std::move(name), dtype, std::move(shape),
                          BufferRole::Intermediate);
  b.arenaOffset = arenaOffset;
  return addBuffer(b);
}

uint32_t ArtifactBuilder::addModule(const ModuleDesc &m) {
  assert(!impl->finished && "the artifact is already serialised");
  auto &fbb = impl->fbb;
  std::vector<flatbuffers::Offset<fb::ModuleImage>> images;
  for (const ModuleImageDesc &image : m.images) {
    // Images are aligned too: ELF loaders and cuModuleLoadData read them in
    // place, and some want more than byte alignment.
    auto data = impl->alignedBytes(image.data, kDataAlignment);
    images.push_back(fb::CreateModuleImage(
        fbb, static_cast<fb::ModuleFormat>(image.format), data));
  }
  auto imagesOffset = fbb.CreateVector(images);
  auto target = fbb.CreateString(m.target);
  impl->modules.push_back(fb::CreateModule(fbb, target, imagesOffset));
  return static_cast<uint32_t>(impl->modules.size() - 1);
}

uint32_t ArtifactBuilder::addKernel(std::string symbol, uint32_t module) {
  assert(!impl->finished && "the artifact is already serialised");
  auto name = impl->fbb.CreateString(symbol);
  impl->kernels.push_back(fb::CreateKernel(impl->fbb, name, module));
  return static_cast<uint32_t>(impl->kernels.size() - 1);
}

void ArtifactBuilder::addLaunch(const LaunchDesc &l, std::string debug) {
  assert(!impl->finished && "the artifact is already serialised");
  auto &fbb = impl->fbb;
  auto args = fbb.CreateVector(l.args);
  auto debugOffset = debug.empty() ? 0 : fbb.CreateString(debug);
  fb::Dim3 grid(l.grid[0], l.grid[1], l.grid[2]);
  fb::Dim3 block(l.block[0], l.block[1], l.block[2]);
  auto launch = fb::CreateLaunch(fbb, l.kernel, &grid, &block,
                                 l.dynamicSharedBytes, args);
  impl->steps.push_back(
      fb::CreateStep(fbb, fb::StepKind::Launch, launch.Union(), debugOffset));
}

void ArtifactBuilder::addLibraryCall(const LibraryCallDesc &c,
                                     std::string debug) {
  assert(!impl->finished && "the artifact is already serialised");
  auto &fbb = impl->fbb;
  auto function = fbb.CreateString(c.function);
  auto ints = fbb.CreateVector(c.intParams);
  auto floats = fbb.CreateVector(c.floatParams);
  auto args = fbb.CreateVector(c.args);
  auto debugOffset = debug.empty() ? 0 : fbb.CreateString(debug);
  auto call = fb::CreateLibraryCall(fbb, function, ints, floats, args);
  impl->steps.push_back(fb::CreateStep(fbb, fb::StepKind::LibraryCall,
                                       call.Union(), debugOffset));
}

void ArtifactBuilder::setInputs(std::vector<uint32_t> indices) {
  impl->inputs = std::move(indices);
}

void ArtifactBuilder::setOutputs(std::vector<uint32_t> indices) {
  impl->outputs = std::move(indices);
}

std::vector<uint8_t> ArtifactBuilder::serializeUnchecked() {
  impl->finish();
  const uint8_t *p = impl->fbb.GetBufferPointer();
  return std::vector<uint8_t>(p, p + impl->fbb.GetSize());
}

Expected<std::vector<uint8_t>> ArtifactBuilder::serialize() {
  if (impl->droppedBytes)
    return Status::failure(
        "the artifact would exceed the " +
        std::to_string(FLATBUFFERS_MAX_BUFFER_SIZE) +
        " bytes a FlatBuffer can address (" +
        std::to_string(impl->droppedBytes) +
        " bytes of constants and images did not fit); weights outside the "
        "artifact are not supported yet");
  impl->finish();
  Expected<Artifact> check =
      Artifact::fromBytes(impl->fbb.GetBufferPointer(), impl->fbb.GetSize());
  if (!check)
    return Status::failure("the artifact being written is invalid: " +
                           check.message());
  return serializeUnchecked();
}

Status ArtifactBuilder::writeFile(const std::string &path) {
  Expected<std::vector<uint8_t>> bytes = serialize();
  if (!bytes)
    return bytes.status();
  return writeBytesToFile(path, *bytes);
}

Status writeBytesToFile(const std::string &path,
                        const std::vector<uint8_t> &bytes) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Status::failure("cannot write '" + path +
                           "': " + std::strerror(errno));
  size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
  bool closed = std::fclose(f) == 0;
  if (written != bytes.size() || !closed)
    return Status::failure("cannot write '" + path +
                           "': " + std::strerror(errno));
  return Status::success();
}

} // namespace rong::runtime
