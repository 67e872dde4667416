//===- OpenCLLibraryCalls.h - gemm and conv2d on OpenCL ---------*- C++ -*-===//
//
// This file declares OpenCLLibraryCalls, the OpenCL executor's library
// calls: gemm and batched_gemm through CLBlast (libclblast.so.1, opened with
// dlopen like the ICD loader), and conv2d as an im2col kernel of Rong's own
// followed by CLBlast's sgemm. Everything is enqueued on the session's
// in-order queue; nothing waits.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_OPENCLLIBRARYCALLS_H
#define RONG_RUNTIME_OPENCLLIBRARYCALLS_H

#include "LibraryCalls.h"
#include "OpenCLApi.h"

namespace rong::runtime::opencl {

class OpenCLLibraryCalls {
public:
  /// Loads CLBlast from `clblastLibrary` and, when `withConv2D`, builds the
  /// im2col and bias kernels on `context`. `context` must outlive the
  /// object.
  static Expected<std::unique_ptr<OpenCLLibraryCalls>>
  create(const OpenCLContext &context, const std::string &clblastLibrary,
         bool withConv2D);
  ~OpenCLLibraryCalls();

  /// Element types the calls take: f32 (and f64 for gemm); `what` names the
  /// step in the message.
  static Status checkGemm(const GemmCall &gemm, const std::string &what);
  static Status checkConv2D(const Conv2DCall &conv, const std::string &what);
  /// Bytes of the im2col matrix of one image (0 when the input is used as
  /// it is).
  static size_t conv2DScratchBytes(const Conv2DCall &conv);

  /// Enqueues C = alpha * op(A) * op(B) + beta * C on whole buffers.
  Status gemm(const GemmCall &gemm, cl_handle a, cl_handle b,
              cl_handle c) const;
  /// Enqueues the convolution; `bias` may be null, `scratch` holds
  /// conv2DScratchBytes.
  Status conv2d(const Conv2DCall &conv, cl_handle input, cl_handle weight,
                cl_handle bias, cl_handle output, cl_handle scratch) const;

  struct CLBlast;

private:
  explicit OpenCLLibraryCalls(const OpenCLContext &context);
  /// One batch of gemms of the same shape at element offsets and strides.
  Status stridedGemm(const GemmCall &g, cl_handle a, size_t offsetA,
                     cl_handle b, size_t offsetB, cl_handle c, size_t offsetC,
                     const std::string &what) const;
  Status launch1D(cl_handle kernel, size_t items, const char *name) const;

  const OpenCLContext &ctx;
  std::unique_ptr<CLBlast> blas;
  cl_handle program = nullptr;
  cl_handle im2col = nullptr;
  cl_handle biasRows = nullptr;
};

} // namespace rong::runtime::opencl

#endif // RONG_RUNTIME_OPENCLLIBRARYCALLS_H
