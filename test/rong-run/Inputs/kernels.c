// CPU kernels for the rong-run tests, in the CPU kernel ABI:
//   void kernel(void **args, int64_t begin, int64_t end)
// args[i] is the base address of argument buffer i; [begin, end) is the
// share of work items this call handles.
#include <stdint.h>

// z = x + y; one work item per element.
void add_f32(void **args, int64_t begin, int64_t end) {
  const float *x = args[0], *y = args[1];
  float *z = args[2];
  for (int64_t i = begin; i < end; ++i)
    z[i] = x[i] + y[i];
}

// y = relu(h + b) over rows of 16; one work item per row.
void bias_relu_16(void **args, int64_t begin, int64_t end) {
  const float *h = args[0], *b = args[1];
  float *y = args[2];
  for (int64_t r = begin; r < end; ++r)
    for (int j = 0; j < 16; ++j) {
      float v = h[r * 16 + j] + b[j];
      y[r * 16 + j] = v > 0 ? v : 0;
    }
}
