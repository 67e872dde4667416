//===- Passes.td - Rong graph passes -----------------------*- tablegen -*-===//
//
// Graph-level passes on the `rong` dialect: clean-ups before fusion and fusion
// formation itself.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_TRANSFORMS_PASSES_TD
#define RONG_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RongDecompose : Pass<"rong-decompose", "func::FuncOp"> {
  let summary = "split composite ops that fuse better as their parts";
  let description = [{
    Rewrites composite ops whose parts fuse into neighbouring groups better
    than the whole: inference `rong.batch_norm` becomes a per-channel multiply
    and add (which canonicalisation folds to one scale and one shift when the
    statistics are constants), so it joins the preceding convolution's
    epilogue. A scalar scale on a matmul operand moves to the product,
    `matmul(a * s, b) -> matmul(a, b) * s`, where it is an epilogue instead of
    a kernel of its own (exported attention scales both q and k this way).
    `rong.conv_transpose2d` becomes one stride-1 `rong.conv2d` per output
    phase (stride_h x stride_w of them), each with the kernel taps that
    reach its outputs, interleaved by reshapes around a concatenation: no
    multiplications by the zeros that the textbook lowering inserts between
    input elements.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongRecognizePatterns : Pass<"rong-recognize-patterns", "func::FuncOp"> {
  let summary = "recognise softmax, norms and GELU spelled out as primitive ops";
  let description = [{
    Exporters often spell composite ops as primitive ones (the ONNX
    `*_expanded` node tests, older torch exports). This pass recognises the
    common spellings and replaces them by the named op, so that fusion and the
    kernel strategies see one softmax / log-softmax / RMSNorm / GELU:

    - `exp(x - reduce_max(x)) / reduce_sum(exp(x - reduce_max(x)))` over one
      axis becomes `rong.softmax`; `(x - m) - log(reduce_sum(exp(x - m)))`
      becomes `rong.log_softmax`;
    - `x * rsqrt(reduce_mean(x * x) + eps)` (also with `pow(x, 2)`, `sqrt` and
      `div`, and an optional trailing scale) becomes `rong.rms_norm`;
    - `0.5 * x * (1 + erf(x / sqrt(2)))` becomes `rong.gelu`, and
      `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))` becomes
      `rong.gelu approximate = tanh`.

    Spellings that differ in constants or axes are left alone.

    It also moves a relu below a max pool that is its only use
    (`max_pool2d(relu(x))` becomes `relu(max_pool2d(x))`, equal because relu
    is monotone, when every window reads at least one input element), so the
    relu runs in the pool's kernel on the smaller tensor.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongMoveReducedAxesLast
    : Pass<"rong-move-reduced-axes-last", "func::FuncOp"> {
  let summary = "rewrite reductions so that they reduce trailing axes";
  let description = [{
    The row kernel strategy reduces rows: trailing, contiguous axes. Every
    reduction over other axes (`rong.reduce_*`, `rong.softmax`,
    `rong.log_softmax`) becomes a `rong.transpose` that moves the reduced axes
    last, the same reduction over those trailing axes with `keepdims`, and a
    `rong.reshape` (a view) back to the original result shape; softmax and
    log-softmax are transposed back. A permutation that only moves size-1
    dimensions becomes a reshape, and so does a reduction over size-1 axes
    only (it reduces one element). The fusion pipeline runs this pass after
    pattern recognition, so a spelled-out softmax over axis 0 is recognised
    first and moved as one op.

    A reduction whose reduced axes (those larger than 1) form separate runs,
    such as N, H and W of NCHW in batch-norm statistics, is split: the run
    that can be read in place (a trailing run as rows, or a column run) with
    the most elements is reduced first with `keepdims`, then the other runs of
    that smaller result. Sum, mean, max, min and product compose this way;
    the whole input is read once and never transposed.

    With `column-reductions`, a reduction or softmax over contiguous axes
    that are followed by kept axes (`sum(x, axis 0)` of a matrix, softmax over
    the channels of NCHW) is left in place instead, reducing with `keepdims`:
    the column strategy reads such columns where they are, one thread per
    kept column. `max-column-length` (0: unlimited) bounds the reduced extent
    a column may have; longer ones take the transpose, whose row kernels
    spread a row over many threads. With `split-float-columns` the bound
    applies to integer columns only: GPU column kernels split long float
    columns among the threads of a block.
  }];
  let options = [
    Option<"columnReductions", "column-reductions", "bool",
           /*default=*/"false",
           "leave reductions over contiguous leading axes in place">,
    Option<"maxColumnLength", "max-column-length", "int64_t",
           /*default=*/"0",
           "largest reduced extent left to the column strategy (0: any)">,
    Option<"splitFloatColumns", "split-float-columns", "bool",
           /*default=*/"false",
           "exempt float columns from max-column-length">,
  ];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongSplitReductions : Pass<"rong-split-reductions", "func::FuncOp"> {
  let summary = "split reductions with too few rows or columns for the target";
  let description = [{
    A reduction kernel runs one worker (a CPU thread, a GPU block) per row
    and one per few neighbouring columns, so a reduction with few of either
    (the mean of a whole tensor, a bias gradient over many rows of a few
    hundred columns) leaves most of the target idle. Such a reduction is cut
    into P equal pieces along one reduced axis, reduced piece by piece, and
    the P partial results are reduced again:

      reduce_mean(x: 4096x4096)  ->  reduce_mean(reduce_mean(
                                        reshape(x) : 512x8x4096, [1, 2]), [0])

    The cut is on one reduced axis (d -> (g, d / g)), which keeps NumPy
    broadcasts valid, so the view moves up through single-use elementwise
    producers: they are rebuilt over the split shape and still fuse with the
    first reduction. Sum, mean (float), max, min and product are split;
    integer means, argmax and the row ops are not.

    A reduction is split when it has fewer than four workers per processor
    of `target` and at least four pieces of 32 KiB (GPUs) or 2 MiB (CPU)
    each are possible; the pieces are as many as bring the workers to four
    per processor. Half-precision sums, means and products keep f32
    partial results.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "target descriptor whose processors the reduction should fill">,
  ];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongFormFusions : Pass<"rong-form-fusions", "func::FuncOp"> {
  let summary = "group ops into rong.fusion regions, one kernel each";
  let description = [{
    Forms fused groups with a cost model read from a target descriptor and
    wraps each group in a `rong.fusion` region. Every op that computes (all but
    constants and reshapes, which are views) ends up in exactly one group, or
    is recomputed in several when that is cheaper than materialising it.

    Kinds: `loop` (elementwise and broadcast chains), `reduction` (reductions
    with their producers and per-row consumers), `stitch` (a reduction whose
    result is broadcast back over the rows it reduced: softmax, norms,
    residual-add + norm), `contraction` / `epilogue` (matmul or convolution,
    alone or with elementwise consumers), and `horizontal` (sibling groups that
    read the same inputs).

    With `explain`, a report of every group (ops, kind, estimated bytes saved)
    and of every rejected fusion with its reason is printed to stderr.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "target descriptor the cost model reads (cpu, sm_80, sm_90, ...)">,
    Option<"explain", "explain", "bool", /*default=*/"false",
           "print every group and every rejected fusion to stderr">,
    Option<"maxRecompute", "max-recompute", "unsigned", /*default=*/"4",
           "largest number of groups a cheap producer may be recomputed in">,
    Option<"fuse", "fuse", "bool", /*default=*/"true",
           "form fused groups; when false every op is a group of its own "
           "(the unfused baseline)">,
  ];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongFoldLayoutsIntoContractions
    : Pass<"rong-fold-layouts-into-contractions", "func::FuncOp"> {
  let summary = "read and write transposed matmul operands in place";
  let description = [{
    A chain of layout ops (`rong.reshape`, `rong.transpose`, `rong.gather` of
    one constant index) that feeds a matmul's group, or that only reorders a
    matmul's product, moves into the matmul's group. GEMM library calls read
    and write strided views (leading dimensions, offsets, two batch levels),
    so the chain needs no kernel: attention's head split, head merge and
    q/k/v selects disappear. A chain is folded only when the views still make
    one library call; layout groups and reshapes left without users are
    erased. With `explain`, one line per folded chain.
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "print every folded chain to stderr">,
  ];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongHoistLayoutsAboveEpilogues
    : Pass<"rong-hoist-layouts-above-epilogues", "func::FuncOp"> {
  let summary = "move transposes after a GEMM's bias above it";
  let description = [{
    `transpose(reshape*(add(matmul, bias)))`, where the bias (or scale) is
    constant along every axis but the last and the permutation keeps the
    last axis last, becomes `add(transpose(reshape*(matmul)), bias)`: the
    same values, but the transpose now follows the matmul directly, where
    `rong-fold-layouts-into-contractions` makes the GEMM write it in place,
    and the add joins its consumers' kernel. BERT's output projection
    followed by the batch-first transpose is the case. Binary add, sub, mul
    and div are moved; the other operand is viewed in the new layout.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongFoldBiasIntoMatmul
    : Pass<"rong-fold-bias-into-matmul", "func::FuncOp"> {
  let summary = "make a linear layer's bias add the bias operand of its matmul";
  let description = [{
    `add(layouts*(matmul(x, w)), bias)`, where `bias` has one element per
    column of the product and is constant along every other axis, and the
    layout ops between are single-use reshapes that keep the last axis and
    transposes that keep it last, becomes `layouts*(matmul(x, w, bias))`.
    The fusion pipeline runs it for targets whose BLAS adds a bias in the
    GEMM's epilogue (`TargetDescriptor::gemmBiasEpilogue`: cuBLASLt on
    NVIDIA). The sum is formed at the accumulator's precision and rounded
    once, and a GEMM whose only epilogue was the bias needs no kernel.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongFoldConstantLayouts
    : Pass<"rong-fold-constant-layouts", "func::FuncOp"> {
  let summary = "transpose constant weights at compile time";
  let description = [{
    A `rong.transpose` of a constant (a `dense` or `dense_resource` weight,
    as exporters emit for `Gemm transB` or `Linear`) becomes a constant
    holding the transposed data, so the model never transposes its weights at
    run time. A `rong.slice` or `rong.reshape` of a constant folds the same
    way when only such layout ops read the constant (so no copy of the
    original stays beside the folded parts): the taps of a weight that
    ConvTranspose's phases pick, regrouped for grouped convolutions.
    Constant folding in canonicalisation deliberately leaves large
    `dense_resource` data alone; this pass owns that decision for the weights.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongOutlineContractions
    : Pass<"rong-outline-contractions", "func::FuncOp"> {
  let summary = "move contractions out of fusion groups for library calls";
  let description = [{
    Backends that run contractions (`rong.matmul`, `rong.conv2d`) through a
    vendor library (BLAS on the CPU, cuBLAS on NVIDIA) cannot put them inside
    a generated kernel. This pass moves each contraction out of its
    `contraction` / `epilogue` group, in front of it: a group that held only
    the contraction disappears, and an epilogue group keeps its elementwise
    tail as one kernel that reads the contraction's result (a fused epilogue
    kernel). Contraction operands must come from outside the group; a group
    that computes one inside is an error naming it.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

def RongLegalizeLibraryContractions
    : Pass<"rong-legalize-library-contractions", "func::FuncOp"> {
  let summary = "rewrite contractions into forms the CPU's BLAS runs";
  let description = [{
    The CPU backend runs `rong.matmul` and `rong.conv2d` through BLAS, which
    takes f32 and f64 only, and as one GEMM or one strided batch of GEMMs.
    This pass rewrites the contractions it could not run into ones it can,
    before fusion, so that what it adds fuses into neighbouring kernels:
    - a contraction of f16 or bf16 operands casts them to f32, contracts in
      f32 and casts the result back (the operand casts join their producers'
      kernels, the result cast the epilogue);
    - a matmul whose batch dimensions broadcast other than as one shared
      matrix or equal batches (`[3,1] x [1,2]`, `[2,3] x [3]`) broadcasts
      both operands to the common batch shape first.
  }];
  let dependentDialects = ["::mlir::rong::RongDialect"];
}

#endif // RONG_TRANSFORMS_PASSES_TD
