//===- GpuBlasLt.h - GEMMs with a bias epilogue on the GPU ------*- C++ -*-===//
//
// This file declares GpuBlasLt, through which the CUDA executor runs the GEMM
// steps that carry a bias: cuBLASLt's cublasLtMatmul with
// CUBLASLT_EPILOGUE_BIAS, which adds the bias to the accumulator and rounds
// once, as PyTorch's addmm does. Like GpuBlas it is resolved with dlopen from
// a table of symbol names and enum values (cublasLt.h, CUDA 12 and 13), so
// the runtime builds without the header.
//
// Each GEMM is planned once, when the session is created: its descriptors
// and the algorithm cuBLASLt's heuristic picks. A run then only sets the bias
// pointer and enqueues the call.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_GPUBLASLT_H
#define RONG_RUNTIME_GPUBLASLT_H

#include "GpuDriver.h"
#include "LibraryCalls.h"

#include <array>

namespace rong::runtime::gpu {

/// cuBLASLt's symbols and the enum values Rong passes.
struct BlasLtTable {
  const char *apiName;
  const char *installHint;
  const char *create, *destroy, *statusString;
  const char *descCreate, *descDestroy, *descSetAttribute;
  const char *layoutCreate, *layoutDestroy, *layoutSetAttribute;
  const char *preferenceCreate, *preferenceDestroy, *preferenceSetAttribute;
  const char *heuristic, *matmul;
  int opN, opT;
  int realF32, realF16, realBF16, realF64;
  int computeF32, computeF64;
  /// cublasLtMatmulDescAttributes_t
  int descTransA, descTransB, descEpilogue, descBiasPointer;
  /// cublasLtEpilogue_t
  int epilogueBias;
  /// cublasLtMatrixLayoutAttribute_t
  int layoutBatchCount, layoutBatchOffset;
  /// cublasLtMatmulPreferenceAttributes_t
  int prefMaxWorkspace;
};

/// NVIDIA's cuBLASLt (libcublasLt.so.13 or .12).
const BlasLtTable &cublasLtTable();

class GpuBlasLt {
public:
  /// One GEMM's descriptors and algorithm.
  class Plan;

  /// Loads the first of `libraries` that opens and has every entry point,
  /// and creates a handle. The device's context must be current.
  static Expected<std::unique_ptr<GpuBlasLt>>
  create(const BlasLtTable &table, const std::vector<std::string> &libraries);
  ~GpuBlasLt();
  GpuBlasLt(const GpuBlasLt &) = delete;
  GpuBlasLt &operator=(const GpuBlasLt &) = delete;

  /// Describes `call` (f32, f16, bf16 or f64, with a bias) to cuBLASLt and
  /// asks its heuristic for an algorithm that needs at most `workspaceBytes`;
  /// fails with cuBLASLt's reason when it has none.
  Expected<std::unique_ptr<Plan>> plan(const GemmCall &call,
                                       uint64_t workspaceBytes) const;
  /// Enqueues `plan` on `stream` for row-major operands at `a`, `b`, `c` and
  /// the bias at `bias`.
  Status run(const Plan &plan, DevicePtr a, DevicePtr b, DevicePtr bias,
             DevicePtr c, DevicePtr workspace, Stream stream) const;

  const BlasLtTable &table() const { return *tbl; }

private:
  using Handle = struct BlasLtHandle_st *;
  using Desc = struct BlasLtDesc_st *;
  using Layout = struct BlasLtLayout_st *;
  using Preference = struct BlasLtPreference_st *;
  using StatusCode = int;
  /// cublasLtMatmulAlgo_t: 8 opaque 64-bit words.
  using Algo = std::array<uint64_t, 8>;
  /// cublasLtMatmulHeuristicResult_t.
  struct HeuristicResult {
    Algo algo;
    size_t workspaceSize;
    StatusCode state;
    float wavesCount;
    int reserved[4];
  };
  static_assert(sizeof(HeuristicResult) == 96,
                "cublasLtMatmulHeuristicResult_t is 96 bytes");

  GpuBlasLt(const BlasLtTable &table, DynamicLibrary library)
      : tbl(&table), library(std::move(library)) {}
  Status check(StatusCode code, const std::string &what) const;
  void destroy(Plan &plan) const;

  const BlasLtTable *tbl;
  DynamicLibrary library;
  Handle handle = nullptr;
  StatusCode (*createFn)(Handle *) = nullptr;
  StatusCode (*destroyFn)(Handle) = nullptr;
  const char *(*statusStringFn)(StatusCode) = nullptr;
  StatusCode (*descCreateFn)(Desc *, int computeType, int scaleType) = nullptr;
  StatusCode (*descDestroyFn)(Desc) = nullptr;
  StatusCode (*descSetFn)(Desc, int attr, const void *, size_t) = nullptr;
  StatusCode (*layoutCreateFn)(Layout *, int type, uint64_t rows,
                               uint64_t cols, int64_t ld) = nullptr;
  StatusCode (*layoutDestroyFn)(Layout) = nullptr;
  StatusCode (*layoutSetFn)(Layout, int attr, const void *, size_t) = nullptr;
  StatusCode (*preferenceCreateFn)(Preference *) = nullptr;
  StatusCode (*preferenceDestroyFn)(Preference) = nullptr;
  StatusCode (*preferenceSetFn)(Preference, int attr, const void *,
                                size_t) = nullptr;
  StatusCode (*heuristicFn)(Handle, Desc, Layout a, Layout b, Layout c,
                            Layout d, Preference, int requested,
                            HeuristicResult *results, int *count) = nullptr;
  StatusCode (*matmulFn)(Handle, Desc, const void *alpha, const void *a,
                         Layout, const void *b, Layout, const void *beta,
                         const void *c, Layout, void *d, Layout,
                         const Algo *algo, void *workspace,
                         size_t workspaceBytes, Stream) = nullptr;
};

/// A GEMM described once: what the run reads and what the heuristic chose.
class GpuBlasLt::Plan {
public:
  GemmCall call;
  Desc desc = nullptr;
  /// cuBLASLt's A (Rong's B), B (Rong's A), and C = D.
  Layout first = nullptr, second = nullptr, result = nullptr;
  Algo algo{};
  /// What the workspace holds: the heuristic kept within it.
  uint64_t workspaceBytes = 0;
  const GpuBlasLt *owner = nullptr;
  Plan() = default;
  Plan(const Plan &) = delete;
  Plan &operator=(const Plan &) = delete;
  ~Plan();
};

} // namespace rong::runtime::gpu

#endif // RONG_RUNTIME_GPUBLASLT_H
