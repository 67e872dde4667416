//===- StridedView.h - Layout ops as strided views of a buffer --*- C++ -*-===//
//
// Reshapes, transposes and constant selects (`rong.gather` of one constant
// index) move no data when their result is read in place: the result is a
// strided view of the operand's buffer. This header describes such views and
// the GEMM layouts a library call can read or write through them, so a
// transposed or head-split operand of a matmul needs no kernel of its own.
//
// A view dimension may be made of several parts (size, stride), outermost
// first: merging two dimensions whose strides do not line up keeps both
// parts, and a later reshape may split them apart again (attention's
// [seq, batch * heads, dim] between two [.., batch, heads, ..] shapes).
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TRANSFORMS_STRIDEDVIEW_H
#define RONG_TRANSFORMS_STRIDEDVIEW_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::rong {

/// One part of a view dimension.
struct ViewPart {
  int64_t size;
  int64_t stride;
};

/// An element-offset view of a row-major buffer: element (i0, i1, ...) of
/// the viewed tensor lies at `offset + sum over parts of digit * stride`,
/// where each index is split into its dimension's parts (mixed radix).
struct StridedView {
  int64_t offset = 0;
  llvm::SmallVector<llvm::SmallVector<ViewPart, 2>> dims;

  /// The densely packed row-major view of `shape`.
  static StridedView contiguous(llvm::ArrayRef<int64_t> shape);

  int64_t dimSize(unsigned d) const;
  llvm::SmallVector<int64_t> shape() const;
  /// Drops size-1 parts and merges adjacent parts that step evenly.
  void simplify();
  /// The single (size, stride) of dimension `d` of a simplified view, if it
  /// has one (a size-1 dimension has stride 0).
  std::optional<ViewPart> single(unsigned d) const;
  /// True when the view is `contiguous(shape())`.
  bool isContiguous() const;
};

/// `view` read with `shape` (same element count); nullopt when a dimension
/// would have to split a part unevenly.
std::optional<StridedView> reshapeView(const StridedView &view,
                                       llvm::ArrayRef<int64_t> shape);
/// `view` with its dimensions permuted: result dim i is view dim perm[i].
StridedView transposeView(const StridedView &view,
                          llvm::ArrayRef<int64_t> permutation);
/// `view` with dimension `axis` fixed at `index` (and removed).
StridedView selectView(const StridedView &view, unsigned axis, int64_t index);

/// True for the ops a view can express: rong.reshape, rong.transpose and
/// rong.gather of a constant scalar index.
bool isLayoutOp(Operation *op);
/// The view of `op`'s result, given the view of its (first) operand.
std::optional<StridedView> applyLayoutOp(Operation *op,
                                         const StridedView &input);
/// The view of `op`'s operand inside the buffer that holds `op`'s result
/// contiguously: the inverse of a reshape or transpose (a select has none).
std::optional<StridedView> invertLayoutOp(Operation *op,
                                          const StridedView &result);

/// How one BLAS call (or a loop of them) computes a matmul whose operands and
/// result are strided views: op(A) is M x K, op(B) is K x N, C is M x N,
/// row-major with leading dimensions, over at most two batch levels
/// (outermost first).
struct GemmLayout {
  int64_t m = 0, n = 0, k = 0;
  bool transA = false, transB = false;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t offsetA = 0, offsetB = 0, offsetC = 0;
  struct Level {
    int64_t extent, strideA, strideB, strideC;
  };
  llvm::SmallVector<Level, 2> batch;
  /// A and B were exchanged (and transposed) to compute C^T = B^T A^T
  /// because C's columns are the strided ones.
  bool swapped = false;

  /// True when every operand is densely packed with no offset, so the
  /// plain "gemm" / "batched_gemm" calls describe the layout.
  bool isDense() const;
};

/// The layout of `C = A x B` with NumPy matmul semantics (1-D operands,
/// broadcast batch dimensions) for views of A, B and C, or nullopt when no
/// BLAS call reads them in place.
std::optional<GemmLayout> computeGemmLayout(StridedView a, StridedView b,
                                            StridedView c);

} // namespace mlir::rong

#endif // RONG_TRANSFORMS_STRIDEDVIEW_H
