//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// This file declares a reader and writer for NumPy's .npy format (version 1.0
// to 3.0 headers; little-endian, C-order arrays), enough for rong-run to take
// inputs from and give outputs to NumPy.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_NPY_H
#define RONG_RUNTIME_NPY_H

#include "rong/Runtime/Status.h"
#include "rong/Runtime/Types.h"

#include <string>
#include <vector>

namespace rong::runtime {

struct NpyArray {
  /// NumPy's type string, e.g. "<f4", "|b1".
  std::string descr;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// Reads a .npy file. Fortran-order and big-endian arrays are errors.
Expected<NpyArray> readNpy(const std::string &path);
/// Writes a C-order .npy file.
Status writeNpy(const std::string &path, const std::string &descr,
                const std::vector<int64_t> &shape, const void *data,
                size_t bytes);

/// The .npy type string of a Rong element type. bf16 has no NumPy type; it
/// is exchanged as its raw bits, "<u2".
std::string npyDescr(DType dtype);

} // namespace rong::runtime

#endif // RONG_RUNTIME_NPY_H
