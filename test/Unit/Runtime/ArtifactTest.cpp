//===- ArtifactTest.cpp - Artifact write/read round trips -----------------===//
//
// Tests that everything ArtifactBuilder writes reads back unchanged through
// Artifact::fromBytes and Artifact::load, including payload alignment.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

/// One artifact that uses every field of the schema.
std::vector<uint8_t> buildFullArtifact() {
  ArtifactBuilder b("sm_90");
  b.setProducer({"rong 0.1", "mlp.onnx"});
  b.setArenaBytes(256);
  std::vector<float> weights(6);
  for (size_t i = 0; i < weights.size(); ++i)
    weights[i] = 0.5f * float(i);
  std::vector<uint8_t> cubin = {1, 2, 3, 4, 5};
  std::string ptx = ".version 8.0\n.target sm_90\n";

  EXPECT_EQ(b.addInput("x", DType::F16, {2, 3}), 0u);
  EXPECT_EQ(b.addConstant("w", DType::F32, {3, 2}, ByteSpan::of(weights)), 1u);
  EXPECT_EQ(b.addIntermediate("t", DType::BF16, {2, 2}, 64), 2u);
  EXPECT_EQ(b.addOutput("y", DType::I64, {2, 2}), 3u);
  EXPECT_EQ(b.addModule({"sm_90",
                         {{ModuleFormat::Cubin, ByteSpan::of(cubin)},
                          {ModuleFormat::Ptx, ByteSpan::of(ptx)}}}),
            0u);
  EXPECT_EQ(b.addKernel("fusion_0", 0), 0u);
  b.addLaunch({0, {4, 2, 1}, {128, 1, 1}, 65536, {0, 1, 2}}, "add, relu");
  b.addLibraryCall({"gemm", {2, 2, 3, 0, 1}, {1.0, 0.5}, {2, 1, 3}});
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.message();
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

void expectFullArtifact(const Artifact &a) {
  EXPECT_EQ(a.formatMajor(), kFormatMajor);
  EXPECT_EQ(a.formatMinor(), kFormatMinor);
  EXPECT_EQ(a.target(), "sm_90");
  EXPECT_EQ(a.producer().compilerVersion, "rong 0.1");
  EXPECT_EQ(a.producer().sourceModel, "mlp.onnx");
  EXPECT_EQ(a.arenaBytes(), 256u);
  EXPECT_EQ(a.inputs(), std::vector<uint32_t>{0});
  EXPECT_EQ(a.outputs(), std::vector<uint32_t>{3});

  ASSERT_EQ(a.buffers().size(), 4u);
  const BufferDesc &x = a.buffers()[0];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.dtype, DType::F16);
  EXPECT_EQ(x.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(x.sizeBytes, 12u);
  EXPECT_EQ(x.role, BufferRole::Input);
  EXPECT_EQ(x.data.size, 0u);

  const BufferDesc &w = a.buffers()[1];
  EXPECT_EQ(w.role, BufferRole::Constant);
  ASSERT_EQ(w.data.size, 24u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data.data) % kDataAlignment, 0u);
  float w5;
  std::memcpy(&w5, w.data.data + 5 * sizeof(float), sizeof(float));
  EXPECT_EQ(w5, 2.5f);

  const BufferDesc &t = a.buffers()[2];
  EXPECT_EQ(t.role, BufferRole::Intermediate);
  EXPECT_EQ(t.dtype, DType::BF16);
  EXPECT_EQ(t.arenaOffset, 64u);
  EXPECT_EQ(a.buffers()[3].dtype, DType::I64);
  EXPECT_EQ(a.buffers()[3].sizeBytes, 32u);

  ASSERT_EQ(a.modules().size(), 1u);
  const ModuleDesc &m = a.modules()[0];
  EXPECT_EQ(m.target, "sm_90");
  ASSERT_EQ(m.images.size(), 2u);
  ASSERT_NE(m.find(ModuleFormat::Cubin), nullptr);
  EXPECT_EQ(m.find(ModuleFormat::Cubin)->data.size, 5u);
  EXPECT_EQ(m.find(ModuleFormat::Cubin)->data.data[4], 5);
  ASSERT_NE(m.find(ModuleFormat::Ptx), nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(
                            m.find(ModuleFormat::Ptx)->data.data),
                        m.find(ModuleFormat::Ptx)->data.size),
            ".version 8.0\n.target sm_90\n");
  EXPECT_EQ(m.find(ModuleFormat::Hsaco), nullptr);

  ASSERT_EQ(a.kernels().size(), 1u);
  EXPECT_EQ(a.kernels()[0].symbol, "fusion_0");
  EXPECT_EQ(a.kernels()[0].module, 0u);

  ASSERT_EQ(a.steps().size(), 2u);
  const StepDesc &launch = a.steps()[0];
  EXPECT_EQ(launch.kind, StepDesc::Kind::Launch);
  EXPECT_EQ(launch.launch.grid, (Dim3{4, 2, 1}));
  EXPECT_EQ(launch.launch.block, (Dim3{128, 1, 1}));
  EXPECT_EQ(launch.launch.dynamicSharedBytes, 65536u);
  EXPECT_EQ(launch.args(), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(launch.debug, "add, relu");
  const StepDesc &call = a.steps()[1];
  EXPECT_EQ(call.kind, StepDesc::Kind::LibraryCall);
  EXPECT_EQ(call.call.function, "gemm");
  EXPECT_EQ(call.call.intParams, (std::vector<int64_t>{2, 2, 3, 0, 1}));
  EXPECT_EQ(call.call.floatParams, (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(call.args(), (std::vector<uint32_t>{2, 1, 3}));
  EXPECT_EQ(call.debug, "");
  EXPECT_EQ(a.describeStep(0), "step 0 (launch of kernel 'fusion_0')");
  EXPECT_EQ(a.describeStep(1), "step 1 (library call 'gemm')");
}

TEST(ArtifactTest, RoundTripThroughBytes) {
  std::vector<uint8_t> bytes = buildFullArtifact();
  // The file starts with the size prefix, the root offset and "RONG".
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::string(bytes.begin() + 8, bytes.begin() + 12), "RONG");
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  ASSERT_TRUE(a.ok()) << a.message();
  expectFullArtifact(*a);
}

TEST(ArtifactTest, RoundTripThroughFile) {
  ScratchDir dir;
  std::string path = dir.file("model.rong");
  ASSERT_TRUE(writeBytesToFile(path, buildFullArtifact()).ok());
  Expected<Artifact> a = Artifact::load(path);
  ASSERT_TRUE(a.ok()) << a.message();
  expectFullArtifact(*a);
}

TEST(ArtifactTest, PayloadsSurviveMovingTheArtifact) {
  std::vector<uint8_t> bytes = buildFullArtifact();
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  ASSERT_TRUE(a.ok());
  const uint8_t *data = a->buffers()[1].data.data;
  Artifact moved = a.take();
  EXPECT_EQ(moved.buffers()[1].data.data, data);
  expectFullArtifact(moved);
}

TEST(ArtifactTest, WriteFileMatchesSerialize) {
  ScratchDir dir;
  ArtifactBuilder b("cpu");
  b.addInput("x", DType::F32, {4});
  b.addOutput("y", DType::F32, {4});
  std::string path = dir.file("m.rong");
  ASSERT_TRUE(b.writeFile(path).ok());
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(readFile(path), *bytes);
}

TEST(ArtifactTest, EmptyConstantRoundTrips) {
  // A tensor with a zero dimension has no bytes, so nothing to align.
  ArtifactBuilder b("cpu");
  b.addConstant("e", DType::I64, {3, 0, 5}, ByteSpan());
  b.addOutput("y", DType::F32, {1});
  Expected<std::vector<uint8_t>> bytes = b.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.message();
  Expected<Artifact> a = Artifact::fromBytes(bytes->data(), bytes->size());
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->buffers()[0].shape, (std::vector<int64_t>{3, 0, 5}));
  EXPECT_EQ(a->buffers()[0].data.size, 0u);
  EXPECT_EQ(a->buffers()[0].sizeBytes, 0u);
}

