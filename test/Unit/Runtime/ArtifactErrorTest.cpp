//===- ArtifactErrorTest.cpp - Artifacts the reader must reject -----------===//
//
// Tests one rejection per check of the reader, each with its exact message:
// files that are missing, truncated, foreign, corrupt or of another major
// version, and artifacts whose indices or sizes do not hold together.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "rong/Runtime/ArtifactBuilder.h"

#include "gtest/gtest.h"

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

std::string rejection(const std::vector<uint8_t> &bytes) {
  Expected<Artifact> a = Artifact::fromBytes(bytes.data(), bytes.size());
  EXPECT_FALSE(a.ok()) << "the artifact was accepted";
  return a.ok() ? "" : a.message();
}

/// The reason `b`'s artifact is rejected, checking that serialize() refuses
/// to write it with the same reason.
std::string rejection(ArtifactBuilder &b) {
  std::vector<uint8_t> bytes = b.serializeUnchecked();
  std::string why = rejection(bytes);
  Expected<std::vector<uint8_t>> checked = b.serialize();
  EXPECT_FALSE(checked.ok());
  if (!checked.ok()) {
    EXPECT_EQ(checked.message(),
              "the artifact being written is invalid: " + why);
  }
  return why;
}

std::vector<uint8_t> validArtifact() {
  ArtifactBuilder b("cpu");
  b.addInput("x", DType::F32, {4});
  b.addOutput("y", DType::F32, {4});
  return b.serializeUnchecked();
}

TEST(ArtifactErrorTest, MissingFile) {
  Expected<Artifact> a = Artifact::load("/nonexistent/model.rong");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.message(),
            "cannot open artifact '/nonexistent/model.rong': No such file or "
            "directory");
}

TEST(ArtifactErrorTest, EmptyAndTinyFiles) {
  EXPECT_EQ(rejection(std::vector<uint8_t>{}),
            "artifact is truncated: 0 bytes, shorter than the 12-byte header");
  EXPECT_EQ(rejection(std::vector<uint8_t>{1, 2, 3, 4, 5}),
            "artifact is truncated: 5 bytes, shorter than the 12-byte header");
}

TEST(ArtifactErrorTest, Truncated) {
  std::vector<uint8_t> bytes = validArtifact();
  size_t full = bytes.size();
  bytes.resize(full - 10);
  EXPECT_EQ(rejection(bytes), "artifact is truncated: its header says " +
                                  std::to_string(full) + " bytes, but only " +
                                  std::to_string(full - 10) + " are present");
}

TEST(ArtifactErrorTest, TruncatedFileNamesThePath) {
  ScratchDir dir;
  std::vector<uint8_t> bytes = validArtifact();
  bytes.resize(20);
  std::string path = dir.file("cut.rong");
  ASSERT_TRUE(writeBytesToFile(path, bytes).ok());
  Expected<Artifact> a = Artifact::load(path);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(
      a.message().rfind(path + ": artifact is truncated: its header says ", 0),
      0u)
      << a.message();
}

TEST(ArtifactErrorTest, TrailingBytes) {
  std::vector<uint8_t> bytes = validArtifact();
  size_t full = bytes.size();
  bytes.insert(bytes.end(), {0, 0, 0});
  EXPECT_EQ(rejection(bytes), "artifact is corrupt: 3 stray bytes follow its " +
                                  std::to_string(full) + " bytes");
}

TEST(ArtifactErrorTest, WrongIdentifier) {
  std::vector<uint8_t> bytes = validArtifact();
  bytes[8] = 'O';
  bytes[9] = 'N';
  bytes[10] = 'N';
  bytes[11] = 0x01;
  EXPECT_EQ(
      rejection(bytes),
      "not a Rong artifact: file identifier is 'ONN\\x01', expected 'RONG'");
}

TEST(ArtifactErrorTest, CorruptRootOffset) {
  std::vector<uint8_t> bytes = validArtifact();
  // The root table offset now points far past the end of the buffer.
  bytes[4] = bytes[5] = bytes[6] = 0xff;
  bytes[7] = 0x7f;
  EXPECT_EQ(rejection(bytes),
            "artifact is corrupt: its FlatBuffers structure does not verify");
}

