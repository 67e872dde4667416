//===- GpuBlasTest.cpp - The GPU BLAS table without a GPU -----------------===//
//
// Tests what of GpuBlas runs without cuBLAS: the message for a missing
// library, for a library that is not cuBLAS, and the checks of a GEMM before
// it is enqueued. The GEMMs themselves run on a GPU machine
// (bench/gpu/run_models.py; bench/results/2026-11-23-h100).
//
//===----------------------------------------------------------------------===//

#include "GpuBlas.h"

#include "gtest/gtest.h"

#include <climits>

using namespace rong::runtime;
using namespace rong::runtime::gpu;

namespace {

TEST(GpuBlasTest, MissingLibrary) {
  Expected<std::unique_ptr<GpuBlas>> blas =
      GpuBlas::create(cublasTable(), {"libcublas-missing.so.99"});
  ASSERT_FALSE(blas.ok());
  EXPECT_EQ(blas.message().rfind("cannot load cuBLAS (libcublas-missing.so.99): ",
                                 0),
            0u)
      << blas.message();
  EXPECT_NE(blas.message().find("rong-run --blas-library PATH"),
            std::string::npos)
      << blas.message();
}

TEST(GpuBlasTest, LibraryThatIsNotCublas) {
  Expected<std::unique_ptr<GpuBlas>> blas =
      GpuBlas::create(cublasTable(), {"libm.so.6"});
  ASSERT_FALSE(blas.ok());
  EXPECT_EQ(blas.message(),
            "cuBLAS (libm.so.6) lacks entry points: cublasCreate_v2, "
            "cublasDestroy_v2, cublasSetStream_v2, cublasGemmStridedBatchedEx, "
            "cublasGetStatusString");
}

TEST(GpuBlasTest, Supports) {
  GemmCall call;
  call.m = call.n = call.k = 64;
  for (DType ok : {DType::F32, DType::F16, DType::BF16, DType::F64}) {
    call.dtype = ok;
    EXPECT_TRUE(GpuBlas::supports(cublasTable(), call).ok());
  }
  call.dtype = DType::I32;
  EXPECT_EQ(GpuBlas::supports(cublasTable(), call).message(),
            "cuBLAS has no i32 GEMM");
  call.dtype = DType::F32;
  call.k = int64_t(INT_MAX) + 1;
  EXPECT_EQ(GpuBlas::supports(cublasTable(), call).message(),
            "a dimension of 2147483648 exceeds cuBLAS's 32-bit sizes");
}

} // namespace
