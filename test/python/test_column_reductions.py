"""Reductions and softmaxes over leading axes, read in place by the column
strategy: each graph is one kernel (no transpose), on the CPU, on OpenCL and
in sm_90's kernel IR (run on OpenCL), and matches onnxruntime. The cases
cover short columns (unrolled, kept in registers), long ones (a loop per
pass; on OpenCL also the online softmax, and columns split among a block's
threads with their partials combined in shared memory), vectorised and
scalar inner axes,
broadcast inputs read per column, producer and consumer chains fused around
the reduction, a per-column output next to a full one, and f16."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16


make_model = rong_tools.save_onnx_model
axes = rong_tools.axes_tensor


# name -> (nodes, inputs, outputs, initializers)
CASES = {
    # A short column (4 elements, unrolled) with a vectorised inner axis.
    "softmax_axis1": (
        [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
        [("x", F32, [3, 4, 40])], [("y", F32, [3, 4, 40])], []),
    # A long column (300 elements, looped) over a scalar inner axis (5).
    "log_softmax_axis0": (
        [helper.make_node("LogSoftmax", ["x"], ["y"], axis=0)],
        [("x", F32, [300, 3, 5])], [("y", F32, [300, 3, 5])], []),
    # The bias gradient's sum over the batch, without keepdims.
    "sum_axis0": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
        [("x", F32, [64, 33])], [("y", F32, [33])], [axes("a", [0])]),
    # Two contiguous leading axes, keepdims, with a producer and a consumer.
    "mean_axes01_chain": (
        [helper.make_node("Mul", ["x", "x"], ["sq"]),
         helper.make_node("ReduceMean", ["sq", "a"], ["m"], keepdims=1),
         helper.make_node("Sqrt", ["m"], ["y"])],
        [("x", F32, [5, 6, 16])], [("y", F32, [1, 1, 16])], [axes("a", [0, 1])]),
    # Max over the middle axis of NCHW-like data, with a per-column input
    # broadcast over the column, and the full-size centred tensor as a second
    # output.
    "max_axis1_two_outputs": (
        [helper.make_node("ReduceMax", ["x", "a"], ["m"], keepdims=1),
         helper.make_node("Add", ["m", "b"], ["y"]),
         helper.make_node("Sub", ["x", "m"], ["z"])],
        [("x", F32, [2, 7, 3, 8]), ("b", F32, [1, 1, 3, 8])],
        [("y", F32, [2, 1, 3, 8]), ("z", F32, [2, 7, 3, 8])],
        [axes("a", [1])]),
    # Softmax over the channels in half precision.
    "softmax_axis1_f16": (
        [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
        [("x", F16, [2, 50, 24])], [("y", F16, [2, 50, 24])], []),
    # Long columns, which GPU kernels split among a block's threads (each
    # thread a slice, the partials combined in shared memory): a bias
    # gradient's sum over 3000 rows (vectorised, 16 columns) ...
    "sum_axis0_long": (
        [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
        [("x", F32, [3000, 16])], [("y", F32, [16])], [axes("a", [0])]),
    # ... a softmax over 2500 rows (the online max and sum merged across
    # slices), ...
    "softmax_axis0_long": (
        [helper.make_node("Softmax", ["x"], ["y"], axis=0)],
        [("x", F32, [2500, 3, 8])], [("y", F32, [2500, 3, 8])], []),
    # ... the variance over 1200 rows of 7 scalar columns (two levels of
    # reductions, each combined across slices) ...
    "variance_axis0_long": (
        [helper.make_node("ReduceMean", ["x", "a"], ["m"], keepdims=1),
         helper.make_node("Sub", ["x", "m"], ["d"]),
         helper.make_node("Mul", ["d", "d"], ["d2"]),
         helper.make_node("ReduceMean", ["d2", "a"], ["y"], keepdims=1)],
        [("x", F32, [1200, 7])], [("y", F32, [1, 7])], [axes("a", [0])]),
    # ... and a half-precision max over 2049 rows, with lead positions.
    "max_axis1_long_f16": (
        [helper.make_node("ReduceMax", ["x", "a"], ["y"], keepdims=1)],
        [("x", F16, [2, 2049, 8])], [("y", F16, [2, 1, 8])], [axes("a", [1])]),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("columns")


def prepare(name, workdir):
    nodes, inputs, outputs, inits = CASES[name]
    path = str(workdir / f"{name}.onnx")
    make_model(path, nodes, inputs, outputs, inits)
    rng = np.random.default_rng(7)
    feeds = []
    for _, elem, shape in inputs:
        dtype = np.float16 if elem == F16 else np.float32
        feeds.append((rng.standard_normal(shape) * 3).astype(dtype))
    return path, feeds, rong_tools.onnxruntime_reference(path, feeds)


# (target, profile, device): sm_90's kernel IR runs on OpenCL through the
# OpenCL profile (test_gpu_kernel_ir.py).
@pytest.mark.parametrize("target,profile,device", [
    ("cpu", "", "cpu"), ("opencl", "", "opencl"),
    ("sm_90", "opencl", "opencl")])
@pytest.mark.parametrize("name", sorted(CASES))
def test_one_kernel_matching_onnxruntime(name, target, profile, device,
                                         workdir):
    path, feeds, want = prepare(name, workdir)
    artifact = str(workdir / f"{name}_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target,
                                    profile=profile)
    kernels, calls = rong_tools.plan_counts(plan)
    assert (kernels, calls) == (1, 0), plan
    got = rong_tools.run_artifact(artifact, feeds, len(want), device=device)
    rong_tools.assert_close(got, want, f"{name} ({target})")


def test_gpu_targets_transpose_long_integer_columns(workdir):
    """GPU column kernels split long float columns among a block's threads
    (one kernel, as on the CPU); an integer column, whose partials they do
    not combine, is walked by one thread, so one longer than 1024 elements
    is moved last by a transpose there (two kernels)."""
    for elem, dtype, gpu_kernels in [(F32, np.float32, 1),
                                     (TensorProto.INT32, np.int32, 2)]:
        path = str(workdir / f"long_column_{elem}.onnx")
        make_model(path,
                   [helper.make_node("ReduceSum", ["x", "a"], ["y"],
                                     keepdims=0)],
                   [("x", elem, [2048, 16])], [("y", elem, [16])],
                   [axes("a", [0])])
        feeds = [np.random.default_rng(2).integers(-50, 50, (2048, 16))
                 .astype(dtype)]
        want = rong_tools.onnxruntime_reference(path, feeds)
        for target, kernels in [("cpu", 1), ("opencl", gpu_kernels)]:
            artifact = str(workdir / f"long_{elem}_{target}.rong")
            plan = rong_tools.compile_model(path, artifact, target=target)
            assert rong_tools.plan_counts(plan) == (kernels, 0), plan
            got = rong_tools.run_artifact(artifact, feeds, len(want),
                                          device=target)
            rong_tools.assert_close(got, want, f"long column ({target})")


@pytest.mark.parametrize("target,device", [("cpu", "cpu"),
                                           ("opencl", "opencl")])
def test_batch_norm_statistics_without_transposes(target, device, workdir):
    """Batch norm in training normalises with the mean and variance over N, H
    and W of NCHW: two separate runs of axes. Each statistic is a row
    reduction over H and W that reads x in place (the variance's subtraction
    and square fused into it) and a column reduction over N of the small
    partial result; the normalisation is one loop kernel. Five kernels, none a
    transpose of x (which took three more full passes over it)."""
    path = str(workdir / "batch_norm_training.onnx")
    make_model(path,
               [helper.make_node("ReduceMean", ["x", "a"], ["m"], keepdims=1),
                helper.make_node("Sub", ["x", "m"], ["d"]),
                helper.make_node("Mul", ["d", "d"], ["d2"]),
                helper.make_node("ReduceMean", ["d2", "a"], ["v"], keepdims=1),
                helper.make_node("Add", ["v", "eps"], ["ve"]),
                helper.make_node("Sqrt", ["ve"], ["s"]),
                helper.make_node("Div", ["d", "s"], ["y"])],
               [("x", F32, [4, 6, 9, 11])],
               [("y", F32, [4, 6, 9, 11]), ("m", F32, [1, 6, 1, 1]),
                ("v", F32, [1, 6, 1, 1])],
               [axes("a", [0, 2, 3]),
                helper.make_tensor("eps", F32, [], [1e-5])])
    rng = np.random.default_rng(3)
    feeds = [(rng.standard_normal((4, 6, 9, 11)) * 2 + 1).astype(np.float32)]
    want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(workdir / f"batch_norm_training_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target)
    assert rong_tools.plan_counts(plan) == (5, 0), plan
    got = rong_tools.run_artifact(artifact, feeds, len(want), device=device)
    rong_tools.assert_close(got, want, f"batch norm statistics ({target})")


def test_separate_runs_with_a_long_column(workdir):
    """A sum over N, H and W with N = 2048: H and W are reduced first as
    rows, then N of the 2048x16 partial sums, read as columns (2 kernels;
    OpenCL splits each column among a block's threads)."""
    path = str(workdir / "long_separate_runs.onnx")
    make_model(path,
               [helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
               [("x", F32, [2048, 16, 3, 5])], [("y", F32, [16])],
               [axes("a", [0, 2, 3])])
    feeds = [np.random.default_rng(5).standard_normal((2048, 16, 3, 5))
             .astype(np.float32)]
    want = rong_tools.onnxruntime_reference(path, feeds)
    for target, kernels in [("cpu", 2), ("opencl", 2)]:
        artifact = str(workdir / f"long_separate_{target}.rong")
        plan = rong_tools.compile_model(path, artifact, target=target)
        assert rong_tools.plan_counts(plan) == (kernels, 0), plan
        got = rong_tools.run_artifact(artifact, feeds, len(want), device=target)
        rong_tools.assert_close(got, want, f"long separate runs ({target})")
