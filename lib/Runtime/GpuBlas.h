//===- GpuBlas.h - A vendor BLAS for GPU library calls ----------*- C++ -*-===//
//
// This file declares GpuBlas, through which the GPU executor runs an
// artifact's gemm and batched_gemm steps: one strided-batched GEMM entry point
// of the vendor's BLAS (cuBLAS's cublasGemmStridedBatchedEx), resolved with
// dlopen from a table of symbol names and enum values, as GpuDriver resolves
// the driver. The runtime so builds without the BLAS headers and only a plan
// with GEMMs needs the library.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_GPUBLAS_H
#define RONG_RUNTIME_GPUBLAS_H

#include "GpuDriver.h"
#include "LibraryCalls.h"

namespace rong::runtime::gpu {

/// One vendor BLAS: symbols (alternatives separated by '|') and the values of
/// the enums the GEMM call takes.
struct BlasTable {
  /// For messages: "cuBLAS".
  const char *apiName;
  /// What to install when the library is missing.
  const char *installHint;
  const char *create, *destroy, *setStream, *gemmStridedBatchedEx,
      *statusString;
  int opN, opT;
  /// Data types of A, B and C.
  int realF32, realF16, realBF16, realF64;
  /// Accumulate in f32 (for f32, f16 and bf16), without reduced-precision
  /// shortcuts (cuBLAS: no TF32), as PyTorch does by default; f64 in f64.
  int computeF32, computeF64;
  int algoDefault;
};

/// NVIDIA's cuBLAS (libcublas.so.13 or .12).
const BlasTable &cublasTable();

/// `what` failed with vendor BLAS status `code` (0 is success), in the
/// library's words where `statusString` gives them, else "<api> status N".
Status blasStatus(int code, const std::string &what,
                  const char *(*statusString)(int), const char *apiName);

class GpuBlas {
public:
  /// Loads the first of `libraries` that opens and has every entry point,
  /// and creates a handle. The device's context must be current.
  static Expected<std::unique_ptr<GpuBlas>>
  create(const BlasTable &table, const std::vector<std::string> &libraries);
  /// Destroys the handle; the device's context must be current.
  ~GpuBlas();
  GpuBlas(const GpuBlas &) = delete;
  GpuBlas &operator=(const GpuBlas &) = delete;

  /// Why `call` cannot run through this BLAS (an element type it has no
  /// routine for, a dimension past its 32-bit integers), or success.
  static Status supports(const BlasTable &table, const GemmCall &call);
  /// Enqueues `call` on `stream`; `a`, `b`, `c` are the device addresses of
  /// its row-major operands.
  Status gemm(const GemmCall &call, DevicePtr a, DevicePtr b, DevicePtr c,
              Stream stream) const;

  const BlasTable &table() const { return *tbl; }

private:
  using Handle = struct BlasHandle_st *;
  using StatusCode = int;
  GpuBlas(const BlasTable &table, DynamicLibrary library)
      : tbl(&table), library(std::move(library)) {}
  Status check(StatusCode code, const std::string &what) const;

  const BlasTable *tbl;
  DynamicLibrary library;
  Handle handle = nullptr;
  StatusCode (*createFn)(Handle *) = nullptr;
  StatusCode (*destroyFn)(Handle) = nullptr;
  StatusCode (*setStreamFn)(Handle, Stream) = nullptr;
  StatusCode (*gemmFn)(Handle, int transA, int transB, int m, int n, int k,
                       const void *alpha, const void *a, int aType, int lda,
                       long long strideA, const void *b, int bType, int ldb,
                       long long strideB, const void *beta, void *c, int cType,
                       int ldc, long long strideC, int batch, int computeType,
                       int algo) = nullptr;
  const char *(*statusStringFn)(StatusCode) = nullptr;
};

} // namespace rong::runtime::gpu

#endif // RONG_RUNTIME_GPUBLAS_H
