//===- GemmTest.cpp - gemm library calls on the CPU -----------------------===//
//
// Tests gemm, batched_gemm and strided_gemm steps against a naive reference,
// over every transposition, with alpha and beta, with a broadcast operand,
// with a bias and with attention's head-split views; and the messages for
// malformed parameters.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace rong::runtime;

namespace {

struct Case {
  int64_t m, n, k;
  bool transA, transB;
  int64_t batch;
  bool broadcastB;
  float alpha, beta;
  /// The call adds a bias of N elements to every row (args [A, B, bias, C]).
  bool bias = false;
};

/// C[b] = alpha * op(A[b]) op(B[b]) + beta * C[b], row-major, in double.
/// Plus bias[j] when the case has one.
std::vector<float> reference(const Case &c, const std::vector<float> &a,
                             const std::vector<float> &b,
                             const std::vector<float> &bias,
                             const std::vector<float> &c0) {
  std::vector<float> out = c0;
  int64_t strideB = c.broadcastB ? 0 : c.k * c.n;
  for (int64_t p = 0; p < c.batch; ++p)
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < c.n; ++j) {
        double acc = 0;
        for (int64_t l = 0; l < c.k; ++l) {
          float av = c.transA ? a[p * c.m * c.k + l * c.m + i]
                              : a[p * c.m * c.k + i * c.k + l];
          float bv = c.transB ? b[p * strideB + j * c.k + l]
                              : b[p * strideB + l * c.n + j];
          acc += double(av) * bv;
        }
        float &o = out[p * c.m * c.n + i * c.n + j];
        o = float(c.alpha * acc + c.beta * o + (c.bias ? bias[j] : 0.0));
      }
  return out;
}

/// Serialises `builder`'s artifact, reads it back and opens it on the CPU.
Expected<std::unique_ptr<Session>> openOnCpu(ArtifactBuilder &builder) {
  Expected<std::vector<uint8_t>> bytes = builder.serialize();
  if (!bytes.ok())
    return bytes.status();
  Expected<Artifact> artifact =
      Artifact::fromBytes(bytes->data(), bytes->size());
  if (!artifact.ok())
    return artifact.status();
  return createCpuSession(std::make_shared<const Artifact>(artifact.take()));
}

class GemmTest : public ::testing::TestWithParam<Case> {};

TEST_P(GemmTest, MatchesNaiveReference) {
  const Case &c = GetParam();
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1, 1);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float &x : v)
      x = dist(rng);
    return v;
  };
  int64_t bMatrices = c.broadcastB ? 1 : c.batch;
  std::vector<float> a = random(c.batch * c.m * c.k);
  std::vector<float> b = random(bMatrices * c.k * c.n);
  std::vector<float> c0 = random(c.batch * c.m * c.n);
  std::vector<float> bias = random(c.n);

  std::vector<int64_t> aShape = {c.batch, c.transA ? c.k : c.m,
                                 c.transA ? c.m : c.k};
  std::vector<int64_t> bShape = {bMatrices, c.transB ? c.n : c.k,
                                 c.transB ? c.k : c.n};
  ArtifactBuilder builder("cpu");
  // BLAS takes the vectors the test allocates as they are.
  builder.setIoAlignment(1);
  uint32_t ai = builder.addInput("a", DType::F32, aShape);
  uint32_t bi = builder.addConstant("b", DType::F32, bShape, ByteSpan::of(b));
  uint32_t ci = builder.addOutput("c", DType::F32, {c.batch, c.m, c.n});
  LibraryCallDesc call;
  call.args = {ai, bi, ci};
  if (c.bias)
    call.args.insert(call.args.begin() + 2,
                     builder.addConstant("bias", DType::F32, {c.n},
                                         ByteSpan::of(bias)));
  call.floatParams = {c.alpha, c.beta};
  if (c.batch == 1 && !c.broadcastB) {
    call.function = "gemm";
    call.intParams = {c.m, c.n, c.k, c.transA, c.transB};
  } else {
    call.function = "batched_gemm";
    call.intParams = {
        c.m,      c.n,     c.k,       c.transA,
        c.transB, c.batch, c.m * c.k, c.broadcastB ? 0 : c.k * c.n,
        c.m * c.n};
  }
  builder.addLibraryCall(call);
  Expected<std::unique_ptr<Session>> s = openOnCpu(builder);
  ASSERT_TRUE(s.ok()) << s.message();

  // beta != 0 reads C: the caller's output memory holds c0 on entry.
  std::vector<float> out = c0;
  ASSERT_TRUE((*s)->runWith({a.data()}, {out.data()}).ok());
  std::vector<float> want = reference(c, a, b, bias, c0);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(out[i], want[i], 1e-4f * (1 + std::fabs(want[i])))
        << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, GemmTest,
    ::testing::Values(Case{5, 7, 3, false, false, 1, false, 1, 0},
                      Case{5, 7, 3, true, false, 1, false, 1, 0},
                      Case{5, 7, 3, false, true, 1, false, 1, 0},
                      Case{5, 7, 3, true, true, 1, false, 0.5f, 2},
                      Case{64, 33, 70, false, false, 1, false, 1.5f, -1},
                      Case{4, 6, 5, false, true, 3, false, 1, 0},
                      Case{4, 6, 5, true, false, 3, true, 1, 0.25f},
                      // With a bias: one product, split over the pool's
                      // threads; a batch dealt out whole; beta kept.
                      Case{64, 33, 70, false, true, 1, false, 1, 0, true},
                      Case{4, 6, 5, false, false, 3, true, 1, 0, true},
                      Case{5, 7, 3, true, false, 1, false, 0.5f, 2, true}));

