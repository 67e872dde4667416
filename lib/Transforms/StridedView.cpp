//===- StridedView.cpp - Layout ops as strided views of a buffer ----------===//
//
// This file implements the view algebra of StridedView.h and the GEMM layout
// a BLAS call reads through three views.
//
//===----------------------------------------------------------------------===//

#include "rong/Transforms/StridedView.h"

#include "rong/IR/RongOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::rong;

using Parts = SmallVector<ViewPart, 2>;

StridedView StridedView::contiguous(ArrayRef<int64_t> shape) {
  StridedView v;
  v.dims.resize(shape.size());
  int64_t stride = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    v.dims[d].push_back({shape[d], stride});
    stride *= shape[d];
  }
  v.simplify();
  return v;
}

int64_t StridedView::dimSize(unsigned d) const {
  int64_t size = 1;
  for (ViewPart p : dims[d])
    size *= p.size;
  return size;
}

SmallVector<int64_t> StridedView::shape() const {
  SmallVector<int64_t> s;
  for (unsigned d = 0; d < dims.size(); ++d)
    s.push_back(dimSize(d));
  return s;
}

void StridedView::simplify() {
  for (Parts &parts : dims) {
    // An empty dimension keeps one part of size 0 so its size stays 0.
    if (llvm::any_of(parts, [](ViewPart p) { return p.size == 0; })) {
      parts = {{0, 0}};
      continue;
    }
    Parts out;
    for (ViewPart p : parts) {
      if (p.size == 1)
        continue;
      if (!out.empty() && out.back().stride == p.size * p.stride) {
        out.back() = {out.back().size * p.size, p.stride};
        continue;
      }
      out.push_back(p);
    }
    parts = std::move(out);
  }
}

std::optional<ViewPart> StridedView::single(unsigned d) const {
  const Parts &parts = dims[d];
  if (parts.empty())
    return ViewPart{1, 0};
  if (parts.size() == 1)
    return parts.front();
  return std::nullopt;
}

bool StridedView::isContiguous() const {
  if (offset != 0)
    return false;
  StridedView want = contiguous(shape());
  StridedView self = *this;
  self.simplify();
  for (unsigned d = 0; d < dims.size(); ++d) {
    if (self.dims[d].size() != want.dims[d].size())
      return false;
    for (auto [x, y] : llvm::zip(self.dims[d], want.dims[d]))
      if (x.size != y.size || (x.size > 1 && x.stride != y.stride))
        return false;
  }
  return true;
}

std::optional<StridedView> mlir::rong::reshapeView(const StridedView &view,
                                                   ArrayRef<int64_t> shape) {
  StridedView in = view;
  in.simplify();
  // Every part of every dimension, outermost first.
  SmallVector<ViewPart> flat;
  bool empty = false;
  for (const Parts &parts : in.dims)
    for (ViewPart p : parts) {
      empty |= p.size == 0;
      flat.push_back(p);
    }
  int64_t want = 1;
  for (int64_t d : shape)
    want *= d;
  if (empty || want == 0) {
    if (!(empty && want == 0) && !(want == 0 && flat.empty()))
      return std::nullopt;
    StridedView out = StridedView::contiguous(shape);
    out.offset = in.offset;
    return out;
  }

  StridedView out;
  out.offset = in.offset;
  out.dims.resize(shape.size());
  size_t next = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t need = shape[d];
    while (need > 1) {
      if (next == flat.size())
        return std::nullopt;
      ViewPart &p = flat[next];
      if (p.size <= need) {
        if (need % p.size != 0)
          return std::nullopt;
        out.dims[d].push_back(p);
        need /= p.size;
        ++next;
        continue;
      }
      // The dimension takes the outer `need` of this part.
      if (p.size % need != 0)
        return std::nullopt;
      int64_t inner = p.size / need;
      out.dims[d].push_back({need, p.stride * inner});
      p = {inner, p.stride};
      need = 1;
    }
  }
  if (next != flat.size())
    return std::nullopt;
  out.simplify();
  return out;
}

