//===- OpenCLLibraryCalls.cpp - gemm and conv2d on OpenCL -----------------===//
//
// This file implements the OpenCL executor's library calls. gemm and
// batched_gemm go to CLBlast's xGEMM / xGEMMSTRIDEDBATCHED in row-major
// layout, which take exactly the artifact's packed matrices. conv2d mirrors
// the CPU executor: per image, an im2col kernel writes the
// (C/G * R * S) x (outH * outW) matrix of every group into a scratch buffer
// (skipped for 1x1, stride-1, unpadded convolutions, whose input already is
// that matrix), and one strided-batched sgemm over the groups multiplies the
// weights with it; a bias is written into the output first and accumulated
// with beta = 1. CLBlast rejects empty dimensions, so those are handled here.
//
//===----------------------------------------------------------------------===//

#include "OpenCLLibraryCalls.h"

#include <algorithm>

namespace rong::runtime::opencl {

namespace {

// CLBlast's C API (clblast_c.h): enums are C ints, queues passed by address.
using CLBlastStatus = int;
constexpr int kRowMajor = 101;
constexpr int kTransposeNo = 111;
constexpr int kTransposeYes = 112;

template <typename T>
using GemmFn = CLBlastStatus (*)(int, int, int, size_t, size_t, size_t, T,
                                 cl_handle, size_t, size_t, cl_handle, size_t,
                                 size_t, T, cl_handle, size_t, size_t,
                                 cl_handle *, cl_handle *);
template <typename T>
using StridedGemmFn = CLBlastStatus (*)(int, int, int, size_t, size_t, size_t,
                                        T, cl_handle, size_t, size_t, size_t,
                                        cl_handle, size_t, size_t, size_t, T,
                                        cl_handle, size_t, size_t, size_t,
                                        size_t, cl_handle *, cl_handle *);

std::string clblastError(CLBlastStatus status) {
  switch (status) {
  case -1017:
    return "CLBlastInvalidDimension (-1017)";
  case -1011:
  case -1010:
  case -1009:
    return "CLBlastInsufficientMemory" +
           std::string(status == -1011 ? "A" : status == -1010 ? "B" : "C") +
           " (" + std::to_string(status) + ")";
  case -2044:
    return "CLBlastNoDoublePrecision (-2044): the device has no f64";
  case -2041:
    return "CLBlastDatabaseError (-2041)";
  default:
    if (status > -1000)
      return OpenCLApi::errorName(status);
    return "CLBlast status " + std::to_string(status);
  }
}

// The helper kernels of conv2d, OpenCL C 1.2. One work-item per element.
const char kConvKernels[] = R"(
__kernel void rong_im2col(__global const float *in, long inOffset,
                          __global float *col, long C, long H, long W, long R,
                          long S, long outH, long outW, long strideH,
                          long strideW, long padTop, long padLeft,
                          long dilationH, long dilationW) {
  long i = get_global_id(0);
  long pixels = outH * outW;
  if (i >= C * R * S * pixels)
    return;
  long x = i % outW, y = (i / outW) % outH, row = i / pixels;
  long s = row % S, r = (row / S) % R, ch = row / (R * S);
  long iy = y * strideH - padTop + r * dilationH;
  long ix = x * strideW - padLeft + s * dilationW;
  col[i] = (iy >= 0 && iy < H && ix >= 0 && ix < W)
               ? in[inOffset + (ch * H + iy) * W + ix]
               : 0.0f;
}

__kernel void rong_bias_rows(__global const float *bias, __global float *out,
                             long K, long pixels, long total) {
  long i = get_global_id(0);
  if (i < total)
    out[i] = bias[(i / pixels) % K];
}
)";

bool isPointwise(const Conv2DCall &c) {
  return c.r == 1 && c.s == 1 && c.strideH == 1 && c.strideW == 1 &&
         c.padTop == 0 && c.padLeft == 0 && c.padBottom == 0 &&
         c.padRight == 0;
}

} // namespace

