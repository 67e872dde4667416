//===- Types.h - Element types, roles and module formats --------*- C++ -*-===//
//
// This file declares the enumerations an artifact is made of. Their numeric
// values are the ones stored in artifact files (lib/Runtime/schema/
// artifact.fbs); a static_assert in the reader keeps the two in step.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_TYPES_H
#define RONG_RUNTIME_TYPES_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rong::runtime {

enum class DType : uint8_t {
  F32,
  F16,
  BF16,
  F64,
  I64,
  I32,
  I16,
  I8,
  U8,
  Bool,
  U16,
  U32,
  U64
};
enum class BufferRole : uint8_t { Input, Output, Constant, Intermediate };
enum class ModuleFormat : uint8_t {
  ElfSharedObject,
  Ptx,
  Cubin,
  Hsaco,
  OpenclC,
  CudaSource
};

constexpr unsigned kNumDTypes = 13;
constexpr unsigned kNumBufferRoles = 4;
constexpr unsigned kNumModuleFormats = 6;

/// Bytes per element (bool is stored as one byte).
size_t dtypeSize(DType type);
/// "f32", "bf16", "bool", ...
const char *dtypeName(DType type);
/// The inverse of dtypeName.
std::optional<DType> parseDType(const std::string &name);
/// "input", "output", "constant", "intermediate".
const char *roleName(BufferRole role);
/// "elf_shared_object", "ptx", "cubin", ...
const char *moduleFormatName(ModuleFormat format);

/// Number of elements of a static shape; nullopt if a dimension is negative
/// or the product overflows.
std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape);
/// "[4, 8]".
std::string formatShape(const std::vector<int64_t> &shape);

/// A view of bytes owned elsewhere (the artifact, or the caller).
struct ByteSpan {
  const uint8_t *data = nullptr;
  size_t size = 0;

  ByteSpan() = default;
  ByteSpan(const void *data, size_t size)
      : data(static_cast<const uint8_t *>(data)), size(size) {}
  template <typename Container> static ByteSpan of(const Container &c) {
    return ByteSpan(c.data(), c.size() * sizeof(*c.data()));
  }
};

} // namespace rong::runtime

#endif // RONG_RUNTIME_TYPES_H
