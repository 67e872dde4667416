//===- ArtifactReader.cpp - Loading artifact files
//-------------------------===//
//
// This file implements Artifact::load and Artifact::fromBytes: it maps or
// copies the bytes, tells truncated, foreign and corrupt files apart before
// touching their contents, runs the FlatBuffers verifier, checks the format
// version, decodes the tables into the plain descriptions of Artifact.h and
// hands them to the semantic checks (ArtifactChecks.cpp).
//
//===----------------------------------------------------------------------===//

#include "ArtifactChecks.h"
#include "Schema.h"
#include "rong/Runtime/Artifact.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rong::runtime {

/// Owns an artifact's bytes at a fixed, 64-byte-aligned address.
class Artifact::Storage {
public:
  virtual ~Storage() = default;
  const uint8_t *data = nullptr;
  size_t size = 0;
};

namespace {

class HeapStorage : public Artifact::Storage {
public:
  explicit HeapStorage(size_t bytes) {
    // aligned_alloc wants a multiple of the alignment; an empty artifact
    // still gets a valid pointer.
    size_t rounded =
        (bytes + kDataAlignment - 1) / kDataAlignment * kDataAlignment;
    memory = static_cast<uint8_t *>(
        std::aligned_alloc(kDataAlignment, rounded ? rounded : kDataAlignment));
    data = memory;
    size = bytes;
  }
  ~HeapStorage() override { std::free(memory); }
  uint8_t *memory;
};

class MappedStorage : public Artifact::Storage {
public:
  MappedStorage(void *address, size_t bytes) {
    data = static_cast<const uint8_t *>(address);
    size = bytes;
  }
  ~MappedStorage() override { munmap(const_cast<uint8_t *>(data), size); }
};

constexpr size_t kHeaderBytes = 12; // size prefix, root offset, identifier

uint32_t readLE32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

std::string printableIdentifier(const uint8_t *p) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f) {
      s += static_cast<char>(p[i]);
    } else {
      static const char hex[] = "0123456789abcdef";
      s += "\\x";
      s += hex[p[i] >> 4];
      s += hex[p[i] & 15];
    }
  }
  return s;
}

std::string str(const flatbuffers::String *s) {
  return s ? s->str() : std::string();
}

template <typename T, typename U>
std::vector<T> vec(const flatbuffers::Vector<U> *v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>();
}

ByteSpan bytes(const flatbuffers::Vector<uint8_t> *v) {
  return v ? ByteSpan(v->data(), v->size()) : ByteSpan();
}

Dim3 dim3(const fb::Dim3 *d) {
  return d ? Dim3{d->x(), d->y(), d->z()} : Dim3{1, 1, 1};
}

/// Checks everything that can be checked without reading the tables.
Status checkEnvelope(const uint8_t *data, size_t size) {
  if (size < kHeaderBytes)
    return Status::failure("artifact is truncated: " + std::to_string(size) +
                           " bytes, shorter than the " +
                           std::to_string(kHeaderBytes) + "-byte header");
  if (size > FLATBUFFERS_MAX_BUFFER_SIZE)
    return Status::failure("artifact is " + std::to_string(size) +
                           " bytes, more than the " +
                           std::to_string(FLATBUFFERS_MAX_BUFFER_SIZE) +
                           " a FlatBuffer can address");
  if (!fb::SizePrefixedArtifactBufferHasIdentifier(data))
    return Status::failure("not a Rong artifact: file identifier is '" +
                           printableIdentifier(data + 8) + "', expected '" +
                           fb::ArtifactIdentifier() + "'");
  uint64_t declared = uint64_t(readLE32(data)) + sizeof(uint32_t);
  if (declared > size)
    return Status::failure("artifact is truncated: its header says " +
                           std::to_string(declared) + " bytes, but only " +
                           std::to_string(size) + " are present");
  if (declared < size)
    return Status::failure(
        "artifact is corrupt: " + std::to_string(size - declared) +
        " stray bytes follow its " + std::to_string(declared) + " bytes");
  flatbuffers::Verifier::Options options;
  // Models have many small tables; the default cap of a million would reject
  // large ones for no reason, and the size cap of FlatBuffers itself remains.
  options.max_tables = UINT32_MAX;
  flatbuffers::Verifier verifier(data, size, options);
  if (!fb::VerifySizePrefixedArtifactBuffer(verifier))
    return Status::failure(
        "artifact is corrupt: its FlatBuffers structure does not verify");
  return Status::success();
}

} // namespace

Artifact::Artifact() = default;
Artifact::Artifact(Artifact &&) noexcept = default;
Artifact &Artifact::operator=(Artifact &&) noexcept = default;
Artifact::~Artifact() = default;

