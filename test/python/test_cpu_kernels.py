"""The kernel strategies on the CPU, numerically: one-node ONNX models (built
with onnx.helper, compile-time constant attributes and axes) compiled by
rongc, run by rong-run and compared with onnxruntime; floats at float32
tolerances, integers exactly.

Covers what the ONNX node tests leave out or only touch: reductions and
softmax over leading and middle axes (rewritten to trailing axes before
fusion), with and without keepdims, on shapes that are not multiples of the
vector width; integer (i32/i64) arithmetic, comparisons, casts and
reductions in loop and row kernels; argmax and argmin with their tie
rules."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

import rong_tools

OPSET = 18
# onnxruntime 1.30 reads models up to IR version 13.
IR_VERSION = 10


def make_model(op, inputs, output_dtype, attrs=None, constants=None):
    """A graph of one `op` node. `inputs` are NumPy arrays fed at run time;
    `constants` (name -> array) become initializers placed after them in the
    node's inputs."""
    constants = constants or {}
    names = [f"x{i}" for i in range(len(inputs))]
    graph_inputs = [
        helper.make_tensor_value_info(
            n, helper.np_dtype_to_tensor_dtype(x.dtype), list(x.shape))
        for n, x in zip(names, inputs)]
    initializers = [onnx.numpy_helper.from_array(v, name=k)
                    for k, v in constants.items()]
    node = helper.make_node(op, names + list(constants), ["y"], **(attrs or {}))
    out = helper.make_tensor_value_info(
        "y", helper.np_dtype_to_tensor_dtype(np.dtype(output_dtype)), None)
    graph = helper.make_graph([node], "g", graph_inputs, [out], initializers)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION)
    return model


def run_both(model, inputs, tmp_path, threads=0):
    """Runs `model` on onnxruntime and, compiled, on Rong's runtime (a pool of
    `threads` threads; 0: one per core); returns (Rong's output,
    onnxruntime's, the plan)."""
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    want = session.run(None, {i.name: x for i, x in
                              zip(session.get_inputs(), inputs)})[0]
    artifact = str(tmp_path / "model.rong")
    plan = rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, inputs, 1, threads=threads)[0]
    return got, want, plan


def assert_matches(got, want):
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    rtol, atol = rong_tools.tolerance(want.dtype)
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


RNG = np.random.default_rng(7)


# (op, input shape, axes, keepdims)
REDUCTIONS = [
    ("ReduceSum", (64, 33), [0], 0),
    ("ReduceSum", (64, 33), [0], 1),
    ("ReduceMean", (4, 5, 6), [0, 2], 1),
    ("ReduceMean", (4, 5, 6), [0, 2], 0),
    ("ReduceMax", (3, 17, 8), [1], 0),
    ("ReduceMin", (3, 17, 8), [-2], 1),
    ("ReduceProd", (6, 3, 2), [0], 0),
    ("ReduceSum", (2, 3, 4, 5), [0, 2, 3], 1),
    ("ReduceSum", (8, 1, 16), [1], 0),
    # Separate runs of reduced axes: one run in place, then the rest.
    ("ReduceMean", (8, 16, 7, 7), [0, 2, 3], 1),
    ("ReduceMax", (4, 6, 5, 7), [0, 2, 3], 0),
    ("ReduceMin", (5, 3, 4, 6), [0, 3], 1),
    ("ReduceProd", (3, 4, 2, 5), [0, 2], 0),
    ("ReduceSum", (3, 1, 4, 5, 6), [0, 1, 3], 0),
    # Computed on the reduced values in the reduction's kernel (output
    # fusion), with and without keepdims, over trailing and leading axes.
    ("ReduceL2", (6, 40), [1], 0),
    ("ReduceL2", (6, 40), [0], 0),
    ("ReduceLogSumExp", (3, 5, 24), [2], 0),
    ("ReduceLogSumExp", (3, 5, 24), [0, 1], 1),
    ("ReduceSumSquare", (7, 9), [-1], 0),
]


@pytest.mark.parametrize("op,shape,axes,keepdims", REDUCTIONS)
def test_reduction_over_leading_axes(op, shape, axes, keepdims, tmp_path):
    x = RNG.standard_normal(shape).astype(np.float32)
    if op == "ReduceProd":
        x = (1.0 + 0.1 * x).astype(np.float32)
    model = make_model(op, [x], np.float32, {"keepdims": keepdims},
                       {"axes": np.array(axes, dtype=np.int64)})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax"])