StridedView mlir::rong::transposeView(const StridedView &view,
                                      ArrayRef<int64_t> permutation) {
  StridedView out;
  out.offset = view.offset;
  for (int64_t p : permutation)
    out.dims.push_back(view.dims[p]);
  return out;
}

StridedView mlir::rong::selectView(const StridedView &view, unsigned axis,
                                   int64_t index) {
  StridedView out = view;
  // The index in the dimension's mixed radix, innermost part first.
  const Parts &parts = view.dims[axis];
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    out.offset += (index % it->size) * it->stride;
    index /= it->size;
  }
  out.dims.erase(out.dims.begin() + axis);
  return out;
}

namespace {

/// The constant scalar index of a `rong.gather` that selects one slice.
std::optional<int64_t> selectIndex(GatherOp gather) {
  auto indexType = cast<RankedTensorType>(gather.getIndices().getType());
  if (indexType.getRank() != 0)
    return std::nullopt;
  DenseElementsAttr value;
  if (!matchPattern(gather.getIndices(), m_Constant(&value)))
    return std::nullopt;
  int64_t index = (*value.getValues<APInt>().begin()).getSExtValue();
  auto inputType = cast<RankedTensorType>(gather.getInput().getType());
  int64_t size = inputType.getDimSize(gather.getAxis());
  if (index < 0)
    index += size;
  if (index < 0 || index >= size)
    return std::nullopt;
  return index;
}

} // namespace

bool mlir::rong::isLayoutOp(Operation *op) {
  if (isa<ReshapeOp, TransposeOp>(op))
    return true;
  if (auto gather = dyn_cast<GatherOp>(op))
    return selectIndex(gather).has_value();
  return false;
}

std::optional<StridedView> mlir::rong::applyLayoutOp(Operation *op,
                                                     const StridedView &input) {
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    return reshapeView(input, reshape.getType().getShape());
  if (auto transpose = dyn_cast<TransposeOp>(op))
    return transposeView(input, transpose.getPermutation());
  if (auto gather = dyn_cast<GatherOp>(op))
    if (std::optional<int64_t> index = selectIndex(gather))
      return selectView(input, gather.getAxis(), *index);
  return std::nullopt;
}

std::optional<StridedView>
mlir::rong::invertLayoutOp(Operation *op, const StridedView &result) {
  if (auto reshape = dyn_cast<ReshapeOp>(op))
    return reshapeView(result, reshape.getInput().getType().getShape());
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = transpose.getPermutation();
    SmallVector<int64_t> inverse(perm.size());
    for (auto [i, p] : llvm::enumerate(perm))
      inverse[p] = static_cast<int64_t>(i);
    return transposeView(result, inverse);
  }
  return std::nullopt;
}

bool GemmLayout::isDense() const {
  auto dense = [](int64_t ld, int64_t cols) {
    return ld == cols || ld == std::max<int64_t>(1, cols);
  };
  if (offsetA || offsetB || offsetC || batch.size() > 1)
    return false;
  if (!dense(lda, transA ? m : k) || !dense(ldb, transB ? k : n) ||
      !dense(ldc, n))
    return false;
  return batch.empty() || batch.front().strideC >= m * n;
}

