// Kernels of the CUDA smoke test, in Rong's GPU kernel ABI: every parameter
// is the device address of one argument buffer, in launch order.

// z = 2 x + y; one thread per element.
extern "C" __global__ void axpy(const float *x, const float *y, float *z) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  z[i] = 2.0f * x[i] + y[i];
}

// Reverses each block's chunk of 16384 floats through 64 KiB of dynamic
// shared memory, more than the 48 KiB a kernel gets without opting in.
extern "C" __global__ void reverse_chunks(const float *x, float *y) {
  extern __shared__ float chunk[];
  const int n = 16384;
  const float *in = x + blockIdx.x * n;
  float *out = y + blockIdx.x * n;
  for (int i = threadIdx.x; i < n; i += blockDim.x)
    chunk[i] = in[i];
  __syncthreads();
  for (int i = threadIdx.x; i < n; i += blockDim.x)
    out[i] = chunk[n - 1 - i];
}