/// The message of creating a CPU session on `b`'s artifact, which must fail.
std::string creationError(ArtifactBuilder &b) {
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.message();
  Expected<Artifact> a = Artifact::fromBytes(bytes->data(), bytes->size());
  EXPECT_TRUE(a.ok());
  Expected<std::unique_ptr<Session>> s =
      createCpuSession(std::make_shared<const Artifact>(a.take()));
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.message();
}

std::string creationError(const LibraryCallDesc &call) {
  ArtifactBuilder b("cpu");
  b.addInput("a", DType::F32, {2, 2});
  b.addInput("b", DType::F32, {2, 2});
  b.addOutput("c", DType::F32, {2, 2});
  b.addLibraryCall(call);
  return creationError(b);
}

/// strided_gemm as attention uses it: Q and K^T are head-split views of one
/// packed [batch, seq, 3 * heads * dim] projection (offsets, two batch
/// levels, a transposed operand), and the product is written head-merged
/// into [batch, seq, heads * dim] (an interleaved C).
TEST(StridedGemmTest, AttentionViewsMatchNaiveReference) {
  const int64_t batch = 2, seq = 5, heads = 3, dim = 4;
  const int64_t width = 3 * heads * dim;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> qkv(batch * seq * width);
  for (float &x : qkv)
    x = dist(rng);

  // scores-like product Q K^T would be seq x seq; here P = Q * K^T-view
  // reads K as B with transB, then C[b, s, h, t] for t < seq is written
  // with ldc = heads * seq.
  ArtifactBuilder builder("cpu");
  // BLAS takes the vectors the test allocates as they are.
  builder.setIoAlignment(1);
  uint32_t ai = builder.addInput("qkv", DType::F32, {batch, seq, width});
  uint32_t ci = builder.addOutput("c", DType::F32, {batch, seq, heads, seq});
  LibraryCallDesc call;
  call.function = "strided_gemm";
  // M = seq, N = seq, K = dim; A = Q view (offset 0), B = K view read
  // transposed (offset heads * dim); inner batch = heads, outer = batch.
  call.intParams = {seq,           seq,
                    dim,           0,
                    1,             width,
                    width,         heads * seq,
                    0,             heads * dim,
                    0,             heads,
                    dim,           dim,
                    seq,           batch,
                    seq * width,   seq * width,
                    seq * heads * seq};
  call.floatParams = {1.0, 0.0};
  call.args = {ai, ai, ci};
  builder.addLibraryCall(call);
  Expected<std::unique_ptr<Session>> s = openOnCpu(builder);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<float> out(batch * seq * heads * seq, -99.0f);
  ASSERT_TRUE((*s)->runWith({qkv.data()}, {out.data()}).ok());

  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < seq; ++i)
        for (int64_t j = 0; j < seq; ++j) {
          double acc = 0;
          for (int64_t d = 0; d < dim; ++d)
            acc += double(qkv[(b * seq + i) * width + h * dim + d]) *
                   qkv[(b * seq + j) * width + heads * dim + h * dim + d];
          float got = out[((b * seq + i) * heads + h) * seq + j];
          ASSERT_NEAR(got, acc, 1e-5 * (1 + std::fabs(acc)))
              << "b " << b << " h " << h << " i " << i << " j " << j;
        }
}

TEST(GemmErrorTest, ParameterCount) {
  EXPECT_EQ(creationError({"gemm", {2, 2, 2}, {1, 0}, {0, 1, 2}}),
            "step 0 (library call 'gemm'): needs 5 integer parameters [M, N, "
            "K, transA, transB], has 3");
  EXPECT_EQ(
      creationError({"batched_gemm", {2, 2, 2, 0, 0}, {1, 0}, {0, 1, 2}}),
      "step 0 (library call 'batched_gemm'): needs 9 integer parameters "
      "[M, N, K, transA, transB, batch, strideA, strideB, strideC], has 5");
  EXPECT_EQ(creationError({"gemm", {2, 2, 2, 0, 0}, {1}, {0, 1, 2}}),
            "step 0 (library call 'gemm'): needs 2 float parameters [alpha, "
            "beta], has 1");
}