@pytest.mark.parametrize("shape,axis", [((64, 33), 0), ((3, 20, 5), 1),
                                        ((4, 3, 7), 0)])
def test_softmax_over_leading_axis(op, shape, axis, tmp_path):
    x = (3 * RNG.standard_normal(shape)).astype(np.float32)
    model = make_model(op, [x], np.float32, {"axis": axis})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


# Rows that 8 f32 lanes do not divide keep 8-lane vectors on the CPU: the
# last chunk re-reads the row's last 8 elements and masks the lanes the
# chunk before it covered out of the reductions. Widths cover rows kept in
# registers (9, 13, 20), loops with the tail after them (100, 197) and a loop
# that leaves a whole chunk and the tail (1001: 125 whole chunks, sets of 4).
# A sum that counted the overlap twice is off by far more than the tolerance.
TAIL_WIDTHS = [9, 13, 20, 100, 197, 1001]


@pytest.mark.parametrize("width", TAIL_WIDTHS)
@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax", "ReduceSum",
                                "ReduceMean", "ReduceMax", "ReduceL2"])
def test_row_with_overlapping_tail(op, width, tmp_path):
    x = (2 * RNG.standard_normal((37, width))).astype(np.float32)
    # The row's largest element in the overlap, where a lane that counts
    # twice or not at all shows.
    x[:, width - 6] += 8.0
    if op.startswith("Reduce"):
        model = make_model(op, [x], np.float32, {"keepdims": 0},
                           {"axes": np.array([1], dtype=np.int64)})
    else:
        model = make_model(op, [x], np.float32, {"axis": -1})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("width", TAIL_WIDTHS)
def test_layer_norm_with_overlapping_tail(width, tmp_path):
    x = RNG.standard_normal((37, width)).astype(np.float32)
    scale = RNG.standard_normal(width).astype(np.float32)
    bias = RNG.standard_normal(width).astype(np.float32)
    model = make_model("LayerNormalization", [x], np.float32,
                       {"axis": -1, "epsilon": 1e-5},
                       {"scale": scale, "bias": bias})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("width", TAIL_WIDTHS)
@pytest.mark.parametrize("last", [0, 1])
def test_argmax_with_overlapping_tail(width, last, tmp_path):
    # Ties everywhere, and the row's maximum in the overlap: the tie rule
    # and the masked lanes' indices both decide the answer.
    x = RNG.integers(-3, 3, size=(37, width)).astype(np.float32)
    x[::2, width - 6] = 5.0
    x[::3, width - 2] = 5.0
    model = make_model("ArgMax", [x], np.int64, {"axis": 1, "keepdims": 0,
                                                "select_last_index": last})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


