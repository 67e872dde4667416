"""8- to 64-bit integer tensors, signed and unsigned, and ONNX linear
quantization through rongc + rong-run: QuantizeLinear and DequantizeLinear
per tensor, per axis and per block, QDQ pairs around float ops (fused into
the kernels beside them) as onnxruntime's quantizer writes them (uint8
activations, int8 weights), QLinearMatMul, and integer arithmetic that
wraps, divides and compares as its signedness says. Compared with
onnxruntime where it runs the model, else with ONNX's reference
implementation, on the CPU and on OpenCL. Refused nodes are tested in
test/Frontend/Onnx/quantize.test.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import rong_tools

F32, F16, I8, I16 = (TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT8,
                     TensorProto.INT16)
U8, U16, U32, U64 = (TensorProto.UINT8, TensorProto.UINT16, TensorProto.UINT32,
                     TensorProto.UINT64)
BOOL = TensorProto.BOOL
NP = {F32: np.float32, F16: np.float16, I8: np.int8, I16: np.int16,
      U8: np.uint8, U16: np.uint16, U32: np.uint32, U64: np.uint64}


def init(name, values, dtype):
    return numpy_helper.from_array(np.asarray(values, NP[dtype]), name)


def qdq_relu():
    """x -> Q -> DQ -> Relu -> Q -> DQ, int8 per tensor: one kernel."""
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["d"]),
             helper.make_node("Relu", ["d"], ["r"]),
             helper.make_node("QuantizeLinear", ["r", "s2", "z2"], ["q2"]),
             helper.make_node("DequantizeLinear", ["q2", "s2", "z2"], ["y"])]
    inits = [init("s", 0.05, F32), init("z", 3, I8),
             init("s2", 0.02, F32), init("z2", -128, I8)]
    return dict(nodes=nodes, inputs=[("x", F32, [4, 3, 16, 16])],
                outputs=[("y", F32, [4, 3, 16, 16])], inits=inits,
                kernels=1)


def qdq_matmul_per_axis():
    """Activations quantized per tensor, int8 weights per output column
    (axis 1) dequantized, MatMul, bias Add: the QDQ pattern of a quantized
    linear layer."""
    rng = np.random.default_rng(1)
    w = rng.integers(-127, 128, size=(32, 24))
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["d"]),
             helper.make_node("DequantizeLinear", ["w", "ws"], ["wd"],
                              axis=1),
             helper.make_node("MatMul", ["d", "wd"], ["m"]),
             helper.make_node("Add", ["m", "bias"], ["y"])]
    inits = [init("s", 0.03, F32), init("z", 0, I8), init("w", w, I8),
             init("ws", rng.uniform(0.001, 0.01, 24), F32),
             init("bias", rng.standard_normal(24), F32)]
    return dict(nodes=nodes, inputs=[("x", F32, [8, 32])],
                outputs=[("y", F32, [8, 24])], inits=inits)


def quantize_per_axis_int16():
    """QuantizeLinear to int16 along axis 1 of NCHW, with saturation."""
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"],
                              axis=1)]
    inits = [init("s", [1e-4, 2e-3, 5e-5], F32),
             init("z", [0, -100, 7], I16)]
    return dict(nodes=nodes, inputs=[("x", F32, [2, 3, 5, 7])],
                outputs=[("y", I16, [2, 3, 5, 7])], inits=inits)


def dequantize_blocked():
    """Blocked DequantizeLinear: one scale per 4 elements along axis 1, the
    last block cut short (10 = 4 + 4 + 2)."""
    rng = np.random.default_rng(2)
    nodes = [helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"],
                              axis=1, block_size=4)]
    inits = [init("s", rng.uniform(0.01, 0.1, (6, 3)), F32),
             init("z", rng.integers(-5, 5, (6, 3)), I8)]
    return dict(nodes=nodes, inputs=[("x", I8, [6, 10])],
                outputs=[("y", F32, [6, 10])], inits=inits, opset=21,
                reference="onnx")


def quantize_f16():
    """float16 input and scale: the division rounds to float16, as the
    `precision` attribute defaults to the scale's type. onnxruntime 1.30
    divides in float32 instead (1% of these outputs differ by one step),
    so the reference is ONNX's own."""
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["y"])]
    inits = [init("s", 0.0123, F16), init("z", -3, I8)]
    return dict(nodes=nodes, inputs=[("x", F16, [64, 33])],
                outputs=[("y", I8, [64, 33])], inits=inits, reference="onnx")