struct OpenCLLibraryCalls::CLBlast {
  DynamicLibrary library;
  GemmFn<float> sgemm = nullptr;
  GemmFn<double> dgemm = nullptr;
  StridedGemmFn<float> sgemmBatched = nullptr;
  StridedGemmFn<double> dgemmBatched = nullptr;
  explicit CLBlast(DynamicLibrary library) : library(std::move(library)) {}
};

OpenCLLibraryCalls::OpenCLLibraryCalls(const OpenCLContext &context)
    : ctx(context) {}

Expected<std::unique_ptr<OpenCLLibraryCalls>>
OpenCLLibraryCalls::create(const OpenCLContext &context,
                           const std::string &clblastLibrary,
                           bool withConv2D) {
  Expected<DynamicLibrary> lib = DynamicLibrary::open(clblastLibrary);
  if (!lib)
    return Status::failure("gemm and conv2d on OpenCL need CLBlast, and it "
                           "cannot be loaded: " +
                           lib.message() + " (Debian: libclblast1)");
  std::unique_ptr<OpenCLLibraryCalls> calls(new OpenCLLibraryCalls(context));
  calls->blas = std::make_unique<CLBlast>(lib.take());
  CLBlast &b = *calls->blas;
  SymbolResolver resolve(b.library);
  resolve(b.sgemm, "CLBlastSgemm");
  resolve(b.dgemm, "CLBlastDgemm");
  resolve(b.sgemmBatched, "CLBlastSgemmStridedBatched");
  resolve(b.dgemmBatched, "CLBlastDgemmStridedBatched");
  if (!resolve.missing().empty())
    return Status::failure("the CLBlast library '" + clblastLibrary +
                           "' lacks " + resolve.missing() +
                           " (CLBlast 1.5 or newer is needed)");
  if (!withConv2D)
    return calls;

  const OpenCLApi &cl = context.api();
  Expected<cl_handle> program =
      cl.buildProgram(context.context(), context.device(), kConvKernels,
                      "-cl-std=CL1.2", "the runtime's conv2d kernels");
  if (!program)
    return program.status();
  calls->program = *program;
  cl_int err = CL_SUCCESS;
  calls->im2col = cl.CreateKernel(calls->program, "rong_im2col", &err);
  if (Status s = OpenCLApi::check(err, "clCreateKernel 'rong_im2col'");
      !s.ok())
    return s;
  calls->biasRows = cl.CreateKernel(calls->program, "rong_bias_rows", &err);
  if (Status s = OpenCLApi::check(err, "clCreateKernel 'rong_bias_rows'");
      !s.ok())
    return s;
  return calls;
}

OpenCLLibraryCalls::~OpenCLLibraryCalls() {
  const OpenCLApi &cl = ctx.api();
  if (im2col)
    cl.ReleaseKernel(im2col);
  if (biasRows)
    cl.ReleaseKernel(biasRows);
  if (program)
    cl.ReleaseProgram(program);
}

Status OpenCLLibraryCalls::checkGemm(const GemmCall &gemm,
                                     const std::string &what) {
  if (gemm.dtype != DType::F32 && gemm.dtype != DType::F64)
    return Status::failure(what + ": gemm on OpenCL supports f32 and f64, "
                                  "not " +
                           std::string(dtypeName(gemm.dtype)));
  if (gemm.hasBias)
    return Status::failure(what + ": a gemm with a bias cannot run on OpenCL "
                                  "(CLBlast's GEMM has no bias epilogue)");
  return Status::success();
}

Status OpenCLLibraryCalls::checkConv2D(const Conv2DCall &conv,
                                       const std::string &what) {
  if (conv.dtype != DType::F32)
    return Status::failure(what + ": conv2d on OpenCL supports f32, not " +
                           std::string(dtypeName(conv.dtype)));
  return Status::success();
}

