//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// This file implements .npy reading and writing. The header is a Python dict
// literal with three keys that NumPy always writes in one form; the parser
// accepts that form and reports anything else rather than guessing.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace rong::runtime {

namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

/// The text after `'key':` with leading spaces skipped, or npos.
size_t findValue(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return at;
  at = header.find(':', at);
  if (at == std::string::npos)
    return at;
  ++at;
  while (at < header.size() && header[at] == ' ')
    ++at;
  return at;
}

/// Bytes per element of a .npy type string such as "<f4"; 0 if unknown.
size_t descrItemSize(const std::string &descr) {
  if (descr.size() < 3)
    return 0;
  char kind = descr[1];
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    return 0;
  char *end = nullptr;
  long size = std::strtol(descr.c_str() + 2, &end, 10);
  return (*end == '\0' && size > 0 && size <= 16) ? size_t(size) : 0;
}

} // namespace

std::string npyDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<u2";
  case DType::F64:
    return "<f8";
  case DType::I64:
    return "<i8";
  case DType::I32:
    return "<i4";
  case DType::I16:
    return "<i2";
  case DType::I8:
    return "|i1";
  case DType::U8:
    return "|u1";
  case DType::Bool:
    return "|b1";
  case DType::U16:
    return "<u2";
  case DType::U32:
    return "<u4";
  case DType::U64:
    return "<u8";
  }
  return "";
}

Expected<NpyArray> readNpy(const std::string &path) {
  auto fail = [&](const std::string &why) {
    return Status::failure(path + ": " + why);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, kMagicLen, kMagic) != 0)
    return fail("not a .npy file");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, headerStart;
  auto byteAt = [&](size_t i) {
    return size_t(static_cast<uint8_t>(bytes[i]));
  };
  if (major == 1) {
    headerLen = byteAt(8) | byteAt(9) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated .npy header");
    headerLen =
        byteAt(8) | byteAt(9) << 8 | byteAt(10) << 16 | byteAt(11) << 24;
    headerStart = 12;
  } else {
    return fail(".npy format version " + std::to_string(major) +
                " is not supported");
  }
  if (bytes.size() < headerStart + headerLen)
    return fail("truncated .npy header");
  std::string header = bytes.substr(headerStart, headerLen);

  NpyArray array;
  size_t at = findValue(header, "descr");
  if (at == std::string::npos || at >= header.size() || header[at] != '\'')
    return fail("the .npy header has no 'descr'");
  size_t close = header.find('\'', at + 1);
  if (close == std::string::npos)
    return fail("the .npy header's 'descr' is malformed");
  array.descr = header.substr(at + 1, close - at - 1);
  if (!array.descr.empty() && array.descr[0] == '>' &&
      descrItemSize(array.descr) > 1)
    return fail("big-endian arrays (" + array.descr + ") are not supported");
  if (!array.descr.empty() && array.descr[0] == '=')
    array.descr[0] = '<';
  size_t itemSize = descrItemSize(array.descr);
  if (!itemSize)
    return fail("element type '" + array.descr + "' is not supported");

  at = findValue(header, "fortran_order");
  if (at == std::string::npos)
    return fail("the .npy header has no 'fortran_order'");
  if (header.compare(at, 4, "True") == 0)
    return fail("Fortran-order arrays are not supported; save a C-order "
                "array (numpy.ascontiguousarray)");

  at = findValue(header, "shape");
  if (at == std::string::npos || header[at] != '(')
    return fail("the .npy header has no 'shape'");
  close = header.find(')', at);
  if (close == std::string::npos)
    return fail("the .npy header's 'shape' is malformed");
  std::string dims = header.substr(at + 1, close - at - 1);
  const char *p = dims.c_str();
  while (*p) {
    while (*p == ' ' || *p == ',')
      ++p;
    if (!*p)
      break;
    char *end = nullptr;
    long long dim = std::strtoll(p, &end, 10);
    if (end == p || dim < 0)
      return fail("the .npy header's 'shape' is malformed");
    array.shape.push_back(dim);
    p = end;
  }

  std::optional<uint64_t> count = elementCount(array.shape);
  size_t dataStart = headerStart + headerLen;
  if (!count || *count > (bytes.size() - dataStart) / itemSize ||
      *count * itemSize != bytes.size() - dataStart)
    return fail("holds " + std::to_string(bytes.size() - dataStart) +
                " data bytes, but shape " + formatShape(array.shape) + " of '" +
                array.descr + "' needs " +
                (count ? std::to_string(*count * itemSize) : "more"));
  array.data.assign(bytes.begin() + dataStart, bytes.end());
  return array;
}

Status writeNpy(const std::string &path, const std::string &descr,
                const std::vector<int64_t> &shape, const void *data,
                size_t bytes) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + ", ";
  if (shape.size() > 1)
    dims.erase(dims.size() - 2);
  else if (shape.size() == 1)
    dims.pop_back(); // "(4,)"
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // NumPy pads the header with spaces so the data starts 64-byte aligned.
  size_t total = kMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Status::failure("cannot write '" + path +
                           "': " + std::strerror(errno));
  uint8_t preamble[10] = {0x93,
                          'N',
                          'U',
                          'M',
                          'P',
                          'Y',
                          1,
                          0,
                          uint8_t(header.size() & 0xff),
                          uint8_t(header.size() >> 8)};
  bool ok = std::fwrite(preamble, 1, sizeof(preamble), f) == sizeof(preamble) &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(data, 1, bytes, f) == bytes;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok)
    return Status::failure("cannot write '" + path +
                           "': " + std::strerror(errno));
  return Status::success();
}

} // namespace rong::runtime