def qlinear_matmul():
    """QLinearMatMul, int8, with a per-tensor requantization."""
    rng = np.random.default_rng(3)
    b = rng.integers(-128, 128, size=(40, 12))
    nodes = [helper.make_node(
        "QLinearMatMul",
        ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])]
    inits = [init("as", 0.02, F32), init("az", 5, I8), init("b", b, I8),
             init("bs", 0.01, F32), init("bz", -2, I8),
             init("ys", 0.6, F32), init("yz", 1, I8)]
    return dict(nodes=nodes, inputs=[("a", I8, [3, 16, 40])],
                outputs=[("y", I8, [3, 16, 12])], inits=inits)


def int8_wraps():
    """Add, Mul and Sub on int8 wrap around; Max and a compare follow."""
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]),
             helper.make_node("Mul", ["s", "a"], ["p"]),
             helper.make_node("Sub", ["p", "b"], ["d"]),
             helper.make_node("Max", ["d", "a"], ["y"]),
             helper.make_node("Greater", ["y", "b"], ["g"])]
    return dict(nodes=nodes, inputs=[("a", I8, [9, 31]), ("b", I8, [31])],
                outputs=[("y", I8, [9, 31]), ("g", TensorProto.BOOL, [9, 31])],
                inits=[], opset=18, reference="numpy", kernels=1)


def qdq_uint8_linear():
    """onnxruntime's QDQ form of a linear layer: uint8 activations with
    zero point 128 around an int8-weight MatMul, requantized to uint8.
    The reference is ONNX's: onnxruntime 1.30 with its graph optimisations
    fuses the pattern into a uint8 x int8 integer kernel whose 16-bit
    pair sums saturate on AVX2 (up to 68 quantization steps off here;
    without the optimisations it matches Rong and the reference exactly)."""
    rng = np.random.default_rng(4)
    w = rng.integers(-127, 128, size=(48, 16))
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["d"]),
             helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"]),
             helper.make_node("MatMul", ["d", "wd"], ["m"]),
             helper.make_node("Relu", ["m"], ["r"]),
             helper.make_node("QuantizeLinear", ["r", "s2", "z2"], ["q2"]),
             helper.make_node("DequantizeLinear", ["q2", "s2", "z2"], ["y"])]
    inits = [init("s", 0.04, F32), init("z", 128, U8), init("w", w, I8),
             init("ws", 0.004, F32), init("wz", 0, I8),
             init("s2", 0.05, F32), init("z2", 0, U8)]
    return dict(nodes=nodes, inputs=[("x", F32, [10, 48])],
                outputs=[("y", F32, [10, 16])], inits=inits, reference="onnx")


def quantize_default_uint8():
    """QuantizeLinear with no zero point quantizes to uint8, saturating
    negative values at 0."""
    nodes = [helper.make_node("QuantizeLinear", ["x", "s"], ["y"])]
    return dict(nodes=nodes, inputs=[("x", F32, [7, 13])],
                outputs=[("y", U8, [7, 13])], inits=[init("s", 0.03, F32)])


def qlinear_matmul_uint8():
    """QLinearMatMul on uint8, per-column b scale and zero point."""
    rng = np.random.default_rng(5)
    b = rng.integers(0, 256, size=(24, 8))
    nodes = [helper.make_node(
        "QLinearMatMul",
        ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])]
    inits = [init("as", 0.01, F32), init("az", 120, U8), init("b", b, U8),
             init("bs", rng.uniform(0.005, 0.02, 8), F32),
             init("bz", rng.integers(100, 150, 8), U8),
             init("ys", 0.3, F32), init("yz", 100, U8)]
    return dict(nodes=nodes, inputs=[("a", U8, [6, 24])],
                outputs=[("y", U8, [6, 8])], inits=inits, opset=21,
                reference="onnx")