size_t OpenCLLibraryCalls::conv2DScratchBytes(const Conv2DCall &c) {
  if (isPointwise(c))
    return 0;
  return size_t(c.c) * c.r * c.s * c.outH * c.outW * sizeof(float);
}

Status OpenCLLibraryCalls::stridedGemm(const GemmCall &g, cl_handle a,
                                       size_t offsetA, cl_handle b,
                                       size_t offsetB, cl_handle c,
                                       size_t offsetC,
                                       const std::string &what) const {
  if (g.m == 0 || g.n == 0 || g.batch == 0)
    return Status::success();
  const OpenCLApi &cl = ctx.api();
  if (g.k == 0) {
    // op(A) * op(B) is zero: C = beta * C.
    if (g.beta == 1)
      return Status::success();
    if (g.beta != 0)
      return Status::failure(what + ": K = 0 with beta other than 0 or 1 is "
                                    "not supported on OpenCL");
    size_t element = dtypeSize(g.dtype);
    const unsigned char zero = 0;
    // Densely packed rows are filled in one go, strided ones row by row.
    bool dense = g.ldc() == g.n;
    int64_t rows = dense ? 1 : g.m;
    int64_t span = dense ? g.m * g.n : g.n;
    for (int64_t i = 0; i < g.batch; ++i)
      for (int64_t r = 0; r < rows; ++r)
        if (Status s = OpenCLApi::check(
                cl.EnqueueFillBuffer(
                    ctx.queue(), c, &zero, 1,
                    (offsetC + i * g.strideC + r * g.ldc()) * element,
                    size_t(span) * element, 0, nullptr, nullptr),
                what + ": clEnqueueFillBuffer");
            !s.ok())
          return s;
    return Status::success();
  }
  int ta = g.transA ? kTransposeYes : kTransposeNo;
  int tb = g.transB ? kTransposeYes : kTransposeNo;
  cl_handle queue = ctx.queue();
  CLBlastStatus status;
  bool f64 = g.dtype == DType::F64;
  if (g.batch == 1) {
    status = f64 ? blas->dgemm(kRowMajor, ta, tb, g.m, g.n, g.k, g.alpha, a,
                               offsetA, g.lda(), b, offsetB, g.ldb(), g.beta,
                               c, offsetC, g.ldc(), &queue, nullptr)
                 : blas->sgemm(kRowMajor, ta, tb, g.m, g.n, g.k,
                               float(g.alpha), a, offsetA, g.lda(), b, offsetB,
                               g.ldb(), float(g.beta), c, offsetC, g.ldc(),
                               &queue, nullptr);
  } else {
    status =
        f64 ? blas->dgemmBatched(kRowMajor, ta, tb, g.m, g.n, g.k, g.alpha, a,
                                 offsetA, g.lda(), g.strideA, b, offsetB,
                                 g.ldb(), g.strideB, g.beta, c, offsetC,
                                 g.ldc(), g.strideC, g.batch, &queue, nullptr)
            : blas->sgemmBatched(kRowMajor, ta, tb, g.m, g.n, g.k,
                                 float(g.alpha), a, offsetA, g.lda(),
                                 g.strideA, b, offsetB, g.ldb(), g.strideB,
                                 float(g.beta), c, offsetC, g.ldc(),
                                 g.strideC, g.batch, &queue, nullptr);
  }
  if (status != 0)
    return Status::failure(what + ": CLBlast " +
                           (f64 ? "d" : "s") + "gemm" +
                           (g.batch == 1 ? "" : "StridedBatched") +
                           " failed: " + clblastError(status));
  return Status::success();
}

Status OpenCLLibraryCalls::gemm(const GemmCall &g, cl_handle a, cl_handle b,
                                cl_handle c) const {
  for (int64_t o = 0; o < g.outerBatch; ++o)
    if (Status s = stridedGemm(g, a, g.elementA(o, 0), b, g.elementB(o, 0), c,
                               g.elementC(o, 0), "gemm");
        !s.ok())
      return s;
  return Status::success();
}

