//===- InitAll.cpp - Register everything Rong's tools use -----------------===//
//
// This file implements the registration shared by every Rong tool.
//
//===----------------------------------------------------------------------===//

#include "rong/InitAll.h"
#include "rong/Compiler/Pipelines.h"
#include "rong/Conversion/Passes.h"
#include "rong/IR/RongDialect.h"
#include "rong/Target/AMDGPU/Passes.h"
#include "rong/Target/CPU/Passes.h"
#include "rong/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void mlir::rong::registerAllDialects(DialectRegistry &registry) {
  registry.insert<rong::RongDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, func::FuncDialect,
                  gpu::GPUDialect, linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect,
                  vector::VectorDialect>();
}

void mlir::rong::registerAllPasses() {
  // Generic clean-ups: canonicalize, cse, inline, symbol-dce, ...
  mlir::registerTransformsPasses();
  mlir::registerLinalgPasses();
  mlir::bufferization::registerBufferizationPasses();
  rong::registerRongTransformsPasses();
  rong::registerPipelines();
  // Rong's own conversions.
  registerRongConversionPasses();
  rocm::registerRongAMDGPUPasses();
  cpu::registerRongCPUPasses();
}
