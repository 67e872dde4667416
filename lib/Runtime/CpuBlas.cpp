//===- CpuBlas.cpp - Library calls on the CPU
//------------------------------===//
//
// This file implements gemm library calls with CBLAS (OpenBLAS). Matrices are
// row-major and densely packed, so the leading dimensions follow from the
// shape and the transposition flags.
//
//===----------------------------------------------------------------------===//

#include "CpuBlas.h"

#include <algorithm>

#ifdef RONG_RUNTIME_HAS_BLAS
#include <cblas.h>
#endif

namespace rong::runtime {

Status checkCpuGemm(const GemmCall &gemm, const std::string &what) {
#ifndef RONG_RUNTIME_HAS_BLAS
  (void)gemm;
  return Status::failure(what + ": gemm on the CPU needs BLAS, and this "
                                "runtime was built without it (install "
                                "OpenBLAS, e.g. libopenblas-dev, and rebuild)");
#else
  if (gemm.dtype != DType::F32 && gemm.dtype != DType::F64)
    return Status::failure(what +
                           ": gemm on the CPU supports f32 and f64, "
                           "not " +
                           std::string(dtypeName(gemm.dtype)));
  return Status::success();
#endif
}

void runCpuGemm(const GemmCall &g, const void *a, const void *b, void *c) {
#ifdef RONG_RUNTIME_HAS_BLAS
  CBLAS_TRANSPOSE ta = g.transA ? CblasTrans : CblasNoTrans;
  CBLAS_TRANSPOSE tb = g.transB ? CblasTrans : CblasNoTrans;
  int m = int(g.m), n = int(g.n), k = int(g.k);
  // CBLAS rejects a leading dimension of 0 even when the matrix is empty.
  int lda = int(std::max<int64_t>(1, g.lda()));
  int ldb = int(std::max<int64_t>(1, g.ldb()));
  int ldc = int(std::max<int64_t>(1, g.ldc()));
  if (m == 0 || n == 0)
    return;
  for (int64_t i = 0; i < g.batch; ++i) {
    if (g.dtype == DType::F32) {
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, float(g.alpha),
                  static_cast<const float *>(a) + i * g.strideA, lda,
                  static_cast<const float *>(b) + i * g.strideB, ldb,
                  float(g.beta), static_cast<float *>(c) + i * g.strideC, ldc);
    } else {
      cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, g.alpha,
                  static_cast<const double *>(a) + i * g.strideA, lda,
                  static_cast<const double *>(b) + i * g.strideB, ldb, g.beta,
                  static_cast<double *>(c) + i * g.strideC, ldc);
    }
  }
#else
  (void)g, (void)a, (void)b, (void)c;
#endif
}

} // namespace rong::runtime
