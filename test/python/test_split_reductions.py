"""Reductions with too few rows or columns to fill the target are cut into
pieces and reduced twice (rong-split-reductions): the mean of a whole
tensor, a loss with its elementwise producers fused into the first kernel,
a bias gradient over few columns, a few long rows, an integer sum and a
half-precision max. Each graph runs on the CPU, on OpenCL and in sm_90's
kernel IR (run on OpenCL, where the pieces are many more), matches
onnxruntime, and has the kernel count the split rule gives on that target.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

F32, F16, I32 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32
DTYPES = {F32: np.float32, F16: np.float16, I32: np.int32}


make_model = rong_tools.save_onnx_model
axes = rong_tools.axes_tensor


# name -> (nodes, inputs, outputs, initializers,
#          kernels on (cpu, opencl, sm_90)).
CASES = {
    # 8 MiB, one row: 4 pieces on the CPU (as many as 2 MiB pieces allow),
    # 8 on OpenCL (4 per processor), 256 on sm_90 (as many as 32 KiB pieces
    # allow).
    "mean_all": (
        [helper.make_node("ReduceMean", ["x"], ["y"], keepdims=0)],
        [("x", F32, [2048, 1024])], [("y", F32, [])], [], (2, 2, 2)),
    # 4 MiB is left whole on the CPU (a second kernel does not pay there).
    "mean_4mib": (
        [helper.make_node("ReduceMean", ["x"], ["y"], keepdims=0)],
        [("x", F32, [1024, 1024])], [("y", F32, [])], [], (1, 2, 2)),
    # A loss: the subtraction of a broadcast target and the square stay in
    # the first reduction's kernel.
    "mse_loss": (
        [helper.make_node("Sub", ["x", "t"], ["d"]),
         helper.make_node("Mul", ["d", "d"], ["d2"]),
         helper.make_node("ReduceMean", ["d2"], ["y"], keepdims=0)],
        [("x", F32, [2048, 1024]), ("t", F32, [1, 1024])], [("y", F32, [])],
        [], (2, 2, 2)),
    # A bias gradient over 256 columns: 32 column blocks on sm_90 become
    # 8 x 32; the CPU's 4 column threads could only be doubled, which is
    # not worth a kernel, and OpenCL's 32 already fill its 2 processors.
    "bias_grad": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
        [("x", F32, [8192, 256])], [("y", F32, [256])], [axes("a", [0])],
        (1, 1, 2)),
    # Four long rows: 32 pieces each on sm_90; 4 rows already give the CPU's
    # 2 cores 2 each, and doubling is not worth a kernel.
    "few_rows": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=1)],
        [("x", F32, [4, 262144])], [("y", F32, [4, 1])], [axes("a", [1])],
        (1, 1, 2)),
    # Integer sums compose exactly.
    "int_sum": (
        [helper.make_node("ReduceSum", ["x"], ["y"], keepdims=0)],
        [("x", I32, [2048, 1024])], [("y", I32, [])], [], (2, 2, 2)),
    # A half-precision max over 4 Mi elements.
    "f16_max": (
        [helper.make_node("ReduceMax", ["x"], ["y"], keepdims=1)],
        [("x", F16, [2048, 2048])], [("y", F16, [1, 1])], [], (2, 2, 2)),
}

TARGETS = rong_tools.KERNEL_TARGETS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("split")


def prepare(name, workdir):
    nodes, inputs, outputs, inits, _ = CASES[name]
    path = str(workdir / f"{name}.onnx")
    make_model(path, nodes, inputs, outputs, inits)
    rng = np.random.default_rng(11)
    feeds = []
    for _, elem, shape in inputs:
        if elem == I32:
            feeds.append(rng.integers(-1000, 1000, shape).astype(np.int32))
        else:
            # A mean near 1, so a wrongly combined mean (a sum of the piece
            # means, a piece missed) is far off.
            feeds.append((rng.standard_normal(shape) * 3 + 1)
                         .astype(DTYPES[elem]))
    return path, feeds, rong_tools.onnxruntime_reference(path, feeds)


@pytest.mark.parametrize("index", range(len(TARGETS)),
                         ids=[t if not p else f"{t}-{p}"
                              for t, p, _ in TARGETS])
@pytest.mark.parametrize("name", sorted(CASES))
def test_split_reduction_matches_onnxruntime(name, index, workdir):
    target, profile, device = TARGETS[index]
    path, feeds, want = prepare(name, workdir)
    artifact = str(workdir / f"{name}_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target,
                                    profile=profile)
    assert rong_tools.plan_counts(plan) == (CASES[name][4][index], 0), plan
    got = rong_tools.run_artifact(artifact, feeds, len(want), device=device)
    rong_tools.assert_close(got, want, f"{name} ({target})")



# The targets with float16 kernels (the opencl target has none).
@pytest.mark.parametrize("target,profile,device", [
    ("cpu", "", "cpu"), ("sm_90", "opencl", "opencl")])
def test_half_precision_partials_stay_f32(target, profile, device, workdir):
    """A float16 sum whose pieces nearly cancel: 4 Mi values of about 0.01
    with a sum near 0. Kept in f32 and rounded once, the sum was within
    2.3e-6 (CPU) and 3e-7 (sm_90) of the exact one (2026-11-24); with each
    piece's partial sum rounded to float16 instead it was off by 8.2e-3
    (CPU, 4 pieces) and 2.1e-3 (sm_90, 256 pieces). The bound is 1e-4."""
    path = str(workdir / "f16_sum.onnx")
    make_model(path, [helper.make_node("ReduceSum", ["x"], ["y"],
                                       keepdims=0)],
               [("x", F16, [2048, 2048])], [("y", F16, [])])
    v = np.random.default_rng(5).standard_normal((2048, 2048)) * 0.01
    x = (v - v.mean()).astype(np.float16)
    artifact = str(workdir / f"f16_sum_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target,
                                    profile=profile)
    assert rong_tools.plan_counts(plan) == (2, 0), plan
    (got,) = rong_tools.run_artifact(artifact, [x], 1, device=device)
    exact = x.astype(np.float64).sum()
    assert abs(float(got) - exact) <= 1e-4, (float(got), exact)
