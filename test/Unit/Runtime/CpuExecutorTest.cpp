//===- CpuExecutorTest.cpp - The CPU executor on real kernels -------------===//
//
// Tests the CPU executor end to end: kernels written in C against the CPU
// kernel ABI are compiled into a shared object at test time, embedded in an
// artifact, loaded from memory and run, and their results are compared with
// values computed here.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"
#include "rong/Runtime/Session.h"

#include "gtest/gtest.h"

#include <cstdlib>

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

// Rows of 8 floats; each kernel handles rows [begin, end).
const char kKernels[] = R"c(
#include <stdint.h>
#define COLS 8
void add_bias_relu(void **args, int64_t begin, int64_t end) {
  const float *x = args[0], *b = args[1];
  float *y = args[2];
  for (int64_t i = begin; i < end; ++i)
    for (int j = 0; j < COLS; ++j) {
      float v = x[i * COLS + j] + b[j];
      y[i * COLS + j] = v > 0 ? v : 0;
    }
}
void scale(void **args, int64_t begin, int64_t end) {
  const float *x = args[0];
  float *y = args[1];
  for (int64_t i = begin * COLS; i < end * COLS; ++i)
    y[i] = 2 * x[i];
}
void add(void **args, int64_t begin, int64_t end) {
  const float *x = args[0], *y = args[1];
  float *z = args[2];
  for (int64_t i = begin * COLS; i < end * COLS; ++i)
    z[i] = x[i] + y[i];
}
void record_begin(void **args, int64_t begin, int64_t end) {
  int64_t *out = args[0];
  for (int64_t i = begin; i < end; ++i)
    out[i] = begin;
}
)c";

class CpuExecutorTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { module() = compileSharedObject(kKernels); }
  static std::vector<uint8_t> &module() {
    static std::vector<uint8_t> bytes;
    return bytes;
  }
  uint32_t addModule(ArtifactBuilder &b) {
    return b.addModule(
        {"cpu", {{ModuleFormat::ElfSharedObject, ByteSpan::of(module())}}});
  }
  static std::shared_ptr<const Artifact> finish(ArtifactBuilder &b) {
    Expected<std::vector<uint8_t>> bytes = b.serialize();
    EXPECT_TRUE(bytes.ok()) << bytes.message();
    if (!bytes.ok())
      return nullptr;
    Expected<Artifact> a = Artifact::fromBytes(bytes->data(), bytes->size());
    EXPECT_TRUE(a.ok()) << a.message();
    return a.ok() ? std::make_shared<const Artifact>(a.take()) : nullptr;
  }
  static std::unique_ptr<Session> session(std::shared_ptr<const Artifact> a,
                                          unsigned threads) {
    SessionOptions options;
    options.numThreads = threads;
    Expected<std::unique_ptr<Session>> s =
        createCpuSession(std::move(a), options);
    EXPECT_TRUE(s.ok()) << s.message();
    return s.ok() ? s.take() : nullptr;
  }
};

TEST_F(CpuExecutorTest, BiasReluMatchesReference) {
  ASSERT_FALSE(module().empty());
  constexpr int rows = 37, cols = 8;
  std::vector<float> bias(cols), x(rows * cols), y(rows * cols);
  for (int j = 0; j < cols; ++j)
    bias[j] = 0.25f * float(j) - 1.0f;
  for (int i = 0; i < rows * cols; ++i)
    x[i] = float((i * 7) % 11) - 5.0f;

  ArtifactBuilder b("cpu");
  uint32_t xi = b.addInput("x", DType::F32, {rows, cols});
  uint32_t bi = b.addConstant("b", DType::F32, {cols}, ByteSpan::of(bias));
  uint32_t yi = b.addOutput("y", DType::F32, {rows, cols});
  uint32_t k = b.addKernel("add_bias_relu", addModule(b));
  b.addLaunch({k, {rows, 1, 1}, {1, 1, 1}, 0, {xi, bi, yi}}, "add, relu");
  auto artifact = finish(b);
  ASSERT_TRUE(artifact);

  for (unsigned threads : {1u, 3u, 8u}) {
    std::unique_ptr<Session> s = session(artifact, threads);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->setInput(0, x.data(), x.size() * sizeof(float)).ok());
    ASSERT_TRUE(s->run().ok());
    ASSERT_TRUE(s->getOutput(0, y.data(), y.size() * sizeof(float)).ok());
    for (int i = 0; i < rows; ++i)
      for (int j = 0; j < cols; ++j)
        ASSERT_EQ(y[i * cols + j], std::max(0.0f, x[i * cols + j] + bias[j]))
            << "row " << i << " col " << j << " with " << threads << " threads";
  }
}

