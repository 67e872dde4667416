//===- GpuBlas.cpp - A vendor BLAS for GPU library calls ------------------===//
//
// This file implements GpuBlas. BLAS is column-major and Rong's matrices are
// row-major: a row-major M x N matrix C is the column-major N x M matrix C^T,
// so C = op(A) op(B) runs as C^T = op(B)^T op(A)^T, that is, as the
// column-major GEMM of shape (N, M, K) with the operands swapped and each
// keeping its own transpose flag and leading dimension.
//
//===----------------------------------------------------------------------===//

#include "GpuBlas.h"

#include <climits>

namespace rong::runtime::gpu {

const BlasTable &cublasTable() {
  // Enum values from cublas_api.h and library_types.h (CUDA 11 to 13).
  static const BlasTable table = {
      "cuBLAS",
      "is the CUDA toolkit's or PyTorch's cuBLAS on the library path? "
      "(LD_LIBRARY_PATH, or rong-run --blas-library PATH)",
      "cublasCreate_v2",
      "cublasDestroy_v2",
      "cublasSetStream_v2",
      "cublasGemmStridedBatchedEx",
      "cublasGetStatusString",
      /*opN=*/0,
      /*opT=*/1,
      /*realF32=*/0,  // CUDA_R_32F
      /*realF16=*/2,  // CUDA_R_16F
      /*realBF16=*/14, // CUDA_R_16BF
      /*realF64=*/1,   // CUDA_R_64F
      /*computeF32=*/68, // CUBLAS_COMPUTE_32F
      /*computeF64=*/70, // CUBLAS_COMPUTE_64F
      /*algoDefault=*/-1, // CUBLAS_GEMM_DEFAULT
  };
  return table;
}

Expected<std::unique_ptr<GpuBlas>>
GpuBlas::create(const BlasTable &table,
                const std::vector<std::string> &libraries) {
  std::string name;
  Expected<DynamicLibrary> lib =
      DynamicLibrary::openFirst(libraries, table.apiName, name);
  if (!lib)
    return Status::failure(lib.message() + "; " + table.installHint);
  std::unique_ptr<GpuBlas> blas(new GpuBlas(table, lib.take()));
  SymbolResolver resolve(blas->library);
  resolve(blas->createFn, table.create);
  resolve(blas->destroyFn, table.destroy);
  resolve(blas->setStreamFn, table.setStream);
  resolve(blas->gemmFn, table.gemmStridedBatchedEx);
  resolve(blas->statusStringFn, table.statusString);
  if (!resolve.missing().empty())
    return Status::failure(std::string(table.apiName) + " (" + name +
                           ") lacks entry points: " + resolve.missing());
  Handle handle = nullptr;
  if (Status s = blas->check(blas->createFn(&handle),
                             "cannot create a " + std::string(table.apiName) +
                                 " handle");
      !s.ok())
    return s;
  blas->handle = handle;
  return blas;
}

GpuBlas::~GpuBlas() {
  if (handle)
    destroyFn(handle);
}

Status blasStatus(int code, const std::string &what,
                  const char *(*statusString)(int), const char *apiName) {
  if (code == 0)
    return Status::success();
  const char *text = statusString ? statusString(code) : nullptr;
  return Status::failure(what + ": " +
                         (text ? std::string(text)
                               : std::string(apiName) + " status " +
                                     std::to_string(code)));
}

Status GpuBlas::check(StatusCode code, const std::string &what) const {
  return blasStatus(code, what, statusStringFn, tbl->apiName);
}

Status GpuBlas::supports(const BlasTable &table, const GemmCall &call) {
  if (call.dtype != DType::F32 && call.dtype != DType::F16 &&
      call.dtype != DType::BF16 && call.dtype != DType::F64)
    return Status::failure(std::string(table.apiName) + " has no " +
                           dtypeName(call.dtype) + " GEMM");
  for (int64_t v : {call.m, call.n, call.k, call.batch, call.lda(), call.ldb(),
                    call.ldc()})
    if (v > INT_MAX)
      return Status::failure("a dimension of " + std::to_string(v) +
                             " exceeds " + table.apiName + "'s 32-bit sizes");
  return Status::success();
}

Status GpuBlas::gemm(const GemmCall &call, DevicePtr a, DevicePtr b,
                     DevicePtr c, Stream stream) const {
  bool f64 = call.dtype == DType::F64;
  int type = call.dtype == DType::F32   ? tbl->realF32
             : call.dtype == DType::F16 ? tbl->realF16
             : f64                      ? tbl->realF64
                                        : tbl->realBF16;
  // The scalars have the compute type's precision.
  float alpha32 = static_cast<float>(call.alpha);
  float beta32 = static_cast<float>(call.beta);
  const void *alpha = f64 ? static_cast<const void *>(&call.alpha) : &alpha32;
  const void *beta = f64 ? static_cast<const void *>(&call.beta) : &beta32;
  if (Status s = check(setStreamFn(handle, stream), "cannot set the stream");
      !s.ok())
    return s;
  size_t element = dtypeSize(call.dtype);
  for (int64_t o = 0; o < call.outerBatch; ++o) {
    auto at = [&](DevicePtr base, int64_t elements) {
      return reinterpret_cast<const void *>(base + elements * element);
    };
    if (Status s = check(
            gemmFn(handle, call.transB ? tbl->opT : tbl->opN,
                   call.transA ? tbl->opT : tbl->opN, int(call.n), int(call.m),
                   int(call.k), alpha, at(b, call.elementB(o, 0)), type,
                   int(call.ldb()), call.strideB, at(a, call.elementA(o, 0)),
                   type, int(call.lda()), call.strideA, beta,
                   const_cast<void *>(at(c, call.elementC(o, 0))), type,
                   int(call.ldc()), call.strideC, int(call.batch),
                   f64 ? tbl->computeF64 : tbl->computeF32, tbl->algoDefault),
            "the GEMM failed");
        !s.ok())
      return s;
  }
  return Status::success();
}

} // namespace rong::runtime::gpu
