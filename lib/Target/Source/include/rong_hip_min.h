//===- rong_hip_min.h - The HIP subset Rong's generated source uses -------===//
//
// A minimal stand-in for <hip/hip_runtime.h>, for compiling Rong's HIP source
// with a plain clang (`-x hip -nogpulib -nogpuinc --offload-device-only`)
// where no ROCm installation exists. It declares exactly what the generated
// kernels and host launchers use: the function attributes, the thread and
// block indices, barriers, wavefront shuffles (ds_bpermute), bit casts, the
// math functions (forwarded to ROCm device-library __ocml_* names, resolved
// when the object is linked against the ROCm device libraries) and the launch
// API. It is a CI aid; real builds include the real header (hipcc does).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_HIP_MIN_H
#define RONG_HIP_MIN_H

#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(n) __attribute__((amdgpu_flat_work_group_size(1, n)))

typedef unsigned long size_t;

struct dim3 {
  unsigned int x, y, z;
  __host__ __device__ constexpr dim3(unsigned int x = 1, unsigned int y = 1,
                                     unsigned int z = 1)
      : x(x), y(y), z(z) {}
};

typedef struct ihipStream_t *hipStream_t;
typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef enum hipFuncAttribute {
  hipFuncAttributeMaxDynamicSharedMemorySize = 8
} hipFuncAttribute;
extern "C" {
hipError_t hipGetLastError(void);
hipError_t hipFuncSetAttribute(const void *func, hipFuncAttribute attr,
                               int value);
// Clang lowers kernel<<<...>>> to these two calls.
hipError_t __hipPushCallConfiguration(dim3 grid, dim3 block, size_t shared,
                                      hipStream_t stream);
hipError_t __hipPopCallConfiguration(dim3 *grid, dim3 *block, size_t *shared,
                                     hipStream_t *stream);
hipError_t hipLaunchKernel(const void *func, dim3 grid, dim3 block,
                           void **args, size_t shared, hipStream_t stream);
}

#define hipLaunchKernelGGL(kernel, grid, block, shared, stream, ...)            \
  kernel<<<(grid), (block), (shared), (stream)>>>(__VA_ARGS__)

// threadIdx.x and friends, as clang's CUDA builtin variables do it.
#define RONG_HIP_INDEX(Name, X, Y, Z)                                           \
  struct Name##_t {                                                             \
    __declspec(property(get = get_x)) unsigned int x;                           \
    __declspec(property(get = get_y)) unsigned int y;                           \
    __declspec(property(get = get_z)) unsigned int z;                           \
    static __device__ unsigned int get_x() { return X; }                        \
    static __device__ unsigned int get_y() { return Y; }                        \
    static __device__ unsigned int get_z() { return Z; }                        \
  };                                                                            \
  extern const __device__ __attribute__((weak)) Name##_t Name;
RONG_HIP_INDEX(threadIdx, __builtin_amdgcn_workitem_id_x(),
               __builtin_amdgcn_workitem_id_y(),
               __builtin_amdgcn_workitem_id_z())
RONG_HIP_INDEX(blockIdx, __builtin_amdgcn_workgroup_id_x(),
               __builtin_amdgcn_workgroup_id_y(),
               __builtin_amdgcn_workgroup_id_z())
RONG_HIP_INDEX(blockDim, __builtin_amdgcn_workgroup_size_x(),
               __builtin_amdgcn_workgroup_size_y(),
               __builtin_amdgcn_workgroup_size_z())
RONG_HIP_INDEX(gridDim, __builtin_amdgcn_grid_size_x() /
                            __builtin_amdgcn_workgroup_size_x(),
               __builtin_amdgcn_grid_size_y() /
                   __builtin_amdgcn_workgroup_size_y(),
               __builtin_amdgcn_grid_size_z() /
                   __builtin_amdgcn_workgroup_size_z())
#undef RONG_HIP_INDEX

static __device__ __forceinline__ void __syncthreads() {
  __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");
  __builtin_amdgcn_s_barrier();
  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");
}

static __device__ __forceinline__ unsigned int __float_as_uint(float f) {
  return __builtin_bit_cast(unsigned int, f);
}
static __device__ __forceinline__ float __uint_as_float(unsigned int u) {
  return __builtin_bit_cast(float, u);
}