Status OpenCLLibraryCalls::launch1D(cl_handle kernel, size_t items,
                                    const char *name) const {
  if (items == 0)
    return Status::success();
  size_t local = 64;
  size_t global = (items + local - 1) / local * local;
  return OpenCLApi::check(ctx.api().EnqueueNDRangeKernel(
                              ctx.queue(), kernel, 1, nullptr, &global,
                              &local, 0, nullptr, nullptr),
                          std::string("launching '") + name + "'");
}

Status OpenCLLibraryCalls::conv2d(const Conv2DCall &c, cl_handle input,
                                  cl_handle weight, cl_handle bias,
                                  cl_handle output, cl_handle scratch) const {
  const OpenCLApi &cl = ctx.api();
  int64_t cg = c.c / c.groups, kg = c.k / c.groups;
  int64_t pixels = c.outH * c.outW, depth = cg * c.r * c.s;
  auto setArgs = [&](cl_handle kernel,
                     std::initializer_list<std::pair<size_t, const void *>>
                         args) -> cl_int {
    cl_uint index = 0;
    for (auto [size, value] : args)
      if (cl_int err = cl.SetKernelArg(kernel, index++, size, value))
        return err;
    return CL_SUCCESS;
  };
  if (bias) {
    int64_t total = c.n * c.k * pixels;
    cl_int err = setArgs(biasRows, {{sizeof(cl_handle), &bias},
                                    {sizeof(cl_handle), &output},
                                    {sizeof(int64_t), &c.k},
                                    {sizeof(int64_t), &pixels},
                                    {sizeof(int64_t), &total}});
    if (Status s = OpenCLApi::check(err, "conv2d: clSetKernelArg"); !s.ok())
      return s;
    if (Status s = launch1D(biasRows, size_t(total), "rong_bias_rows");
        !s.ok())
      return s;
  }
  bool pointwise = isPointwise(c);
  GemmCall g;
  g.m = kg;
  g.n = pixels;
  g.k = depth;
  g.batch = c.groups;
  g.strideA = kg * depth;
  g.strideB = depth * pixels;
  g.strideC = kg * pixels;
  g.beta = bias ? 1.0 : 0.0;
  g.dtype = DType::F32;
  for (int64_t n = 0; n < c.n; ++n) {
    int64_t inOffset = n * c.c * c.h * c.w;
    if (!pointwise) {
      cl_int err = setArgs(
          im2col, {{sizeof(cl_handle), &input},
                   {sizeof(int64_t), &inOffset},
                   {sizeof(cl_handle), &scratch},
                   {sizeof(int64_t), &c.c},
                   {sizeof(int64_t), &c.h},
                   {sizeof(int64_t), &c.w},
                   {sizeof(int64_t), &c.r},
                   {sizeof(int64_t), &c.s},
                   {sizeof(int64_t), &c.outH},
                   {sizeof(int64_t), &c.outW},
                   {sizeof(int64_t), &c.strideH},
                   {sizeof(int64_t), &c.strideW},
                   {sizeof(int64_t), &c.padTop},
                   {sizeof(int64_t), &c.padLeft},
                   {sizeof(int64_t), &c.dilationH},
                   {sizeof(int64_t), &c.dilationW}});
      if (Status s = OpenCLApi::check(err, "conv2d: clSetKernelArg"); !s.ok())
        return s;
      if (Status s = launch1D(im2col, size_t(c.c * c.r * c.s * pixels),
                              "rong_im2col");
          !s.ok())
        return s;
    }
    if (Status s = stridedGemm(g, weight, 0, pointwise ? input : scratch,
                               pointwise ? inOffset : 0, output,
                               n * c.k * pixels, "conv2d");
        !s.ok())
      return s;
  }
  return Status::success();
}

} // namespace rong::runtime::opencl
