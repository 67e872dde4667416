"""Builds the small ONNX models the frontend lit tests import.

Usage: models.py NAME OUTPUT.onnx

The models are written with the onnx package's helpers at test time, so the
test suite carries no binary blobs. Each builder returns a ModelProto (or
writes extra files, e.g. external data, next to the output).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def model(nodes, inputs, outputs, initializers=(), opset=18):
    graph = h.make_graph(nodes, "test", inputs, outputs, list(initializers))
    return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])


def info(name, elem, shape):
    return h.make_tensor_value_info(name, elem, shape)


def elementwise(out):
    return model(
        [
            h.make_node("Add", ["x", "b"], ["s"], name="add"),
            h.make_node("Gelu", ["s"], ["g"], name="gelu", approximate="tanh"),
            h.make_node("Mul", ["g", "x"], ["m"], name="mul"),
            h.make_node("Less", ["m", "b"], ["lt"], name="less"),
            h.make_node("Where", ["lt", "m", "x"], ["w"], name="where"),
            h.make_node("Clip", ["w", "lo", "hi"], ["c"], name="clip"),
            h.make_node("Cast", ["c"], ["y"], name="cast", to=T.FLOAT16),
        ],
        [info("x", T.FLOAT, [2, "seq", 8])],
        [info("y", T.FLOAT16, [2, "seq", 8])],
        [nh.from_array(np.linspace(-1, 1, 8, dtype=np.float32), "b"),
         nh.from_array(np.array(-6, dtype=np.float32), "lo"),
         nh.from_array(np.array(6, dtype=np.float32), "hi")],
    )


def shape_chain(out):
    """The Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain exporters
    emit for x.view(x.size(0) * x.size(1), -1)."""
    i64 = lambda name, v: nh.from_array(np.array(v, dtype=np.int64), name)
    return model(
        [
            h.make_node("Shape", ["x"], ["s"], name="shape"),
            h.make_node("Gather", ["s", "zero"], ["d0"], name="gather0", axis=0),
            h.make_node("Gather", ["s", "one"], ["d1"], name="gather1", axis=0),
            h.make_node("Mul", ["d0", "d1"], ["rows"], name="rows"),
            h.make_node("Unsqueeze", ["rows", "axes"], ["rows1"], name="unsqueeze"),
            h.make_node("Concat", ["rows1", "minus_one"], ["shape"], name="concat",
                        axis=0),
            h.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
            h.make_node("Transpose", ["r"], ["y"], name="transpose"),
        ],
        [info("x", T.FLOAT, [2, 3, 4])],
        [info("y", T.FLOAT, [4, 6])],
        [i64("zero", 0), i64("one", 1), i64("axes", [0]), i64("minus_one", [-1])],
    )


def data_movement(out):
    i64 = lambda name, v: nh.from_array(np.array(v, dtype=np.int64), name)
    return model(
        [
            h.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["sl"],
                        name="slice"),
            h.make_node("Split", ["x"], ["p0", "p1"], name="split", axis=1,
                        num_outputs=2),
            h.make_node("Pad", ["p0", "pads", "value"], ["pd"], name="pad"),
            h.make_node("Flatten", ["x"], ["fl"], name="flatten", axis=2),
            h.make_node("Squeeze", ["sq_in", "sq_axes"], ["sq"], name="squeeze"),
            h.make_node("Expand", ["sq", "ex_shape"], ["ex"], name="expand"),
            h.make_node("ConstantOfShape", ["cs_shape"], ["cs"], name="cos",
                        value=nh.from_array(np.array([3], dtype=np.int32))),
        ],
        [info("x", T.FLOAT, [2, 4, 6]), info("sq_in", T.FLOAT, [1, 5, 1])],
        [info("sl", T.FLOAT, None), info("p1", T.FLOAT, None),
         info("pd", T.FLOAT, None), info("fl", T.FLOAT, None),
         info("ex", T.FLOAT, None), info("cs", T.INT32, None)],
        [i64("starts", [-1, 0]), i64("ends", [-100, 6]), i64("axes", [1, 2]),
         i64("steps", [-2, 3]), i64("pads", [0, 1, 0, 0, 1, 0]),
         nh.from_array(np.array(0.5, dtype=np.float32), "value"),
         i64("sq_axes", [0, 2]), i64("ex_shape", [3, 1]), i64("cs_shape", [2, 2])],
    )


def initializers(out):
    """Small typed initializers (float_data, double_data), a raw one, and a
    large one that becomes a dense resource."""
    small = h.make_tensor("small", T.FLOAT, [2], [1.5, -2.0])
    small64 = h.make_tensor("small64", T.DOUBLE, [2], [0.1, -2.5])
    raw = nh.from_array(np.array([[1, 2], [3, 4]], dtype=np.int64), "raw")
    big = nh.from_array(np.arange(128, dtype=np.float32).reshape(2, 64), "big.weight")
    return model(
        [
            h.make_node("Add", ["x", "small"], ["a"], name="add"),
            h.make_node("Identity", ["raw"], ["r"], name="id"),
            h.make_node("Identity", ["big.weight"], ["m"], name="id2"),
            h.make_node("Identity", ["small64"], ["d"], name="id3"),
        ],
        [info("x", T.FLOAT, [2])],
        [info("a", T.FLOAT, [2]), info("r", T.INT64, [2, 2]),
         info("m", T.FLOAT, [2, 64]), info("d", T.DOUBLE, [2])],
        [small, raw, big, small64],
    )


def external_data(out):
    """A weight kept in an external data file next to the model."""
    weight = np.arange(100, dtype=np.float32)
    folder = os.path.dirname(os.path.abspath(out))
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.write(b"\0" * 16 + weight.tobytes())
    tensor = T()
    tensor.name, tensor.data_type = "w", T.FLOAT
    tensor.dims.append(100)
    tensor.data_location = T.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", "16"),
                       ("length", str(weight.nbytes))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return model([h.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [info("x", T.FLOAT, [100])], [info("y", T.FLOAT, [100])],
                 [tensor])


def _external(location):
    def build(out):
        m = external_data(out)
        for entry in m.graph.initializer[0].external_data:
            if entry.key == "location":
                entry.value = location
        return m
    return build


def unsupported(out):
    return model(
        [
            h.make_node("Relu", ["x"], ["a"], name="relu"),
            h.make_node("NonMaxSuppression", ["a"], ["b"], name="nms"),
            h.make_node("Unique", ["b"], ["c"], name="unique_1"),
            h.make_node("Unique", ["c"], ["y"], name="unique_2"),
            h.make_node("Foo", ["x"], ["z"], name="custom", domain="com.example"),
        ],
        [info("x", T.FLOAT, [4])],
        [info("y", T.FLOAT, [4]), info("z", T.FLOAT, [4])],
    )


def activations(out):
    """Every activation Rong composes from elementwise ops, on one input."""
    ops = [("Elu", {"alpha": 0.5}), ("Celu", {"alpha": 2.0}), ("Selu", {}),
           ("HardSigmoid", {"alpha": 0.25, "beta": 0.4}), ("HardSwish", {}),
           ("Softplus", {}), ("Softsign", {}), ("Mish", {}),
           ("Swish", {"alpha": 2.0}), ("ThresholdedRelu", {"alpha": 0.5}),
           ("Shrink", {"lambd": 1.5, "bias": 0.25})]
    nodes = [h.make_node(op, ["x"], [op.lower()], name=op.lower(), **attrs)
             for op, attrs in ops]
    nodes.append(h.make_node("PRelu", ["x", "slope"], ["prelu"], name="prelu"))
    outputs = [op.lower() for op, _ in ops] + ["prelu"]
    # Swish is in the default domain from opset 24.
    return model(nodes, [info("x", T.FLOAT, [2, 3])],
                 [info(o, T.FLOAT, [2, 3]) for o in outputs],
                 [nh.from_array(np.array([0.1, 0.2, 0.3], dtype=np.float32),
                                "slope")], opset=24)


def math_ops(out):
    """Mod in both modes (and folded on constants), Round, the trigonometric
    and hyperbolic functions, IsNaN and IsInf."""
    unary = ["Round", "Tan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "IsNaN"]
    nodes = [h.make_node(op, ["x"], [op.lower()], name=op.lower())
             for op in unary]
    nodes += [
        h.make_node("IsInf", ["x"], ["isinf"], name="isinf", detect_negative=0),
        h.make_node("Mod", ["a", "b"], ["mod"], name="mod"),
        h.make_node("Mod", ["x", "x"], ["fmod"], name="fmod", fmod=1),
        h.make_node("Mod", ["ca", "cb"], ["folded"], name="folded"),
    ]
    outputs = [info(op.lower(), T.FLOAT, [4]) for op in unary[:-1]]
    outputs += [info("isnan", T.BOOL, [4]), info("isinf", T.BOOL, [4]),
                info("mod", T.INT64, [4]), info("fmod", T.FLOAT, [4]),
                info("folded", T.INT64, [4])]
    i64 = lambda name, v: nh.from_array(np.array(v, dtype=np.int64), name)
    return model(nodes, [info("x", T.FLOAT, [4]), info("a", T.INT64, [4]),
                         info("b", T.INT64, [4])], outputs,
                 [i64("ca", [7, -7, 7, -7]), i64("cb", [3, 3, -3, -3])])


def generators(out):
    """Range on constants, EyeLike, Trilu with a constant and a run-time k,
    and Hardmax."""
    scalar = lambda name, v, t: nh.from_array(np.array(v, dtype=t), name)
    return model(
        [
            h.make_node("Range", ["r0", "r1", "r2"], ["range_i"], name="range_i"),
            h.make_node("Range", ["f0", "f1", "f2"], ["range_f"], name="range_f"),
            h.make_node("EyeLike", ["m"], ["eye"], name="eye", k=1,
                        dtype=T.INT32),
            h.make_node("Trilu", ["m", "two"], ["triu"], name="triu"),
            h.make_node("Trilu", ["m", "k"], ["tril"], name="tril", upper=0),
            h.make_node("Hardmax", ["m"], ["hardmax"], name="hardmax", axis=0),
        ],
        [info("m", T.FLOAT, [3, 4]), info("k", T.INT64, [])],
        [info("range_i", T.INT64, None), info("range_f", T.FLOAT, None),
         info("eye", T.INT32, None), info("triu", T.FLOAT, None),
         info("tril", T.FLOAT, None), info("hardmax", T.FLOAT, None)],
        [scalar("r0", 10, np.int64), scalar("r1", 1, np.int64),
         scalar("r2", -3, np.int64), scalar("f0", 0.5, np.float32),
         scalar("f1", 2.0, np.float32), scalar("f2", 0.5, np.float32),
         scalar("two", 2, np.int64)],
    )


def normalizations(out):
    """LpNormalization (L1) and InstanceNormalization."""
    return model(
        [
            h.make_node("LpNormalization", ["x"], ["l1"], name="l1", axis=1, p=1),
            h.make_node("InstanceNormalization", ["x", "scale", "bias"],
                        ["inorm"], name="inorm", epsilon=1e-3),
        ],
        [info("x", T.FLOAT, [2, 3, 4, 5])],
        [info("l1", T.FLOAT, None), info("inorm", T.FLOAT, None)],
        [nh.from_array(np.array([1, 2, 3], dtype=np.float32), "scale"),
         nh.from_array(np.array([0, 0.5, -0.5], dtype=np.float32), "bias")],
    )


def losses(out):
    """GatherElements, a weighted NLL loss with ignore_index, and a softmax
    cross-entropy with its log_prob output."""
    return model(
        [
            h.make_node("GatherElements", ["x", "t2"], ["ge"], name="ge", axis=1),
            h.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["nll"],
                        name="nll", ignore_index=-1),
            h.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["sce", "logp"],
                        name="sce", reduction="sum"),
        ],
        [info("x", T.FLOAT, [4, 5]), info("t", T.INT64, [4]),
         info("t2", T.INT32, [4, 2])],
        [info(o, T.FLOAT, None) for o in ("ge", "nll", "sce", "logp")],
        [nh.from_array(np.array([1, 2, 3, 4, 5], dtype=np.float32), "w")],
    )


def loss_errors(out):
    """Loss nodes with a bad target, weight and reduction."""
    return model(
        [
            h.make_node("NegativeLogLikelihoodLoss", ["x", "t3"], ["a"], name="shape"),
            h.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w3"], ["b"],
                        name="weight"),
            h.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["c"], name="red",
                        reduction="avg"),
            h.make_node("GatherElements", ["x", "t"], ["d"], name="ge"),
            h.make_node("NegativeLogLikelihoodLoss", ["v", "t"], ["e"],
                        name="rank"),
            h.make_node("SoftmaxCrossEntropyLoss", ["x2", "t"], ["f"],
                        name="ints"),
        ],
        [info("x", T.FLOAT, [4, 5]), info("t", T.INT64, [4]),
         info("t3", T.INT64, [4, 5]), info("w3", T.FLOAT, [3]),
         info("x2", T.INT64, [4, 5]), info("v", T.FLOAT, [4])],
        [info(o, T.FLOAT, None) for o in ("a", "b", "c", "d", "e", "f")],
    )


def runtime_axes(out):
    """ReduceSum whose axes are a graph input, as the node tests give it."""
    return model([h.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum",
                              keepdims=0)],
                 [info("x", T.FLOAT, [3, 4]), info("axes", T.INT64, [1])],
                 [info("y", T.FLOAT, None)])


def rearrange(out):
    """DepthToSpace in both modes, SpaceToDepth and Tile."""
    return model(
        [
            h.make_node("DepthToSpace", ["x"], ["dcr"], name="dcr", blocksize=2),
            h.make_node("DepthToSpace", ["x"], ["crd"], name="crd", blocksize=2,
                        mode="CRD"),
            h.make_node("SpaceToDepth", ["x"], ["s2d"], name="s2d", blocksize=3),
            h.make_node("Tile", ["t", "repeats"], ["tile"], name="tile"),
        ],
        [info("x", T.FLOAT, ["n", 12, 3, 6]), info("t", T.FLOAT, [2, 3])],
        [info("dcr", T.FLOAT, None), info("crd", T.FLOAT, None),
         info("s2d", T.FLOAT, None), info("tile", T.FLOAT, None)],
        [nh.from_array(np.array([3, 2], dtype=np.int64), "repeats")],
    )


def resize(out):
    """Resize as exporters write it: a nearest 2x upsample of H and W
    (torch's Upsample: asymmetric, floor) and a linear downsample of W by
    sizes along axes [3] (half_pixel)."""
    return model(
        [
            h.make_node("Resize", ["x", "", "scales"], ["up"], name="up",
                        mode="nearest", nearest_mode="floor",
                        coordinate_transformation_mode="asymmetric"),
            h.make_node("Resize", ["x", "", "", "sizes"], ["down"],
                        name="down", mode="linear", axes=[3]),
        ],
        [info("x", T.FLOAT, [1, 2, 3, 4])],
        [info("up", T.FLOAT, None), info("down", T.FLOAT, None)],
        [nh.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales"),
         nh.from_array(np.array([3], dtype=np.int64), "sizes")],
    )


def attention(out):
    """ONNX Attention with grouped-query heads (4 query heads, 2 KV heads)
    on 3-D inputs, causal, with a KV cache of 2 past positions."""
    return model(
        [h.make_node("Attention", ["q", "k", "v", "", "pk", "pv"],
                     ["y", "present_k", "present_v"], name="attn",
                     q_num_heads=4, kv_num_heads=2, is_causal=1)],
        [info("q", T.FLOAT, [1, 3, 32]), info("k", T.FLOAT, [1, 3, 16]),
         info("v", T.FLOAT, [1, 3, 16]), info("pk", T.FLOAT, [1, 2, 2, 8]),
         info("pv", T.FLOAT, [1, 2, 2, 8])],
        [info("y", T.FLOAT, None), info("present_k", T.FLOAT, None),
         info("present_v", T.FLOAT, None)],
        opset=23)


def attention_errors(out):
    """Attention nodes Rong must refuse, each reported."""
    def attn(name, inputs, **attrs):
        return h.make_node("Attention", inputs, [name], name=name, **attrs)
    return model(
        [
            attn("no_heads", ["q3", "q3", "q3"]),
            attn("heads_apart", ["q", "k3heads", "k3heads"]),
            attn("past_alone", ["q", "q", "q", "", "q"]),
            attn("long_mask", ["q", "q", "q", "mask9"]),
            attn("int_softmax", ["q", "q", "q"], softmax_precision=6),
            attn("int_q", ["i", "i", "i"]),
        ],
        [info("q3", T.FLOAT, [1, 4, 8]), info("q", T.FLOAT, [1, 4, 4, 8]),
         info("k3heads", T.FLOAT, [1, 3, 4, 8]),
         info("mask9", T.FLOAT, [4, 9]), info("i", T.INT32, [1, 4, 4, 8])],
        [info(o, T.FLOAT, None) for o in (
            "no_heads", "heads_apart", "past_alone", "long_mask",
            "int_softmax", "int_q")],
        opset=23)


def quantize(out):
    """x -> QuantizeLinear (int8, per channel) -> DequantizeLinear -> Relu,
    and an int16 weight dequantized per block of 2 rows."""
    return model(
        [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=1),
         h.make_node("DequantizeLinear", ["q", "s", "z"], ["d"], axis=1),
         h.make_node("Relu", ["d"], ["y"]),
         h.make_node("DequantizeLinear", ["w", "ws"], ["wd"], axis=0,
                     block_size=2)],
        [info("x", T.FLOAT, [2, 3, 4])],
        [info("y", T.FLOAT, [2, 3, 4]), info("wd", T.FLOAT, [3, 2])],
        [nh.from_array(np.array([0.5, 0.25, 0.125], np.float32), "s"),
         nh.from_array(np.array([1, -2, 0], np.int8), "z"),
         nh.from_array(np.array([[1, -1], [300, 7], [-5, 0]], np.int16),
                       "w"),
         nh.from_array(np.array([[0.5, 2.0], [4.0, 8.0]], np.float32),
                       "ws")],
        opset=21)


def int8_arith(out):
    """int8 Add then Max over 64 x 64: wraps around, reads 16 lanes."""
    return model(
        [h.make_node("Add", ["a", "b"], ["s"]),
         h.make_node("Max", ["s", "a"], ["y"])],
        [info("a", T.INT8, [64, 64]), info("b", T.INT8, [64, 64])],
        [info("y", T.INT8, [64, 64])])


def uint8_arith(out):
    """uint8 Add, Div, Max and Greater over 64 x 64: unsigned compares,
    division and max, 16 lanes at a time."""
    return model(
        [h.make_node("Add", ["a", "b"], ["s"]),
         h.make_node("Div", ["s", "b"], ["d"]),
         h.make_node("Max", ["d", "a"], ["y"]),
         h.make_node("Greater", ["y", "b"], ["g"])],
        [info("a", T.UINT8, [64, 64]), info("b", T.UINT8, [64, 64])],
        [info("y", T.UINT8, [64, 64]), info("g", T.BOOL, [64, 64])])


def quantize_errors(out):
    """Quantization nodes Rong must refuse, each reported."""
    def node(op, name, inputs, **attrs):
        return h.make_node(op, inputs, [name], name=name, **attrs)
    return model(
        [
            node("QuantizeLinear", "to_uint4", ["x", "s"], output_dtype=21),
            node("QuantizeLinear", "short_axis", ["x", "s2", "z2"], axis=1),
            node("QuantizeLinear", "to_float", ["x", "s"], output_dtype=1),
            node("QuantizeLinear", "far_axis", ["x", "s3", "z3"], axis=3),
            node("DequantizeLinear", "float_x", ["x", "s"]),
            node("DequantizeLinear", "zero_apart", ["i8", "s", "z16"]),
            node("DequantizeLinear", "bad_blocks", ["i8", "s3"], axis=1,
                 block_size=2),
            node("QLinearMatMul", "wide_y_scale",
                 ["m8", "s", "z8", "m8", "s", "z8", "s2", "z8"]),
            node("ReduceMax", "max_u8", ["u8"], keepdims=0),
        ],
        [info("x", T.FLOAT, [2, 3, 4]), info("i8", T.INT8, [2, 3, 4]),
         info("m8", T.INT8, [2, 2]), info("u8", T.UINT8, [4])],
        [info(o, T.FLOAT, None) for o in (
            "to_uint4", "short_axis", "to_float", "far_axis", "float_x",
            "zero_apart", "bad_blocks", "wide_y_scale")]
        + [info("max_u8", T.UINT8, None)],
        [nh.from_array(np.array(0.5, np.float32), "s"),
         nh.from_array(np.array([0.5, 0.25], np.float32), "s2"),
         nh.from_array(np.array([1, 2], np.int8), "z2"),
         nh.from_array(np.array([0.5, 0.25, 1.0], np.float32), "s3"),
         nh.from_array(np.array([1, 2, 3], np.int8), "z3"),
         nh.from_array(np.array(1, np.int16), "z16"),
         nh.from_array(np.array(1, np.int8), "z8")],
        opset=23)


def quantize_uint8(out):
    """An onnxruntime-style QDQ pair with a uint8 zero point, and a
    QuantizeLinear without one (UINT8 by default)."""
    return model(
        [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
         h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"]),
         h.make_node("QuantizeLinear", ["x", "s"], ["q0"])],
        [info("x", T.FLOAT, [4])],
        [info("y", T.FLOAT, [4]), info("q0", T.UINT8, [4])],
        [nh.from_array(np.array(0.5, np.float32), "s"),
         nh.from_array(np.array(128, np.uint8), "z")],
        opset=21)


def resize_errors(out):
    """Resize nodes Rong cannot or must not import, each reported."""
    def resize(name, inputs, **attrs):
        return h.make_node("Resize", inputs, [name], name=name, **attrs)
    return model(
        [
            resize("runtime_scales", ["x", "", "s"]),
            resize("both", ["x", "", "scales", "sizes"]),
            resize("neither", ["x"]),
            resize("bad_mode", ["x", "", "scales"], mode="area"),
            resize("antialias_nearest", ["x", "", "scales"], antialias=1),
            resize("int_linear", ["i", "", "scales"], mode="linear"),
            resize("short_scales", ["x", "", "two"]),
            resize("bad_coordinates", ["x", "", "scales"],
                   coordinate_transformation_mode="centre"),
        ],
        [info("x", T.FLOAT, [1, 1, 2, 2]), info("s", T.FLOAT, [4]),
         info("i", T.INT32, [1, 1, 2, 2])],
        [info(o, T.FLOAT, None) for o in (
            "runtime_scales", "both", "neither", "bad_mode",
            "antialias_nearest", "short_scales", "bad_coordinates")]
        + [info("int_linear", T.INT32, None)],
        [nh.from_array(np.array([1, 1, 2, 2], dtype=np.float32), "scales"),
         nh.from_array(np.array([1, 1, 4, 4], dtype=np.int64), "sizes"),
         nh.from_array(np.array([2, 2], dtype=np.float32), "two")],
    )


def composed_errors(out):
    """One bad use of each composed converter that needs compile-time data;
    every node fails on its own, so one import reports them all."""
    return model(
        [
            h.make_node("Range", ["n", "n", "n"], ["r"], name="range"),
            h.make_node("Trilu", ["dyn"], ["tr"], name="trilu"),
            h.make_node("Tile", ["x", "n"], ["ti"], name="tile"),
            h.make_node("DepthToSpace", ["img"], ["d2s"], name="d2s", blocksize=2),
            h.make_node("PRelu", ["x", "wide"], ["pr"], name="prelu"),
            h.make_node("LpNormalization", ["x"], ["lp"], name="lp", p=3),
            h.make_node("Hardmax", ["dyn"], ["hm"], name="hardmax", axis=0),
        ],
        [info("n", T.INT64, []), info("dyn", T.FLOAT, ["rows", 4]),
         info("x", T.FLOAT, [3]), info("img", T.FLOAT, [1, 6, 2, 2]),
         info("wide", T.FLOAT, [2, 3])],
        [info(o, T.FLOAT, None) for o in ("tr", "ti", "d2s", "pr", "lp", "hm")]
        + [info("r", T.INT64, None)],
    )


def window_errors(out):
    """Convolutions and pools whose inputs or attributes do not describe a
    1-D or 2-D window; each node fails on its own."""
    w1 = h.make_tensor("w1", T.FLOAT, [4, 3, 3], [0.0] * 36)
    w2 = h.make_tensor("w2", T.FLOAT, [4, 3, 3, 3], [0.0] * 108)
    return model(
        [
            h.make_node("Conv", ["vol", "w2"], ["c3"], name="conv3d"),
            h.make_node("Conv", ["seq", "w2"], ["cw"], name="conv_weight"),
            h.make_node("Conv", ["seq", "w1"], ["cs"], name="conv_strides",
                        strides=[2, 2]),
            h.make_node("MaxPool", ["seq"], ["mp"], name="maxpool_kernel",
                        kernel_shape=[2, 2]),
            h.make_node("AveragePool", ["seq"], ["ap"], name="avgpool_dil",
                        kernel_shape=[2], dilations=[2]),
            h.make_node("MaxPool", ["dyn"], ["md"], name="maxpool_same",
                        kernel_shape=[3], auto_pad="SAME_UPPER"),
        ],
        [info("vol", T.FLOAT, [1, 3, 4, 4, 4]), info("seq", T.FLOAT, [1, 3, 9]),
         info("dyn", T.FLOAT, [1, 3, "width"])],
        [info(o, T.FLOAT, None) for o in ("c3", "cw", "cs", "mp", "ap", "md")],
        [w1, w2],
    )


def conv_transpose_errors(out):
    """ConvTranspose nodes with weights, biases or attributes that do not fit
    their input; each fails on its own."""
    w3 = h.make_tensor("w3", T.FLOAT, [3, 2, 3, 3], [0.0] * 54)
    w4 = h.make_tensor("w4", T.FLOAT, [4, 2, 3, 3], [0.0] * 72)
    b3 = h.make_tensor("b3", T.FLOAT, [3], [0.0] * 3)
    node = lambda name, inputs, **attrs: h.make_node(  # noqa: E731
        "ConvTranspose", inputs, [name], name=name, **attrs)
    names = ["ct_channels", "ct_group", "ct_bias", "ct_shape", "ct_pads",
             "ct_autopad", "ct_dynamic"]
    return model(
        [
            node("ct_channels", ["img", "w4"]),
            node("ct_group", ["img", "w3"], group=2),
            node("ct_bias", ["img", "w3", "b3"]),
            node("ct_shape", ["img", "w3"], output_shape=[1, 2, 3]),
            node("ct_pads", ["img", "w3"], pads=[4, 0, 4, 0]),
            node("ct_autopad", ["img", "w3"], auto_pad="SAME"),
            node("ct_dynamic", ["dyn", "w3"]),
        ],
        [info("img", T.FLOAT, [1, 3, 5, 5]),
         info("dyn", T.FLOAT, [1, 3, "height", 5])],
        [info(o, T.FLOAT, None) for o in names],
        [w3, w4, b3],
    )


def symbolic_dims(out):
    """A Relu whose input has a symbolic batch and sequence length."""
    return model([h.make_node("Relu", ["x"], ["y"], name="relu")],
                 [info("x", T.FLOAT, ["batch", "seq", 8])],
                 [info("y", T.FLOAT, ["batch", "seq", 8])])


def old_opset(out):
    return model([h.make_node("Relu", ["x"], ["y"], name="relu")],
                 [info("x", T.FLOAT, [4])], [info("y", T.FLOAT, [4])], opset=6)


def old_opset_errors(out):
    """Opset-8 nodes whose old forms Rong refuses; each fails on its own."""
    c = [h.make_tensor(n, T.FLOAT, [3], [1.0, 1.0, 1.0])
         for n in ("scale", "bias", "mean", "var")]
    return model(
        [
            h.make_node("BatchNormalization",
                        ["img", "scale", "bias", "mean", "var"], ["bn"],
                        name="bn", spatial=0),
            h.make_node("Upsample", ["img"], ["up"], name="upsample"),
            h.make_node("Resize", ["img", "s"], ["rs"], name="resize",
                        mode="cubic"),
            h.make_node("Slice", ["img"], ["sl"], name="slice", ends=[1]),
            h.make_node("Softmax", ["dyn"], ["sm"], name="softmax"),
        ],
        [info("img", T.FLOAT, [1, 3, 4, 4]), info("s", T.FLOAT, [4]),
         info("dyn", T.FLOAT, [2, "n", 4])],
        [info(o, T.FLOAT, None) for o in ("bn", "up", "rs", "sl", "sm")],
        c, opset=8)


def bitwise(out):
    """BitwiseAnd / Or / Xor / Not and BitShift both ways on uint8, with a
    broadcast shift amount."""
    return model(
        [h.make_node("BitwiseAnd", ["a", "b"], ["and"], name="and"),
         h.make_node("BitwiseOr", ["a", "b"], ["or"], name="or"),
         h.make_node("BitwiseXor", ["a", "b"], ["xor"], name="xor"),
         h.make_node("BitwiseNot", ["a"], ["not"], name="not"),
         h.make_node("BitShift", ["a", "n"], ["left"], name="left",
                     direction="LEFT"),
         h.make_node("BitShift", ["a", "n"], ["right"], name="right",
                     direction="RIGHT")],
        [info("a", T.UINT8, [2, 4]), info("b", T.UINT8, [2, 4]),
         info("n", T.UINT8, [4])],
        [info(o, T.UINT8, [2, 4])
         for o in ("and", "or", "xor", "not", "left", "right")])


def bitshift_errors(out):
    """A BitShift with a direction that is neither LEFT nor RIGHT."""
    return model(
        [h.make_node("BitShift", ["a", "a"], ["y"], name="up",
                     direction="UP")],
        [info("a", T.UINT32, [4])], [info("y", T.UINT32, [4])])


def complex_input(out):
    return model([h.make_node("Identity", ["x"], ["y"], name="identity")],
                 [info("x", T.COMPLEX64, [4])], [info("y", T.COMPLEX64, [4])])


def dynamic_reshape(out):
    return model([h.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                 [info("x", T.FLOAT, [2, 3]), info("shape", T.INT64, [2])],
                 [info("y", T.FLOAT, None)])


def bad_attribute(out):
    return model([h.make_node("Gelu", ["x"], ["y"], name="gelu",
                              approximate="sigmoid")],
                 [info("x", T.FLOAT, [4])], [info("y", T.FLOAT, [4])])


def truncated_initializer(out):
    t = nh.from_array(np.arange(6, dtype=np.float32), "w")
    t.raw_data = t.raw_data[:10]
    return model([h.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [info("x", T.FLOAT, [6])], [info("y", T.FLOAT, [6])], [t])


def undefined_input(out):
    return model([h.make_node("Add", ["x", "nowhere"], ["y"], name="add")],
                 [info("x", T.FLOAT, [4])], [info("y", T.FLOAT, [4])])


BUILDERS = {
    "elementwise": elementwise,
    "shape_chain": shape_chain,
    "data_movement": data_movement,
    "initializers": initializers,
    "external_data": external_data,
    "external_escape": _external("../outside.bin"),
    "external_absolute": _external("/etc/passwd"),
    "external_missing": _external("missing.bin"),
    "activations": activations,
    "math_ops": math_ops,
    "generators": generators,
    "normalizations": normalizations,
    "rearrange": rearrange,
    "losses": losses,
    "runtime_axes": runtime_axes,
    "loss_errors": loss_errors,
    "composed_errors": composed_errors,
    "resize": resize,
    "resize_errors": resize_errors,
    "attention": attention,
    "attention_errors": attention_errors,
    "quantize": quantize,
    "quantize_errors": quantize_errors,
    "int8_arith": int8_arith,
    "uint8_arith": uint8_arith,
    "quantize_uint8": quantize_uint8,
    "unsupported": unsupported,
    "window_errors": window_errors,
    "conv_transpose_errors": conv_transpose_errors,
    "symbolic_dims": symbolic_dims,
    "old_opset": old_opset,
    "old_opset_errors": old_opset_errors,
    "complex_input": complex_input,
    "bitwise": bitwise,
    "bitshift_errors": bitshift_errors,
    "dynamic_reshape": dynamic_reshape,
    "bad_attribute": bad_attribute,
    "truncated_initializer": truncated_initializer,
    "undefined_input": undefined_input,
}


def main():
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    if name == "garbage":
        with open(out, "wb") as f:
            f.write(b"\x08\x07 this is not protobuf \xff\xff\xff")
        return
    onnx.save(BUILDERS[name](out), out)


if __name__ == "__main__":
    main()
