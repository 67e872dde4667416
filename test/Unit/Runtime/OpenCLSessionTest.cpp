//===- OpenCLSessionTest.cpp - The OpenCL executor ------------------------===//
//
// Tests the OpenCL session on artifacts written here: OpenCL C kernels
// reading and writing arena intermediates (sub-buffers and buffers of their
// own), a dynamic __local argument, copies, gemm and batched_gemm (CLBlast)
// and conv2d (im2col + CLBlast) against naive references, runWith on host
// memory; and the messages for a missing ICD loader, a missing CLBlast, a
// program that does not build, a work-group the device refuses and a module
// without OpenCL C. Tests that need a device skip where no OpenCL platform
// has one; CI runs them on PoCL.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace rong::runtime;

namespace {

std::shared_ptr<const Artifact> finish(ArtifactBuilder &b) {
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.message();
  if (!bytes.ok())
    return nullptr;
  Expected<Artifact> a = Artifact::fromBytes(bytes->data(), bytes->size());
  EXPECT_TRUE(a.ok()) << a.message();
  return a.ok() ? std::make_shared<const Artifact>(a.take()) : nullptr;
}

/// Whether an OpenCL device is present (an empty plan opens it).
bool haveDevice() {
  static const bool have = [] {
    ArtifactBuilder b("opencl");
    return createOpenCLSession(finish(b)).ok();
  }();
  return have;
}

#define REQUIRE_OPENCL_DEVICE()                                                \
  if (!haveDevice())                                                           \
  GTEST_SKIP() << "no OpenCL device"

std::vector<float> randomFloats(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

ByteSpan sourceBytes(const std::string &source) {
  return ByteSpan{reinterpret_cast<const uint8_t *>(source.data()),
                  source.size()};
}

const char kKernels[] = R"(
__kernel void scale(__global const float *x, __global float *t) {
  size_t i = get_global_id(0);
  if (i < 100) t[i] = 2.0f * x[i];
}
__kernel void add_const(__global const float *t, __global const float *c,
                        __global float *u) {
  size_t i = get_global_id(0);
  if (i < 100) u[i] = t[i] + c[i];
}
// Reverses each work-group's slice through a dynamic __local buffer.
__kernel __attribute__((reqd_work_group_size(32, 1, 1)))
void reverse32(__global const float *u, __global float *y,
               __local float *slot) {
  size_t l = get_local_id(0), g = get_group_id(0) * 32;
  slot[l] = g + l < 100 ? u[g + l] : 0.0f;
  barrier(CLK_LOCAL_MEM_FENCE);
  if (g + l < 100 && g + 31 - l < 100) y[g + l] = slot[31 - l];
  else if (g + l < 100) y[g + l] = u[g + l];
}
)";

TEST(OpenCLSessionTest, MissingLoader) {
  ArtifactBuilder b("opencl");
  SessionOptions options;
  options.openclLibrary = "/nonexistent/libOpenCL.so.1";
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b), options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "cannot load the OpenCL ICD loader '/nonexistent/libOpenCL.so.1': "
            "/nonexistent/libOpenCL.so.1: cannot open shared object file: No "
            "such file or directory (Debian: ocl-icd-libopencl1 and a platform "
            "such as pocl-opencl-icd)");
}

