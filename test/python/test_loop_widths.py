"""The loop strategy's vector width on shapes whose innermost axis the
widest vector does not divide. Groups that read every value at the
element's own linear offset (elementwise on operands of the result's shape
or of one element, reshapes) run over their linear offsets, so a vector may
cross rows (1x64x7x7 takes 8 lanes on the CPU); other groups narrow the
width to one that divides the innermost axis (12 -> 4) or stay scalar (a
per-row operand with 7 columns). Each case is compared with onnxruntime on
the CPU, on OpenCL and in sm_90's kernel IR run on OpenCL; a run that
crossed rows where an operand changes per row would read the wrong row.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import rong_tools

F32, F16, I32 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32
NUMPY = {F32: np.float32, F16: np.float16, I32: np.int32}


def chain(first, *rest):
    """`first` on (a, b) into t0, then each unary op of `rest` in turn; the
    last value is y."""
    names = [f"t{k}" for k in range(len(rest))] + ["y"]
    nodes = [helper.make_node(first, ["a", "b"], [names[0]])]
    for k, op in enumerate(rest):
        nodes.append(helper.make_node(op, [names[k]], [names[k + 1]]))
    return nodes


# name -> (nodes, element type, a's shape, b's shape, initializers).
CASES = {
    # Linear: same shapes, 3136 elements in rows of 7.
    "same_shape_7": (chain("Add", "Relu"), F32, [1, 64, 7, 7],
                     [1, 64, 7, 7], []),
    # Linear: a one-element operand, 14-element rows.
    "scalar_14": (chain("Mul", "Sigmoid"), F32, [2, 32, 14, 14], [1], []),
    # Linear through a reshape: b is read at the same linear offset.
    "reshape_7": ([helper.make_node("Reshape", ["b", "shape"], ["r"]),
                   helper.make_node("Sub", ["a", "r"], ["t"]),
                   helper.make_node("Tanh", ["t"], ["y"])],
                  F32, [1, 16, 7, 7], [16, 49],
                  [numpy_helper.from_array(np.array([1, 16, 7, 7], np.int64),
                                           "shape")]),
    # Linear in float16 (8 lanes of 2 bytes on sm_90), rows of 10.
    "f16_10": (chain("Add", "Neg"), F16, [4, 6, 10], [4, 6, 10], []),
    # Linear in int32, rows of 5: 60 elements, 4 lanes on the CPU.
    "int_5": (chain("Mul", "Abs"), I32, [12, 5], [12, 5], []),
    # Not linear: a bias along 12 columns narrows the width to 4.
    "bias_12": (chain("Add", "Tanh"), F32, [64, 12], [12], []),
    # Not linear: a bias along 6 columns narrows the width to 2.
    "bias_6": (chain("Add", "Exp"), F32, [40, 6], [6], []),
    # Not linear: a per-row scale with 7 columns stays scalar.
    "row_scale_7": (chain("Mul", "Relu"), F32, [64, 7], [64, 1], []),
    # Not linear: a per-row scale with 12 columns narrows to 4.
    "row_scale_12": (chain("Div", "Neg"), F32, [16, 12], [16, 1], []),
}

PARAMS = [pytest.param(name, target, id=f"{name}-{target[0]}"
                       + (f"-{target[1]}" if target[1] else ""))
          for name in sorted(CASES) for target in rong_tools.KERNEL_TARGETS
          if not (CASES[name][1] == F16 and target[0] == "opencl")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("loop_widths")


def write_case(name, workdir):
    nodes, dtype, ashape, bshape, inits = CASES[name]
    out = list(np.broadcast_shapes(tuple(ashape), tuple(
        bshape if name != "reshape_7" else ashape)))
    path = str(workdir / f"{name}.onnx")
    rong_tools.save_onnx_model(
        path, nodes, [("a", dtype, ashape), ("b", dtype, bshape)],
        [("y", dtype, out)], initializers=inits, opset=18)
    rng = np.random.default_rng(11)
    if dtype == I32:
        a = rng.integers(-1000, 1000, ashape).astype(np.int32)
        b = rng.integers(-40, 40, bshape).astype(np.int32)
    else:
        a = rng.standard_normal(ashape).astype(NUMPY[dtype])
        # Away from zero, so that Div is well conditioned.
        b = (rng.uniform(0.5, 2.0, bshape)
             * rng.choice([-1, 1], bshape)).astype(NUMPY[dtype])
    return path, [a, b]


@pytest.mark.parametrize("name,target", PARAMS)
def test_loop_width_matches_onnxruntime(name, target, workdir):
    target, profile, device = target
    path, feeds = write_case(name, workdir)
    want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(workdir / f"{name}_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target,
                                    profile=profile)
    rong_tools.assert_close(
        rong_tools.run_artifact(artifact, feeds, 1, device=device), want,
        f"{name} ({target})")
    assert "1 kernel" in plan, plan


def test_cpu_vector_math_loop_is_not_unrolled(tmp_path):
    """A loop group computing exp on vectors (SiLU) keeps one copy of the
    exp polynomial in its machine code: its block loop is marked not to be
    unrolled, since two copies need more than the 16 vector registers
    (bench/results/2026-11-24-cpu-2core-unroll). Unrolled, the kernel
    holds three (a prologue iteration and two in the loop). Counted by
    the exponent shift `slld $0x17` (2^n built from n << 23)."""
    import re
    import subprocess
    path = str(tmp_path / "silu.onnx")
    rong_tools.save_onnx_model(
        path, [helper.make_node("Sigmoid", ["a"], ["s"]),
               helper.make_node("Mul", ["a", "s"], ["y"])],
        [("a", F32, [4, 64, 14, 14])], [("y", F32, [4, 64, 14, 14])])
    artifact = tmp_path / "silu.rong"
    rong_tools.compile_model(path, str(artifact))
    data = artifact.read_bytes()
    (tmp_path / "kernels.o").write_bytes(data[data.index(b"\x7fELF"):])
    objdump = rong_tools.llvm_tool("llvm-objdump")
    text = subprocess.run([objdump, "-d", str(tmp_path / "kernels.o")],
                          capture_output=True, text=True, check=True).stdout
    assert len(re.findall(r"p?slld\s+\$0x17", text)) == 1, text
