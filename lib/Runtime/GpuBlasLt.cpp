//===- GpuBlasLt.cpp - GEMMs with a bias epilogue on the GPU --------------===//
//
// This file implements GpuBlasLt. As in GpuBlas, a row-major M x N product
// C = op(A) op(B) is the column-major N x M product C^T = op(B)^T op(A)^T:
// cuBLASLt's first operand is Rong's B and its second Rong's A, each
// described as stored (rows and columns before its op) with its own leading
// dimension. The bias then runs along the rows of cuBLASLt's D, one element
// per column of Rong's C, which is what CUBLASLT_EPILOGUE_BIAS adds.
//
//===----------------------------------------------------------------------===//

#include "GpuBlasLt.h"
#include "GpuBlas.h"

#include <climits>

namespace rong::runtime::gpu {

const BlasLtTable &cublasLtTable() {
  // Enum values from cublasLt.h, cublas_api.h and library_types.h (CUDA 12
  // and 13).
  static const BlasLtTable table = {
      "cuBLASLt",
      "is the CUDA toolkit's or PyTorch's cuBLASLt on the library path? "
      "(LD_LIBRARY_PATH)",
      "cublasLtCreate",
      "cublasLtDestroy",
      "cublasLtGetStatusString",
      "cublasLtMatmulDescCreate",
      "cublasLtMatmulDescDestroy",
      "cublasLtMatmulDescSetAttribute",
      "cublasLtMatrixLayoutCreate",
      "cublasLtMatrixLayoutDestroy",
      "cublasLtMatrixLayoutSetAttribute",
      "cublasLtMatmulPreferenceCreate",
      "cublasLtMatmulPreferenceDestroy",
      "cublasLtMatmulPreferenceSetAttribute",
      "cublasLtMatmulAlgoGetHeuristic",
      "cublasLtMatmul",
      /*opN=*/0,
      /*opT=*/1,
      /*realF32=*/0,
      /*realF16=*/2,
      /*realBF16=*/14,
      /*realF64=*/1,
      /*computeF32=*/68,
      /*computeF64=*/70,
      /*descTransA=*/3,      // CUBLASLT_MATMUL_DESC_TRANSA, int32
      /*descTransB=*/4,      // CUBLASLT_MATMUL_DESC_TRANSB, int32
      /*descEpilogue=*/7,    // CUBLASLT_MATMUL_DESC_EPILOGUE, uint32
      /*descBiasPointer=*/8, // CUBLASLT_MATMUL_DESC_BIAS_POINTER, void *
      /*epilogueBias=*/4,    // CUBLASLT_EPILOGUE_BIAS
      /*layoutBatchCount=*/5,  // CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, int32
      /*layoutBatchOffset=*/6, // ..._STRIDED_BATCH_OFFSET, int64
      /*prefMaxWorkspace=*/1,  // CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES
  };
  return table;
}

GpuBlasLt::Plan::~Plan() {
  if (owner)
    owner->destroy(*this);
}

void GpuBlasLt::destroy(Plan &p) const {
  for (Layout l : {p.first, p.second, p.result})
    if (l)
      layoutDestroyFn(l);
  if (p.desc)
    descDestroyFn(p.desc);
}

Expected<std::unique_ptr<GpuBlasLt>>
GpuBlasLt::create(const BlasLtTable &table,
                  const std::vector<std::string> &libraries) {
  std::string name;
  Expected<DynamicLibrary> lib =
      DynamicLibrary::openFirst(libraries, table.apiName, name);
  if (!lib)
    return Status::failure(lib.message() + "; " + table.installHint);
  std::unique_ptr<GpuBlasLt> lt(new GpuBlasLt(table, lib.take()));
  SymbolResolver resolve(lt->library);
  resolve(lt->createFn, table.create);
  resolve(lt->destroyFn, table.destroy);
  resolve(lt->statusStringFn, table.statusString);
  resolve(lt->descCreateFn, table.descCreate);
  resolve(lt->descDestroyFn, table.descDestroy);
  resolve(lt->descSetFn, table.descSetAttribute);
  resolve(lt->layoutCreateFn, table.layoutCreate);
  resolve(lt->layoutDestroyFn, table.layoutDestroy);
  resolve(lt->layoutSetFn, table.layoutSetAttribute);
  resolve(lt->preferenceCreateFn, table.preferenceCreate);
  resolve(lt->preferenceDestroyFn, table.preferenceDestroy);
  resolve(lt->preferenceSetFn, table.preferenceSetAttribute);
  resolve(lt->heuristicFn, table.heuristic);
  resolve(lt->matmulFn, table.matmul);
  if (!resolve.missing().empty())
    return Status::failure(std::string(table.apiName) + " (" + name +
                           ") lacks entry points: " + resolve.missing());
  Handle handle = nullptr;
  if (Status s = lt->check(lt->createFn(&handle),
                           "cannot create a " + std::string(table.apiName) +
                               " handle");
      !s.ok())
    return s;
  lt->handle = handle;
  return lt;
}

GpuBlasLt::~GpuBlasLt() {
  if (handle)
    destroyFn(handle);
}

Status GpuBlasLt::check(StatusCode code, const std::string &what) const {
  return blasStatus(code, what, statusStringFn, tbl->apiName);
}

Expected<std::unique_ptr<GpuBlasLt::Plan>>
GpuBlasLt::plan(const GemmCall &g, uint64_t workspaceBytes) const {
  if (!g.hasBias)
    return Status::failure("a cuBLASLt plan is made for GEMMs with a bias");
  bool f64 = g.dtype == DType::F64;
  int type = g.dtype == DType::F32   ? tbl->realF32
             : g.dtype == DType::F16 ? tbl->realF16
             : f64                   ? tbl->realF64
                                     : tbl->realBF16;
  auto p = std::make_unique<Plan>();
  p->call = g;
  p->owner = this;
  auto set = [&](auto fn, auto object, int attr, auto value,
                 const char *what) {
    return check(fn(object, attr, &value, sizeof(value)),
                 std::string("cannot set ") + what);
  };
  if (Status s = check(descCreateFn(&p->desc,
                                    f64 ? tbl->computeF64 : tbl->computeF32,
                                    f64 ? tbl->realF64 : tbl->realF32),
                       "cannot create a matmul descriptor");
      !s.ok())
    return s;
  int32_t opFirst = g.transB ? tbl->opT : tbl->opN;
  int32_t opSecond = g.transA ? tbl->opT : tbl->opN;
  uint32_t epilogue = static_cast<uint32_t>(tbl->epilogueBias);
  for (Status s :
       {set(descSetFn, p->desc, tbl->descTransA, opFirst, "TRANSA"),
        set(descSetFn, p->desc, tbl->descTransB, opSecond, "TRANSB"),
        set(descSetFn, p->desc, tbl->descEpilogue, epilogue,
            "the bias epilogue")})
    if (!s.ok())
      return s;

  // Each operand as stored: rows x columns of the column-major matrix.
  struct Stored {
    Layout *layout;
    uint64_t rows, cols;
    int64_t ld, stride;
  } stored[] = {
      {&p->first, uint64_t(g.transB ? g.k : g.n), uint64_t(g.transB ? g.n : g.k),
       g.ldb(), g.strideB},
      {&p->second, uint64_t(g.transA ? g.m : g.k),
       uint64_t(g.transA ? g.k : g.m), g.lda(), g.strideA},
      {&p->result, uint64_t(g.n), uint64_t(g.m), g.ldc(), g.strideC}};
  int32_t batch = static_cast<int32_t>(g.batch);
  for (const Stored &s : stored) {
    if (Status st = check(layoutCreateFn(s.layout, type, s.rows, s.cols, s.ld),
                          "cannot create a matrix layout");
        !st.ok())
      return st;
    if (g.batch == 1)
      continue;
    int64_t stride = s.stride;
    for (Status st :
         {set(layoutSetFn, *s.layout, tbl->layoutBatchCount, batch,
              "the batch count"),
          set(layoutSetFn, *s.layout, tbl->layoutBatchOffset, stride,
              "the batch stride")})
      if (!st.ok())
        return st;
  }

  Preference preference = nullptr;
  if (Status s = check(preferenceCreateFn(&preference),
                       "cannot create a matmul preference");
      !s.ok())
    return s;
  uint64_t maxWorkspace = workspaceBytes;
  Status st = set(preferenceSetFn, preference, tbl->prefMaxWorkspace,
                  maxWorkspace, "the workspace size");
  HeuristicResult result{};
  int count = 0;
  if (st.ok())
    st = check(heuristicFn(handle, p->desc, p->first, p->second, p->result,
                           p->result, preference, 1, &result, &count),
               "cuBLASLt's heuristic found no algorithm for this GEMM with a "
               "bias");
  preferenceDestroyFn(preference);
  if (!st.ok())
    return st;
  if (count < 1 || result.state != 0)
    return Status::failure("cuBLASLt's heuristic found no algorithm for this "
                           "GEMM with a bias");
  p->algo = result.algo;
  p->workspaceBytes = workspaceBytes;
  return p;
}

Status GpuBlasLt::run(const Plan &p, DevicePtr a, DevicePtr b, DevicePtr bias,
                      DevicePtr c, DevicePtr workspace, Stream stream) const {
  const GemmCall &g = p.call;
  bool f64 = g.dtype == DType::F64;
  float alpha32 = static_cast<float>(g.alpha);
  float beta32 = static_cast<float>(g.beta);
  const void *alpha = f64 ? static_cast<const void *>(&g.alpha) : &alpha32;
  const void *beta = f64 ? static_cast<const void *>(&g.beta) : &beta32;
  const void *biasPointer = reinterpret_cast<const void *>(bias);
  if (Status s = check(descSetFn(p.desc, tbl->descBiasPointer, &biasPointer,
                                 sizeof(biasPointer)),
                       "cannot set the bias pointer");
      !s.ok())
    return s;
  size_t element = dtypeSize(g.dtype);
  size_t workspaceBytes = workspace ? p.workspaceBytes : 0;
  for (int64_t o = 0; o < g.outerBatch; ++o) {
    auto at = [&](DevicePtr base, int64_t elements) {
      return reinterpret_cast<void *>(base + elements * element);
    };
    void *out = at(c, g.elementC(o, 0));
    if (Status s = check(
            matmulFn(handle, p.desc, alpha, at(b, g.elementB(o, 0)), p.first,
                     at(a, g.elementA(o, 0)), p.second, beta, out, p.result,
                     out, p.result, &p.algo,
                     reinterpret_cast<void *>(workspace), workspaceBytes,
                     stream),
            "the GEMM with a bias failed");
        !s.ok())
      return s;
  }
  return Status::success();
}

} // namespace rong::runtime::gpu