def test_bias_gradient_and_update(tmp_path):
    """A training step's bias update, b - lr * sum(dy, axis 0), through the
    axis-0 rewrite and the keepdims-less reshape."""
    dy = RNG.standard_normal((128, 48)).astype(np.float32)
    b = RNG.standard_normal(48).astype(np.float32)
    nodes = [
        helper.make_node("ReduceSum", ["dy", "axes"], ["g"], keepdims=0),
        helper.make_node("Mul", ["g", "lr"], ["s"]),
        helper.make_node("Sub", ["b", "s"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("dy", TensorProto.FLOAT, [128, 48]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [48])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [48])],
        [onnx.numpy_helper.from_array(np.array([0], dtype=np.int64), "axes"),
         onnx.numpy_helper.from_array(np.array(0.01, dtype=np.float32), "lr")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION)
    got, want, _ = run_both(model, [dy, b], tmp_path)
    assert_matches(got, want)


# Integer arithmetic: i32 and i64 computed in their own width, division
# truncating toward zero, compared exactly.
INT_TYPES = [np.int32, np.int64]


def int_data(shape, dtype, low=-50, high=50, nonzero=False):
    x = RNG.integers(low, high, size=shape).astype(dtype)
    if nonzero:
        x[x == 0] = 3
    return x


@pytest.mark.parametrize("dtype", INT_TYPES)
@pytest.mark.parametrize("op,attrs", [
    ("Add", {}), ("Sub", {}), ("Mul", {}), ("Div", {}), ("Max", {}),
    ("Min", {}), ("Mod", {"fmod": 0}), ("Mod", {"fmod": 1})])
def test_integer_binary(op, attrs, dtype, tmp_path):
    # [5, 16] with a broadcast [16] operand: the vector path and the splat.
    a = int_data((5, 16), dtype)
    b = int_data((16,), dtype, nonzero=op in ("Div", "Mod"))
    model = make_model(op, [a, b], dtype, attrs)
    got, want, _ = run_both(model, [a, b], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("dtype", INT_TYPES)
def test_integer_pow(dtype, tmp_path):
    a = int_data((3, 7), dtype, -6, 7)
    b = int_data((3, 7), dtype, 0, 9)
    model = make_model("Pow", [a, b], dtype)
    got, want, _ = run_both(model, [a, b], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("dtype", INT_TYPES)
@pytest.mark.parametrize("op", ["Neg", "Abs", "Relu", "Sign"])
def test_integer_unary(op, dtype, tmp_path):
    x = int_data((4, 9), dtype)
    model = make_model(op, [x], dtype)
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("dtype", INT_TYPES)
def test_integer_clip(dtype, tmp_path):
    x = int_data((6, 8), dtype)
    model = make_model("Clip", [x], dtype, constants={
        "lo": np.array(-7, dtype=dtype), "hi": np.array(12, dtype=dtype)})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


@pytest.mark.parametrize("dtype", INT_TYPES)
def test_integer_where_and_compare(dtype, tmp_path):
    """where(a < b, a * b, a - b) on integers, with a float cast of the
    result and a bool cast back: the mask, both branches and the casts."""
    a = int_data((4, 24), dtype)
    b = int_data((24,), dtype)
    nodes = [
        helper.make_node("Less", ["a", "b"], ["m"]),
        helper.make_node("Mul", ["a", "b"], ["p"]),
        helper.make_node("Sub", ["a", "b"], ["d"]),
        helper.make_node("Where", ["m", "p", "d"], ["w"]),
        helper.make_node("Cast", ["w"], ["f"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["f"], ["z"], to=TensorProto.BOOL),
        helper.make_node("Cast", ["z"], ["y"],
                         to=helper.np_dtype_to_tensor_dtype(np.dtype(dtype))),
    ]
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("a", elem, [4, 24]),
         helper.make_tensor_value_info("b", elem, [24])],
        [helper.make_tensor_value_info("w", elem, None),
         helper.make_tensor_value_info("f", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("y", elem, None)])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION)
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    want = session.run(None, {"a": a, "b": b})
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, [a, b], 3)
    for g, w in zip(got, want):
        assert_matches(g, w)


@pytest.mark.parametrize("dtype", INT_TYPES)
@pytest.mark.parametrize("op", ["ReduceSum", "ReduceMax", "ReduceMin",
                                "ReduceProd"])
@pytest.mark.parametrize("shape,axes,keepdims", [
    ((6, 40), [1], 1), ((6, 40), [0], 0), ((3, 4, 5), [0, 2], 0)])
def test_integer_reduction(op, shape, axes, keepdims, dtype, tmp_path):
    x = int_data(shape, dtype, -3, 4) if op == "ReduceProd" else \
        int_data(shape, dtype, -1000, 1000)
    model = make_model(op, [x], dtype, {"keepdims": keepdims},
                       {"axes": np.array(axes, dtype=np.int64)})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


def test_integer_sum_of_large_values_is_exact(tmp_path):
    """An i64 sum beyond 2^53 stays exact: no float accumulation. NumPy is
    the reference here (onnxruntime 1.30 returns 2^61 for this sum)."""
    x = np.full((2, 64), 2**55 + 1, dtype=np.int64)
    model = make_model("ReduceSum", [x], np.int64, {"keepdims": 0},
                       {"axes": np.array([1], dtype=np.int64)})
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    (got,) = rong_tools.run_artifact(artifact, [x], 1)
    assert_matches(got, x.sum(axis=1))


def test_integer_division_never_traps(tmp_path):
    """Division by zero is undefined in ONNX and the most negative i32
    divided by -1 overflows; both trap in hardware, so the kernels define
    them: x / 0 = x, x / -1 = -x (wrapping). The rest truncates toward
    zero."""
    src = tmp_path / "div.mlir"
    src.write_text("""
func.func @div(%x: tensor<8xi32>, %y: tensor<8xi32>) -> tensor<8xi32> {
  %q = rong.div %x, %y : tensor<8xi32>, tensor<8xi32>
  return %q : tensor<8xi32>
}
""")
    artifact = str(tmp_path / "div.rong")
    rong_tools.compile_model(str(src), artifact)
    int_min = np.iinfo(np.int32).min
    x = np.array([int_min, 7, -7, 7, -7, 5, int_min, 0], dtype=np.int32)
    y = np.array([-1, 0, 2, -2, -2, -1, 2, 3], dtype=np.int32)
    (got,) = rong_tools.run_artifact(artifact, [x, y], 1)
    want = np.array([int_min, 7, -3, -3, 3, -5, int_min // 2, 0],
                    dtype=np.int32)
    np.testing.assert_array_equal(got, want)


# ArgMax / ArgMin: a (value, index) reduction in the row strategy; leading
# axes are transposed last first. Ties are common with small integers.
# Rong imports ArgMin of floats only (argmax of -x).
@pytest.mark.parametrize("op,dtype", [
    ("ArgMax", np.float32), ("ArgMax", np.int32), ("ArgMax", np.int64),
    ("ArgMin", np.float32)])
@pytest.mark.parametrize("shape,axis,keepdims,last", [
    ((6, 37), 1, 0, 0), ((6, 37), -1, 1, 1), ((64, 33), 0, 0, 0),
    ((4, 5, 6), 1, 1, 1), ((3, 2000), 1, 0, 0), ((3, 2000), 1, 0, 1)])
def test_argmax(op, dtype, shape, axis, keepdims, last, tmp_path):
    x = RNG.integers(-4, 5, size=shape).astype(dtype)
    model = make_model(op, [x], np.int64, {"axis": axis, "keepdims": keepdims,
                                           "select_last_index": last})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)


def test_argmax_nan_wins_like_numpy(tmp_path):
    x = RNG.standard_normal((4, 24)).astype(np.float32)
    x[1, 7] = np.nan
    x[2, 3] = x[2, 19] = np.nan
    x[3, :] = -np.inf
    model = make_model("ArgMax", [x], np.int64, {"axis": 1, "keepdims": 0})
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    (got,) = rong_tools.run_artifact(artifact, [x], 1)
    np.testing.assert_array_equal(got, np.argmax(x, axis=1))


@pytest.mark.parametrize("op", ["ReduceMax", "ReduceMin"])
def test_max_min_reductions_propagate_nan(op, tmp_path):
    """The CPU marks max / min, reductions included, `nsz` (a +0 / -0 tie
    may give either zero, docs/cpu-backend.md); a NaN anywhere in a row must
    still make the row's result NaN, on rows long enough to loop (1024) and
    on short ones, with the NaN in every lane position of a vector."""
    for width in (1024, 24):
        x = RNG.standard_normal((10, width)).astype(np.float32)
        for row in range(8):
            x[row, (9 * row) % width] = np.nan
        x[8, :] = 0.0
        x[8, ::2] = -0.0
        x[9, :] = -np.inf if op == "ReduceMax" else np.inf
        model = make_model(op, [x], np.float32, {"keepdims": 0},
                           constants={"axes": np.array([1], np.int64)})
        path = str(tmp_path / "model.onnx")
        onnx.save(model, path)
        artifact = str(tmp_path / "model.rong")
        rong_tools.compile_model(path, artifact)
        (got,) = rong_tools.run_artifact(artifact, [x], 1)
        assert np.isnan(got[:8]).all(), got[:8]
        assert got[8] == 0.0
        np.testing.assert_array_equal(got[9], x[9, 0])


def test_empty_tensors(tmp_path):
    """A concat operand without elements is still a kernel argument (the CPU
    backend passes it as a placeholder buffer), and a group whose result has
    no elements gets no kernel: its result is an empty constant."""
    src = tmp_path / "empty.mlir"
    src.write_text("""
func.func @f(%x: tensor<2x4xf32>, %y: tensor<2x0xf32>) -> (tensor<2x4xf32>, tensor<2x0xf32>) {
  %c = rong.concat %x, %y axis = 1 : tensor<2x4xf32>, tensor<2x0xf32>
  %r = rong.relu %c : tensor<2x4xf32>
  %e = rong.exp %y : tensor<2x0xf32>
  return %r, %e : tensor<2x4xf32>, tensor<2x0xf32>
}
""")
    artifact = str(tmp_path / "empty.rong")
    plan = rong_tools.compile_model(str(src), artifact)
    assert rong_tools.plan_counts(plan)[0] == 1
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    y = np.zeros((2, 0), dtype=np.float32)
    got, empty = rong_tools.run_artifact(artifact, [x, y], 2)
    np.testing.assert_array_equal(got, np.maximum(x, 0))
    assert empty.shape == (2, 0)


# (input shape, weight shape, Conv attributes): strides, asymmetric and
# oversized pads (output columns that read only padding), dilation, groups,
# and a strided 1x1 (not the pointwise fast path). The im2col rows are
# copied one in-bounds range at a time and split across threads.
CONVOLUTIONS = [
    ((1, 3, 11, 13), (4, 3, 3, 3), dict(strides=[2, 2], pads=[1, 0, 2, 1])),
    ((2, 4, 9, 9), (6, 2, 3, 2),
     dict(strides=[1, 3], pads=[0, 2, 1, 0], dilations=[2, 1], group=2)),
    ((1, 3, 7, 7), (5, 3, 5, 5), dict(pads=[2, 2, 2, 2])),
    ((1, 8, 6, 6), (4, 8, 1, 1), dict(strides=[2, 2])),
    ((1, 2, 5, 5), (3, 2, 3, 3), dict(pads=[4, 4, 4, 4], strides=[3, 1])),
    # 1-D (N x C x W), run as 2-D over a unit row: strided, padded, dilated,
    # grouped, and SAME_UPPER with an odd total pad.
    ((2, 6, 50), (8, 3, 5),
     dict(strides=[2], pads=[3, 1], dilations=[2], group=2)),
    ((3, 4, 17), (4, 4, 4), dict(auto_pad="SAME_UPPER", strides=[3])),
]


def check_conv(x_shape, w_shape, attrs, tmp_path, threads=0):
    """A biased Conv with random data matches onnxruntime."""
    x = RNG.standard_normal(x_shape).astype(np.float32)
    weight = RNG.standard_normal(w_shape).astype(np.float32)
    bias = RNG.standard_normal(w_shape[0]).astype(np.float32)
    model = make_model("Conv", [x], np.float32, attrs,
                       constants={"w": weight, "b": bias})
    got, want, _ = run_both(model, [x], tmp_path, threads=threads)
    assert_matches(got, want)


@pytest.mark.parametrize("x_shape,w_shape,attrs", CONVOLUTIONS)
def test_conv_geometry(x_shape, w_shape, attrs, tmp_path):
    check_conv(x_shape, w_shape, attrs, tmp_path)


# 1-D pools (N x C x W) run as 2-D ones over a unit row.
@pytest.mark.parametrize("op,attrs", [
    ("MaxPool", dict(kernel_shape=[3], strides=[2], pads=[1, 1],
                     dilations=[2])),
    ("MaxPool", dict(kernel_shape=[4], strides=[3], ceil_mode=1)),
    ("AveragePool", dict(kernel_shape=[3], pads=[1, 2],
                         count_include_pad=1)),
    ("AveragePool", dict(kernel_shape=[5], auto_pad="SAME_LOWER",
                         strides=[2])),
])
def test_pool_1d(op, attrs, tmp_path):
    x = RNG.standard_normal((2, 5, 23)).astype(np.float32)
    got, want, _ = run_both(make_model(op, [x], np.float32, attrs), [x],
                            tmp_path)
    assert_matches(got, want)


# Products large enough (2^18 multiply-adds or more) that the runtime cuts
# them across its threads, one BLAS call per thread: along the rows of the
# result when it is taller than wide, else along its columns, in slices of
# 16 (sizes here are not multiples of 16, so the last slice is short). A
# pool of 3 threads makes the slices uneven. Gemm's transposes are graph
# inputs, so BLAS reads them transposed instead of a folded constant.
GEMMS = [
    ((200, 64), (64, 40), {}),                       # by rows
    ((40, 50), (50, 300), {}),                       # by columns
    ((64, 200), (40, 64), dict(transA=1, transB=1)),  # by rows, both transposed
    ((50, 40), (300, 50), dict(transA=1, transB=1)),  # by columns, transposed
]


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("a_shape,b_shape,attrs", GEMMS)
def test_gemm_split_across_threads(a_shape, b_shape, attrs, threads,
                                   tmp_path):
    a = RNG.standard_normal(a_shape).astype(np.float32)
    b = RNG.standard_normal(b_shape).astype(np.float32)
    model = make_model("Gemm", [a, b], np.float32, attrs)
    got, want, _ = run_both(model, [a, b], tmp_path, threads=threads)
    assert_matches(got, want)


# Batched products: 5 matrices dealt out whole to the threads, and a batch
# of one, cut inside.
@pytest.mark.parametrize("batch", [5, 1])
def test_batched_matmul_across_threads(batch, tmp_path):
    a = RNG.standard_normal((batch, 96, 70)).astype(np.float32)
    b = RNG.standard_normal((batch, 70, 81)).astype(np.float32)
    model = make_model("MatMul", [a, b], np.float32)
    got, want, _ = run_both(model, [a, b], tmp_path, threads=3)
    assert_matches(got, want)


# Convolutions whose products are split: with a bias, every slice fills its
# part of the output with the bias first. Many channels over few pixels
# split by rows; few channels over many pixels by columns; the pointwise
# 1x1 reads the input itself as the right-hand matrix.
@pytest.mark.parametrize("x_shape,w_shape,attrs", [
    ((1, 32, 7, 7), (120, 32, 3, 3), dict(pads=[1, 1, 1, 1])),
    ((1, 8, 40, 37), (20, 8, 3, 3), dict(pads=[1, 1, 1, 1])),
    ((1, 48, 30, 30), (24, 48, 1, 1), {}),
    ((2, 16, 24, 24), (32, 8, 3, 3), dict(group=2, strides=[2, 1])),
])
def test_conv_split_across_threads(x_shape, w_shape, attrs, tmp_path):
    check_conv(x_shape, w_shape, attrs, tmp_path, threads=3)


def test_exp_across_the_float32_range(tmp_path):
    """The CPU's f32 exp (rong-cpu-approximate-math) in a compiled kernel,
    vectorised with a tail, against float64 NumPy rounded to f32: within
    1 ulp for normal results below 127.5 ln 2, within 8 ulp from there to
    the overflow threshold, +inf above it, 0 (flushed) or a subnormal no
    larger than 2^-126 below 2^-126, and the special values exactly."""
    x = np.concatenate([
        np.linspace(-104.0, 89.0, (1 << 21) + 3, dtype=np.float32),
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e-30,
                  88.7229, 88.72, 88.376, -87.33, -88.0, -1e4, 1e4],
                 np.float32)])
    model = make_model("Exp", [x], np.float32)
    path = str(tmp_path / "exp.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "exp.rong")
    rong_tools.compile_model(path, artifact)
    (got,) = rong_tools.run_artifact(artifact, [x], 1)

    with np.errstate(over="ignore"):
        want = np.exp(x.astype(np.float64)).astype(np.float32)
    tiny = np.finfo(np.float32).tiny
    normal = np.isfinite(want) & (want >= tiny)
    # Non-negative floats order like their bits.
    ulps = np.abs(got.view(np.int32).astype(np.int64) -
                  want.view(np.int32).astype(np.int64))
    main = normal & (x < 88.376)
    assert ulps[main].max() <= 1, x[main][ulps[main].argmax()]
    top = normal & (x >= 88.376)
    assert top.sum() > 0 and ulps[top].max() <= 8
    assert np.all(got[want == np.inf] == np.inf)
    low = want < tiny
    assert np.all((got[low] >= 0) & (got[low] <= tiny))

    special = {0.0: 1.0, -0.0: 1.0, np.inf: np.inf, -np.inf: 0.0,
               1e-30: 1.0, -1e-30: 1.0, -1e4: 0.0, 1e4: np.inf}
    for value, expected in special.items():
        i = np.flatnonzero(x == value)[-1]
        assert got[i] == expected, (value, got[i])
    assert np.isnan(got[np.isnan(x)]).all()


def test_softmax_masked_with_minus_infinity(tmp_path):
    """Attention masks write -inf into the logits: their probabilities are
    exactly 0 and the rest still sums to 1."""
    x = RNG.standard_normal((6, 203)).astype(np.float32) * 8
    x[:, 150:] = -np.inf
    x[2, :7] = -np.inf
    x[4, 1::2] = -np.inf
    model = make_model("Softmax", [x], np.float32, {"axis": -1})
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)
    assert np.all(got[np.isneginf(x)] == 0.0)
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=1e-6)
