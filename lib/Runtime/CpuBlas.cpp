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

#include <climits>

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
  for (int64_t ld : {gemm.lda(), gemm.ldb(), gemm.ldc()})
    if (ld > INT_MAX)
      return Status::failure(what + ": a leading dimension of " +
                             std::to_string(ld) +
                             " exceeds CBLAS's 32-bit sizes");
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
  for (int64_t o = 0; o < g.outerBatch; ++o)
    for (int64_t i = 0; i < g.batch; ++i) {
      if (g.dtype == DType::F32) {
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, float(g.alpha),
                    static_cast<const float *>(a) + g.elementA(o, i), lda,
                    static_cast<const float *>(b) + g.elementB(o, i), ldb,
                    float(g.beta), static_cast<float *>(c) + g.elementC(o, i),
                    ldc);
      } else {
        cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, g.alpha,
                    static_cast<const double *>(a) + g.elementA(o, i), lda,
                    static_cast<const double *>(b) + g.elementB(o, i), ldb,
                    g.beta, static_cast<double *>(c) + g.elementC(o, i), ldc);
      }
    }
#else
  (void)g, (void)a, (void)b, (void)c;
#endif
}

Status checkCpuConv2D(const Conv2DCall &conv, const std::string &what) {
#ifndef RONG_RUNTIME_HAS_BLAS
  (void)conv;
  return Status::failure(what + ": conv2d on the CPU needs BLAS, and this "
                                "runtime was built without it");
#else
  if (conv.dtype != DType::F32)
    return Status::failure(what + ": conv2d on the CPU supports f32, not " +
                           std::string(dtypeName(conv.dtype)));
  return Status::success();
#endif
}

/// A 1x1 convolution with stride 1 and no padding reads its input as the
/// im2col matrix itself.
static bool isPointwise(const Conv2DCall &c) {
  return c.r == 1 && c.s == 1 && c.strideH == 1 && c.strideW == 1 &&
         c.padTop == 0 && c.padLeft == 0 && c.padBottom == 0 &&
         c.padRight == 0;
}

size_t cpuConv2DScratchBytes(const Conv2DCall &c) {
  if (isPointwise(c))
    return 0;
  return size_t(c.c / c.groups) * c.r * c.s * c.outH * c.outW * sizeof(float);
}

/// Fills rows [begin, end) of one group's im2col matrix: row (ch, r, s)
/// holds in[ch, y*sh - pt + r*dh, x*sw - pl + s*dw] at column (y, x), 0
/// where that lies in the padding. The columns x that read the input form
/// one range per row, copied without bounds checks (memcpy for stride 1).
static void im2colRows(const Conv2DCall &c, const float *in, float *col,
                       int64_t begin, int64_t end) {
  auto ceilDiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  int64_t pixels = c.outH * c.outW;
  for (int64_t row = begin; row < end; ++row) {
    int64_t ch = row / (c.r * c.s), r = (row / c.s) % c.r, s = row % c.s;
    int64_t offset = s * c.dilationW - c.padLeft; // ix = x * sw + offset
    int64_t x0 = offset >= 0 ? 0 : ceilDiv(-offset, c.strideW);
    int64_t x1 = offset >= c.w ? 0 : ceilDiv(c.w - offset, c.strideW);
    x0 = std::min(x0, c.outW);
    x1 = std::clamp(x1, x0, c.outW);
    float *dstRow = col + row * pixels;
    for (int64_t y = 0; y < c.outH; ++y) {
      float *dst = dstRow + y * c.outW;
      int64_t iy = y * c.strideH - c.padTop + r * c.dilationH;
      if (iy < 0 || iy >= c.h) {
        std::fill(dst, dst + c.outW, 0.0f);
        continue;
      }
      const float *src = in + (ch * c.h + iy) * c.w + offset;
      std::fill(dst, dst + x0, 0.0f);
      if (c.strideW == 1) {
        std::copy(src + x0, src + x1, dst + x0);
      } else {
        for (int64_t x = x0; x < x1; ++x)
          dst[x] = src[x * c.strideW];
      }
      std::fill(dst + x1, dst + c.outW, 0.0f);
    }
  }
}

void runCpuConv2D(const Conv2DCall &c, const void *inputPtr,
                  const void *weightPtr, const void *biasPtr, void *outputPtr,
                  void *scratchPtr, ThreadPool &pool) {
#ifdef RONG_RUNTIME_HAS_BLAS
  const float *input = static_cast<const float *>(inputPtr);
  const float *weight = static_cast<const float *>(weightPtr);
  const float *bias = static_cast<const float *>(biasPtr);
  float *output = static_cast<float *>(outputPtr);
  float *col = static_cast<float *>(scratchPtr);
  int64_t cg = c.c / c.groups, kg = c.k / c.groups;
  int64_t pixels = c.outH * c.outW, depth = cg * c.r * c.s;
  bool pointwise = isPointwise(c);
  for (int64_t n = 0; n < c.n; ++n) {
    for (int64_t g = 0; g < c.groups; ++g) {
      const float *in = input + (n * c.c + g * cg) * c.h * c.w;
      if (!pointwise)
        pool.parallelFor(depth, [&](int64_t begin, int64_t end) {
          im2colRows(c, in, col, begin, end);
        });
      // out[g] (kg x pixels) = weight[g] (kg x depth) * col (depth x pixels)
      float *out = output + (n * c.k + g * kg) * pixels;
      if (bias) {
        for (int64_t k = 0; k < kg; ++k)
          std::fill(out + k * pixels, out + (k + 1) * pixels, bias[g * kg + k]);
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(kg),
                  int(pixels), int(depth), 1.0f, weight + g * kg * depth,
                  int(std::max<int64_t>(1, depth)), pointwise ? in : col,
                  int(std::max<int64_t>(1, pixels)), bias ? 1.0f : 0.0f, out,
                  int(std::max<int64_t>(1, pixels)));
    }
  }
#else
  (void)c, (void)inputPtr, (void)weightPtr, (void)biasPtr, (void)outputPtr,
      (void)scratchPtr, (void)pool;
#endif
}

} // namespace rong::runtime