namespace {

/// Leading dimension and transposition of a stored matrix whose logical
/// rows x cols have strides (rowStride, colStride): row-major as is, or
/// row-major transposed.
struct MatrixLayout {
  bool transposed;
  int64_t ld;
};

std::optional<MatrixLayout> matrixLayout(ViewPart rows, ViewPart cols) {
  if (rows.size <= 1 || cols.size <= 1 || cols.stride == 1) {
    int64_t ld = rows.size <= 1 ? std::max<int64_t>(1, cols.size) : rows.stride;
    if ((cols.size <= 1 || cols.stride == 1) &&
        ld >= std::max<int64_t>(1, cols.size))
      return MatrixLayout{false, ld};
  }
  if (rows.size <= 1 || rows.stride == 1) {
    int64_t ld = cols.size <= 1 ? std::max<int64_t>(1, rows.size) : cols.stride;
    if (ld >= std::max<int64_t>(1, rows.size))
      return MatrixLayout{true, ld};
  }
  return std::nullopt;
}

/// Splits the parts of one batch dimension of A, B and C into their common
/// mixed radix: the batch levels, outermost first. A broadcast operand
/// (`parts` null) has stride 0 on every level.
std::optional<SmallVector<GemmLayout::Level>>
commonLevels(int64_t extent, std::array<const Parts *, 3> operands) {
  if (extent == 0)
    return std::nullopt;
  // Boundaries: cumulative sizes from the innermost part outwards.
  SmallVector<int64_t> bounds = {1, extent};
  for (const Parts *parts : operands) {
    if (!parts)
      continue;
    int64_t cumulative = 1;
    for (auto it = parts->rbegin(); it != parts->rend(); ++it) {
      cumulative *= it->size;
      bounds.push_back(cumulative);
    }
  }
  llvm::sort(bounds);
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  for (size_t i = 1; i < bounds.size(); ++i)
    if (bounds[i] % bounds[i - 1] != 0)
      return std::nullopt;

  // Level i (innermost first) spans [bounds[i], bounds[i + 1]).
  SmallVector<GemmLayout::Level> levels;
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    GemmLayout::Level level{bounds[i + 1] / bounds[i], 0, 0, 0};
    int64_t *strides[3] = {&level.strideA, &level.strideB, &level.strideC};
    for (auto [parts, stride] : llvm::zip(operands, strides)) {
      if (!parts)
        continue;
      int64_t cumulative = 1;
      for (auto it = parts->rbegin(); it != parts->rend(); ++it) {
        if (bounds[i] >= cumulative && bounds[i] < cumulative * it->size) {
          *stride = it->stride * (bounds[i] / cumulative);
          break;
        }
        cumulative *= it->size;
      }
    }
    levels.push_back(level);
  }
  std::reverse(levels.begin(), levels.end());
  return levels;
}

