//===- NpyTest.cpp - .npy reading and writing -----------------------------===//
//
// Tests the .npy round trip and the rejection of arrays rong-run cannot take.
// Files NumPy writes are covered by the rong-run lit tests.
//
//===----------------------------------------------------------------------===//

#include "rong/Runtime/Npy.h"
#include "TestUtil.h"

#include "gtest/gtest.h"

#include <cstring>
#include <fstream>

using namespace rong::runtime;
using namespace rong::runtime::test;

namespace {

/// Writes a version 1.0 .npy file with `header` and `dataBytes` zero bytes.
void writeRaw(const std::string &path, std::string header, size_t dataBytes) {
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(char(header.size() & 0xff));
  out.put(char(header.size() >> 8));
  out << header << std::string(dataBytes, '\0');
}

TEST(NpyTest, RoundTrip) {
  ScratchDir dir;
  std::vector<int32_t> values = {1, -2, 3, -4, 5, -6};
  for (const std::vector<int64_t> &shape :
       {std::vector<int64_t>{2, 3}, {6}, {1, 2, 3, 1}}) {
    std::string path = dir.file("a.npy");
    ASSERT_TRUE(writeNpy(path, "<i4", shape, values.data(), 24).ok());
    Expected<NpyArray> a = readNpy(path);
    ASSERT_TRUE(a.ok()) << a.message();
    EXPECT_EQ(a->descr, "<i4");
    EXPECT_EQ(a->shape, shape);
    ASSERT_EQ(a->data.size(), 24u);
    EXPECT_EQ(std::memcmp(a->data.data(), values.data(), 24), 0);
    // NumPy aligns the data to 64 bytes.
    EXPECT_EQ(readFile(path).size() % 64, 24u);
  }
  float scalar = 3.5f;
  ASSERT_TRUE(writeNpy(dir.file("s.npy"), "<f4", {}, &scalar, 4).ok());
  Expected<NpyArray> s = readNpy(dir.file("s.npy"));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(s->shape.empty());
}

TEST(NpyTest, FortranOrderIsRejected) {
  ScratchDir dir;
  std::string path = dir.file("f.npy");
  writeRaw(path, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
           16);
  Expected<NpyArray> a = readNpy(path);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.message(), path + ": Fortran-order arrays are not supported; "
                                "save a C-order array "
                                "(numpy.ascontiguousarray)");
}

TEST(NpyTest, BigEndianIsRejected) {
  ScratchDir dir;
  std::string path = dir.file("b.npy");
  writeRaw(path, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
           8);
  Expected<NpyArray> a = readNpy(path);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.message(), path + ": big-endian arrays (>f4) are not supported");
}

TEST(NpyTest, ShortDataIsRejected) {
  ScratchDir dir;
  std::string path = dir.file("s.npy");
  writeRaw(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
           40);
  Expected<NpyArray> a = readNpy(path);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.message(), path + ": holds 40 data bytes, but shape [3, 2] of "
                                "'<f8' needs 48");
}

TEST(NpyTest, NotNpy) {
  ScratchDir dir;
  std::string path = dir.file("x.npy");
  std::ofstream(path) << "hello, world";
  Expected<NpyArray> a = readNpy(path);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.message(), path + ": not a .npy file");
}

TEST(NpyTest, DescrOfEveryDType) {
  EXPECT_EQ(npyDescr(DType::F32), "<f4");
  EXPECT_EQ(npyDescr(DType::F16), "<f2");
  EXPECT_EQ(npyDescr(DType::BF16), "<u2");
  EXPECT_EQ(npyDescr(DType::I64), "<i8");
  EXPECT_EQ(npyDescr(DType::Bool), "|b1");
  EXPECT_EQ(npyDescr(DType::U8), "|u1");
}

} // namespace
