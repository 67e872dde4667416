//===- cuda_smoke.cpp - The CUDA executor on a real GPU -------------------===//
//
// This file implements the CUDA smoke test, run by hand on GPU machines (CI
// has no GPU). It builds artifacts around kernels nvcc compiled at build
// time (smoke_kernels.cu) and checks, against results computed on the host:
//
//   1. a PTX-only module, JIT-compiled by the driver, running two launches
//      through an arena intermediate, one with 64 KiB of dynamic shared
//      memory (above the 48 KiB default, so the opt-in path runs);
//   2. a module with a cubin and PTX: the cubin is preferred where the
//      device matches it (a module whose cubin is garbage must then fail);
//   3. runWith on device memory and a stream from the CUDA runtime API, as
//      PyTorch would pass them;
//   4. timedRun, profiledRun (a time per step) and the error for too much
//      dynamic shared memory;
//   5. gemm steps with a bias (cuBLASLt's bias epilogue), f32 and bf16, plain
//      and batched, against a host product rounded once;
//   6. the precision of f32 gemm and batched_gemm on full-mantissa inputs
//      (f32 accumulation, not TF32), shaped like the BERT layer's GEMMs.
//
// Exit status 0 means every check passed.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

using namespace rong::runtime;

namespace {

constexpr int kChunk = 16384; // floats per block of reverse_chunks
constexpr int kBlocks = 3;
constexpr int kN = kChunk * kBlocks;
constexpr unsigned kShared = kChunk * 4; // 64 KiB

int failures = 0;

void check(bool ok, const std::string &what) {
  std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
  if (!ok)
    ++failures;
}

std::vector<uint8_t> readFile(const char *path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

/// z = reverse_chunks(2 x + y), through the intermediate t.
std::shared_ptr<const Artifact> buildArtifact(const ModuleDesc &module,
                                              unsigned shared = kShared) {
  ArtifactBuilder b(module.target);
  b.setArenaBytes(uint64_t(kN) * 4);
  uint32_t x = b.addInput("x", DType::F32, {kN});
  uint32_t y = b.addInput("y", DType::F32, {kN});
  uint32_t t = b.addIntermediate("t", DType::F32, {kN}, 0);
  uint32_t z = b.addOutput("z", DType::F32, {kN});
  uint32_t m = b.addModule(module);
  b.addLaunch(
      {b.addKernel("axpy", m), {kN / 256, 1, 1}, {256, 1, 1}, 0, {x, y, t}});
  b.addLaunch({b.addKernel("reverse_chunks", m),
               {kBlocks, 1, 1},
               {512, 1, 1},
               shared,
               {t, z}});
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  if (!bytes) {
    std::printf("FAIL: cannot build the artifact: %s\n",
                bytes.message().c_str());
    std::exit(1);
  }
  Expected<Artifact> a = Artifact::fromBytes(bytes->data(), bytes->size());
  if (!a) {
    std::printf("FAIL: cannot read the artifact: %s\n", a.message().c_str());
    std::exit(1);
  }
  return std::make_shared<const Artifact>(a.take());
}

struct Data {
  std::vector<float> x, y, want;
  Data() : x(kN), y(kN), want(kN) {
    for (int i = 0; i < kN; ++i) {
      x[i] = std::sin(0.01f * i);
      y[i] = float(i % 17) - 8.0f;
    }
    for (int c = 0; c < kBlocks; ++c)
      for (int i = 0; i < kChunk; ++i) {
        int from = c * kChunk + (kChunk - 1 - i);
        want[c * kChunk + i] = 2.0f * x[from] + y[from];
      }
  }
  bool matches(const std::vector<float> &z) const {
    for (int i = 0; i < kN; ++i)
      if (std::fabs(z[i] - want[i]) > 1e-6f * (1 + std::fabs(want[i]))) {
        std::printf("  element %d: got %g, want %g\n", i, z[i], want[i]);
        return false;
      }
    return true;
  }
};

bool runOnHost(Session &s, const Data &d) {
  std::vector<float> z(kN, -1.0f);
  Status st = s.setInput(0, d.x.data(), kN * 4);
  if (st.ok())
    st = s.setInput(1, d.y.data(), kN * 4);
  if (st.ok())
    st = s.run();
  if (st.ok())
    st = s.getOutput(0, z.data(), kN * 4);
  if (!st.ok()) {
    std::printf("  %s\n", st.message().c_str());
    return false;
  }
  return d.matches(z);
}

std::unique_ptr<Session> session(std::shared_ptr<const Artifact> a) {
  Expected<std::unique_ptr<Session>> s = createCudaSession(std::move(a));
  if (!s) {
    std::printf("  %s\n", s.message().c_str());
    return nullptr;
  }
  return s.take();
}

/// bf16 by round-to-nearest-even, and back.
uint16_t toBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}
float fromBf16(uint16_t h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// A gemm (batch 1) or batched_gemm step, in `dtype` (f32 or bf16), with or
/// without a bias, run through a session and compared with a host product
/// in double.
struct GemmCase {
  DType dtype;
  int64_t batch, m, n, k;
  bool transB;
  bool bias;
  /// false: multiples of 1/8, exact in bf16 (and in TF32), so the exact sum
  /// is known and every element must lie within one rounding of it. true:
  /// values with full f32 mantissas, for the precision of f32 products:
  /// each element's error relative to the sum of |a||b| over its dot
  /// product must stay under 1e-5, which f32 accumulation meets (about
  /// sqrt(k) 2^-24) and inputs rounded to TF32's 10 bits (about 2^-11) do
  /// not. The largest such error is printed either way.
  bool fullMantissa = false;
};

bool runGemm(const GemmCase &c) {
  bool bf16 = c.dtype == DType::BF16;
  size_t size = bf16 ? 2 : 4;
  auto values = [&](size_t count, unsigned seed) {
    std::vector<float> v(count);
    uint32_t state = seed * 2654435761u + 1;
    for (size_t i = 0; i < count; ++i) {
      if (c.fullMantissa) {
        state = state * 1664525u + 1013904223u;
        v[i] = float(state >> 8) / float(1u << 24) * 2.0f - 1.0f;
      } else {
        v[i] = float(int((i * 2654435761u + seed) % 17) - 8) / 8.0f;
      }
    }
    return v;
  };
  std::vector<float> a = values(c.batch * c.m * c.k, 1),
                     b = values(c.k * c.n, 2), bias = values(c.n, 3);
  auto bytes = [&](const std::vector<float> &v) {
    std::vector<uint8_t> out(v.size() * size);
    for (size_t i = 0; i < v.size(); ++i) {
      if (bf16) {
        uint16_t h = toBf16(v[i]);
        std::memcpy(&out[i * 2], &h, 2);
      } else {
        std::memcpy(&out[i * 4], &v[i], 4);
      }
    }
    return out;
  };
  std::vector<uint8_t> aBytes = bytes(a), bBytes = bytes(b),
                       biasBytes = bytes(bias);
  ArtifactBuilder builder("sm_90");
  uint32_t ai = builder.addInput("a", c.dtype, {c.batch, c.m, c.k});
  uint32_t bi =
      builder.addConstant("b", c.dtype, {c.transB ? c.n : c.k,
                                         c.transB ? c.k : c.n},
                          ByteSpan::of(bBytes));
  LibraryCallDesc call;
  call.floatParams = {1.0, 0.0};
  call.args = {ai, bi};
  if (c.bias)
    call.args.push_back(
        builder.addConstant("bias", c.dtype, {c.n}, ByteSpan::of(biasBytes)));
  call.args.push_back(builder.addOutput("c", c.dtype, {c.batch, c.m, c.n}));
  if (c.batch == 1) {
    call.function = "gemm";
    call.intParams = {c.m, c.n, c.k, 0, c.transB};
  } else {
    call.function = "batched_gemm";
    call.intParams = {c.m,     c.n,       c.k, 0, c.transB,
                      c.batch, c.m * c.k, 0,   c.m * c.n};
  }
  builder.addLibraryCall(call);
  Expected<std::vector<uint8_t>> serialized = builder.serialize();
  if (!serialized)
    return false;
  Expected<Artifact> artifact =
      Artifact::fromBytes(serialized->data(), serialized->size());
  if (!artifact)
    return false;
  std::unique_ptr<Session> s =
      session(std::make_shared<const Artifact>(artifact.take()));
  if (!s)
    return false;
  std::vector<uint8_t> out(c.batch * c.m * c.n * size);
  Status st = s->setInput(0, aBytes.data(), aBytes.size());
  if (st.ok())
    st = s->run();
  if (st.ok())
    st = s->getOutput(0, out.data(), out.size());
  if (!st.ok()) {
    std::printf("  %s\n", st.message().c_str());
    return false;
  }
  double worst = 0;
  for (int64_t p = 0; p < c.batch; ++p)
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < c.n; ++j) {
        double exact = c.bias ? bias[j] : 0.0;
        double magnitude = std::fabs(exact);
        for (int64_t l = 0; l < c.k; ++l) {
          double product = double(a[(p * c.m + i) * c.k + l]) *
                           b[c.transB ? j * c.k + l : l * c.n + j];
          exact += product;
          magnitude += std::fabs(product);
        }
        size_t at = (p * c.m + i) * c.n + j;
        float got;
        if (bf16) {
          uint16_t h;
          std::memcpy(&h, &out[at * 2], 2);
          got = fromBf16(h);
        } else {
          std::memcpy(&got, &out[at * 4], 4);
        }
        double error = std::fabs(got - exact);
        if (c.fullMantissa) {
          worst = std::max(worst, error / magnitude);
          continue;
        }
        // A result rounded once lies within half a bf16 ulp of the exact
        // sum.
        double tolerance = bf16 ? std::ldexp(std::fabs(exact), -8) + 1e-6
                                : 1e-5 * (1 + std::fabs(exact));
        if (error > tolerance) {
          std::printf("  element (%ld, %ld, %ld): %g, want %g\n", long(p),
                      long(i), long(j), got, exact);
          return false;
        }
      }
  if (c.fullMantissa)
    std::printf("  largest error / sum |a||b|: %.3g\n", worst);
  return worst <= 1e-5;
}

} // namespace

