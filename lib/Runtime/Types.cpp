//===- Types.cpp - Element types, roles and module formats ----------------===//
//
// This file implements the names and sizes of the artifact enumerations.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Types.h"

#include <limits>

namespace rong::runtime {

namespace {
struct DTypeInfo {
  const char *name;
  size_t size;
};
// Indexed by DType's value.
constexpr DTypeInfo kDTypes[kNumDTypes] = {
    {"f32", 4}, {"f16", 2}, {"bf16", 2}, {"f64", 8}, {"i64", 8},
    {"i32", 4}, {"i16", 2}, {"i8", 1},   {"u8", 1},  {"bool", 1},
    {"u16", 2}, {"u32", 4}, {"u64", 8}};
} // namespace

size_t dtypeSize(DType type) {
  return kDTypes[static_cast<unsigned>(type)].size;
}

const char *dtypeName(DType type) {
  return kDTypes[static_cast<unsigned>(type)].name;
}

std::optional<DType> parseDType(const std::string &name) {
  for (unsigned i = 0; i < kNumDTypes; ++i)
    if (name == kDTypes[i].name)
      return static_cast<DType>(i);
  return std::nullopt;
}

const char *roleName(BufferRole role) {
  static const char *const names[kNumBufferRoles] = {
      "input", "output", "constant", "intermediate"};
  return names[static_cast<unsigned>(role)];
}

const char *moduleFormatName(ModuleFormat format) {
  static const char *const names[kNumModuleFormats] = {
      "elf_shared_object", "ptx", "cubin", "hsaco", "opencl_c", "cuda_source"};
  return names[static_cast<unsigned>(format)];
}

std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() /
                                static_cast<uint64_t>(dim))
      return std::nullopt;
    count *= static_cast<uint64_t>(dim);
  }
  return count;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

} // namespace rong::runtime
