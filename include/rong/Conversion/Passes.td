//===- Passes.td - Rong conversion passes ------------------*- tablegen -*-===//
//
// This file declares the passes that lower Rong's graph dialect towards kernel
// IR and the backends.
//
//===----------------------------------------------------------------------===//

#ifndef RONG_CONVERSION_PASSES_TD
#define RONG_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertFusionToGPUPass : Pass<"rong-fusion-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower every rong.fusion group to one gpu.func kernel";
  let description = [{
    Turns each `rong.fusion` of every function into a `gpu.module` holding one
    `gpu.func` kernel (gpu + scf + arith + math + memref + vector dialects)
    whose arguments are the group's inputs then its outputs as static,
    identity-layout memrefs. The kernel strategy (loop, row-per-warp,
    row-per-block) and its parameters come from the target descriptor named
    by `target`. The kernel records its launch configuration in the
    attributes `rong.grid`, `rong.block`, `rong.shared_bytes` and
    `rong.args`; the fusion op in the host function becomes a
    `gpu.launch_func` on buffers, bridged to the surrounding tensors with
    `bufferization.to_buffer` / `bufferization.to_tensor`.

    Bodies the strategies cannot handle are reported with an error on the
    offending op.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"target", "target", "std::string", [{"sm_90"}],
           "Name of the target descriptor the strategies read">
  ];
}

def ExpandRowOpsPass : Pass<"rong-expand-row-ops"> {
  let summary = "Expand named row ops inside fusion groups into reductions";
  let description = [{
    Rewrites `rong.softmax`, `rong.log_softmax`, `rong.layer_norm` and
    `rong.rms_norm` into keepdims reductions over the normalised axes and
    broadcasting elementwise ops, so that one row strategy serves the named
    and the decomposed forms. `rong-fusion-to-gpu` applies the same patterns
    itself (with `reciprocal-softmax` on the CPU target); this pass exposes
    them for testing.
  }];
  let options = [
    Option<"reciprocalSoftmax", "reciprocal-softmax", "bool",
           /*default=*/"false",
           "f32 softmax: multiply by the row's reciprocal instead of dividing "
           "each element">,
  ];
}

#endif // RONG_CONVERSION_PASSES_TD
