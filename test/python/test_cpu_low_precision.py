"""bf16 and f16 on the CPU, numerically: small ONNX graphs compiled by rongc,
run by rong-run and compared with NumPy computed in float32 and rounded to
the output type (ml_dtypes' bfloat16 rounds to nearest even).

Kernels load bf16 and f16, compute in f32 and round when they store. The
f32 -> bf16 rounding is expanded to integer operations in the kernel (LLVM
would otherwise call `__truncsfbf2`, which no kernel shared object links),
so the casts are checked bit for bit: ties to even, infinities, NaN. rong-run
reads and writes bf16 tensors as their uint16 bit patterns."""

import math

import ml_dtypes
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import rong_tools

BF16 = np.dtype(ml_dtypes.bfloat16)
OPSET = 18


def make_graph_model(nodes, inputs, outputs, initializers=()):
    """`inputs` and `outputs` are (name, TensorProto type, shape)."""
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        list(initializers))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", OPSET)])


def to_npy(x):
    """What rong-run reads: bf16 as its bit patterns."""
    return x.view(np.uint16) if x.dtype == BF16 else x


def from_npy(x, dtype):
    return x.view(BF16) if dtype == BF16 else x


def compile_and_run(model, inputs, out_dtypes, tmp_path):
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    outs = rong_tools.run_artifact(artifact, [to_npy(x) for x in inputs],
                                   len(out_dtypes))
    return [from_npy(o, d) for o, d in zip(outs, out_dtypes)]


def assert_close_bf16(got, want):
    """One bf16 rounding apart at most (8 significant bits: 2^-7 relative)."""
    assert got.dtype == BF16 and got.shape == want.shape
    np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32),
                               rtol=2.0**-7, atol=1e-6)


def test_bf16_elementwise(tmp_path):
    """exp(a * b + a) over a shape that is not a multiple of the vector
    width."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 37)).astype(BF16)
    b = rng.standard_normal((5, 37)).astype(BF16)
    model = make_graph_model(
        [helper.make_node("Mul", ["a", "b"], ["m"]),
         helper.make_node("Add", ["m", "a"], ["s"]),
         helper.make_node("Exp", ["s"], ["y"])],
        [("a", TensorProto.BFLOAT16, [5, 37]),
         ("b", TensorProto.BFLOAT16, [5, 37])],
        [("y", TensorProto.BFLOAT16, [5, 37])])
    (got,) = compile_and_run(model, [a, b], [BF16], tmp_path)
    af, bf = a.astype(np.float32), b.astype(np.float32)
    assert_close_bf16(got, np.exp(af * bf + af).astype(BF16))


@pytest.mark.parametrize("axis", [0, 1])
def test_bf16_reduce_sum(axis, tmp_path):
    """The sum accumulates in f32 and is rounded once."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 53)).astype(BF16)
    axes = onnx.numpy_helper.from_array(np.array([axis], np.int64), "axes")
    out_shape = [53] if axis == 0 else [6]
    model = make_graph_model(
        [helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)],
        [("x", TensorProto.BFLOAT16, [6, 53])],
        [("y", TensorProto.BFLOAT16, out_shape)], [axes])
    (got,) = compile_and_run(model, [x], [BF16], tmp_path)
    assert_close_bf16(got, x.astype(np.float32).sum(axis=axis).astype(BF16))


def test_f32_to_bf16_rounds_to_nearest_even(tmp_path):
    """Ties go to the even neighbour, halfway-plus rounds up, carries reach
    the exponent, and infinities and NaN stay what they are."""
    bits = np.array([
        0x3F808000,  # tie, even below: 1.0
        0x3F818000,  # tie, odd below: rounds up
        0x3F808001,  # just above a tie: rounds up
        0x3F807FFF,  # just below a tie: rounds down
        0x3FFFFFFF,  # carries into the exponent: 2.0
        0x7F7FFFFF,  # largest f32: rounds to inf
        0x00000001,  # smallest denormal
        0x80000000,  # -0
        0x7F800000,  # inf
        0xFF800000,  # -inf
        0x7FC00000,  # quiet NaN
        0x7F800001,  # signalling NaN
        0x3EAAAAAB, 0xC2F6E979, 0x33D6BF95, 0x4B7FFFFF,
    ], dtype=np.uint32)
    x = np.resize(bits, 24).view(np.float32)
    model = make_graph_model(
        [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.BFLOAT16)],
        [("x", TensorProto.FLOAT, [24])],
        [("y", TensorProto.BFLOAT16, [24])])
    (got,) = compile_and_run(model, [x], [BF16], tmp_path)
    with np.errstate(invalid="ignore"):
        want = x.astype(BF16)
    nan = np.isnan(want.astype(np.float32))
    np.testing.assert_array_equal(np.isnan(got.astype(np.float32)), nan)
    np.testing.assert_array_equal(got.view(np.uint16)[~nan],
                                  want.view(np.uint16)[~nan])