// Wavefront shuffles with HIP's mask-free signatures, through ds_bpermute
// (byte addresses of the source lane within the wavefront), for the types
// the kernels shuffle: float, int and long long (two 32-bit exchanges).
static __device__ __forceinline__ int __rong_lane() {
  return __builtin_amdgcn_mbcnt_hi(~0u, __builtin_amdgcn_mbcnt_lo(~0u, 0u));
}
static __device__ __forceinline__ int __rong_bpermute(int lane, int v) {
  return __builtin_amdgcn_ds_bpermute(lane << 2, v);
}
static __device__ __forceinline__ float __rong_bpermute(int lane, float v) {
  return __builtin_bit_cast(float,
                            __rong_bpermute(lane, __builtin_bit_cast(int, v)));
}
static __device__ __forceinline__ long long __rong_bpermute(int lane,
                                                            long long v) {
  unsigned int lo = (unsigned int)__rong_bpermute(lane, (int)v);
  int hi = __rong_bpermute(lane, (int)(v >> 32));
  return (long long)(((unsigned long long)(unsigned int)hi << 32) | lo);
}
template <typename T>
static __device__ __forceinline__ T __shfl_xor(T v, int mask, int width) {
  int self = __rong_lane();
  int src = self ^ mask;
  if (src >= ((self + width) & ~(width - 1)))
    src = self;
  return __rong_bpermute(src, v);
}
template <typename T>
static __device__ __forceinline__ T __shfl_down(T v, unsigned int d,
                                                int width) {
  int self = __rong_lane();
  int src = self + (int)d;
  if ((self & (width - 1)) + (int)d >= width)
    src = self;
  return __rong_bpermute(src, v);
}
template <typename T>
static __device__ __forceinline__ T __shfl_up(T v, unsigned int d, int width) {
  int self = __rong_lane();
  int src = self - (int)d;
  if ((self & (width - 1)) < (int)d)
    src = self;
  return __rong_bpermute(src, v);
}
template <typename T>
static __device__ __forceinline__ T __shfl(T v, int srcLane, int width) {
  int self = __rong_lane();
  return __rong_bpermute((self & ~(width - 1)) + (srcLane & (width - 1)), v);
}

// Math functions the kernels call, named as in CUDA/HIP. Functions the
// AMDGPU backend lowers by itself map to clang builtins; the others are
// written out from those (tanhf, erff, ...: correct to a few ulp, enough for
// compile checks, not tuned; real builds get ocml's versions from the real
// header and the device libraries).
#define RONG_BUILTIN1(name)                                                     \
  static __device__ __forceinline__ float name(float x) {                       \
    return __builtin_##name(x);                                                 \
  }
#define RONG_BUILTIN2(name)                                                     \
  static __device__ __forceinline__ float name(float x, float y) {              \
    return __builtin_##name(x, y);                                              \
  }
RONG_BUILTIN1(expf)
RONG_BUILTIN1(exp2f)
RONG_BUILTIN1(logf)
RONG_BUILTIN1(log2f)
RONG_BUILTIN1(log10f)
RONG_BUILTIN1(sqrtf)
RONG_BUILTIN1(fabsf)
RONG_BUILTIN1(floorf)
RONG_BUILTIN1(ceilf)
RONG_BUILTIN1(roundf)
RONG_BUILTIN1(rintf)
RONG_BUILTIN1(truncf)
RONG_BUILTIN1(sinf)
RONG_BUILTIN1(cosf)
RONG_BUILTIN2(powf)
RONG_BUILTIN2(fmodf)
RONG_BUILTIN2(fmaxf)
RONG_BUILTIN2(fminf)
RONG_BUILTIN2(copysignf)
#undef RONG_BUILTIN1
#undef RONG_BUILTIN2
static __device__ __forceinline__ float fmaf(float x, float y, float z) {
  return __builtin_fmaf(x, y, z);
}
static __device__ __forceinline__ float rsqrtf(float x) {
  return 1.0f / __builtin_sqrtf(x);
}
static __device__ __forceinline__ float expm1f(float x) {
  return __builtin_fabsf(x) < 1e-5f ? x + 0.5f * x * x : __builtin_expf(x) - 1.0f;
}
static __device__ __forceinline__ float log1pf(float x) {
  return __builtin_fabsf(x) < 1e-4f ? x - 0.5f * x * x : __builtin_logf(1.0f + x);
}
static __device__ __forceinline__ float tanhf(float x) {
  float a = __builtin_fabsf(x);
  float t = a < 0.55f ? a * (1.0f - a * a * (1.0f / 3.0f - a * a * (2.0f / 15.0f)))
                      : 1.0f - 2.0f / (__builtin_expf(2.0f * a) + 1.0f);
  return __builtin_copysignf(t, x);
}
static __device__ __forceinline__ float erff(float x) {
  // Abramowitz and Stegun 7.1.26.
  float a = __builtin_fabsf(x);
  float t = 1.0f / (1.0f + 0.3275911f * a);
  float p = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f +
            t * (-1.453152027f + t * 1.061405429f))));
  return __builtin_copysignf(1.0f - p * __builtin_expf(-a * a), x);
}
static __device__ __forceinline__ float erfcf(float x) { return 1.0f - erff(x); }
static __device__ __forceinline__ float sinhf(float x) {
  return 0.5f * (__builtin_expf(x) - __builtin_expf(-x));
}
static __device__ __forceinline__ float coshf(float x) {
  return 0.5f * (__builtin_expf(x) + __builtin_expf(-x));
}
static __device__ __forceinline__ float tanf(float x) {
  return __builtin_sinf(x) / __builtin_cosf(x);
}

#endif // RONG_HIP_MIN_H
