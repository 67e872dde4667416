//===- LibraryCalls.cpp - Parameters of library-call steps ----------------===//
//
// This file implements the decoding of gemm library calls. The parameter
// layout is part of the artifact format (docs/runtime.md), so every check
// here names the parameter it finds wrong.
//
//===----------------------------------------------------------------------===//

#include "LibraryCalls.h"

#include <algorithm>

namespace rong::runtime {

bool isGemm(const std::string &function) {
  return function == "gemm" || function == "batched_gemm" ||
         function == "strided_gemm";
}

namespace {

/// True when no two elements addressed by `dims` (extent, stride) coincide:
/// sorted by stride, each stride must step over everything the smaller ones
/// reach. Exact for the layouts views produce (mixed radices, interleaved
/// heads included).
bool injective(std::vector<std::pair<int64_t, int64_t>> dims) {
  std::sort(dims.begin(), dims.end(),
            [](auto &x, auto &y) { return x.second < y.second; });
  __int128 reach = 0;
  for (auto [extent, stride] : dims) {
    if (extent <= 1)
      continue;
    if (stride <= reach)
      return false;
    reach += __int128(extent - 1) * stride;
  }
  return true;
}

} // namespace

Expected<GemmCall> decodeGemm(const Artifact &artifact, size_t index) {
  const LibraryCallDesc &call = artifact.steps()[index].call;
  std::string what = artifact.describeStep(index);
  bool batched = call.function == "batched_gemm";
  bool strided = call.function == "strided_gemm";
  size_t wantInts = strided ? 19 : batched ? 9 : 5;
  const char *intNames =
      strided ? "[M, N, K, transA, transB, lda, ldb, ldc, offsetA, offsetB, "
                "offsetC, batch, strideA, strideB, strideC, outerBatch, "
                "outerStrideA, outerStrideB, outerStrideC]"
      : batched
          ? "[M, N, K, transA, transB, batch, strideA, strideB, strideC]"
          : "[M, N, K, transA, transB]";
  if (call.intParams.size() != wantInts)
    return Status::failure(what + ": needs " + std::to_string(wantInts) +
                           " integer parameters " + intNames + ", has " +
                           std::to_string(call.intParams.size()));
  if (call.floatParams.size() != 2)
    return Status::failure(what +
                           ": needs 2 float parameters [alpha, beta], has " +
                           std::to_string(call.floatParams.size()));
  if (call.args.size() != 3 && call.args.size() != 4)
    return Status::failure(what + ": needs 3 or 4 arguments [A, B, (bias,) "
                                  "C], has " +
                           std::to_string(call.args.size()));

  GemmCall g;
  const std::vector<int64_t> &p = call.intParams;
  g.m = p[0];
  g.n = p[1];
  g.k = p[2];
  // BLAS libraries take 32-bit dimensions; the bound also keeps every
  // product below in range.
  constexpr int64_t kMaxDim = (int64_t(1) << 31) - 1;
  if (g.m < 0 || g.n < 0 || g.k < 0 || g.m > kMaxDim || g.n > kMaxDim ||
      g.k > kMaxDim)
    return Status::failure(what + ": M, N, K = " + std::to_string(g.m) + ", " +
                           std::to_string(g.n) + ", " + std::to_string(g.k) +
                           " must lie in [0, 2^31)");
  for (int i : {3, 4})
    if (p[i] != 0 && p[i] != 1)
      return Status::failure(what + ": " + (i == 3 ? "transA" : "transB") +
                             " is " + std::to_string(p[i]) +
                             ", must be 0 or 1");
  g.transA = p[3];
  g.transB = p[4];
  if (batched) {
    g.batch = p[5];
    g.strideA = p[6];
    g.strideB = p[7];
    g.strideC = p[8];
  }
  if (strided) {
    g.ldA = p[5], g.ldB = p[6], g.ldC = p[7];
    g.offsetA = p[8], g.offsetB = p[9], g.offsetC = p[10];
    g.batch = p[11];
    g.strideA = p[12], g.strideB = p[13], g.strideC = p[14];
    g.outerBatch = p[15];
    g.outerStrideA = p[16], g.outerStrideB = p[17], g.outerStrideC = p[18];
    for (size_t i = 5; i < p.size(); ++i)
      if (p[i] < 0 || p[i] > (int64_t(1) << 40))
        return Status::failure(what + ": integer parameter " +
                               std::to_string(i) + " is " +
                               std::to_string(p[i]) +
                               ", must lie in [0, 2^40]");
    if (g.outerBatch < 1 || g.outerBatch > kMaxDim)
      return Status::failure(what + ": outerBatch must lie in [1, 2^31)");
  }
  if (g.batch < 1 || g.batch > kMaxDim || g.strideA < 0 || g.strideB < 0 ||
      g.strideC < 0)
    return Status::failure(what + ": batch must lie in [1, 2^31) and "
                                  "strides must not be negative");
  if (batched && g.batch > 1 && g.strideC < g.m * g.n)
    return Status::failure(what + ": strideC " + std::to_string(g.strideC) +
                           " makes the batch's results overlap (M * N = " +
                           std::to_string(g.m * g.n) + ")");
  g.alpha = call.floatParams[0];
  g.beta = call.floatParams[1];
  g.a = call.args[0];
  g.b = call.args[1];
  g.c = call.args.back();
  g.hasBias = call.args.size() == 4;
  if (g.hasBias)
    g.bias = call.args[2];

  // The stored matrices: A is M x K (K x M transposed), B is K x N (N x K).
  struct Operand {
    const char *name;
    uint32_t buffer;
    int64_t rows, cols, ld, offset, stride, outerStride;
  } operands[] = {
      {"A", g.a, g.transA ? g.k : g.m, g.transA ? g.m : g.k, g.lda(),
       g.offsetA, g.strideA, g.outerStrideA},
      {"B", g.b, g.transB ? g.n : g.k, g.transB ? g.k : g.n, g.ldb(),
       g.offsetB, g.strideB, g.outerStrideB},
      {"C", g.c, g.m, g.n, g.ldc(), g.offsetC, g.strideC, g.outerStrideC}};
  for (const Operand &o : operands)
    if (strided && o.ld < std::max<int64_t>(1, o.cols))
      return Status::failure(what + ": the leading dimension of " + o.name +
                             " is " + std::to_string(o.ld) +
                             ", less than its " + std::to_string(o.cols) +
                             " columns");
  if (strided && !injective({{g.n, 1},
                             {g.m, g.ldc()},
                             {g.batch, g.strideC},
                             {g.outerBatch, g.outerStrideC}}))
    return Status::failure(what + ": C's strides (ldc " +
                           std::to_string(g.ldc()) + ", batch " +
                           std::to_string(g.strideC) + ", outer " +
                           std::to_string(g.outerStrideC) +
                           ") make two results share an element");

  const BufferDesc &c = artifact.buffers()[g.c];
  g.dtype = c.dtype;
  if (g.hasBias) {
    const BufferDesc &bias = artifact.buffers()[g.bias];
    if (bias.dtype != g.dtype)
      return Status::failure(what + ": the bias (" +
                             artifact.describeBuffer(g.bias) + ") is " +
                             dtypeName(bias.dtype) + " but C is " +
                             dtypeName(g.dtype));
    if (bias.sizeBytes != uint64_t(g.n) * dtypeSize(bias.dtype))
      return Status::failure(
          what + ": the bias (" + artifact.describeBuffer(g.bias) +
          ") holds " + std::to_string(bias.sizeBytes / dtypeSize(bias.dtype)) +
          " elements, but C has " + std::to_string(g.n) + " columns");
  }
  for (const Operand &o : operands) {
    const BufferDesc &b = artifact.buffers()[o.buffer];
    if (b.dtype != g.dtype)
      return Status::failure(
          what + ": " + o.name + " (" + artifact.describeBuffer(o.buffer) +
          ") is " + dtypeName(b.dtype) + " but C is " + dtypeName(g.dtype));
    if (o.rows == 0 || o.cols == 0)
      continue;
    // Dimensions come from a file: compute the extent in 128 bits so a huge
    // value is reported instead of wrapping around.
    __int128 needed = __int128(o.offset) +
                      __int128(g.outerBatch - 1) * o.outerStride +
                      __int128(g.batch - 1) * o.stride +
                      __int128(o.rows - 1) * o.ld + o.cols;
    __int128 have = b.sizeBytes / dtypeSize(b.dtype);
    if (needed > have)
      return Status::failure(
          what + ": " + o.name + " (" + artifact.describeBuffer(o.buffer) +
          ") holds " + std::to_string(static_cast<uint64_t>(have)) +
          " elements, but the call reads " +
          std::to_string(static_cast<unsigned long long>(needed)));
  }
  return g;
}

Expected<CopyCall> decodeCopy(const Artifact &artifact, size_t index) {
  const LibraryCallDesc &call = artifact.steps()[index].call;
  std::string what = artifact.describeStep(index);
  if (!call.intParams.empty() || !call.floatParams.empty())
    return Status::failure(what + ": copy takes no parameters");
  if (call.args.size() != 2)
    return Status::failure(what + ": needs 2 arguments [src, dst], has " +
                           std::to_string(call.args.size()));
  CopyCall c;
  c.src = call.args[0];
  c.dst = call.args[1];
  const BufferDesc &src = artifact.buffers()[c.src];
  const BufferDesc &dst = artifact.buffers()[c.dst];
  if (src.sizeBytes != dst.sizeBytes)
    return Status::failure(what + ": " + artifact.describeBuffer(c.src) +
                           " holds " + std::to_string(src.sizeBytes) +
                           " bytes but " + artifact.describeBuffer(c.dst) +
                           " holds " + std::to_string(dst.sizeBytes));
  c.bytes = src.sizeBytes;
  return c;
}

Expected<Conv2DCall> decodeConv2D(const Artifact &artifact, size_t index) {
  const LibraryCallDesc &call = artifact.steps()[index].call;
  std::string what = artifact.describeStep(index);
  if (call.intParams.size() != 16)
    return Status::failure(
        what + ": needs 16 integer parameters [N, C, H, W, K, R, S, strideH, "
               "strideW, padTop, padLeft, padBottom, padRight, dilationH, "
               "dilationW, groups], has " +
        std::to_string(call.intParams.size()));
  if (call.args.size() != 3 && call.args.size() != 4)
    return Status::failure(what + ": needs 3 or 4 arguments [input, weight, "
                                  "(bias,) output], has " +
                           std::to_string(call.args.size()));
  const std::vector<int64_t> &p = call.intParams;
  Conv2DCall c;
  c.n = p[0], c.c = p[1], c.h = p[2], c.w = p[3];
  c.k = p[4], c.r = p[5], c.s = p[6];
  c.strideH = p[7], c.strideW = p[8];
  c.padTop = p[9], c.padLeft = p[10], c.padBottom = p[11], c.padRight = p[12];
  c.dilationH = p[13], c.dilationW = p[14], c.groups = p[15];
  constexpr int64_t kMaxDim = (int64_t(1) << 31) - 1;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] < 0 || p[i] > kMaxDim)
      return Status::failure(what + ": integer parameter " + std::to_string(i) +
                             " is " + std::to_string(p[i]) +
                             ", must lie in [0, 2^31)");
  if (c.strideH < 1 || c.strideW < 1 || c.dilationH < 1 || c.dilationW < 1 ||
      c.groups < 1 || c.c % c.groups != 0 || c.k % c.groups != 0)
    return Status::failure(what + ": strides, dilations and groups must be "
                                  "positive, and groups must divide C and K");
  int64_t spanH = c.dilationH * (c.r - 1) + 1;
  int64_t spanW = c.dilationW * (c.s - 1) + 1;
  int64_t paddedH = c.h + c.padTop + c.padBottom;
  int64_t paddedW = c.w + c.padLeft + c.padRight;
  if (paddedH < spanH || paddedW < spanW)
    return Status::failure(what + ": the kernel window is larger than the "
                                  "padded input");
  c.outH = (paddedH - spanH) / c.strideH + 1;
  c.outW = (paddedW - spanW) / c.strideW + 1;
  c.input = call.args[0];
  c.weight = call.args[1];
  c.hasBias = call.args.size() == 4;
  if (c.hasBias)
    c.bias = call.args[2];
  c.output = call.args.back();
  c.dtype = artifact.buffers()[c.output].dtype;

  struct Operand {
    const char *name;
    uint32_t buffer;
    __int128 elements;
  };
  std::vector<Operand> operands = {
      {"input", c.input, __int128(c.n) * c.c * c.h * c.w},
      {"weight", c.weight, __int128(c.k) * (c.c / c.groups) * c.r * c.s},
      {"output", c.output, __int128(c.n) * c.k * c.outH * c.outW}};
  if (c.hasBias)
    operands.push_back({"bias", c.bias, c.k});
  for (const Operand &o : operands) {
    const BufferDesc &b = artifact.buffers()[o.buffer];
    if (b.dtype != c.dtype)
      return Status::failure(what + ": " + o.name + " (" +
                             artifact.describeBuffer(o.buffer) + ") is " +
                             dtypeName(b.dtype) + " but the output is " +
                             dtypeName(c.dtype));
    __int128 have = b.sizeBytes / dtypeSize(b.dtype);
    if (o.elements != have)
      return Status::failure(
          what + ": " + o.name + " (" + artifact.describeBuffer(o.buffer) +
          ") holds " + std::to_string(static_cast<uint64_t>(have)) +
          " elements, but the shapes need " +
          std::to_string(static_cast<unsigned long long>(o.elements)));
  }
  return c;
}

} // namespace rong::runtime
