// RUN: rong-opt %s --rong-amdgpu-prepare-math --split-input-file --verify-diagnostics

// Tests that f64 transcendental functions, which only the ROCm device
// libraries implement on AMD GPUs, are reported naming the op.

func.func @exp_f64(%x: f64) -> f64 {
  // expected-error @+1 {{'math.exp' op on 'f64' needs the ROCm device libraries (ocml), which the AMDGPU backend does not link}}
  %r = math.exp %x : f64
  return %r : f64
}

// -----

// Tests that an f64 tanh is reported: its polynomial approximation is f32
// only.

func.func @tanh_f64(%x: vector<2xf64>) -> vector<2xf64> {
  // expected-error @+1 {{'math.tanh' op on 'f64' needs the ROCm device libraries (ocml)}}
  %r = math.tanh %x : vector<2xf64>
  return %r : vector<2xf64>
}

// -----

// Tests that f64 square roots, which the code generator expands exactly,
// are not reported.

func.func @sqrt_f64(%x: f64) -> f64 {
  %r = math.sqrt %x : f64
  return %r : f64
}