int main() {
  std::vector<uint8_t> ptx = readFile(RONG_SMOKE_PTX);
  std::vector<uint8_t> cubin = readFile(RONG_SMOKE_CUBIN);
  if (ptx.empty() || cubin.empty()) {
    std::printf("FAIL: cannot read %s or %s\n", RONG_SMOKE_PTX,
                RONG_SMOKE_CUBIN);
    return 1;
  }
  int device = 0, major = 0, minor = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
  int capability = major * 10 + minor;
  std::printf("device %d: sm_%d\n", device, capability);
  Data data;
  std::string ptxTarget = "sm_" + std::to_string(RONG_SMOKE_PTX_ARCH);
  std::string cubinTarget = "sm_" + std::to_string(RONG_SMOKE_CUBIN_ARCH);

  // 1. PTX only: the driver JIT-compiles it.
  auto ptxOnly =
      buildArtifact({ptxTarget, {{ModuleFormat::Ptx, ByteSpan::of(ptx)}}});
  std::unique_ptr<Session> jit = session(ptxOnly);
  check(jit && runOnHost(*jit, data),
        "PTX module (" + ptxTarget +
            ", JIT), two launches, 64 KiB dynamic shared");

  // 2. cubin + PTX; and a garbage cubin, which must be tried (and fail)
  //    where the device matches the cubin's architecture.
  auto both = buildArtifact({cubinTarget,
                             {{ModuleFormat::Cubin, ByteSpan::of(cubin)},
                              {ModuleFormat::Ptx, ByteSpan::of(ptx)}}});
  std::unique_ptr<Session> direct = session(both);
  check(direct && runOnHost(*direct, data),
        "cubin + PTX module (" + cubinTarget + ")");
  std::vector<uint8_t> junk(256, 0xab);
  auto badCubin = buildArtifact({cubinTarget,
                                 {{ModuleFormat::Cubin, ByteSpan::of(junk)},
                                  {ModuleFormat::Ptx, ByteSpan::of(ptx)}}});
  Expected<std::unique_ptr<Session>> bad = createCudaSession(badCubin);
  if (capability == RONG_SMOKE_CUBIN_ARCH) {
    check(!bad &&
              bad.message().find("cannot load the cubin") != std::string::npos,
          "a matching cubin is preferred over PTX" +
              (bad ? std::string() : " (" + bad.message() + ")"));
  } else {
    check(bool(bad), "a non-matching cubin is skipped for the PTX");
  }

  // 3. Caller-owned device memory and stream, from the CUDA runtime API.
  void *dx = nullptr, *dy = nullptr, *dz = nullptr;
  cudaStream_t stream = nullptr;
  bool ok = cudaMalloc(&dx, kN * 4) == cudaSuccess &&
            cudaMalloc(&dy, kN * 4) == cudaSuccess &&
            cudaMalloc(&dz, kN * 4) == cudaSuccess &&
            cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking) ==
                cudaSuccess &&
            cudaMemcpy(dx, data.x.data(), kN * 4, cudaMemcpyHostToDevice) ==
                cudaSuccess &&
            cudaMemcpy(dy, data.y.data(), kN * 4, cudaMemcpyHostToDevice) ==
                cudaSuccess;
  std::vector<float> z(kN);
  if (ok && jit) {
    Status st = jit->runWith({dx, dy}, {dz}, stream);
    if (!st.ok())
      std::printf("  %s\n", st.message().c_str());
    ok = st.ok() && cudaStreamSynchronize(stream) == cudaSuccess &&
         cudaMemcpy(z.data(), dz, kN * 4, cudaMemcpyDeviceToHost) ==
             cudaSuccess &&
         data.matches(z);
  }
  check(ok && jit, "runWith on external device pointers and a caller's stream");
  // The session's own buffers still work after an external run.
  check(jit && runOnHost(*jit, data), "run() after runWith");
  cudaFree(dx);
  cudaFree(dy);
  cudaFree(dz);
  if (stream)
    cudaStreamDestroy(stream);

  // 4. Timing and a dynamic shared memory request no device allows.
  if (jit) {
    Expected<double> ms = jit->timedRun();
    check(ms && *ms > 0, "timedRun measures " +
                             (ms ? std::to_string(*ms) + " ms" : ms.message()));
    // One time per step (events resolve about half a microsecond: none
    // negative, the sum positive), then the outputs still right.
    Expected<std::vector<double>> steps = jit->profiledRun();
    bool measured = steps && steps->size() == jit->artifact().steps().size();
    double sum = 0;
    for (size_t i = 0; measured && i < steps->size(); ++i) {
      measured = (*steps)[i] >= 0;
      sum += (*steps)[i];
    }
    measured = measured && sum > 0;
    check(measured, "profiledRun times each of the " +
                        std::to_string(jit->artifact().steps().size()) +
                        " steps" + (steps ? "" : ": " + steps.message()));
    check(runOnHost(*jit, data), "run() after profiledRun");
  }
  auto tooMuch = buildArtifact(
      {ptxTarget, {{ModuleFormat::Ptx, ByteSpan::of(ptx)}}}, 1u << 30);
  Expected<std::unique_ptr<Session>> big = createCudaSession(tooMuch);
  check(!big && big.message().find("bytes of dynamic shared memory, but") !=
                    std::string::npos,
        "too much dynamic shared memory is an error" +
            (big ? std::string() : " (" + big.message() + ")"));

  // 5. GEMMs with a bias in the epilogue.
  check(runGemm({DType::F32, 1, 96, 80, 64, false, true}),
        "gemm + bias, f32 (cuBLASLt epilogue)");
  check(runGemm({DType::BF16, 1, 128, 256, 96, true, true}),
        "gemm + bias, bf16, B transposed, rounded once");
  check(runGemm({DType::BF16, 3, 64, 128, 32, false, true}),
        "batched_gemm + bias, bf16, shared B");

  // 6. The precision of f32 GEMMs (no TF32), on inputs with full mantissas,
  //    shaped like the BERT layer's: a linear layer (cuBLAS, and cuBLASLt
  //    with a bias) and attention's probabilities times values (batched,
  //    k = 512).
  check(runGemm({DType::F32, 1, 512, 768, 768, true, false, true}),
        "gemm, f32, full mantissas (cuBLAS): f32 precision");
  check(runGemm({DType::F32, 1, 512, 768, 768, true, true, true}),
        "gemm + bias, f32, full mantissas (cuBLASLt): f32 precision");
  check(runGemm({DType::F32, 12, 512, 64, 512, false, false, true}),
        "batched_gemm, f32, 12 x 512x512 times 512x64: f32 precision");

  std::printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