TEST(ArtifactTest, NewerMinorVersionIsAccepted) {
  ArtifactBuilder b("cpu");
  b.setFormatVersion(kFormatMajor, kFormatMinor + 7);
  std::vector<uint8_t> bytes = b.serializeUnchecked();
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->formatMinor(), kFormatMinor + 7);
}

TEST(ArtifactTest, IoAlignment) {
  // Not given (every 1.0 artifact): the 64 bytes of the session's buffers.
  ArtifactBuilder legacy("cpu");
  legacy.addInput("x", DType::F32, {4});
  std::vector<uint8_t> bytes = legacy.serializeUnchecked();
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->ioAlignmentField(), 0u);
  EXPECT_EQ(a->ioAlignment(0), kDataAlignment);

  // Given: never less than a buffer's element.
  ArtifactBuilder b("cpu");
  b.addInput("f", DType::F32, {4});
  b.addInput("i", DType::I64, {4});
  b.addOutput("m", DType::Bool, {4});
  b.setIoAlignment(1);
  Expected<std::vector<uint8_t>> written = b.serialize();
  ASSERT_TRUE(written.ok()) << written.message();
  a = Artifact::fromBytes(written->data(), written->size());
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->formatMinor(), kFormatMinor);
  EXPECT_EQ(a->ioAlignmentField(), 1u);
  EXPECT_EQ(a->ioAlignment(0), 4u);
  EXPECT_EQ(a->ioAlignment(1), 8u);
  EXPECT_EQ(a->ioAlignment(2), 1u);
}

TEST(ArtifactTest, DTypeNamesAndSizes) {
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_STREQ(dtypeName(DType::U8), "u8");
  EXPECT_EQ(parseDType("bf16"), DType::BF16);
  EXPECT_EQ(parseDType("f128"), std::nullopt);
  EXPECT_EQ(elementCount({2, 0, 3}), 0u);
  EXPECT_EQ(elementCount({-1, 3}), std::nullopt);
  EXPECT_EQ(elementCount({int64_t(1) << 40, int64_t(1) << 40}), std::nullopt);
}

} // namespace
