//===- GpuBlasLtTest.cpp - GEMMs with a bias, without a GPU ---------------===//
//
// Tests GpuBlasLt against a stand-in for cuBLASLt compiled at test time. The
// stand-in follows cublasLt.h's contract on host memory: column-major
// matrices described as stored, TRANSA / TRANSB applied to them, batches by
// their strided offset, and CUBLASLT_EPILOGUE_BIAS adding one bias element per
// row of D. Rong's row-major GEMMs with a bias must come out right through
// it, for every transposition and with a batch; so the operand exchange and
// the layouts Rong describes are checked on every commit. That the real
// library agrees is checked on a GPU machine (test/gpu/cuda_smoke.cpp).
//
//===----------------------------------------------------------------------===//

#include "GpuBlasLt.h"
#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace rong::runtime;
using namespace rong::runtime::gpu;
using namespace rong::runtime::test;

namespace {

const char kStandIn[] = R"c(
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
typedef struct { int32_t transa, transb; uint32_t epilogue; const float *bias; } Desc;
typedef struct { uint64_t rows, cols; int64_t ld; int32_t batch; int64_t stride; } Layout;
typedef struct { uint64_t algo[8]; size_t ws; int state; float waves; int reserved[4]; } Result;
enum { OK = 0, INVALID = 7 };
int cublasLtCreate(void **h) { *h = (void *)1; return OK; }
int cublasLtDestroy(void *h) { return OK; }
const char *cublasLtGetStatusString(int s) { return "CUBLAS_STATUS_INVALID_VALUE"; }
int cublasLtMatmulDescCreate(Desc **d, int compute, int scale) {
  if (compute != 68 || scale != 0) return INVALID;
  *d = calloc(1, sizeof(Desc)); return OK; }
int cublasLtMatmulDescDestroy(Desc *d) { free(d); return OK; }
int cublasLtMatmulDescSetAttribute(Desc *d, int attr, const void *v, size_t n) {
  if (attr == 3 && n == 4) { memcpy(&d->transa, v, 4); return OK; }
  if (attr == 4 && n == 4) { memcpy(&d->transb, v, 4); return OK; }
  if (attr == 7 && n == 4) { memcpy(&d->epilogue, v, 4); return OK; }
  if (attr == 8 && n == sizeof(void *)) { memcpy(&d->bias, v, n); return OK; }
  return INVALID; }
int cublasLtMatrixLayoutCreate(Layout **l, int type, uint64_t rows,
                               uint64_t cols, int64_t ld) {
  if (type != 0 || ld < (int64_t)rows) return INVALID;
  *l = calloc(1, sizeof(Layout));
  (*l)->rows = rows; (*l)->cols = cols; (*l)->ld = ld; (*l)->batch = 1;
  return OK; }
int cublasLtMatrixLayoutDestroy(Layout *l) { free(l); return OK; }
int cublasLtMatrixLayoutSetAttribute(Layout *l, int attr, const void *v, size_t n) {
  if (attr == 5 && n == 4) { memcpy(&l->batch, v, 4); return OK; }
  if (attr == 6 && n == 8) { memcpy(&l->stride, v, 8); return OK; }
  return INVALID; }
int cublasLtMatmulPreferenceCreate(void **p) { *p = (void *)1; return OK; }
int cublasLtMatmulPreferenceDestroy(void *p) { return OK; }
int cublasLtMatmulPreferenceSetAttribute(void *p, int attr, const void *v, size_t n) {
  return attr == 1 && n == 8 ? OK : INVALID; }
int cublasLtMatmulAlgoGetHeuristic(void *h, Desc *d, Layout *a, Layout *b,
    Layout *c, Layout *dl, void *pref, int requested, Result *r, int *count) {
  uint64_t m = dl->rows, n = dl->cols;
  uint64_t ka = d->transa ? a->rows : a->cols, kb = d->transb ? b->cols : b->rows;
  if (requested < 1 || c != dl || ka != kb || (d->transa ? a->cols : a->rows) != m ||
      (d->transb ? b->rows : b->cols) != n)
    return INVALID;
  memset(r, 0, sizeof *r); r->algo[0] = 42; *count = 1; return OK; }
int cublasLtMatmul(void *h, Desc *d, const float *alpha, const float *A,
    Layout *la, const float *B, Layout *lb, const float *beta, const float *C,
    Layout *lc, float *D, Layout *ld, const uint64_t *algo, void *ws,
    size_t wsBytes, void *stream) {
  if (algo[0] != 42 || d->epilogue != 4 || !d->bias || C != D) return INVALID;
  uint64_t m = ld->rows, n = ld->cols, k = d->transa ? la->rows : la->cols;
  for (int32_t p = 0; p < ld->batch; ++p)
    for (uint64_t j = 0; j < n; ++j)
      for (uint64_t i = 0; i < m; ++i) {
        double acc = 0;
        for (uint64_t l = 0; l < k; ++l) {
          const float *a = A + p * la->stride, *b = B + p * lb->stride;
          float av = d->transa ? a[i * la->ld + l] : a[l * la->ld + i];
          float bv = d->transb ? b[l * lb->ld + j] : b[j * lb->ld + l];
          acc += (double)av * bv;
        }
        float *o = D + p * ld->stride + j * ld->ld + i;
        *o = (float)(*alpha * acc + *beta * *o + d->bias[i]);
      }
  return OK; }
)c";

