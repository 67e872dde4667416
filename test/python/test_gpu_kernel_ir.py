"""NVIDIA's kernel IR, executed on the CPU on every commit.

`rongc --target=sm_90 --profile=opencl` builds the kernels exactly as for the
H100 (its descriptor: 1024 threads per block, 227 KiB of shared memory, the
same fusion groups, strategies, vector widths and shared-memory caches) and
prints them as OpenCL C instead of lowering them to PTX; `rong-run --device
opencl` runs them on PoCL. Only the GEMMs differ: CLBlast runs them, so the
bias stays out of the GEMM (cuBLASLt's epilogue) and in a kernel.

The models of test_cpu_e2e.py are compared with onnxruntime. Rows of
softmax, LayerNorm and RMSNorm are sized so that sm_90 picks each of its row
strategies (a warp per row, a block per row in registers, a block per row
cached in shared memory, a block per row that loops with an online softmax);
the test reads the strategy from the comment above each printed kernel, so a
change to the cost model that stops reaching a strategy fails here instead
of leaving it untested. Those rows run in float32, float16 and bfloat16,
and (with the lengths where f64 reaches each strategy) in float64."""

import re

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import rong_tools

BF16 = np.dtype(ml_dtypes.bfloat16)
MODELS = ["mlp", "mlp_f64", "bert_layer", "llama_layer", "cnn", "layernorm",
          "softmax", "gelu", "rmsnorm", "layernorm_wide", "softmax_wide",
          "softmax_channels", "bias_grad"]
# sm_80 differs from sm_90 in shared memory (163 KiB) and SM count: the models
# with row reductions and column reductions.
SM80_MODELS = ["bert_layer", "layernorm_wide", "softmax_wide",
               "softmax_channels", "bias_grad"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("gpu_kernel_ir")


def compile_kernel_ir(path, artifact, target):
    """Compiles for `target`'s kernel IR printed as OpenCL C; returns
    (plan, {kernel: strategy})."""
    plan = rong_tools.compile_model(path, artifact, target=target,
                                    profile="opencl")
    with open(artifact, "rb") as f:
        code = f.read().decode("latin-1")
    assert f"target '{target}', warp width 32" in code
    strategies = dict(re.findall(r"^// (\w+): strategy ([\w.]+),", code,
                                 re.MULTILINE))
    return plan, strategies


@pytest.mark.parametrize("target,name", [("sm_90", m) for m in MODELS] +
                         [("sm_80", m) for m in SM80_MODELS])
def test_model_matches_onnxruntime(target, name, exported, workdir):
    path, inputs, want = exported(name)
    artifact = str(workdir / f"{name}_{target}.rong")
    compile_kernel_ir(path, artifact, target)
    got = rong_tools.run_artifact(artifact, inputs, len(want), device="opencl")
    rong_tools.assert_close(got, want, f"{name} ({target} kernel IR on OpenCL)")


def row_model(op, dtype, rows, n):
    """softmax, LayerNorm or spelled-out RMSNorm over the last axis of
    [rows, n], with a scale (and LayerNorm's bias) of `dtype`."""
    onnx_type = {np.dtype(np.float64): TensorProto.DOUBLE,
                 np.dtype(np.float32): TensorProto.FLOAT,
                 np.dtype(np.float16): TensorProto.FLOAT16,
                 BF16: TensorProto.BFLOAT16}[np.dtype(dtype)]
    rng = np.random.default_rng(n)
    scale = (1.0 + 0.5 * rng.standard_normal(n)).astype(dtype)
    bias = (0.5 * rng.standard_normal(n)).astype(dtype)
    inits, nodes = [], []
    if op == "softmax":
        nodes = [helper.make_node("Softmax", ["x"], ["y"], axis=-1)]
    elif op == "layernorm":
        inits = [numpy_helper.from_array(scale, "g"),
                 numpy_helper.from_array(bias, "b")]
        nodes = [helper.make_node("LayerNormalization", ["x", "g", "b"],
                                  ["y"], axis=-1, epsilon=1e-5)]
    else:
        inits = [numpy_helper.from_array(scale, "g"),
                 numpy_helper.from_array(np.array(1e-6, dtype), "eps")]
        nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
                 helper.make_node("ReduceMean", ["sq"], ["ms"], axes=[-1],
                                  keepdims=1),
                 helper.make_node("Add", ["ms", "eps"], ["mse"]),
                 helper.make_node("Sqrt", ["mse"], ["rms"]),
                 helper.make_node("Reciprocal", ["rms"], ["inv"]),
                 helper.make_node("Mul", ["x", "inv"], ["xn"]),
                 helper.make_node("Mul", ["xn", "g"], ["y"])]
    graph = helper.make_graph(
        nodes, op,
        [helper.make_tensor_value_info("x", onnx_type, [rows, n])],
        [helper.make_tensor_value_info("y", onnx_type, [rows, n])], inits)
    # ReduceMean takes `axes` as an attribute up to opset 17.
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    return model, scale.astype(np.float64), bias.astype(np.float64)