std::optional<GemmLayout> layoutOf(const StridedView &a, const StridedView &b,
                                   const StridedView &c, bool swapped) {
  unsigned ra = a.dims.size(), rb = b.dims.size(), rc = c.dims.size();
  StridedView sa = a, sb = b, sc = c;
  sa.simplify(), sb.simplify(), sc.simplify();
  std::optional<ViewPart> ak = sa.single(ra - 1);
  std::optional<ViewPart> bk = sb.single(rb - 2), bn = sb.single(rb - 1);
  std::optional<ViewPart> cn = sc.single(rc - 1);
  if (!ak || !bk || !bn || !cn)
    return std::nullopt;

  // The rows of A and C may be made of several parts (rows that interleave
  // batches, as a batch-first <-> sequence-first transpose leaves them): the
  // largest common part is the matrix's M, the others are batch levels over
  // a shared B.
  int64_t rows = c.dimSize(rc - 2);
  std::optional<ViewPart> am = ViewPart{rows, 0}, cm = ViewPart{rows, 0};
  SmallVector<GemmLayout::Level> rowLevels;
  if (rows > 1) {
    std::optional<SmallVector<GemmLayout::Level>> levels =
        commonLevels(rows, {&sa.dims[ra - 2], nullptr, &sc.dims[rc - 2]});
    if (!levels)
      return std::nullopt;
    auto largest = llvm::max_element(
        *levels, [](auto &x, auto &y) { return x.extent < y.extent; });
    am = ViewPart{largest->extent, largest->strideA};
    cm = ViewPart{largest->extent, largest->strideC};
    for (const GemmLayout::Level &level : *levels)
      if (&level != &*largest)
        rowLevels.push_back(level);
  }

  GemmLayout g;
  g.swapped = swapped;
  g.m = am->size, g.k = ak->size, g.n = bn->size;
  std::optional<MatrixLayout> la = matrixLayout(*am, *ak);
  std::optional<MatrixLayout> lb = matrixLayout(*bk, *bn);
  std::optional<MatrixLayout> lc = matrixLayout(*cm, *cn);
  if (!la || !lb || !lc || lc->transposed)
    return std::nullopt;
  g.transA = la->transposed, g.lda = la->ld;
  g.transB = lb->transposed, g.ldb = lb->ld;
  g.ldc = lc->ld;
  g.offsetA = a.offset, g.offsetB = b.offset, g.offsetC = c.offset;

  // Batch dimensions, right-aligned as NumPy broadcasts them.
  unsigned batchRank = rc - 2;
  SmallVector<GemmLayout::Level> levels;
  for (unsigned d = 0; d < batchRank; ++d) {
    int64_t extent = c.dimSize(d);
    auto operandParts = [&](const StridedView &v,
                            unsigned rank) -> std::optional<const Parts *> {
      int64_t vd = static_cast<int64_t>(d) - (batchRank - (rank - 2));
      if (vd < 0 || v.dimSize(vd) == 1)
        return static_cast<const Parts *>(nullptr);
      if (v.dimSize(vd) != extent)
        return std::nullopt;
      return &v.dims[vd];
    };
    std::optional<const Parts *> pa = operandParts(sa, ra);
    std::optional<const Parts *> pb = operandParts(sb, rb);
    if (!pa || !pb)
      return std::nullopt;
    std::optional<SmallVector<GemmLayout::Level>> dimLevels =
        commonLevels(extent, {*pa, *pb, &sc.dims[d]});
    if (!dimLevels)
      return std::nullopt;
    levels.append(dimLevels->begin(), dimLevels->end());
  }
  levels.append(rowLevels.begin(), rowLevels.end());

  // Drop unit levels and merge levels that step evenly into one.
  for (const GemmLayout::Level &level : levels) {
    if (level.extent == 1)
      continue;
    if (!g.batch.empty()) {
      GemmLayout::Level &outer = g.batch.back();
      if (outer.strideA == level.extent * level.strideA &&
          outer.strideB == level.extent * level.strideB &&
          outer.strideC == level.extent * level.strideC) {
        outer = {outer.extent * level.extent, level.strideA, level.strideB,
                 level.strideC};
        continue;
      }
    }
    g.batch.push_back(level);
  }
  // A batch over a shared B whose A and C matrices follow each other row by
  // row is one taller matrix.
  while (!g.batch.empty()) {
    GemmLayout::Level inner = g.batch.back();
    if (inner.strideB != 0 || g.transA || inner.strideA != g.m * g.lda ||
        inner.strideC != g.m * g.ldc)
      break;
    g.m *= inner.extent;
    g.batch.pop_back();
  }
  if (g.batch.size() > 2)
    return std::nullopt;
  return g;
}

/// `view` with its last two dimensions exchanged.
StridedView swapLastTwo(const StridedView &view) {
  StridedView out = view;
  unsigned r = out.dims.size();
  std::swap(out.dims[r - 2], out.dims[r - 1]);
  return out;
}

} // namespace

std::optional<GemmLayout>
mlir::rong::computeGemmLayout(StridedView a, StridedView b, StridedView c) {
  if (a.dims.empty() || b.dims.empty())
    return std::nullopt;
  bool vectorA = a.dims.size() == 1, vectorB = b.dims.size() == 1;
  // A vector operand is a matrix of one row (A) or one column (B); C lacks
  // the matching dimension.
  if (vectorA)
    a.dims.insert(a.dims.begin(), Parts());
  if (vectorB)
    b.dims.push_back(Parts());
  if (vectorB)
    c.dims.push_back(Parts());
  if (vectorA)
    c.dims.insert(c.dims.end() - 1, Parts());
  if (c.dims.size() < 2)
    return std::nullopt;
  if (std::optional<GemmLayout> g = layoutOf(a, b, c, /*swapped=*/false))
    return g;
  // C stored column by column: compute C^T = B^T A^T.
  return layoutOf(swapLastTwo(b), swapLastTwo(a), swapLastTwo(c),
                  /*swapped=*/true);
}