struct Case {
  int64_t m, n, k;
  bool transA, transB;
  int64_t batch;
};

class GpuBlasLtTest : public ::testing::TestWithParam<Case> {};

DevicePtr address(const void *p) {
  return static_cast<DevicePtr>(reinterpret_cast<uintptr_t>(p));
}

/// GpuBlasLt over the stand-in, written into `dir`.
std::unique_ptr<GpuBlasLt> loadStandIn(ScratchDir &dir) {
  std::vector<uint8_t> so = compileSharedObject(kStandIn);
  EXPECT_FALSE(so.empty());
  std::string path = dir.file("libcublasLt.so.13");
  EXPECT_TRUE(writeBytesToFile(path, so).ok());
  Expected<std::unique_ptr<GpuBlasLt>> lt =
      GpuBlasLt::create(cublasLtTable(), {path});
  EXPECT_TRUE(lt.ok()) << lt.message();
  return lt.ok() ? std::move(*lt) : nullptr;
}

std::vector<float> randomVector(std::mt19937 &rng, size_t n) {
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// Plans and runs `g` (row-major, with a bias) on host buffers through the
/// stand-in, and compares every element of `out` with a float64 reference
/// computed from the call's own strides and offsets; elements no matrix
/// covers must keep their value.
void runAndCheck(GpuBlasLt &lt, const GemmCall &g, const std::vector<float> &a,
                 const std::vector<float> &b, const std::vector<float> &bias,
                 std::vector<float> out) {
  std::vector<float> want = out;
  for (int64_t o = 0; o < g.outerBatch; ++o)
    for (int64_t p = 0; p < g.batch; ++p)
      for (int64_t i = 0; i < g.m; ++i)
        for (int64_t j = 0; j < g.n; ++j) {
          double acc = bias[j];
          for (int64_t l = 0; l < g.k; ++l)
            acc += double(a[g.elementA(o, p) + (g.transA ? l * g.lda() + i
                                                         : i * g.lda() + l)]) *
                   b[g.elementB(o, p) +
                     (g.transB ? j * g.ldb() + l : l * g.ldb() + j)];
          want[g.elementC(o, p) + i * g.ldc() + j] = static_cast<float>(acc);
        }
  Expected<std::unique_ptr<GpuBlasLt::Plan>> plan = lt.plan(g, 1 << 20);
  ASSERT_TRUE(plan.ok()) << plan.message();
  Status run = lt.run(**plan, address(a.data()), address(b.data()),
                      address(bias.data()), address(out.data()),
                      /*workspace=*/0, /*stream=*/nullptr);
  ASSERT_TRUE(run.ok()) << run.message();
  for (size_t e = 0; e < out.size(); ++e)
    ASSERT_NEAR(out[e], want[e], 1e-5) << "element " << e;
}

TEST_P(GpuBlasLtTest, RowMajorGemmWithBias) {
  const Case &c = GetParam();
  ScratchDir dir;
  std::unique_ptr<GpuBlasLt> lt = loadStandIn(dir);
  ASSERT_TRUE(lt);
  std::mt19937 rng(7);
  GemmCall g;
  g.m = c.m, g.n = c.n, g.k = c.k;
  g.transA = c.transA, g.transB = c.transB;
  g.batch = c.batch;
  g.strideA = c.m * c.k, g.strideB = c.k * c.n, g.strideC = c.m * c.n;
  g.hasBias = true;
  runAndCheck(*lt, g, randomVector(rng, c.batch * c.m * c.k),
              randomVector(rng, c.batch * c.k * c.n), randomVector(rng, c.n),
              std::vector<float>(c.batch * c.m * c.n, 1e30f));
}

/// A strided_gemm with a bias as BERT's output projection plans it, in
/// miniature: the rows of each inner batch interleaved in A (leading
/// dimension batch * k, batch stride k), one weight matrix with a padded
/// leading dimension for every batch (stride 0), C written batch-first with
/// padded rows, an outer batch level, and offsets into every buffer.
TEST(GpuBlasLtStridedTest, StridedOperandsOuterBatchAndOffsets) {
  ScratchDir dir;
  std::unique_ptr<GpuBlasLt> lt = loadStandIn(dir);
  ASSERT_TRUE(lt);
  std::mt19937 rng(11);
  GemmCall g;
  g.m = 6, g.n = 5, g.k = 4;
  g.transB = true;
  g.batch = 3;
  g.ldA = g.batch * g.k, g.strideA = g.k, g.outerStrideA = g.m * g.ldA;
  g.ldB = g.k + 1, g.strideB = 0, g.outerStrideB = 0;
  g.ldC = g.n + 2, g.strideC = g.m * g.ldC, g.outerStrideC = g.batch * g.strideC;
  g.outerBatch = 2;
  g.offsetA = 2, g.offsetB = 1, g.offsetC = 3;
  g.hasBias = true;
  runAndCheck(*lt, g, randomVector(rng, g.offsetA + 2 * g.outerStrideA),
              randomVector(rng, g.offsetB + g.n * g.ldB),
              randomVector(rng, g.n),
              std::vector<float>(g.offsetC + 2 * g.outerStrideC, 1e30f));
}

INSTANTIATE_TEST_SUITE_P(Shapes, GpuBlasLtTest,
                         ::testing::Values(Case{5, 7, 3, false, false, 1},
                                           Case{5, 7, 3, true, false, 1},
                                           Case{5, 7, 3, false, true, 1},
                                           Case{5, 7, 3, true, true, 1},
                                           Case{4, 6, 5, false, true, 3}));

TEST(GpuBlasLtErrorTest, MissingLibrary) {
  Expected<std::unique_ptr<GpuBlasLt>> lt =
      GpuBlasLt::create(cublasLtTable(), {"libcublasLt-missing.so.99"});
  ASSERT_FALSE(lt.ok());
  EXPECT_EQ(lt.message().rfind(
                "cannot load cuBLASLt (libcublasLt-missing.so.99): ", 0),
            0u)
      << lt.message();
}

TEST(GpuBlasLtErrorTest, LibraryThatIsNotCublasLt) {
  Expected<std::unique_ptr<GpuBlasLt>> lt =
      GpuBlasLt::create(cublasLtTable(), {"libm.so.6"});
  ASSERT_FALSE(lt.ok());
  EXPECT_EQ(lt.message().rfind("cuBLASLt (libm.so.6) lacks entry points: "
                               "cublasLtCreate, cublasLtDestroy, ",
                               0),
            0u)
      << lt.message();
}

} // namespace