def test_bf16_to_f32_is_exact(tmp_path):
    """Widening is a shift: every finite bf16 comes back exactly."""
    x = np.arange(0, 0x7F80, 97, dtype=np.uint16).view(BF16)
    x = np.concatenate([x, -x])
    model = make_graph_model(
        [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
        [("x", TensorProto.BFLOAT16, [x.size])],
        [("y", TensorProto.FLOAT, [x.size])])
    (got,) = compile_and_run(model, [x], [np.float32], tmp_path)
    np.testing.assert_array_equal(got, x.astype(np.float32))


@pytest.mark.parametrize("dtype,onnx_type,rtol", [
    (np.dtype(np.float16), TensorProto.FLOAT16, 2.0**-9),
    (BF16, TensorProto.BFLOAT16, 2.0**-7),
])
def test_low_precision_matmul(dtype, onnx_type, rtol, tmp_path):
    """BLAS has no f16/bf16 GEMM: the matmul runs in f32 between casts that
    fuse into the kernels around it (one library call, no extra kernel for
    the product's cast)."""
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 7, 33)).astype(dtype)
    b = rng.standard_normal((33, 12)).astype(dtype)
    bias = rng.standard_normal((12,)).astype(dtype)
    model = make_graph_model(
        [helper.make_node("MatMul", ["a", "b"], ["p"]),
         helper.make_node("Add", ["p", "bias"], ["y"])],
        [("a", onnx_type, [2, 7, 33]), ("b", onnx_type, [33, 12]),
         ("bias", onnx_type, [12])],
        [("y", onnx_type, [2, 7, 12])])
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "model.rong")
    plan = rong_tools.compile_model(path, artifact)
    _, calls = rong_tools.plan_counts(plan)
    assert calls == 1, plan
    (got,) = rong_tools.run_artifact(artifact, [to_npy(x) for x in (a, b, bias)],
                                     1)
    got = from_npy(got, dtype)
    assert got.dtype == dtype
    # ONNX semantics: the product is rounded to `dtype`, then the sum. The
    # tolerance is one rounding of `dtype` (and f32 summation order).
    p = (a.astype(np.float32) @ b.astype(np.float32)).astype(dtype)
    want = (p.astype(np.float32) + bias.astype(np.float32)).astype(dtype)
    want = want.astype(np.float32)
    np.testing.assert_allclose(got.astype(np.float32), want,
                               rtol=rtol, atol=1e-2 * rtol)


def exact_gelu(x, approximate):
    """GELU in float64, in forms that do not cancel for negative x."""
    if approximate == "none":
        return x * 0.5 * np.vectorize(math.erfc)(-x / math.sqrt(2.0))
    # (1 + tanh(u)) / 2 = 1 / (1 + exp(-2u)).
    u = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    with np.errstate(over="ignore"):
        return x / (1.0 + np.exp(-2.0 * u))


