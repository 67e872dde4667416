//===- DialectTest.cpp - Unit tests of the rong dialect's C++ API ---------===//
//
// This file tests that ops build from C++ without result types (inference)
// and that the inferred shapes follow broadcasting, matmul and window rules.
//
//===----------------------------------------------------------------------===//

#include "rong/IR/RongOps.h"
#include "rong/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::rong;

namespace {

class RongDialectTest : public ::testing::Test {
protected:
  RongDialectTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = ModuleOp::create(UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// Creates a function whose arguments have `types` and points the builder
  /// into its body.
  Block *makeFunction(TypeRange types) {
    auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                     builder.getFunctionType(types, {}));
    Block *block = func.addEntryBlock();
    builder.setInsertionPointToStart(block);
    return block;
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type element = {}) {
    return RankedTensorType::get(shape, element ? element : builder.getF32Type());
  }

  MLIRContext context;
  OpBuilder builder{&context};
  OwningOpRef<ModuleOp> module;
};

TEST_F(RongDialectTest, BinaryOpsInferTheBroadcastShape) {
  Block *block = makeFunction({tensor({8, 1, 16}), tensor({4, 16})});
  Location loc = builder.getUnknownLoc();
  auto add = AddOp::create(builder, loc, block->getArgument(0),
                           block->getArgument(1));
  EXPECT_EQ(add.getType(), tensor({8, 4, 16}));
  auto lt = LtOp::create(builder, loc, block->getArgument(0),
                         block->getArgument(1));
  EXPECT_EQ(lt.getType(), tensor({8, 4, 16}, builder.getI1Type()));
}

TEST_F(RongDialectTest, DynamicDimensionsBroadcastAgainstStaticOnes) {
  Block *block = makeFunction(
      {tensor({ShapedType::kDynamic, 16}), tensor({1, ShapedType::kDynamic})});
  auto mul = MulOp::create(builder, builder.getUnknownLoc(),
                           block->getArgument(0), block->getArgument(1));
  EXPECT_EQ(mul.getType(), tensor({ShapedType::kDynamic, 16}));
}

TEST_F(RongDialectTest, MatMulFollowsNumPyRules) {
  Block *block = makeFunction({tensor({2, 1, 8, 64}), tensor({12, 64, 32}),
                               tensor({64})});
  Location loc = builder.getUnknownLoc();
  auto batched = MatMulOp::create(builder, loc, block->getArgument(0),
                                  block->getArgument(1));
  EXPECT_EQ(batched.getType(), tensor({2, 12, 8, 32}));
  auto vector = MatMulOp::create(builder, loc, block->getArgument(0),
                                 block->getArgument(2));
  EXPECT_EQ(vector.getType(), tensor({2, 1, 8}));
}

TEST_F(RongDialectTest, Conv2DAndPoolingComputeWindowSizes) {
  Block *block = makeFunction({tensor({1, 3, 224, 224}), tensor({64, 3, 7, 7})});
  Location loc = builder.getUnknownLoc();
  auto conv = Conv2DOp::create(builder, loc, block->getArgument(0),
                               block->getArgument(1), /*bias=*/Value(),
                               builder.getDenseI64ArrayAttr({2, 2}),
                               builder.getDenseI64ArrayAttr({3, 3, 3, 3}),
                               builder.getDenseI64ArrayAttr({1, 1}),
                               builder.getI64IntegerAttr(1));
  EXPECT_EQ(conv.getType(), tensor({1, 64, 112, 112}));
  auto pool = MaxPool2DOp::create(
      builder, loc, conv, builder.getDenseI64ArrayAttr({3, 3}),
      builder.getDenseI64ArrayAttr({2, 2}),
      builder.getDenseI64ArrayAttr({1, 1, 1, 1}),
      builder.getDenseI64ArrayAttr({1, 1}), /*ceil_mode=*/false);
  EXPECT_EQ(pool.getType(), tensor({1, 64, 56, 56}));
}

TEST_F(RongDialectTest, ReductionsDropOrKeepAxes) {
  Block *block = makeFunction({tensor({8, 128, 768})});
  Location loc = builder.getUnknownLoc();
  auto dropped = ReduceMeanOp::create(builder, loc, block->getArgument(0),
                                      builder.getDenseI64ArrayAttr({-1}),
                                      /*keepdims=*/false);
  EXPECT_EQ(dropped.getType(), tensor({8, 128}));
  auto kept = ReduceMaxOp::create(builder, loc, block->getArgument(0),
                                  builder.getDenseI64ArrayAttr({0, 2}),
                                  /*keepdims=*/true);
  EXPECT_EQ(kept.getType(), tensor({1, 128, 1}));
  auto argmax = ArgMaxOp::create(builder, loc, block->getArgument(0),
                                 /*axis=*/1, /*keepdims=*/false,
                                 /*select_last_index=*/false);
  EXPECT_EQ(argmax.getType(), tensor({8, 768}, builder.getI64Type()));
}

TEST_F(RongDialectTest, BadShapesAreReportedNotCrashed) {
  Block *block = makeFunction({tensor({8, 3}), tensor({4})});
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  SmallVector<Type> inferred;
  LogicalResult result = inferBroadcastResult(
      &context, builder.getUnknownLoc(), block->getArgument(0).getType(),
      block->getArgument(1).getType(), /*boolResult=*/false, inferred);
  EXPECT_TRUE(failed(result));
  EXPECT_EQ(message, "shapes 'tensor<8x3xf32>' and 'tensor<4xf32>' are not "
                     "broadcast-compatible");
}

TEST_F(RongDialectTest, FusionBuilderMakesAVerifiableRegion) {
  Block *block = makeFunction({tensor({8, 768}), tensor({768})});
  Location loc = builder.getUnknownLoc();
  auto fusion = FusionOp::create(builder, loc, TypeRange{tensor({8, 768})},
                                 block->getArguments(), "loop");
  OpBuilder inner = OpBuilder::atBlockBegin(&fusion.getBodyBlock());
  Block &body = fusion.getBodyBlock();
  auto add = AddOp::create(inner, loc, body.getArgument(0), body.getArgument(1));
  auto gelu = GeluOp::create(inner, loc, add.getResult());
  body.getTerminator()->setOperands(ValueRange{gelu.getResult()});
  func::ReturnOp::create(builder, loc);
  cast<func::FuncOp>(block->getParentOp())
      .setType(builder.getFunctionType(block->getArgumentTypes(), {}));
  EXPECT_TRUE(succeeded(verify(*module)));
  EXPECT_EQ(fusion.getKind(), "loop");
}

} // namespace