TEST_F(CpuExecutorTest, ThreadSplitCoversTheGridInContiguousRanges) {
  ASSERT_FALSE(module().empty());
  ArtifactBuilder b("cpu");
  uint32_t out = b.addOutput("begins", DType::I64, {10});
  uint32_t k = b.addKernel("record_begin", addModule(b));
  b.addLaunch({k, {10, 1, 1}, {1, 1, 1}, 0, {out}});
  auto artifact = finish(b);
  ASSERT_TRUE(artifact);

  // 10 items over 4 threads: ranges of 3, 3, 2, 2 items.
  std::vector<int64_t> begins(10);
  std::unique_ptr<Session> four = session(artifact, 4);
  ASSERT_TRUE(four && four->run().ok());
  ASSERT_TRUE(four->getOutput(0, begins.data(), 80).ok());
  EXPECT_EQ(begins, (std::vector<int64_t>{0, 0, 0, 3, 3, 3, 6, 6, 8, 8}));

  // More threads than items: one item each.
  std::unique_ptr<Session> many = session(artifact, 16);
  ASSERT_TRUE(many && many->run().ok());
  ASSERT_TRUE(many->getOutput(0, begins.data(), 80).ok());
  EXPECT_EQ(begins, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));

  // RONG_NUM_THREADS picks the default.
  setenv("RONG_NUM_THREADS", "2", 1);
  std::unique_ptr<Session> env = session(artifact, 0);
  unsetenv("RONG_NUM_THREADS");
  ASSERT_TRUE(env && env->run().ok());
  ASSERT_TRUE(env->getOutput(0, begins.data(), 80).ok());
  EXPECT_EQ(begins, (std::vector<int64_t>{0, 0, 0, 0, 0, 5, 5, 5, 5, 5}));
}

TEST_F(CpuExecutorTest, ArenaOffsetsAreShared) {
  ASSERT_FALSE(module().empty());
  // t1 = 2x and t2 = 2 t1 live together; t3 reuses t1's bytes once t1 is
  // dead, and `alias` names the same bytes as t3, so reading it must see
  // t3's values: z = t2 + alias = 4x + 8x.
  constexpr int rows = 5, cols = 8, bytes = rows * cols * 4; // 160
  ArtifactBuilder b("cpu");
  b.setArenaBytes(2 * 192);
  uint32_t x = b.addInput("x", DType::F32, {rows, cols});
  uint32_t t1 = b.addIntermediate("t1", DType::F32, {rows, cols}, 0);
  uint32_t t2 = b.addIntermediate("t2", DType::F32, {rows, cols}, 192);
  uint32_t t3 = b.addIntermediate("t3", DType::F32, {rows, cols}, 0);
  uint32_t alias = b.addIntermediate("alias", DType::F32, {rows, cols}, 0);
  uint32_t z = b.addOutput("z", DType::F32, {rows, cols});
  uint32_t m = addModule(b);
  uint32_t scale = b.addKernel("scale", m), add = b.addKernel("add", m);
  b.addLaunch({scale, {rows, 1, 1}, {1, 1, 1}, 0, {x, t1}});
  b.addLaunch({scale, {rows, 1, 1}, {1, 1, 1}, 0, {t1, t2}});
  b.addLaunch({scale, {rows, 1, 1}, {1, 1, 1}, 0, {t2, t3}});
  b.addLaunch({add, {rows, 1, 1}, {1, 1, 1}, 0, {t2, alias, z}});
  auto artifact = finish(b);
  ASSERT_TRUE(artifact);

  std::vector<float> in(rows * cols), out(rows * cols);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = float(i) - 3.0f;
  std::unique_ptr<Session> s = session(artifact, 2);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->setInput(0, in.data(), bytes).ok());
  ASSERT_TRUE(s->run().ok());
  ASSERT_TRUE(s->getOutput(0, out.data(), bytes).ok());
  for (size_t i = 0; i < in.size(); ++i)
    ASSERT_EQ(out[i], 12.0f * in[i]) << "element " << i;
}

