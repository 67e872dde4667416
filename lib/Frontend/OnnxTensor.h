//===- OnnxTensor.h - ONNX tensors to MLIR attributes -----------*- C++ -*-===//
//
// This file declares the conversion of ONNX TensorProtos (initializers and
// constant attributes) into MLIR elements attributes, including tensors kept
// in external data files next to the model.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_FRONTEND_ONNXTENSOR_H
#define RONG_LIB_FRONTEND_ONNXTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include "onnx/onnx.pb.h"

namespace mlir::rong::onnx_import {

/// Converts `tensor` into an elements attribute. Tensors with more than
/// `resourceThreshold` elements become dense resources named after the tensor.
/// External data is read from `modelDir`; paths that leave it are rejected.
/// Emits an error at `loc` and returns null on failure.
ElementsAttr convertTensor(const onnx::TensorProto &tensor, Location loc,
                           llvm::StringRef modelDir, int64_t resourceThreshold);

} // namespace mlir::rong::onnx_import

#endif // RONG_LIB_FRONTEND_ONNXTENSOR_H
