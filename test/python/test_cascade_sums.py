"""Long float sums are as accurate on the CPU as PyTorch's (which sums in
cascades): a CPU thread walks a long row or column in blocks whose sums start
from zero and are added to the running sums of their level
(lib/Conversion/FusionToGPU/AccumulationLoop.cpp). Each case compares the
largest error against float64 with PyTorch's float32 error on the same input,
by the rule the GPU model checks use (bench/gpu/run_models.py): at most
twice PyTorch's error plus one float32 rounding of the largest result. With
one running sum per vector lane, as before the blocks, the cases were 4x
(row_sum), 6x (column_sum) and 50x (mean_all) over that bound.
"""

import numpy as np
import pytest
import torch
from onnx import TensorProto, helper

import rong_tools

F32 = TensorProto.FLOAT

# name -> (nodes, input shape, output shape, initializers, torch function).
CASES = {
    # A bias gradient: 768 columns of 16384, one CPU thread per 8 columns.
    "column_sum": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
        [16384, 768], [768], [rong_tools.axes_tensor("a", [0])],
        lambda t: t.sum(0)),
    # Rows of 256 Ki elements, one CPU thread per row.
    "row_sum": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
        [64, 262144], [64], [rong_tools.axes_tensor("a", [1])],
        lambda t: t.sum(1)),
    # A whole-tensor mean, split into pieces (rong-split-reductions) that
    # are each walked by one CPU thread.
    "mean_all": (
        [helper.make_node("ReduceMean", ["x"], ["y"], keepdims=0)],
        [16384, 4096], [], [], lambda t: t.mean()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_long_sum_is_as_accurate_as_pytorch(name, tmp_path):
    nodes, shape, out_shape, inits, fn = CASES[name]
    model = str(tmp_path / "m.onnx")
    rong_tools.save_onnx_model(model, nodes, [("x", F32, shape)],
                               [("y", F32, out_shape)], inits)
    artifact = str(tmp_path / "m.rong")
    rong_tools.compile_model(model, artifact, target="cpu")
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    (got,) = rong_tools.run_artifact(artifact, [x.numpy()], 1)
    ref = fn(x.double()).numpy()
    torch_err = float(np.abs(fn(x).double().numpy() - ref).max())
    rong_err = float(np.abs(got.astype(np.float64) - ref).max())
    # One rounding of the largest result to float32.
    floor = float(np.abs(ref).max()) * 2.0 ** -23
    assert rong_err <= 2 * torch_err + floor, (
        f"{name}: max error {rong_err:.3g} against float64, PyTorch's "
        f"{torch_err:.3g}")
