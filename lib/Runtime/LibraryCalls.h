//===- LibraryCalls.h - Parameters of library-call steps --------*- C++ -*-===//
//
// This file declares the decoded form of the library calls an artifact may
// contain ("gemm", "batched_gemm"). Decoding and its checks are shared by
// every executor; only the call into the vendor library differs.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_LIBRARYCALLS_H
#define RONG_RUNTIME_LIBRARYCALLS_H

#include "rong/Runtime/Artifact.h"

namespace rong::runtime {

/// C = alpha * op(A) * op(B) + beta * C over `batch` row-major, densely
/// packed matrices; op(A) is M x K, op(B) is K x N, C is M x N. See
/// docs/runtime.md for the parameter layout.
struct GemmCall {
  int64_t m = 0, n = 0, k = 0;
  bool transA = false, transB = false;
  int64_t batch = 1;
  /// Elements between consecutive matrices of a batch; 0 repeats one matrix.
  int64_t strideA = 0, strideB = 0, strideC = 0;
  double alpha = 1, beta = 0;
  /// Buffer indices of A, B and C.
  uint32_t a = 0, b = 0, c = 0;
  DType dtype = DType::F32;

  int64_t lda() const { return transA ? m : k; }
  int64_t ldb() const { return transB ? k : n; }
  int64_t ldc() const { return n; }
};

/// Decodes and checks the "gemm" or "batched_gemm" call of step `index`:
/// parameter counts, dimensions, one element type for A, B and C, and that
/// every matrix of the batch lies inside its buffer.
Expected<GemmCall> decodeGemm(const Artifact &artifact, size_t index);

/// True for the functions decodeGemm understands.
bool isGemm(const std::string &function);

} // namespace rong::runtime

#endif // RONG_RUNTIME_LIBRARYCALLS_H
