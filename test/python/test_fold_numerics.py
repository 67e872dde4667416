"""Checks the rong folders' arithmetic against NumPy.

Every elementwise op that folds is evaluated by `rong-opt --canonicalize` on
random constants and compared with NumPy (or the math module) on the same
inputs, with tolerances that follow the element type. A folder that computes
the wrong function, rounds wrongly, or broadcasts wrongly fails here.
"""

import json
import math
import re

import numpy as np
import pytest

RNG = np.random.default_rng(20261122)

MLIR_TYPE = {np.float32: "f32", np.float16: "f16", np.int64: "i64", np.int32: "i32",
             np.bool_: "i1"}
# Folders compute in double and round once, so f32 results are within an ulp
# or two of NumPy's float32 arithmetic; f16 is compared with its own epsilon.
RTOL = {np.float32: 4e-7 * 8, np.float16: 2e-3}
ATOL = {np.float32: 1e-6, np.float16: 2e-3}


def tensor_type(shape, dtype):
    dims = "x".join(str(d) for d in shape)
    return f"tensor<{dims + 'x' if dims else ''}{MLIR_TYPE[dtype]}>"


def dense(array):
    """Prints `array` as the body of an MLIR dense attribute; Python's repr of
    a double is exact, so the constant holds exactly the array's values."""
    if np.issubdtype(array.dtype, np.floating):
        return json.dumps(array.astype(np.float64).tolist())
    return json.dumps(array.tolist())


def parse_constant(text, shape, dtype):
    """Extracts the single folded rong.constant of `text` as an array."""
    found = re.findall(r"rong\.constant dense<(.*?)> : tensor<", text)
    assert len(found) == 1, f"expected one folded constant, got:\n{text}"
    body = found[0].replace("true", "1").replace("false", "0")
    values = np.array(json.loads(body), dtype=np.float64)
    return np.broadcast_to(values, shape).astype(dtype)


def fold(rong_opt, op, operands, result_shape, result_dtype, attrs=""):
    args = []
    lines = []
    for i, array in enumerate(operands):
        ty = tensor_type(array.shape, array.dtype.type)
        lines.append(f"  %c{i} = rong.constant dense<{dense(array)}> : {ty}")
        args.append((f"%c{i}", ty))
    res_ty = tensor_type(result_shape, result_dtype)
    names = ", ".join(a for a, _ in args)
    types = ", ".join(t for _, t in args)
    if len(operands) == 1:
        types = args[0][1]
    lines.append(f"  %r = rong.{op} {names}{attrs} : {types}")
    ir = (f"func.func @f() -> {res_ty} {{\n" + "\n".join(lines)
          + f"\n  return %r : {res_ty}\n}}\n")
    out = rong_opt(ir, "--canonicalize")
    assert f"rong.{op} " not in out, f"rong.{op} did not fold:\n{out}"
    return parse_constant(out, result_shape, result_dtype)


erf = np.vectorize(math.erf)

UNARY = {
    # name: (reference, low, high)
    "abs": (np.abs, -4, 4),
    "neg": (np.negative, -4, 4),
    "exp": (np.exp, -4, 4),
    "log": (np.log, 0.1, 8),
    "sqrt": (np.sqrt, 0.0, 8),
    "rsqrt": (lambda x: 1 / np.sqrt(x), 0.1, 8),
    "reciprocal": (lambda x: 1 / x, 0.5, 8),
    "tanh": (np.tanh, -4, 4),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), -6, 6),
    "relu": (lambda x: np.maximum(x, 0), -4, 4),
    "erf": (erf, -3, 3),
    "sin": (np.sin, -4, 4),
    "cos": (np.cos, -4, 4),
    "floor": (np.floor, -4, 4),
    "ceil": (np.ceil, -4, 4),
    "sign": (np.sign, -4, 4),
    "gelu": (lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))), -4, 4),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float16], ids=["f32", "f16"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_fold_matches_numpy(rong_opt, name, dtype):
    reference, low, high = UNARY[name]
    x = RNG.uniform(low, high, size=(3, 5)).astype(dtype)
    got = fold(rong_opt, name, [x], x.shape, dtype)
    want = reference(x.astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=ATOL[dtype])


def test_gelu_tanh_and_leaky_relu_attributes(rong_opt):
    x = RNG.uniform(-4, 4, size=(8,)).astype(np.float32)
    got = fold(rong_opt, "gelu", [x], x.shape, np.float32, " approximate = tanh")
    t = x.astype(np.float64)
    want = 0.5 * t * (1 + np.tanh(math.sqrt(2 / math.pi) * (t + 0.044715 * t**3)))
    np.testing.assert_allclose(got, want.astype(np.float32), rtol=4e-6, atol=1e-6)
    got = fold(rong_opt, "leaky_relu", [x], x.shape, np.float32,
               " {alpha = 2.500000e-01 : f64}")
    np.testing.assert_allclose(got, np.where(x >= 0, x, 0.25 * x), rtol=0, atol=0)


BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "max": np.maximum,
    "min": np.minimum,
    "pow": np.power,
}


@pytest.mark.parametrize("dtype", [np.float32, np.float16], ids=["f32", "f16"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_broadcasting_binary_fold_matches_numpy(rong_opt, name, dtype):
    a = RNG.uniform(0.5, 3, size=(4, 1, 3)).astype(dtype)
    b = RNG.uniform(0.5, 3, size=(2, 1)).astype(dtype)
    shape = np.broadcast_shapes(a.shape, b.shape)
    got = fold(rong_opt, name, [a, b], shape, dtype)
    want = BINARY[name](a.astype(np.float64), b.astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=ATOL[dtype])


@pytest.mark.parametrize("name,reference", [
    ("eq", np.equal), ("lt", np.less), ("le", np.less_equal),
    ("gt", np.greater), ("ge", np.greater_equal)])
def test_comparison_fold_matches_numpy(rong_opt, name, reference):
    a = RNG.integers(-3, 3, size=(2, 6)).astype(np.int32)
    b = RNG.integers(-3, 3, size=(6,)).astype(np.int32)
    got = fold(rong_opt, name, [a, b], (2, 6), np.bool_)
    np.testing.assert_array_equal(got, reference(a, b))


def test_integer_division_truncates_towards_zero(rong_opt):
    a = np.array([7, -7, 7, -7], dtype=np.int64)
    b = np.array([2, 2, -2, -2], dtype=np.int64)
    got = fold(rong_opt, "div", [a, b], a.shape, np.int64)
    np.testing.assert_array_equal(got, [3, -3, -3, 3])


def test_clip_fold(rong_opt):
    x = RNG.uniform(-10, 10, size=(16,)).astype(np.float32)
    got = fold(rong_opt, "clip", [x], x.shape, np.float32,
               " min = -1.000000e+00 max = 6.000000e+00")
    np.testing.assert_array_equal(got, np.clip(x, -1, 6))
