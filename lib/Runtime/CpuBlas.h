//===- CpuBlas.h - Library calls on the CPU ---------------------*- C++ -*-===//
//
// This file declares the CPU executor's bridge to BLAS. The runtime can be
// built without a BLAS library (a bare GPU server); then these calls exist and
// fail with a message that says what is missing.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_RUNTIME_CPUBLAS_H
#define RONG_RUNTIME_CPUBLAS_H

#include "LibraryCalls.h"
#include "rong/Runtime/ThreadPool.h"

namespace rong::runtime {

/// Checks that `gemm` can run on the CPU (BLAS present, element type
/// supported); `what` names the step in the message.
Status checkCpuGemm(const GemmCall &gemm, const std::string &what);

/// Runs `gemm` on host memory with one BLAS call per `pool` thread (the
/// matrices of a batch dealt out whole, a single product cut along its larger
/// output dimension); checkCpuGemm must have succeeded. The first call sets
/// OpenBLAS to one thread for the whole process. `bias` (N elements, added
/// to every row) is null when the call has none.
void runCpuGemm(const GemmCall &gemm, const void *a, const void *b,
                const void *bias, void *c, ThreadPool &pool);

/// Checks that `conv` can run on the CPU (BLAS present, f32).
Status checkCpuConv2D(const Conv2DCall &conv, const std::string &what);

/// Bytes of scratch memory runCpuConv2D needs for `conv`.
size_t cpuConv2DScratchBytes(const Conv2DCall &conv);

/// Runs `conv` on host memory through im2col and BLAS gemm; `scratch` holds
/// cpuConv2DScratchBytes(conv) bytes. The im2col rows and the gemm are split
/// across `pool`'s threads. checkCpuConv2D must have succeeded.
void runCpuConv2D(const Conv2DCall &conv, const void *input,
                  const void *weight, const void *bias, void *output,
                  void *scratch, ThreadPool &pool);

} // namespace rong::runtime

#endif // RONG_RUNTIME_CPUBLAS_H