TEST_F(CpuExecutorTest, RunWithCallerMemory) {
  ASSERT_FALSE(module().empty());
  ArtifactBuilder b("cpu");
  // The C kernels need only float alignment, as Rong's CPU kernels do.
  b.setIoAlignment(1);
  uint32_t x = b.addInput("x", DType::F32, {2, 8});
  uint32_t y = b.addInput("y", DType::F32, {2, 8});
  uint32_t z = b.addOutput("z", DType::F32, {2, 8});
  uint32_t k = b.addKernel("add", addModule(b));
  b.addLaunch({k, {2, 1, 1}, {1, 1, 1}, 0, {x, y, z}});
  auto artifact = finish(b);
  ASSERT_TRUE(artifact);
  std::unique_ptr<Session> s = session(artifact, 2);
  ASSERT_TRUE(s);

  std::vector<float> xs(16), ys(16), zs(16, -1.0f);
  for (int i = 0; i < 16; ++i) {
    xs[i] = float(i);
    ys[i] = 100.0f * float(i);
  }
  ASSERT_TRUE(s->runWith({xs.data(), ys.data()}, {zs.data()}).ok());
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(zs[i], 101.0f * float(i));
  // The CPU has no stream: runWith finished the work before returning.
  EXPECT_EQ(s->nativeStream(), nullptr);
  EXPECT_TRUE(s->synchronize().ok());

  Status wrong = s->runWith({xs.data()}, {zs.data()});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.message(), "the model takes 2 inputs, but 1 were given");
  Status size = s->setInput(1, xs.data(), 12);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.message(), "input 1 ('y') holds 64 bytes, but 12 were given");
}

TEST_F(CpuExecutorTest, RunWithChecksAlignment) {
  ASSERT_FALSE(module().empty());
  auto build = [&](uint32_t ioAlignment) {
    ArtifactBuilder b("cpu");
    uint32_t x = b.addInput("x", DType::F32, {2, 8});
    uint32_t y = b.addOutput("y", DType::F32, {2, 8});
    uint32_t k = b.addKernel("scale", addModule(b));
    b.addLaunch({k, {2, 1, 1}, {1, 1, 1}, 0, {x, y}});
    b.setIoAlignment(ioAlignment);
    return finish(b);
  };
  alignas(64) float storage[2][40] = {};
  for (int i = 0; i < 16; ++i)
    storage[0][1 + i] = float(i);
  float *x = &storage[0][1], *y = &storage[1][1]; // 4 bytes past 64

  // Kernels that need whole vectors aligned (no io_alignment: 64 bytes).
  std::unique_ptr<Session> strict = session(build(0), 1);
  ASSERT_TRUE(strict);
  EXPECT_EQ(strict->bindingAlignment(false, 0), 64u);
  Status in = strict->runWith({x}, {&storage[1][0]});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.message(), "input 0 ('x') is not 64-byte aligned, "
                          "which the kernels need");
  Status out = strict->runWith({&storage[0][0]}, {y});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(), "output 0 ('y') is not 64-byte "
                           "aligned, which the kernels need");

  // Kernels that need the element aligned take both as they are.
  std::unique_ptr<Session> relaxed = session(build(1), 1);
  ASSERT_TRUE(relaxed);
  EXPECT_EQ(relaxed->bindingAlignment(true, 0), 4u);
  ASSERT_TRUE(relaxed->runWith({x}, {y}).ok());
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(y[i], 2.0f * float(i));
  Status byte = relaxed->runWith(
      {reinterpret_cast<const char *>(&storage[0][0]) + 1}, {y});
  ASSERT_FALSE(byte.ok());
  EXPECT_EQ(byte.message(), "input 0 ('x') is not 4-byte aligned, "
                            "which the kernels need");
}

