//===- CpuBlas.cpp - Library calls on the CPU -----------------------------===//
//
// This file implements gemm and conv2d library calls with CBLAS (OpenBLAS).
// Matrices are row-major and densely packed, so the leading dimensions follow
// from the shape and the transposition flags.
//
// One thread pool runs everything: the session's. OpenBLAS is set to one
// thread, and each product is cut along its larger output dimension into one
// BLAS call per pool thread (a batch of products is dealt out whole, one
// thread per product). OpenBLAS's own pthread workers would otherwise keep
// spinning for ~0.1 s after every call (its THREAD_TIMEOUT), taking the cores
// from the kernels and im2col that run between the calls.
//
//===----------------------------------------------------------------------===//

#include "CpuBlas.h"

#include <algorithm>
#include <mutex>

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

#ifdef RONG_RUNTIME_HAS_BLAS
namespace {

/// One row-major product C = alpha op(A) op(B) + beta C: the unit a BLAS
/// call computes and the pool splits.
template <typename T> struct Product {
  int64_t m, n, k;
  bool transA, transB;
  const T *a;
  int64_t lda;
  const T *b;
  int64_t ldb;
  T *c;
  int64_t ldc;
  T alpha, beta;
};

void blasCall(const Product<float> &p) {
  cblas_sgemm(CblasRowMajor, p.transA ? CblasTrans : CblasNoTrans,
              p.transB ? CblasTrans : CblasNoTrans, int(p.m), int(p.n),
              int(p.k), p.alpha, p.a, int(p.lda), p.b, int(p.ldb), p.beta,
              p.c, int(p.ldc));
}

void blasCall(const Product<double> &p) {
  cblas_dgemm(CblasRowMajor, p.transA ? CblasTrans : CblasNoTrans,
              p.transB ? CblasTrans : CblasNoTrans, int(p.m), int(p.n),
              int(p.k), p.alpha, p.a, int(p.lda), p.b, int(p.ldb), p.beta,
              p.c, int(p.ldc));
}

/// Rows or columns of C per unit of a split: a cache line of floats, so
/// that no two threads write the same line of a row.
constexpr int64_t kSplitUnit = 16;
/// Products smaller than this many multiply-adds run as one call: waking
/// the pool would cost more than it saves.
constexpr int64_t kMinSplitWork = int64_t(1) << 18;

/// The part of `p` whose C rows (byRows) or columns lie in [begin, end).
template <typename T>
Product<T> part(const Product<T> &p, bool byRows, int64_t begin, int64_t end) {
  Product<T> q = p;
  if (byRows) {
    q.m = end - begin;
    q.a += p.transA ? begin : begin * p.lda;
    q.c += begin * p.ldc;
  } else {
    q.n = end - begin;
    q.b += p.transB ? begin * p.ldb : begin;
    q.c += begin;
  }
  return q;
}

/// Computes `p` with one BLAS call per pool thread, each on a slice of C's
/// larger dimension. With `rowBias`, C's row i is first filled with
/// rowBias[i] and the product accumulates onto it (beta must be 1).
template <typename T>
void parallelProduct(const Product<T> &p, ThreadPool &pool,
                     const T *rowBias = nullptr) {
  auto run = [&](const Product<T> &q, int64_t row0) {
    if (rowBias)
      for (int64_t i = 0; i < q.m; ++i)
        std::fill(q.c + i * q.ldc, q.c + i * q.ldc + q.n, rowBias[row0 + i]);
    blasCall(q);
  };
  if (p.m == 0 || p.n == 0)
    return;
  if (p.m * p.n * std::max<int64_t>(p.k, 1) < kMinSplitWork) {
    run(p, 0);
    return;
  }
  bool byRows = p.m > p.n;
  int64_t extent = byRows ? p.m : p.n;
  int64_t units = (extent + kSplitUnit - 1) / kSplitUnit;
  pool.parallelFor(units, [&](int64_t begin, int64_t end) {
    int64_t from = begin * kSplitUnit, to = std::min(extent, end * kSplitUnit);
    run(part(p, byRows, from, to), byRows ? from : 0);
  });
}

/// OpenBLAS runs on the calling thread from now on (see the file comment).
void useCallingThreadOnly() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

/// Adds `bias` to rows [begin, end) of `q`'s C.
template <typename T>
void addBias(const Product<T> &q, const T *bias, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    T *row = q.c + i * q.ldc;
    for (int64_t j = 0; j < q.n; ++j)
      row[j] += bias[j];
  }
}

template <typename T>
void runGemm(const GemmCall &g, const T *a, const T *b, const T *bias, T *c,
             ThreadPool &pool) {
  // CBLAS rejects a leading dimension of 0 even when the matrix is empty.
  Product<T> p{g.m,
               g.n,
               g.k,
               g.transA,
               g.transB,
               nullptr,
               std::max<int64_t>(1, g.lda()),
               nullptr,
               std::max<int64_t>(1, g.ldb()),
               nullptr,
               std::max<int64_t>(1, g.ldc()),
               T(g.alpha),
               T(g.beta)};
  if (g.m == 0 || g.n == 0)
    return;
  auto matrix = [&](int64_t index) {
    Product<T> q = p;
    int64_t o = index / g.batch, i = index % g.batch;
    q.a = a + g.elementA(o, i);
    q.b = b + g.elementB(o, i);
    q.c = c + g.elementC(o, i);
    return q;
  };
  int64_t count = g.outerBatch * g.batch;
  // CBLAS has no bias epilogue: the bias is added to each product's rows
  // right after it, while they are still in cache where they can be.
  if (count >= int64_t(pool.size())) {
    pool.parallelFor(count, [&](int64_t begin, int64_t end) {
      for (int64_t index = begin; index < end; ++index) {
        Product<T> q = matrix(index);
        blasCall(q);
        if (bias)
          addBias(q, bias, 0, q.m);
      }
    });
    return;
  }
  for (int64_t index = 0; index < count; ++index) {
    Product<T> q = matrix(index);
    parallelProduct(q, pool);
    if (bias)
      pool.parallelFor(q.m, [&](int64_t begin, int64_t end) {
        addBias(q, bias, begin, end);
      });
  }
}

} // namespace
#endif

void runCpuGemm(const GemmCall &g, const void *a, const void *b,
                const void *bias, void *c, ThreadPool &pool) {
#ifdef RONG_RUNTIME_HAS_BLAS
  useCallingThreadOnly();
  if (g.dtype == DType::F32)
    runGemm(g, static_cast<const float *>(a), static_cast<const float *>(b),
            static_cast<const float *>(bias), static_cast<float *>(c), pool);
  else
    runGemm(g, static_cast<const double *>(a), static_cast<const double *>(b),
            static_cast<const double *>(bias), static_cast<double *>(c), pool);
#else
  (void)g, (void)a, (void)b, (void)bias, (void)c, (void)pool;
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
  useCallingThreadOnly();
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
      Product<float> p{kg,
                       pixels,
                       depth,
                       false,
                       false,
                       weight + g * kg * depth,
                       std::max<int64_t>(1, depth),
                       pointwise ? in : col,
                       std::max<int64_t>(1, pixels),
                       output + (n * c.k + g * kg) * pixels,
                       std::max<int64_t>(1, pixels),
                       1.0f,
                       bias ? 1.0f : 0.0f};
      parallelProduct(p, pool, bias ? bias + g * kg : nullptr);
    }
  }
#else
  (void)c, (void)inputPtr, (void)weightPtr, (void)biasPtr, (void)outputPtr,
      (void)scratchPtr, (void)pool;
#endif
}

} // namespace rong::runtime