TEST(OpenCLSessionTest, KernelsArenaLocalMemoryAndCopy) {
  REQUIRE_OPENCL_DEVICE();
  std::string source = kKernels;
  std::vector<float> c = randomFloats(100, 1);
  ArtifactBuilder b("opencl");
  uint32_t x = b.addInput("x", DType::F32, {100});
  uint32_t y = b.addOutput("y", DType::F32, {100});
  uint32_t xCopy = b.addOutput("x_copy", DType::F32, {100});
  uint32_t cb = b.addConstant("c", DType::F32, {100}, ByteSpan::of(c));
  // t at offset 0 is a sub-buffer of the arena; u at 448 is not aligned to
  // PoCL's 128 bytes and gets a buffer of its own.
  uint32_t t = b.addIntermediate("t", DType::F32, {100}, 0);
  uint32_t u = b.addIntermediate("u", DType::F32, {100}, 448);
  b.setArenaBytes(1024);
  uint32_t module =
      b.addModule({"opencl", {{ModuleFormat::OpenclC, sourceBytes(source)}}});
  uint32_t scale = b.addKernel("scale", module);
  uint32_t add = b.addKernel("add_const", module);
  uint32_t reverse = b.addKernel("reverse32", module);
  b.addLaunch({scale, {4, 1, 1}, {32, 1, 1}, 0, {x, t}});
  b.addLaunch({add, {4, 1, 1}, {32, 1, 1}, 0, {t, cb, u}});
  b.addLaunch({reverse, {4, 1, 1}, {32, 1, 1}, 128, {u, y}});
  b.addLibraryCall({"copy", {}, {}, {x, xCopy}});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ((*s)->device(), DeviceKind::OpenCL);

  std::vector<float> in = randomFloats(100, 2);
  std::vector<float> want(100);
  for (int g = 0; g < 100; g += 32)
    for (int l = 0; l < 32 && g + l < 100; ++l) {
      int from = g + 31 - l < 100 ? g + 31 - l : g + l;
      want[g + l] = 2.0f * in[from] + c[from];
    }
  // On the session's buffers, then on caller memory.
  ASSERT_TRUE((*s)->setInput(0, in.data(), 400).ok());
  Expected<double> ms = (*s)->timedRun();
  ASSERT_TRUE(ms.ok()) << ms.message();
  EXPECT_GT(*ms, 0.0);
  std::vector<float> got(100), copied(100);
  ASSERT_TRUE((*s)->getOutput(0, got.data(), 400).ok());
  ASSERT_TRUE((*s)->getOutput(1, copied.data(), 400).ok());
  EXPECT_EQ(got, want);
  EXPECT_EQ(copied, in);

  std::vector<float> in2 = randomFloats(100, 3), got2(100), copied2(100);
  Status st = (*s)->runWith({in2.data()}, {got2.data(), copied2.data()});
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(copied2, in2);
  EXPECT_FLOAT_EQ(got2[0], 2.0f * in2[31] + c[31]);
  EXPECT_FLOAT_EQ(got2[99], 2.0f * in2[99] + c[99]);
}

/// C[b] = op(A[b]) op(B[b]) in double; B shared when strideB is 0.
std::vector<float> gemmReference(int64_t batch, int64_t m, int64_t n,
                                 int64_t k, bool transA, bool transB,
                                 int64_t strideB, const std::vector<float> &a,
                                 const std::vector<float> &b) {
  std::vector<float> c(batch * m * n);
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t l = 0; l < k; ++l)
          acc += double(transA ? a[p * m * k + l * m + i]
                               : a[p * m * k + i * k + l]) *
                 (transB ? b[p * strideB + j * k + l]
                         : b[p * strideB + l * n + j]);
        c[p * m * n + i * n + j] = float(acc);
      }
  return c;
}

struct GemmCase {
  int64_t batch, m, n, k;
  bool transA, transB, sharedB;
};

class OpenCLGemmTest : public ::testing::TestWithParam<GemmCase> {};

TEST_P(OpenCLGemmTest, MatchesNaiveReference) {
  REQUIRE_OPENCL_DEVICE();
  const GemmCase &g = GetParam();
  int64_t bMatrices = g.sharedB ? 1 : g.batch;
  std::vector<float> a = randomFloats(g.batch * g.m * g.k, 4);
  std::vector<float> w = randomFloats(bMatrices * g.k * g.n, 5);
  ArtifactBuilder b("opencl");
  uint32_t ai = b.addInput("a", DType::F32, {g.batch, g.m, g.k});
  uint32_t wi = b.addInput("w", DType::F32, {bMatrices, g.k, g.n});
  uint32_t ci = b.addOutput("c", DType::F32, {g.batch, g.m, g.n});
  LibraryCallDesc call;
  call.args = {ai, wi, ci};
  call.floatParams = {1, 0};
  int64_t strideB = g.sharedB ? 0 : g.k * g.n;
  if (g.batch == 1) {
    call.function = "gemm";
    call.intParams = {g.m, g.n, g.k, g.transA, g.transB};
  } else {
    call.function = "batched_gemm";
    call.intParams = {g.m, g.n, g.k, g.transA, g.transB, g.batch,
                      g.m * g.k, strideB, g.m * g.n};
  }
  b.addLibraryCall(call);
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<float> out(g.batch * g.m * g.n, NAN);
  Status st = (*s)->runWith({a.data(), w.data()}, {out.data()});
  ASSERT_TRUE(st.ok()) << st.message();
  std::vector<float> want =
      gemmReference(g.batch, g.m, g.n, g.k, g.transA, g.transB, strideB, a, w);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(out[i], want[i], 1e-4f * (1 + std::fabs(want[i])))
        << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, OpenCLGemmTest,
    ::testing::Values(GemmCase{1, 5, 7, 3, false, false, false},
                      GemmCase{1, 5, 7, 3, true, true, false},
                      GemmCase{1, 64, 33, 70, false, false, false},
                      GemmCase{1, 4, 6, 0, false, false, false},
                      GemmCase{3, 4, 6, 5, false, true, false},
                      GemmCase{3, 4, 6, 5, true, false, true}));