TEST_F(CpuExecutorTest, SessionsAliveTogetherKeepTheirOwnModules) {
  // Two images that export the same kernel symbol, loaded one after the
  // other while both sessions live: each session must run its own code (a
  // memfd path reused for the second image once handed the first library
  // back).
  auto scaleBy = [](int factor) {
    return "#include <stdint.h>\n"
           "void k(void **args, int64_t begin, int64_t end) {\n"
           "  const float *x = args[0]; float *y = args[1];\n"
           "  for (int64_t i = begin; i < end; ++i) y[i] = " +
           std::to_string(factor) + " * x[i];\n}\n";
  };
  std::vector<uint8_t> images[] = {compileSharedObject(scaleBy(2)),
                                   compileSharedObject(scaleBy(3))};
  std::vector<std::unique_ptr<Session>> sessions;
  for (std::vector<uint8_t> &image : images) {
    ASSERT_FALSE(image.empty());
    ArtifactBuilder b("cpu");
    b.setIoAlignment(1);
    uint32_t x = b.addInput("x", DType::F32, {4});
    uint32_t y = b.addOutput("y", DType::F32, {4});
    uint32_t m = b.addModule(
        {"cpu", {{ModuleFormat::ElfSharedObject, ByteSpan::of(image)}}});
    b.addLaunch({b.addKernel("k", m), {4, 1, 1}, {1, 1, 1}, 0, {x, y}});
    sessions.push_back(session(finish(b), 1));
    ASSERT_TRUE(sessions.back());
  }
  std::vector<float> in = {1, 2, 3, 4}, out(4);
  for (int factor : {2, 3}) {
    Session &s = *sessions[factor - 2];
    ASSERT_TRUE(s.runWith({in.data()}, {out.data()}).ok());
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[i], float(factor) * in[i]) << "session " << factor - 2;
  }
}

TEST_F(CpuExecutorTest, MissingSymbolIsAnError) {
  ASSERT_FALSE(module().empty());
  ArtifactBuilder b("cpu");
  uint32_t k = b.addKernel("no_such_kernel", addModule(b));
  b.addLaunch({k, {1, 1, 1}, {1, 1, 1}, 0, {}});
  Expected<std::unique_ptr<Session>> s = createCpuSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "step 0 (launch of kernel 'no_such_kernel'): kernel 0 "
                         "('no_such_kernel'): symbol not found in module 0 "
                         "(target 'cpu')");
}

TEST_F(CpuExecutorTest, ModuleWithoutSharedObjectIsAnError) {
  ArtifactBuilder b("sm_90");
  std::string ptx = ".version 8.0";
  uint32_t m = b.addModule({"sm_90", {{ModuleFormat::Ptx, ByteSpan::of(ptx)}}});
  b.addLaunch({b.addKernel("k", m), {1, 1, 1}, {32, 1, 1}, 0, {}});
  Expected<std::unique_ptr<Session>> s = createCpuSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "step 0 (launch of kernel 'k'): module 0 (target "
                         "'sm_90') has no elf_shared_object image, which the "
                         "CPU executor needs (it has: ptx)");
}

TEST_F(CpuExecutorTest, GarbageSharedObjectIsAnError) {
  ArtifactBuilder b("cpu");
  std::string junk = "definitely not an ELF file";
  uint32_t m = b.addModule(
      {"cpu", {{ModuleFormat::ElfSharedObject, ByteSpan::of(junk)}}});
  b.addLaunch({b.addKernel("k", m), {1, 1, 1}, {1, 1, 1}, 0, {}});
  Expected<std::unique_ptr<Session>> s = createCpuSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("step 0 (launch of kernel 'k'): cannot load "
                              "module 0 (target 'cpu'): ",
                              0),
            0u)
      << s.message();
}

TEST_F(CpuExecutorTest, MultiDimensionalGridIsAnError) {
  ASSERT_FALSE(module().empty());
  ArtifactBuilder b("cpu");
  uint32_t out = b.addOutput("o", DType::I64, {4});
  b.addLaunch({b.addKernel("record_begin", addModule(b)),
               {2, 2, 1},
               {1, 1, 1},
               0,
               {out}});
  Expected<std::unique_ptr<Session>> s = createCpuSession(finish(b));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "step 0 (launch of kernel 'record_begin'): CPU "
                         "launches use grid.x only, but grid is [2, 2, 1]");
}

} // namespace