TEST(GemmErrorTest, Bias) {
  auto error = [](DType dtype, int64_t elements) {
    ArtifactBuilder b("cpu");
    b.addInput("a", DType::F32, {2, 2});
    b.addInput("b", DType::F32, {2, 3});
    b.addInput("bias", dtype, {elements});
    b.addOutput("c", DType::F32, {2, 3});
    b.addLibraryCall({"gemm", {2, 3, 2, 0, 0}, {1, 0}, {0, 1, 2, 3}});
    return creationError(b);
  };
  EXPECT_EQ(error(DType::F32, 2),
            "step 0 (library call 'gemm'): the bias (buffer 2 ('bias')) holds "
            "2 elements, but C has 3 columns");
  EXPECT_EQ(error(DType::F64, 3),
            "step 0 (library call 'gemm'): the bias (buffer 2 ('bias')) is "
            "f64 but C is f32");
  EXPECT_EQ(creationError({"gemm", {2, 2, 2, 0, 0}, {1, 0}, {0, 1}}),
            "step 0 (library call 'gemm'): needs 3 or 4 arguments [A, B, "
            "(bias,) C], has 2");
}

TEST(GemmErrorTest, OperandTooSmall) {
  EXPECT_EQ(creationError({"gemm", {2, 3, 2, 0, 0}, {1, 0}, {0, 1, 2}}),
            "step 0 (library call 'gemm'): B (buffer 1 ('b')) holds 4 "
            "elements, but the call reads 6");
}

TEST(GemmErrorTest, StridedLeadingDimensionAndOverlap) {
  // A is 2 x 2 but claims a leading dimension of 1.
  EXPECT_EQ(creationError({"strided_gemm",
                           {2, 2, 2, 0, 0, 1, 2, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0,
                            0, 0},
                           {1, 0},
                           {0, 1, 2}}),
            "step 0 (library call 'strided_gemm'): the leading dimension of "
            "A is 1, less than its 2 columns");
  // Two matrices of C written to the same place.
  EXPECT_EQ(creationError({"strided_gemm",
                           {1, 2, 2, 0, 0, 2, 2, 2, 0, 0, 0, 2, 0, 0, 1, 1, 0,
                            0, 0},
                           {1, 0},
                           {0, 1, 2}}),
            "step 0 (library call 'strided_gemm'): C's strides (ldc 2, batch "
            "1, outer 0) make two results share an element");
  EXPECT_EQ(creationError({"strided_gemm", {2, 2, 2, 0, 0}, {1, 0}, {0, 1, 2}}),
            "step 0 (library call 'strided_gemm'): needs 19 integer "
            "parameters [M, N, K, transA, transB, lda, ldb, ldc, offsetA, "
            "offsetB, offsetC, batch, strideA, strideB, strideC, outerBatch, "
            "outerStrideA, outerStrideB, outerStrideC], has 5");
  // An offset that runs past the end of B.
  EXPECT_EQ(creationError({"strided_gemm",
                           {2, 2, 2, 0, 0, 2, 2, 2, 0, 1, 0, 1, 0, 0, 0, 1, 0,
                            0, 0},
                           {1, 0},
                           {0, 1, 2}}),
            "step 0 (library call 'strided_gemm'): B (buffer 1 ('b')) holds "
            "4 elements, but the call reads 5");
}

TEST(GemmErrorTest, BadTransposeFlag) {
  EXPECT_EQ(creationError({"gemm", {2, 2, 2, 2, 0}, {1, 0}, {0, 1, 2}}),
            "step 0 (library call 'gemm'): transA is 2, must be 0 or 1");
}

TEST(GemmErrorTest, UnknownFunction) {
  EXPECT_EQ(creationError({"fft", {}, {}, {0, 1, 2}}),
            "step 0 (library call 'fft'): library function 'fft' is not "
            "supported on the CPU");
}

TEST(GemmErrorTest, Conv2DParameterCount) {
  EXPECT_EQ(creationError({"conv2d", {1, 2, 3}, {}, {0, 1, 2}}),
            "step 0 (library call 'conv2d'): needs 16 integer parameters [N, "
            "C, H, W, K, R, S, strideH, strideW, padTop, padLeft, padBottom, "
            "padRight, dilationH, dilationW, groups], has 3");
}

TEST(GemmErrorTest, CopyParameters) {
  EXPECT_EQ(creationError({"copy", {1}, {}, {0, 2}}),
            "step 0 (library call 'copy'): copy takes no parameters");
  EXPECT_EQ(creationError({"copy", {}, {}, {0}}),
            "step 0 (library call 'copy'): needs 2 arguments [src, dst], has 1");
}

} // namespace
