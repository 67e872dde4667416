//===- SliceGeometry.h - What a rong.slice reads ----------------*- C++ -*-===//
//
// rong.slice takes ONNX's start/end/step: negative values count from the end
// and out-of-range ones clamp. This header resolves them on a static axis,
// for shape inference, folding and the code generators alike.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_IR_SLICEGEOMETRY_H
#define RONG_IR_SLICEGEOMETRY_H

#include <cstdint>

namespace mlir::rong {

/// One axis of a slice, resolved: the first index read, the step and the
/// number of elements.
struct SliceDim {
  int64_t start, step, size;
};

/// Resolves `start`, `end` (exclusive) and non-zero `step` on an axis of
/// `dim` elements as ONNX Slice does.
SliceDim normalizeSlice(int64_t dim, int64_t start, int64_t end,
                        int64_t step);

} // namespace mlir::rong

#endif // RONG_IR_SLICEGEOMETRY_H
