"""Bitwise ops and bit shifts against NumPy, on every route.

ONNX BitwiseAnd / Or / Xor / Not on signed and unsigned integers, and
BitShift on the unsigned types with every amount from 0 to past the width:
LLVM leaves a shift by the width or more undefined (poison), where NumPy
(and ONNX's reference) gives 0, so those amounts are the point. Compiled for
the CPU, for OpenCL (PoCL) and as sm_90's kernel IR printed as OpenCL C, and
compared exactly."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

TARGETS = [("cpu", "", "cpu"), ("opencl", "", "opencl"),
           ("sm_90", "opencl", "opencl")]
ONNX_TYPES = {np.uint8: TensorProto.UINT8, np.uint16: TensorProto.UINT16,
              np.uint32: TensorProto.UINT32, np.uint64: TensorProto.UINT64,
              np.int16: TensorProto.INT16, np.int64: TensorProto.INT64}


def compile_and_run(tmp_path, target, profile, device, nodes, inputs,
                    outputs):
    path = str(tmp_path / "model.onnx")
    rong_tools.save_onnx_model(
        path, nodes,
        [(name, ONNX_TYPES[x.dtype.type], list(x.shape))
         for name, x in inputs],
        [(name, ONNX_TYPES[dtype], list(shape))
         for name, dtype, shape in outputs])
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    return rong_tools.run_artifact(artifact, [x for _, x in inputs],
                                   len(outputs), device=device)


@pytest.mark.parametrize("target,profile,device", TARGETS,
                         ids=[t[0] for t in TARGETS])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32,
                                   np.uint64])
def test_bit_shift_matches_numpy(target, profile, device, dtype, tmp_path):
    bits = np.iinfo(dtype).bits
    rng = np.random.default_rng(bits)
    # Every amount 0 .. bits + 3 against random values (all bits set among
    # them), one row per amount.
    amounts = np.arange(bits + 4, dtype=dtype)[:, None]
    x = rng.integers(0, np.iinfo(dtype).max, (bits + 4, 16), dtype=dtype,
                     endpoint=True)
    x[:, 0] = np.iinfo(dtype).max
    nodes = [helper.make_node("BitShift", ["x", "n"], ["left"],
                              direction="LEFT"),
             helper.make_node("BitShift", ["x", "n"], ["right"],
                              direction="RIGHT")]
    left, right = compile_and_run(
        tmp_path, target, profile, device, nodes,
        [("x", x), ("n", amounts)],
        [("left", dtype, x.shape), ("right", dtype, x.shape)])
    np.testing.assert_array_equal(left, np.left_shift(x, amounts))
    np.testing.assert_array_equal(right, np.right_shift(x, amounts))
    assert not left[bits:].any() and not right[bits:].any()


@pytest.mark.parametrize("target,profile,device", TARGETS,
                         ids=[t[0] for t in TARGETS])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.uint32, np.int64])
def test_bitwise_ops_match_numpy(target, profile, device, dtype, tmp_path):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(info.bits)
    a = rng.integers(info.min, info.max, (8, 32), dtype=dtype, endpoint=True)
    b = rng.integers(info.min, info.max, (32,), dtype=dtype, endpoint=True)
    nodes = [helper.make_node("BitwiseAnd", ["a", "b"], ["and"]),
             helper.make_node("BitwiseOr", ["a", "b"], ["or"]),
             helper.make_node("BitwiseXor", ["a", "b"], ["xor"]),
             helper.make_node("BitwiseNot", ["a"], ["not"])]
    got = compile_and_run(
        tmp_path, target, profile, device, nodes, [("a", a), ("b", b)],
        [(name, dtype, a.shape) for name in ("and", "or", "xor", "not")])
    for g, want in zip(got, [a & b, a | b, a ^ b, ~a]):
        np.testing.assert_array_equal(g, want)