@pytest.mark.parametrize("device", ["cpu", "opencl"])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype,onnx_type", [
    (BF16, TensorProto.BFLOAT16),
    (np.dtype(np.float16), TensorProto.FLOAT16),
])
def test_gelu_on_every_input(dtype, onnx_type, approximate, device,
                             tmp_path):
    """ONNX Gelu on every finite bf16 or f16 value, against the correctly
    rounded GELU from float64: every result within one ulp, fewer than 1%
    off at all.

    Narrow results use forms accurate relative to the result: for erf,
    x * Phi(x) with Phi(-|x|) from an erfc approximation
    (scripts/fit_gelu_erfc.py); for tanh, x / (1 + exp(-2u)). The textbook
    forms, 0.5 x (1 + erf(x / sqrt 2)) and 0.5 x (1 + tanh(u)), cancel for
    negative x: over a hundred bf16 ulps off near x = -5.5 for erf."""
    bits = np.arange(65536, dtype=np.uint16).view(dtype)
    x = bits[np.isfinite(bits.astype(np.float32))]
    model = make_graph_model(
        [helper.make_node("Gelu", ["x"], ["y"], approximate=approximate)],
        [("x", onnx_type, [len(x)])], [("y", onnx_type, [len(x)])])
    model.opset_import[0].version = 20
    path = str(tmp_path / "gelu.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "gelu.rong")
    rong_tools.compile_model(path, artifact, target=device)
    (got,) = rong_tools.run_artifact(artifact, [to_npy(x)], 1, device=device)
    got = from_npy(got, dtype)

    exact = exact_gelu(x.astype(np.float64), approximate)
    # float64 -> float32 -> bf16 rounds twice; f32 keeps 16 bits more than
    # bf16, which changes none of these results.
    want = exact.astype(np.float32).astype(dtype)
    distance = np.abs(rong_tools.ordered_bits(got) - rong_tools.ordered_bits(want))
    far = distance > 1
    assert not far.any(), (
        f"{np.count_nonzero(far)} results more than one ulp off, e.g. "
        f"GELU({x[far][0]}) = {got[far][0]}, want {want[far][0]}")
    assert np.count_nonzero(distance) < 0.01 * len(x)


@pytest.mark.parametrize("target,profile,device", [
    ("cpu", "", "cpu"), ("opencl", "", "opencl"),
    ("sm_90", "opencl", "opencl")])
@pytest.mark.parametrize("dtype,onnx_type", [
    (BF16, TensorProto.BFLOAT16),
    (np.dtype(np.float16), TensorProto.FLOAT16),
])
# 1001 columns: 16 bf16 or f16 lanes do not divide the row; on the CPU its
# last chunk overlaps the one before it, GPUs read it one element at a time.
@pytest.mark.parametrize("n", [1024, 1001])
def test_softmax_tail_within_one_ulp(dtype, onnx_type, target, profile,
                                     device, n, tmp_path):
    """Softmax with bf16 and f16 results uses a faster exp (an approximate
    exp2, scaled so that a flushing one keeps denormals) and one reciprocal
    per row. Rows whose results fall from 1 through the normal range into
    the denormals and to zero: every result within one ulp of the correctly
    rounded softmax, the denormal tail included."""
    rows = 4
    rng = np.random.default_rng(11)
    # Gaps of 0.11 reach 110-112 below the row's maximum: e^-112 is below bf16's
    # smallest denormal (2^-133), e^-88 to e^-92 are bf16 denormals, and
    # f16's denormals start near e^-9.7.
    x = -0.11 * np.arange(n) + 0.01 * rng.standard_normal((rows, n))
    x = rng.permuted(x, axis=1).astype(dtype)
    model = make_graph_model(
        [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
        [("x", onnx_type, [rows, n])], [("y", onnx_type, [rows, n])])
    path = str(tmp_path / "softmax.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "softmax.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    (got,) = rong_tools.run_artifact(artifact, [to_npy(x)], 1, device=device)
    got = from_npy(got, dtype)

    x64 = x.astype(np.float64)
    e = np.exp(x64 - x64.max(axis=1, keepdims=True))
    want = (e / e.sum(axis=1, keepdims=True)).astype(np.float32).astype(dtype)
    # The rows do reach the denormals and zero.
    smallest_normal = float(ml_dtypes.finfo(dtype).smallest_normal)
    magnitude = np.abs(want.astype(np.float32))
    assert np.count_nonzero(want == 0) > 0
    assert np.count_nonzero((magnitude > 0) & (magnitude < smallest_normal)) > 0
    distance = np.abs(rong_tools.ordered_bits(got) -
                      rong_tools.ordered_bits(want))
    far = distance > 1
    assert not far.any(), (
        f"{np.count_nonzero(far)} results more than one ulp off, e.g. "
        f"{got[far][0]} for {want[far][0]}")