Expected<Artifact> Artifact::fromBytes(const void *data, size_t size) {
  auto storage = std::make_unique<HeapStorage>(size);
  if (!storage->memory)
    return Status::failure("cannot allocate " + std::to_string(size) +
                           " bytes for the artifact");
  if (size)
    std::memcpy(storage->memory, data, size);
  return fromStorage(std::move(storage));
}

Expected<Artifact> Artifact::load(const std::string &path) {
  auto fail = [&](const std::string &why) {
    return Status::failure("cannot open artifact '" + path + "': " + why);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int err = errno;
    ::close(fd);
    return fail(err ? std::strerror(err) : "not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  std::unique_ptr<Storage> storage;
  if (size == 0) {
    storage = std::make_unique<HeapStorage>(0);
  } else {
    // A private read-only mapping: weights are paged in on first use and the
    // address is page-aligned, which the 64-byte data alignment relies on.
    void *address = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    storage = std::make_unique<MappedStorage>(address, size);
  }
  ::close(fd);
  Expected<Artifact> artifact = fromStorage(std::move(storage));
  if (!artifact)
    return Status::failure(path + ": " + artifact.message());
  return artifact;
}

Expected<Artifact> Artifact::fromStorage(std::unique_ptr<Storage> storage) {
  const uint8_t *data = storage->data;
  if (Status s = checkEnvelope(data, storage->size); !s.ok())
    return s;
  const fb::Artifact *root = fb::GetSizePrefixedArtifact(data);

  Artifact a;
  a.major = root->format_major();
  a.minor = root->format_minor();
  if (a.major == 0)
    return Status::failure("artifact has no format version");
  if (a.major != kFormatMajor)
    return Status::failure("artifact format version " +
                           std::to_string(a.major) + "." +
                           std::to_string(a.minor) +
                           " is not supported: this runtime reads version " +
                           std::to_string(kFormatMajor) + ".x");

  a.targetName = str(root->target());
  if (const fb::Producer *p = root->producer())
    a.producerDesc = {str(p->compiler_version()), str(p->source_model())};
  a.arena = root->arena_bytes();
  a.ioAlign = root->io_alignment();
  a.inputIndices = vec<uint32_t>(root->inputs());
  a.outputIndices = vec<uint32_t>(root->outputs());

  if (auto *buffers = root->buffers()) {
    a.bufferDescs.reserve(buffers->size());
    for (const fb::Buffer *b : *buffers) {
      BufferDesc d;
      d.name = str(b->name());
      d.dtype = static_cast<DType>(b->dtype());
      d.shape = vec<int64_t>(b->shape());
      d.sizeBytes = b->size_bytes();
      d.role = static_cast<BufferRole>(b->role());
      d.arenaOffset = b->arena_offset();
      d.data = bytes(b->data());
      a.bufferDescs.push_back(std::move(d));
    }
  }
  if (auto *modules = root->modules()) {
    for (const fb::Module *m : *modules) {
      ModuleDesc d;
      d.target = str(m->target());
      if (auto *images = m->images())
        for (const fb::ModuleImage *image : *images)
          d.images.push_back({static_cast<ModuleFormat>(image->format()),
                              bytes(image->data())});
      a.moduleDescs.push_back(std::move(d));
    }
  }
  if (auto *kernels = root->kernels())
    for (const fb::Kernel *k : *kernels)
      a.kernelDescs.push_back({str(k->symbol()), k->module_index()});

  if (auto *steps = root->steps()) {
    for (size_t i = 0; i < steps->size(); ++i) {
      const fb::Step *s = steps->Get(i);
      StepDesc d;
      d.debug = str(s->debug());
      if (const fb::Launch *l = s->kind_as_Launch()) {
        d.kind = StepDesc::Kind::Launch;
        d.launch = {l->kernel(), dim3(l->grid()), dim3(l->block()),
                    l->dynamic_shared_bytes(), vec<uint32_t>(l->args())};
      } else if (const fb::LibraryCall *c = s->kind_as_LibraryCall()) {
        d.kind = StepDesc::Kind::LibraryCall;
        d.call = {str(c->function()), vec<int64_t>(c->int_params()),
                  vec<double>(c->float_params()), vec<uint32_t>(c->args())};
      } else {
        // A step kind added by a later minor version: this runtime cannot
        // execute the plan, and says so rather than skipping the step.
        return Status::failure(
            "step " + std::to_string(i) + " has step kind " +
            std::to_string(static_cast<unsigned>(s->kind_type())) +
            ", which this runtime does not know (artifact version " +
            std::to_string(a.major) + "." + std::to_string(a.minor) + ")");
      }
      a.stepDescs.push_back(std::move(d));
    }
  }

  a.storage = std::move(storage);
  if (Status s = checkArtifact(a); !s.ok())
    return s;
  return a;
}

} // namespace rong::runtime