def reference(op, x, scale, bias):
    """The op in float64 on the (already rounded) inputs."""
    x = x.astype(np.float64)
    if op == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if op == "layernorm":
        c = x - x.mean(axis=-1, keepdims=True)
        return c / np.sqrt((c * c).mean(axis=-1, keepdims=True) + 1e-5) \
            * scale + bias
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + 1e-6) * scale


def compile_row(op, dtype, strategy, n, tmp_path):
    """Builds the row model of `op` for sm_90's kernel IR and checks that it
    is one kernel of `strategy`; returns (rows, artifact, scale, bias). Rows
    that share a warp come 37 at a time, so that the last block holds fewer
    rows than it has room for."""
    rows = 37 if strategy == "row.subwarp" else 3
    model, scale, bias = row_model(op, dtype, rows, n)
    path = str(tmp_path / f"{op}.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / f"{op}.rong")
    plan, strategies = compile_kernel_ir(path, artifact, "sm_90")
    assert rong_tools.plan_counts(plan) == (1, 0), plan
    assert list(strategies.values()) == [strategy]
    return rows, artifact, scale, bias


# Row lengths sm_90 reaches each row strategy at, for 4-byte and 2-byte
# elements: rows sharing a warp (fewer chunks than lanes; 40 columns also
# leave some of a row's lanes past its end), a warp per row in registers, a
# block per row in registers, a block per row whose row is cached in dynamic
# shared memory (at most 227 KiB), and a block per row looping over a row
# too long for that.
STRATEGY_ROWS = [
    ("row.subwarp", 64), ("row.subwarp", 40), ("row.warp", 1024),
    ("row.block", 16384), ("row.block.smem", 49152),
    ("row.block.loop", 131072)]


@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16],
                         ids=["f32", "f16", "bf16"])
@pytest.mark.parametrize("strategy,n", STRATEGY_ROWS,
                         ids=[f"{s}-{n}" for s, n in STRATEGY_ROWS])
@pytest.mark.parametrize("op", ["softmax", "layernorm", "rmsnorm"])
def test_row_strategies(op, strategy, n, dtype, tmp_path):
    """Each of sm_90's row strategies, in f32, f16 and bf16, against float64
    on the same inputs: within f32's tolerance, or one rounding to the
    16-bit type."""
    rows, artifact, scale, bias = compile_row(op, dtype, strategy, n,
                                              tmp_path)

    rng = np.random.default_rng(7)
    # An offset makes LayerNorm's mean matter and softmax's max nonzero.
    x = (2.0 * rng.standard_normal((rows, n)) + 3.0).astype(dtype)
    stored = x.view(np.uint16) if x.dtype == BF16 else x
    (got,) = rong_tools.run_artifact(artifact, [stored], 1, device="opencl")
    want = reference(op, x, scale, bias)
    what = f"{op} [{rows}x{n}] {strategy}"
    if x.dtype == np.float32:
        np.testing.assert_allclose(got, want, rtol=2e-5,
                                   atol=2e-7 * np.abs(want).max(),
                                   err_msg=what)
        return
    # Computed in f32 and rounded once: at most one ulp from the exact result
    # rounded to the 16-bit type, except where f32's own error (relative to
    # the row's largest value) is larger than an ulp of a tiny result.
    got = got.view(x.dtype)
    rounded = want.astype(np.float32).astype(x.dtype)
    ulps = np.abs(rong_tools.ordered_bits(got) -
                  rong_tools.ordered_bits(rounded))
    near = np.abs(got.astype(np.float64) - want) <= 2.0**-16 * np.abs(want).max()
    bad = (ulps > 1) & ~near
    assert not bad.any(), (
        f"{what} {x.dtype}: {np.count_nonzero(bad)} results more than one ulp "
        f"off, e.g. {got[bad][0]} for {want[bad][0]}")


# Row lengths sm_90 reaches each row strategy at for f64, whose vectors
# hold two elements: 16 columns share a warp with other rows, 40 take a
# whole warp, 16384 a block in registers, and 65536 a block that loops (a
# row of doubles too long for registers is also too long for shared
# memory, so no row is cached there).
STRATEGY_ROWS_F64 = [
    ("row.subwarp", 16), ("row.warp", 40), ("row.block", 16384),
    ("row.block.loop", 65536)]


@pytest.mark.parametrize("strategy,n", STRATEGY_ROWS_F64,
                         ids=[f"{s}-{n}" for s, n in STRATEGY_ROWS_F64])
@pytest.mark.parametrize("op", ["softmax", "layernorm", "rmsnorm"])
def test_row_strategies_f64(op, strategy, n, tmp_path):
    """Each row strategy sm_90 picks for f64 computes in f64: within a few
    f64 roundings of the float64 reference."""
    rows, artifact, scale, bias = compile_row(op, np.float64, strategy, n,
                                              tmp_path)

    rng = np.random.default_rng(7)
    x = 2.0 * rng.standard_normal((rows, n)) + 3.0
    (got,) = rong_tools.run_artifact(artifact, [x], 1, device="opencl")
    want = reference(op, x, scale, bias)
    np.testing.assert_allclose(got, want, rtol=1e-12,
                               atol=1e-13 * np.abs(want).max(),
                               err_msg=f"{op} [{rows}x{n}] {strategy} f64")
