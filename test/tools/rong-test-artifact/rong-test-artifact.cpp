//===- rong-test-artifact.cpp - Writes the rong-run test artifacts --------===//
//
// This file implements a test tool that writes fixed artifacts around a CPU
// kernel module compiled by the test (test/rong-run/Inputs/kernels.c):
//
//   rong-test-artifact add --module kernels.so -o add.rong
//     z = x + y                          x, y, z: f32 [2, 3]
//   rong-test-artifact mlp --module kernels.so -o mlp.rong
//     y = relu(x @ W + b)                x: f32 [4, 8], y: f32 [4, 16]
//     W[i, j] = ((16 i + j) % 7 - 3) / 4, b[j] = j / 10 - 1/2 (constants)
//
// The mlp model goes through a gemm library call into an arena intermediate
// and a kernel launch, the two kinds of step.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/ArtifactBuilder.h"

#include <cstdio>
#include <fstream>
#include <iterator>

using namespace rong::runtime;

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "rong-test-artifact: error: %s\n", message.c_str());
  return 1;
}

void buildAdd(ArtifactBuilder &b, uint32_t module) {
  uint32_t x = b.addInput("x", DType::F32, {2, 3});
  uint32_t y = b.addInput("y", DType::F32, {2, 3});
  uint32_t z = b.addOutput("z", DType::F32, {2, 3});
  b.addLaunch(
      {b.addKernel("add_f32", module), {6, 1, 1}, {1, 1, 1}, 0, {x, y, z}},
      "add");
}

void buildMlp(ArtifactBuilder &b, uint32_t module) {
  std::vector<float> w(8 * 16), bias(16);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 16; ++j)
      w[i * 16 + j] = float((16 * i + j) % 7 - 3) / 4.0f;
  for (int j = 0; j < 16; ++j)
    bias[j] = float(j) / 10.0f - 0.5f;
  b.setArenaBytes(4 * 16 * 4);
  uint32_t x = b.addInput("x", DType::F32, {4, 8});
  uint32_t wi = b.addConstant("W", DType::F32, {8, 16}, ByteSpan::of(w));
  uint32_t bi = b.addConstant("b", DType::F32, {16}, ByteSpan::of(bias));
  uint32_t h = b.addIntermediate("h", DType::F32, {4, 16}, 0);
  uint32_t y = b.addOutput("y", DType::F32, {4, 16});
  b.addLibraryCall({"gemm", {4, 16, 8, 0, 0}, {1.0, 0.0}, {x, wi, h}},
                   "matmul");
  b.addLaunch({b.addKernel("bias_relu_16", module),
               {4, 1, 1},
               {1, 1, 1},
               0,
               {h, bi, y}},
              "add, relu");
}

} // namespace

int main(int argc, char **argv) {
  std::string model, modulePath, out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--module" || arg == "-o") && i + 1 < argc)
      (arg == "-o" ? out : modulePath) = argv[++i];
    else if (model.empty() && arg[0] != '-')
      model = arg;
    else
      return fail("unexpected argument '" + arg + "'");
  }
  if ((model != "add" && model != "mlp") || modulePath.empty() || out.empty())
    return fail("usage: rong-test-artifact add|mlp --module K.so -o OUT.rong");

  std::ifstream in(modulePath, std::ios::binary);
  if (!in)
    return fail("cannot read '" + modulePath + "'");
  std::vector<uint8_t> so((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());

  ArtifactBuilder b("cpu");
  b.setProducer({"rong-test-artifact", model});
  uint32_t module =
      b.addModule({"cpu", {{ModuleFormat::ElfSharedObject, ByteSpan::of(so)}}});
  if (model == "add")
    buildAdd(b, module);
  else
    buildMlp(b, module);
  if (Status s = b.writeFile(out); !s.ok())
    return fail(s.message());
  return 0;
}
