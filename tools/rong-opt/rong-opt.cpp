//===- rong-opt.cpp - Rong's opt-style driver -----------------------------===//
//
// This file implements rong-opt: parse IR (text or bytecode), run passes or a
// pass pipeline, print the result. It sees exactly the dialects and passes
// every other Rong tool registers.
//
//===----------------------------------------------------------------------===//

#include "rong/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::rong::registerAllDialects(registry);
  mlir::rong::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Rong optimizer driver\n", registry));
}
