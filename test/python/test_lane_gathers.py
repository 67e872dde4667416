"""Gathers whose index runs along the result's innermost axis (Gather along
the data's last axis, GatherElements on any axis) are vectorised lane by
lane: the indices are read as one vector and wrapped and clamped as one,
each lane reads its own element, and the rest of the group works on whole
vectors. These cases put every lane to use (innermost sizes that are
multiples of the widest vector, negative indices, i32 and i64 indices,
float16, int32 data, elementwise work around the gather) and compare with
onnxruntime on the CPU, on OpenCL and in sm_90's kernel IR run on OpenCL.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
I32, I64 = TensorProto.INT32, TensorProto.INT64
NUMPY = {F32: np.float32, F16: np.float16, I32: np.int32, I64: np.int64}


def gather(axis, after="Sigmoid"):
    return [helper.make_node("Gather", ["x", "i"], ["g"], axis=axis),
            helper.make_node(after, ["g"], ["y"])]


def gather_elements(axis, after="Neg"):
    return [helper.make_node("GatherElements", ["x", "i"], ["g"], axis=axis),
            helper.make_node(after, ["g"], ["y"])]


# name -> (nodes, (data type, shape), (index type, shape), index bound
# along the gathered axis, output shape).
CASES = {
    # A table lookup along the last axis by a 2-D index, as Resize's
    # flattened gathers are.
    "gather_last_i64": (gather(-1), (F32, [2, 3, 40]), (I64, [4, 16]), 40,
                        [2, 3, 4, 16]),
    "gather_last_i32": (gather(1), (F32, [3, 24]), (I32, [5, 8]), 24,
                        [3, 5, 8]),
    "gather_last_f16": (gather(1, "Relu"), (F16, [2, 48]), (I64, [2, 32]), 48,
                        [2, 2, 32]),
    # Picking one class score per position (a loss's target pick).
    "elements_last_i64": (gather_elements(1), (F32, [6, 24]), (I64, [6, 16]),
                          24, [6, 16]),
    "elements_rows_i32": (gather_elements(0), (F32, [5, 16]), (I32, [3, 16]),
                          5, [3, 16]),
    "elements_middle_int": (gather_elements(1, "Abs"), (I32, [2, 7, 8]),
                            (I64, [2, 3, 8]), 7, [2, 3, 8]),
}

PARAMS = [pytest.param(name, target, id=f"{name}-{target[0]}"
                       + (f"-{target[1]}" if target[1] else ""))
          for name in sorted(CASES) for target in rong_tools.KERNEL_TARGETS
          if not (CASES[name][1][0] == F16 and target[0] == "opencl")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("lane_gathers")


def write_case(name, workdir):
    nodes, (data, shape), (index, ishape), bound, out = CASES[name]
    path = str(workdir / f"{name}.onnx")
    rong_tools.save_onnx_model(
        path, nodes, [("x", data, shape), ("i", index, ishape)],
        [("y", data, out)], opset=18)
    rng = np.random.default_rng(7)
    if data == I32:
        x = rng.integers(-1000, 1000, shape).astype(np.int32)
    else:
        x = rng.standard_normal(shape).astype(NUMPY[data])
    # Negative indices count from the end.
    i = rng.integers(-bound, bound, ishape).astype(NUMPY[index])
    return path, [x, i]


@pytest.mark.parametrize("name,target", PARAMS)
def test_lane_gather_matches_onnxruntime(name, target, workdir):
    target, profile, device = target
    path, feeds = write_case(name, workdir)
    want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(workdir / f"{name}_{target}.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    got = rong_tools.run_artifact(artifact, feeds, 1, device=device)
    rong_tools.assert_close(got, want, f"{name} ({target})")