struct ConvCase {
  int64_t n, c, h, w, k, r, s, strideH, strideW, padTop, padLeft, padBottom,
      padRight, dilationH, dilationW, groups;
  bool bias;
};

class OpenCLConv2DTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(OpenCLConv2DTest, MatchesNaiveReference) {
  REQUIRE_OPENCL_DEVICE();
  const ConvCase &p = GetParam();
  int64_t cg = p.c / p.groups, kg = p.k / p.groups;
  int64_t outH = (p.h + p.padTop + p.padBottom - p.dilationH * (p.r - 1) - 1) /
                     p.strideH +
                 1;
  int64_t outW = (p.w + p.padLeft + p.padRight - p.dilationW * (p.s - 1) - 1) /
                     p.strideW +
                 1;
  std::vector<float> in = randomFloats(p.n * p.c * p.h * p.w, 6);
  std::vector<float> wt = randomFloats(p.k * cg * p.r * p.s, 7);
  std::vector<float> bias = randomFloats(p.k, 8);
  ArtifactBuilder b("opencl");
  uint32_t ii = b.addInput("x", DType::F32, {p.n, p.c, p.h, p.w});
  uint32_t wi =
      b.addConstant("w", DType::F32, {p.k, cg, p.r, p.s}, ByteSpan::of(wt));
  uint32_t oi = b.addOutput("y", DType::F32, {p.n, p.k, outH, outW});
  std::vector<uint32_t> args = {ii, wi};
  if (p.bias)
    args.push_back(b.addConstant("b", DType::F32, {p.k}, ByteSpan::of(bias)));
  args.push_back(oi);
  b.addLibraryCall({"conv2d",
                    {p.n, p.c, p.h, p.w, p.k, p.r, p.s, p.strideH, p.strideW,
                     p.padTop, p.padLeft, p.padBottom, p.padRight, p.dilationH,
                     p.dilationW, p.groups},
                    {},
                    args});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<float> out(p.n * p.k * outH * outW, NAN);
  Status st = (*s)->runWith({in.data()}, {out.data()});
  ASSERT_TRUE(st.ok()) << st.message();
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t y = 0; y < outH; ++y)
        for (int64_t x = 0; x < outW; ++x) {
          int64_t g = k / kg;
          double acc = p.bias ? bias[k] : 0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t r = 0; r < p.r; ++r)
              for (int64_t t = 0; t < p.s; ++t) {
                int64_t iy = y * p.strideH - p.padTop + r * p.dilationH;
                int64_t ix = x * p.strideW - p.padLeft + t * p.dilationW;
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w)
                  continue;
                acc += double(in[((n * p.c + g * cg + c) * p.h + iy) * p.w +
                                 ix]) *
                       wt[((k * cg + c) * p.r + r) * p.s + t];
              }
          float got = out[((n * p.k + k) * outH + y) * outW + x];
          ASSERT_NEAR(got, acc, 1e-4 * (1 + std::fabs(acc)))
              << "n " << n << " k " << k << " y " << y << " x " << x;
        }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, OpenCLConv2DTest,
    ::testing::Values(
        // 3x3, padded, with bias, two images.
        ConvCase{2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},
        // Strided, dilated, asymmetric padding, grouped.
        ConvCase{1, 4, 9, 7, 6, 3, 2, 2, 1, 0, 2, 1, 0, 2, 1, 2, false},
        // Pointwise: the input is the im2col matrix.
        ConvCase{2, 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, true}));