TEST(ArtifactErrorTest, CorruptVectorLength) {
  ArtifactBuilder b("cpu");
  std::vector<float> w(4, 1.0f);
  b.addConstant("w", DType::F32, {4}, ByteSpan::of(w));
  std::vector<uint8_t> bytes = b.serializeUnchecked();
  // The constant's data vector is preceded by its 32-bit length (16); make it
  // claim more bytes than the file holds.
  bool patched = false;
  for (size_t i = 12; i + 4 <= bytes.size(); i += 4) {
    if (bytes[i] == 16 && !bytes[i + 1] && !bytes[i + 2] && !bytes[i + 3] &&
        i + 4 + 16 <= bytes.size() && bytes[i + 4] == 0 &&
        bytes[i + 7] == 0x3f) {
      bytes[i + 2] = 0x10;
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  EXPECT_EQ(rejection(bytes),
            "artifact is corrupt: its FlatBuffers structure does not verify");
}

TEST(ArtifactErrorTest, UnsupportedMajorVersion) {
  ArtifactBuilder b("cpu");
  b.setFormatVersion(kFormatMajor + 1, 3);
  EXPECT_EQ(rejection(b), "artifact format version " +
                              std::to_string(kFormatMajor + 1) +
                              ".3 is not supported: this runtime reads "
                              "version " +
                              std::to_string(kFormatMajor) + ".x");
  ArtifactBuilder none("cpu");
  none.setFormatVersion(0, 0);
  EXPECT_EQ(rejection(none), "artifact has no format version");
}

TEST(ArtifactErrorTest, IoAlignmentNotAPowerOfTwoOrTooLarge) {
  for (uint32_t bad : {3u, 12u, 128u}) {
    ArtifactBuilder b("cpu");
    b.addInput("x", DType::F32, {4});
    b.setIoAlignment(bad);
    EXPECT_EQ(rejection(b), "io_alignment " + std::to_string(bad) +
                                " is not a power of two up to 64");
  }
}

TEST(ArtifactErrorTest, LaunchArgumentOutOfRange) {
  ArtifactBuilder b("cpu");
  b.setArenaBytes(1024);
  for (int i = 0; i < 12; ++i)
    b.addIntermediate("t" + std::to_string(i), DType::F32, {4}, 64 * i);
  uint32_t module = b.addModule({"cpu", {{ModuleFormat::ElfSharedObject, {}}}});
  for (int i = 0; i < 3; ++i)
    b.addKernel("fusion_" + std::to_string(i), module);
  for (int i = 0; i < 3; ++i)
    b.addLaunch({uint32_t(i), {1, 1, 1}, {1, 1, 1}, 0, {0, 1}});
  b.addLaunch({2, {1, 1, 1}, {1, 1, 1}, 0, {0, 1, 2, 3, 4, 41}});
  EXPECT_EQ(rejection(b), "step 3 (launch of kernel 'fusion_2'): argument 5 "
                          "names buffer 41, but the artifact has 12 buffers");
}

TEST(ArtifactErrorTest, LibraryCallArgumentOutOfRange) {
  ArtifactBuilder b("cpu");
  b.addInput("a", DType::F32, {1});
  b.addLibraryCall({"gemm", {1, 1, 1, 0, 0}, {1, 0}, {0, 0, 7}});
  EXPECT_EQ(rejection(b), "step 0 (library call 'gemm'): argument 2 names "
                          "buffer 7, but the artifact has 1 buffer");
}

TEST(ArtifactErrorTest, KernelIndexOutOfRange) {
  ArtifactBuilder b("cpu");
  uint32_t module = b.addModule({"cpu", {{ModuleFormat::ElfSharedObject, {}}}});
  b.addKernel("k", module);
  b.addLaunch({7, {1, 1, 1}, {1, 1, 1}, 0, {}});
  EXPECT_EQ(rejection(b),
            "step 0 (launch): names kernel 7, but the artifact has 1 kernel");
}

TEST(ArtifactErrorTest, ModuleIndexOutOfRange) {
  ArtifactBuilder b("cpu");
  b.addModule({"cpu", {{ModuleFormat::ElfSharedObject, {}}}});
  b.addKernel("k", 3);
  EXPECT_EQ(rejection(b),
            "kernel 0 ('k'): names module 3, but the artifact has 1 module");
}

TEST(ArtifactErrorTest, ModuleWithoutImages) {
  ArtifactBuilder b("sm_90");
  b.addModule({"sm_90", {}});
  EXPECT_EQ(rejection(b), "module 0 (target 'sm_90') has no images");
}

TEST(ArtifactErrorTest, ZeroGrid) {
  ArtifactBuilder b("cpu");
  b.addModule({"cpu", {{ModuleFormat::ElfSharedObject, {}}}});
  b.addKernel("k", 0);
  b.addLaunch({0, {4, 0, 1}, {1, 1, 1}, 0, {}});
  EXPECT_EQ(rejection(b), "step 0 (launch of kernel 'k'): grid [4, 0, 1] has "
                          "a zero dimension");
}

TEST(ArtifactErrorTest, IntermediateBeyondArena) {
  ArtifactBuilder b("cpu");
  b.setArenaBytes(128);
  b.addIntermediate("s", DType::F32, {16}, 0);
  b.addIntermediate("t", DType::F32, {32}, 64);
  EXPECT_EQ(rejection(b), "intermediate buffer 1 ('t'): bytes [64, 192) lie "
                          "beyond the arena of 128 bytes");
}

TEST(ArtifactErrorTest, IntermediateOffsetMisaligned) {
  ArtifactBuilder b("cpu");
  b.setArenaBytes(128);
  b.addIntermediate("t", DType::F32, {4}, 8);
  EXPECT_EQ(rejection(b), "intermediate buffer 0 ('t'): arena offset 8 is not "
                          "a multiple of 64");
}

TEST(ArtifactErrorTest, ConstantSizeDiffersFromShape) {
  ArtifactBuilder b("cpu");
  std::vector<float> w(3);
  BufferDesc d;
  d.name = "w";
  d.dtype = DType::F32;
  d.shape = {2, 2};
  d.sizeBytes = 16;
  d.role = BufferRole::Constant;
  d.data = ByteSpan::of(w);
  b.addBuffer(d);
  EXPECT_EQ(rejection(b), "constant buffer 0 ('w') holds 12 bytes, but shape "
                          "[2, 2] of f32 needs 16");
}

TEST(ArtifactErrorTest, SizeBytesDiffersFromShape) {
  ArtifactBuilder b("cpu");
  BufferDesc d;
  d.name = "x";
  d.dtype = DType::I16;
  d.shape = {3, 5};
  d.sizeBytes = 60;
  d.role = BufferRole::Input;
  b.addBuffer(d);
  EXPECT_EQ(rejection(b), "buffer 0 ('x'): size_bytes is 60, but shape [3, 5] "
                          "of i16 needs 30");
}

TEST(ArtifactErrorTest, NegativeDimension) {
  ArtifactBuilder b("cpu");
  b.addInput("x", DType::F32, {-1, 4});
  EXPECT_EQ(rejection(b), "buffer 0 ('x'): shape [-1, 4] has a negative "
                          "dimension or overflows");
}

TEST(ArtifactErrorTest, UnknownDType) {
  ArtifactBuilder b("cpu");
  BufferDesc d;
  d.name = "x";
  d.dtype = static_cast<DType>(42);
  d.role = BufferRole::Input;
  b.addBuffer(d);
  EXPECT_EQ(rejection(b), "buffer 0 ('x'): unknown dtype 42");
}

TEST(ArtifactErrorTest, GraphInputNamesAConstant) {
  ArtifactBuilder b("cpu");
  float w = 1;
  b.addConstant("w", DType::F32, {1}, ByteSpan(&w, sizeof(w)));
  b.setInputs({0});
  EXPECT_EQ(rejection(b), "graph input 0 names buffer 0 ('w'), which is a "
                          "constant buffer, not an input");
}

TEST(ArtifactErrorTest, GraphOutputOutOfRange) {
  ArtifactBuilder b("cpu");
  b.addOutput("y", DType::F32, {1});
  b.setOutputs({0, 5});
  EXPECT_EQ(rejection(b),
            "graph output 1 names buffer 5, but the artifact has 1 buffer");
}

TEST(ArtifactErrorTest, InputMissingFromGraphInputs) {
  ArtifactBuilder b("cpu");
  b.addInput("x", DType::F32, {1});
  b.addInput("y", DType::F32, {1});
  b.setInputs({1});
  EXPECT_EQ(rejection(b), "buffer 0 ('x') is an input buffer but not among the "
                          "graph inputs");
}

} // namespace