def unsigned_ops():
    """uint8 wraps, divides, takes max and compares unsigned; uint16 and
    uint32 compare and convert to float as unsigned (values above the
    signed range); uint64 adds."""
    nodes = [helper.make_node("Add", ["a", "b"], ["s"]),
             helper.make_node("Div", ["s", "b"], ["d"]),
             helper.make_node("Max", ["d", "a"], ["m"]),
             helper.make_node("Greater", ["m", "b"], ["g"]),
             helper.make_node("Less", ["c", "c2"], ["lt"]),
             helper.make_node("Cast", ["e"], ["ef"], to=F32),
             helper.make_node("Sub", ["v", "w"], ["vw"])]
    return dict(nodes=nodes,
                inputs=[("a", U8, [9, 31]), ("b", U8, [9, 31]),
                        ("c", U16, [9, 31]), ("c2", U16, [9, 31]),
                        ("e", U32, [9, 31]),
                        ("v", U64, [5]), ("w", U64, [5])],
                outputs=[("m", U8, [9, 31]), ("g", BOOL, [9, 31]),
                         ("lt", BOOL, [9, 31]), ("ef", F32, [9, 31]),
                         ("vw", U64, [5])],
                inits=[], opset=18, reference="numpy")


CASES = {f.__name__: f for f in (qdq_relu, qdq_matmul_per_axis,
                                 quantize_per_axis_int16, dequantize_blocked,
                                 quantize_f16, qlinear_matmul, int8_wraps,
                                 qdq_uint8_linear, quantize_default_uint8,
                                 qlinear_matmul_uint8, unsigned_ops)}

TARGETS = [("cpu", "cpu"), ("opencl", "opencl")]
PARAMS = [pytest.param(name, target, device, id=f"{name}-{target}")
          for name in sorted(CASES) for target, device in TARGETS]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx_quantize")


def feeds_for(c):
    rng = np.random.default_rng(7)
    feeds = []
    for name, t, shape in c["inputs"]:
        if t in (I8, I16, U8, U16, U32, U64):
            info = np.iinfo(NP[t])
            x = rng.integers(info.min, info.max, size=shape, dtype=NP[t],
                             endpoint=True)
            if name == "b":
                x.reshape(-1)[:3] = 0  # x / 0 gives x
            feeds.append(x)
        else:
            # Wide enough to saturate int8 at the smaller scales.
            feeds.append((rng.standard_normal(shape) * 4).astype(NP[t]))
    return feeds


def numpy_reference(name, feeds):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if name == "int8_wraps":
            a, b = feeds
            y = np.maximum((a + b) * a - b, a)
            return [y, y > b]
        a, b, c, c2, e, v, w = feeds
        s = a + b
        d = np.where(b == 0, s, s // np.where(b == 0, 1, b))
        m = np.maximum(d, a)
        return [m, m > b, c < c2, e.astype(np.float32), v - w]


@pytest.mark.parametrize("name,target,device", PARAMS)
def test_quantization_matches_reference(name, target, device, workdir):
    c = CASES[name]()
    path = str(workdir / f"{name}.onnx")
    rong_tools.save_onnx_model(path, c["nodes"], c["inputs"], c["outputs"],
                               c["inits"], opset=c.get("opset", 23))
    feeds = feeds_for(c)
    reference = c.get("reference", "onnxruntime")
    if reference == "onnx":
        from onnx.reference import ReferenceEvaluator
        want = ReferenceEvaluator(path).run(
            None, {n: x for (n, _, _), x in zip(c["inputs"], feeds)})
    elif reference == "numpy":
        want = numpy_reference(name, feeds)
    else:
        want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(workdir / f"{name}_{target}.rong")
    plan = rong_tools.compile_model(path, artifact, target=target)
    if "kernels" in c:
        assert rong_tools.plan_counts(plan)[0] == c["kernels"], plan
    got = rong_tools.run_artifact(artifact, feeds, len(want), device=device)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        if np.issubdtype(w.dtype, np.integer) or w.dtype == bool:
            # Integer outputs are exact: a rounding or saturation slip is
            # a whole quantization step.
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