TEST(OpenCLSessionTest, BuildFailureNamesTheKernel) {
  REQUIRE_OPENCL_DEVICE();
  std::string source = "__kernel void fine(__global float *x) { x[0] = 1; }\n"
                       "__kernel __attribute__((reqd_work_group_size(1, 1, "
                       "1)))\n"
                       "void broken(__global float *x) {\n"
                       "  x[0] = undeclared_name;\n"
                       "}\n";
  ArtifactBuilder b("opencl");
  uint32_t x = b.addOutput("x", DType::F32, {1});
  uint32_t m =
      b.addModule({"opencl", {{ModuleFormat::OpenclC, sourceBytes(source)}}});
  b.addLaunch({b.addKernel("broken", m), {1, 1, 1}, {1, 1, 1}, 0, {x}});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("step 0 (launch of kernel 'broken'): module 0 "
                              "(target 'opencl') on ",
                              0),
            0u)
      << s.message();
  EXPECT_NE(s.message().find(": the OpenCL C program does not build (errors "
                             "in kernel 'broken'):\n"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("undeclared_name"), std::string::npos)
      << s.message();
}

TEST(OpenCLSessionTest, WorkGroupTooLarge) {
  REQUIRE_OPENCL_DEVICE();
  std::string source = "__kernel void k(__global float *x) { x[0] = 1; }\n";
  ArtifactBuilder b("opencl");
  uint32_t x = b.addOutput("x", DType::F32, {1});
  uint32_t m =
      b.addModule({"opencl", {{ModuleFormat::OpenclC, sourceBytes(source)}}});
  b.addLaunch({b.addKernel("k", m), {1, 1, 1}, {1u << 16, 1, 1}, 0, {x}});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("step 0 (launch of kernel 'k'): kernel 'k' runs "
                              "65536 work-items per work-group, but ",
                              0),
            0u)
      << s.message();
}

TEST(OpenCLSessionTest, ModuleWithoutOpenCLC) {
  REQUIRE_OPENCL_DEVICE();
  std::vector<uint8_t> elf = {0x7f, 'E', 'L', 'F'};
  ArtifactBuilder b("cpu");
  uint32_t x = b.addOutput("x", DType::F32, {1});
  uint32_t m = b.addModule(
      {"cpu", {{ModuleFormat::ElfSharedObject, ByteSpan::of(elf)}}});
  b.addLaunch({b.addKernel("k", m), {1, 1, 1}, {1, 1, 1}, 0, {x}});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "step 0 (launch of kernel 'k'): module 0 (target 'cpu') has no "
            "opencl_c image, which the OpenCL executor needs (it has: "
            "elf_shared_object)");
}

TEST(OpenCLSessionTest, MissingCLBlast) {
  REQUIRE_OPENCL_DEVICE();
  ArtifactBuilder b("opencl");
  uint32_t a = b.addInput("a", DType::F32, {2, 2});
  uint32_t w = b.addInput("w", DType::F32, {2, 2});
  uint32_t c = b.addOutput("c", DType::F32, {2, 2});
  b.addLibraryCall({"gemm", {2, 2, 2, 0, 0}, {1, 0}, {a, w, c}});
  SessionOptions options;
  options.clblastLibrary = "/nonexistent/libclblast.so.1";
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b), options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "gemm and conv2d on OpenCL need CLBlast, and it cannot be loaded: "
            "/nonexistent/libclblast.so.1: cannot open shared object file: No "
            "such file or directory (Debian: libclblast1)");
}

TEST(OpenCLSessionTest, UnsupportedElementType) {
  REQUIRE_OPENCL_DEVICE();
  ArtifactBuilder b("opencl");
  uint32_t a = b.addInput("a", DType::F16, {2, 2});
  uint32_t w = b.addInput("w", DType::F16, {2, 2});
  uint32_t c = b.addOutput("c", DType::F16, {2, 2});
  b.addLibraryCall({"gemm", {2, 2, 2, 0, 0}, {1, 0}, {a, w, c}});
  Expected<std::unique_ptr<Session>> s = createOpenCLSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "step 0 (library call 'gemm'): gemm on OpenCL "
                         "supports f32 and f64, not f16");
}

} // namespace
