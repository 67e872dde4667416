//===- FoldTest.cpp - Unit tests of the rong folders ----------------------===//
//
// This file tests the folders through OpBuilder::createOrFold, the way every
// frontend builds IR: constants fold immediately and identities disappear.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::rong;

namespace {

class RongFoldTest : public ::testing::Test {
protected:
  RongFoldTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = ModuleOp::create(UnknownLoc::get(&context));
    auto type = RankedTensorType::get({2, 3}, builder.getF32Type());
    auto func = func::FuncOp::create(builder, UnknownLoc::get(&context), "f",
                                     builder.getFunctionType({type}, {}));
    module->push_back(func);
    arg = func.addEntryBlock()->getArgument(0);
    builder.setInsertionPointToStart(&func.getBody().front());
  }

  Value constant(ArrayRef<float> values, ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    return ConstantOp::create(builder, builder.getUnknownLoc(),
                              DenseElementsAttr::get(type, values));
  }

  /// Returns the float values of `value` if it is a folded constant.
  std::vector<float> valuesOf(Value value) {
    auto op = value.getDefiningOp<ConstantOp>();
    if (!op)
      return {};
    auto dense = cast<DenseElementsAttr>(op.getValue());
    std::vector<float> result;
    for (float v : dense.getValues<float>())
      result.push_back(v);
    if (dense.isSplat())
      result.resize(dense.getNumElements(), result.front());
    return result;
  }

  MLIRContext context;
  OpBuilder builder{&context};
  OwningOpRef<ModuleOp> module;
  Value arg;
};

TEST_F(RongFoldTest, BroadcastingAddOfConstantsFolds) {
  Location loc = builder.getUnknownLoc();
  Value lhs = constant({1, 2, 3, 4, 5, 6}, {2, 3});
  Value rhs = constant({10, 20, 30}, {3});
  Value sum = builder.createOrFold<AddOp>(loc, lhs, rhs);
  EXPECT_EQ(valuesOf(sum), (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST_F(RongFoldTest, AddingZeroAndMultiplyingByOneAreIdentities) {
  Location loc = builder.getUnknownLoc();
  Value zero = constant({0}, {});
  Value one = constant({1, 1, 1}, {3});
  EXPECT_EQ(builder.createOrFold<AddOp>(loc, arg, zero), arg);
  EXPECT_EQ(builder.createOrFold<MulOp>(loc, one, arg), arg);
  // A zero that widens the result is not an identity: the broadcast stays.
  Value wide = constant({0}, {4, 2, 3});
  EXPECT_NE(builder.createOrFold<AddOp>(loc, arg, wide), arg);
}

TEST_F(RongFoldTest, TransposeOfConstantPermutesElements) {
  Value input = constant({1, 2, 3, 4, 5, 6}, {2, 3});
  Value transposed = builder.createOrFold<TransposeOp>(
      builder.getUnknownLoc(), input, builder.getDenseI64ArrayAttr({1, 0}));
  EXPECT_EQ(valuesOf(transposed), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST_F(RongFoldTest, CastRoundsToTheTargetType) {
  Value input = constant({1.5f, -2.7f}, {2});
  Value converted = builder.createOrFold<CastOp>(builder.getUnknownLoc(), input,
                                            builder.getI32Type());
  auto op = converted.getDefiningOp<ConstantOp>();
  ASSERT_TRUE(op);
  auto values = cast<DenseElementsAttr>(op.getValue()).getValues<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(values.begin(), values.end()),
            (std::vector<int32_t>{1, -2}));
}

TEST_F(RongFoldTest, IntegerDivisionByZeroIsLeftToRunTime) {
  auto type = RankedTensorType::get({2}, builder.getI64Type());
  Location loc = builder.getUnknownLoc();
  Value lhs = ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>{4, 5}));
  Value rhs = ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>{2, 0}));
  Value quotient = builder.createOrFold<DivOp>(loc, lhs, rhs);
  EXPECT_TRUE(quotient.getDefiningOp<DivOp>());
}

} // namespace
