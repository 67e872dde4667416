//===- OnnxWindow.h - Shared helpers of the ONNX window converters -*- C++ -*-===//
//
// Conv, ConvTranspose and the pools take N x C x W or N x C x H x W inputs.
// Rong's window ops are 2-D; a 1-D window runs as a 2-D one over a unit row.
// These helpers do that lifting and read the per-dimension attributes.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_LIB_FRONTEND_ONNXWINDOW_H
#define RONG_LIB_FRONTEND_ONNXWINDOW_H

#include "OnnxNode.h"

namespace mlir::rong::onnx_import {

/// A window op's operand seen as 2-D. ONNX's 1-D windows (N x C x W) run as
/// 2-D ones over N x C x 1 x W: their attributes gain a leading unit entry
/// (a pad of 0) and the result drops the unit row again.
struct WindowInput {
  Value value;
  RankedTensorType type;
  /// The number of spatial dimensions the node's attributes describe.
  unsigned spatial;
};

/// Checks that `input` (named `what` in messages) is N x C x W or
/// N x C x H x W, and views a rank-3 input as N x C x 1 x W.
FailureOr<WindowInput> windowInput(NodeContext &ctx, Value input,
                                   StringRef what);

/// Drops the unit row of a 1-D window's 2-D result (N x C x 1 x W).
Value windowResult(NodeContext &ctx, Value result, unsigned spatial);

/// Reads an ints attribute of one entry per spatial dimension (`perDim`
/// entries each), each >= `minimum`, and widens a 1-D window's to 2-D with
/// `unit` entries for the added row.
FailureOr<SmallVector<int64_t>> windowAttr(NodeContext &ctx, StringRef name,
                                           unsigned spatial, unsigned perDim,
                                           int64_t fallback, int64_t minimum,
                                           int64_t unit);

/// A window's explicit attributes, widened to 2-D: strides and dilations
/// (default 1), pads (default 0, begin and end per dimension).
struct Window {
  SmallVector<int64_t> strides, pads, dilations;
};

/// Reads strides, dilations and pads for a `spatial`-D window.
FailureOr<Window> windowAttrs(NodeContext &ctx, unsigned spatial);

/// Reads auto_pad: NOTSET (the default), VALID, SAME_UPPER or SAME_LOWER.
FailureOr<std::string> autoPadAttr(NodeContext &ctx);

/// Checks a conv-like weight (`layout` names its dimensions for messages,
/// for example "O x C/group") of rank 2 + spatial with a static kernel that
/// matches attribute kernel_shape if present, and lifts a 1-D one to 2-D.
/// Returns the 2-D weight; `kernel` receives its 2-D kernel size.
FailureOr<Value> windowWeight(NodeContext &ctx, const WindowInput &input,
                              StringRef layout, SmallVectorImpl<int64_t> &kernel);

/// Converts ConvTranspose (OnnxConvTranspose.cpp).
LogicalResult convertConvTranspose(NodeContext &ctx);

} // namespace mlir::rong::onnx_import

#endif // RONG_LIB_FRONTEND_ONNXWINDOW_H
