//===- LibraryCalls.h - Parameters of library-call steps --------*- C++ -*-===//
//
// This file declares the decoded form of the library calls an artifact may
// contain ("gemm", "batched_gemm", "strided_gemm", "conv2d", "copy").
// Decoding and its checks are shared by every executor; only the call into
// the vendor library differs.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_LIBRARYCALLS_H
#define RONG_RUNTIME_LIBRARYCALLS_H

#include "rong/Runtime/Artifact.h"

namespace rong::runtime {

/// C = alpha * op(A) * op(B) + beta * C over a batch of row-major matrices;
/// op(A) is M x K, op(B) is K x N, C is M x N. "gemm" and "batched_gemm"
/// describe densely packed matrices; "strided_gemm" gives every operand a
/// leading dimension, an offset and two levels of batch strides, so a
/// transposed or sliced view of a buffer (attention's head split and merge)
/// is read or written in place. See docs/runtime.md for the parameter layout.
struct GemmCall {
  int64_t m = 0, n = 0, k = 0;
  bool transA = false, transB = false;
  int64_t batch = 1;
  /// Elements between consecutive matrices of a batch; 0 repeats one matrix.
  int64_t strideA = 0, strideB = 0, strideC = 0;
  /// An outer batch level around `batch` (strided_gemm only).
  int64_t outerBatch = 1;
  int64_t outerStrideA = 0, outerStrideB = 0, outerStrideC = 0;
  /// Elements from the start of each buffer to its first matrix.
  int64_t offsetA = 0, offsetB = 0, offsetC = 0;
  /// Leading dimensions; 0 means densely packed.
  int64_t ldA = 0, ldB = 0, ldC = 0;
  double alpha = 1, beta = 0;
  /// Buffer indices of A, B and C.
  uint32_t a = 0, b = 0, c = 0;
  /// A bias of N elements (the type of C) added to every row of every
  /// matrix of the batch, in the GEMM's epilogue: C = alpha * op(A) * op(B)
  /// + beta * C + bias. Its buffer index is valid when hasBias.
  bool hasBias = false;
  uint32_t bias = 0;
  DType dtype = DType::F32;

  int64_t lda() const { return ldA ? ldA : (transA ? m : k); }
  int64_t ldb() const { return ldB ? ldB : (transB ? k : n); }
  int64_t ldc() const { return ldC ? ldC : n; }
  /// The element offsets of A, B and C for matrix `inner` of outer batch
  /// `outer`.
  int64_t elementA(int64_t outer, int64_t inner) const {
    return offsetA + outer * outerStrideA + inner * strideA;
  }
  int64_t elementB(int64_t outer, int64_t inner) const {
    return offsetB + outer * outerStrideB + inner * strideB;
  }
  int64_t elementC(int64_t outer, int64_t inner) const {
    return offsetC + outer * outerStrideC + inner * strideC;
  }
};

/// Decodes and checks the "gemm", "batched_gemm" or "strided_gemm" call of
/// step `index`: parameter counts, dimensions, leading dimensions, one element
/// type for A, B, C (and the bias), that every matrix of the batch lies inside
/// its buffer, that no two elements of C coincide, and that a bias holds N
/// elements. `args` are [A, B, C] or [A, B, bias, C].
Expected<GemmCall> decodeGemm(const Artifact &artifact, size_t index);

/// True for the functions decodeGemm understands.
bool isGemm(const std::string &function);

/// Copies all bytes of buffer `src` to buffer `dst` (same size): a graph
/// output that is an input or a constant.
struct CopyCall {
  uint32_t src = 0, dst = 0;
  uint64_t bytes = 0;
};

/// Decodes and checks the "copy" call of step `index`: `args` are [src, dst]
/// of equal sizes, no parameters.
Expected<CopyCall> decodeCopy(const Artifact &artifact, size_t index);

/// 2-D convolution, NCHW, with an optional per-channel bias:
/// out[n, k, y, x] = bias[k] + sum over c, r, s of
///   in[n, g*C/G + c, y*strideH - padTop + r*dilationH,
///      x*strideW - padLeft + s*dilationW] * weight[k, c, r, s]
/// (zero outside the input), g = k / (K/G).
struct Conv2DCall {
  int64_t n = 0, c = 0, h = 0, w = 0;
  int64_t k = 0, r = 0, s = 0;
  int64_t strideH = 1, strideW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t dilationH = 1, dilationW = 1;
  int64_t groups = 1;
  int64_t outH = 0, outW = 0;
  /// Buffer indices; `bias` is valid when hasBias.
  uint32_t input = 0, weight = 0, bias = 0, output = 0;
  bool hasBias = false;
  DType dtype = DType::F32;
};

/// Decodes and checks the "conv2d" call of step `index`: `int_params` are
/// [N, C, H, W, K, R, S, strideH, strideW, padTop, padLeft, padBottom,
/// padRight, dilationH, dilationW, groups], `args` are [input, weight, output]
/// or [input, weight, bias, output]; every buffer must hold what the shapes
/// say.
Expected<Conv2DCall> decodeConv2D(const Artifact &artifact, size_t index);

} // namespace rong::runtime

#endif // RONG_RUNTIME_LIBRARYCALLS_H
