"""Models at ONNX opsets 7 to 12, through rongc + rong-run, against
onnxruntime (which reads every opset since 7).

The ops whose meaning changed before opset 13 are each checked at the old
opset: Softmax, LogSoftmax and Hardmax over the input flattened to 2-D at
`axis`; Clip, Pad and Slice with attributes instead of inputs; Dropout's
float mask; Upsample and Resize-10 (asymmetric sampling, onnxruntime's
nearest rounding); Squeeze, Unsqueeze, ReduceSum and Split with attributes;
BatchNormalization-7. Then whole models: the ONNX test data's "light"
model-zoo networks (AlexNet to DenseNet-121, opset 9), and Rong's own test
models exported by PyTorch's TorchScript exporter at opsets 9, 11 and 12.
Refused old-opset nodes are tested in test/Frontend/Onnx/errors.test.
"""

import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import rong_tools

F32, I64 = TensorProto.FLOAT, TensorProto.INT64
RNG = np.random.default_rng(7)


def check(tmp_path, opset, nodes, inputs, outputs, inits=(), data=None):
    """Builds a graph at `opset`, runs it on onnxruntime and through Rong,
    and compares every output. `inputs`/`outputs` are (name, type, shape)."""
    path = str(tmp_path / "model.onnx")
    rong_tools.save_onnx_model(path, nodes, inputs, outputs, inits,
                               opset=opset)
    data = data or [RNG.standard_normal(shape).astype(np.float32)
                    for _, _, shape in inputs]
    want = rong_tools.onnxruntime_reference(path, data)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, data, len(outputs))
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
    rong_tools.assert_close(got, want, f"opset {opset}")
    return got


@pytest.mark.parametrize("op", ["Softmax", "LogSoftmax", "Hardmax"])
@pytest.mark.parametrize("opset,axis", [(11, None), (11, 2), (9, 0),
                                        (12, -1), (7, -3)])
def test_softmax_family_flattens_to_2d(op, opset, axis, tmp_path):
    attrs = {} if axis is None else {"axis": axis}
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    if op == "Hardmax":
        x = np.round(x * 2) / 2  # ties: the first largest wins
    check(tmp_path, opset, [helper.make_node(op, ["x"], ["y"], **attrs)],
          [("x", F32, [2, 3, 4, 5])], [("y", F32, [2, 3, 4, 5])], data=[x])


def test_softmax_flattened_matches_numpy(tmp_path):
    """The flattened softmax is not the one-axis one: the default axis 1
    normalises over 3 x 4 x 5 elements per batch entry."""
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    (got,) = check(tmp_path, 11, [helper.make_node("Softmax", ["x"], ["y"])],
                   [("x", F32, [2, 3, 4, 5])], [("y", F32, [2, 3, 4, 5])],
                   data=[x])
    np.testing.assert_allclose(got.reshape(2, -1).sum(axis=1), [1, 1],
                               rtol=1e-5)


@pytest.mark.parametrize("attrs", [dict(min=-0.5, max=0.75), dict(min=0.1),
                                   dict(max=-0.2), {}])
def test_clip_attributes(attrs, tmp_path):
    check(tmp_path, 9, [helper.make_node("Clip", ["x"], ["y"], **attrs)],
          [("x", F32, [3, 7])], [("y", F32, [3, 7])])


@pytest.mark.parametrize("attrs,out", [
    (dict(pads=[1, 0, 2, 3], value=1.5), [6, 7]),
    (dict(pads=[0, 2, 0, 1], mode="reflect"), [3, 7]),
    (dict(pads=[2, 1, 0, 0], mode="edge"), [5, 5]),
])
def test_pad_attributes(attrs, out, tmp_path):
    check(tmp_path, 10, [helper.make_node("Pad", ["x"], ["y"], **attrs)],
          [("x", F32, [3, 4])], [("y", F32, out)])


@pytest.mark.parametrize("attrs,out", [
    (dict(starts=[1, 0], ends=[3, 100]), [2, 6]),
    (dict(starts=[-2], ends=[1000], axes=[1]), [4, 2]),
    (dict(starts=[0, 1], ends=[-1, -1], axes=[-1, 0]), [2, 5]),
])
def test_slice_attributes(attrs, out, tmp_path):
    check(tmp_path, 9, [helper.make_node("Slice", ["x"], ["y"], **attrs)],
          [("x", F32, [4, 6])], [("y", F32, out)])


@pytest.mark.parametrize("opset", [7, 10])
def test_dropout_mask(opset, tmp_path):
    """An inference Dropout keeps everything: its mask is all ones, of the
    input's type before opset 10 and boolean from then on. (onnxruntime
    1.30 gives a mask of zeros before opset 10; ONNX's reference gives
    ones.)"""
    mask_type = F32 if opset < 10 else TensorProto.BOOL
    nodes = [helper.make_node("Dropout", ["x"], ["d", "mask"], ratio=0.3),
             helper.make_node("Relu", ["d"], ["y"])]
    path = str(tmp_path / "model.onnx")
    rong_tools.save_onnx_model(path, nodes, [("x", F32, [4, 5])],
                               [("y", F32, [4, 5]),
                                ("mask", mask_type, [4, 5])], opset=opset)
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    y, mask = rong_tools.run_artifact(artifact, [x], 2)
    np.testing.assert_array_equal(y, np.maximum(x, 0))
    assert mask.dtype == (np.float32 if opset < 10 else np.bool_)
    np.testing.assert_array_equal(mask, np.ones((4, 5), mask.dtype))


@pytest.mark.parametrize("opset,mode,scales,out", [
    (7, "nearest", [1, 1, 2, 3], [1, 2, 6, 12]),
    (7, "linear", [1, 1, 2, 1.5], [1, 2, 6, 6]),
    (9, "nearest", [1, 1, 2.5, 2], [1, 2, 7, 8]),
    (9, "linear", [1, 1, 3, 2], [1, 2, 9, 8]),
])
def test_upsample(opset, mode, scales, out, tmp_path):
    if opset < 9:
        nodes = [helper.make_node("Upsample", ["x"], ["y"], mode=mode,
                                  scales=[float(s) for s in scales])]
        inits = []
    else:
        nodes = [helper.make_node("Upsample", ["x", "s"], ["y"], mode=mode)]
        inits = [numpy_helper.from_array(np.array(scales, np.float32), "s")]
    check(tmp_path, opset, nodes, [("x", F32, [1, 2, 3, 4])],
          [("y", F32, out)], inits)


@pytest.mark.parametrize("mode,scales,out", [
    ("nearest", [1, 1, 0.6, 0.5], [1, 2, 6, 5]),
    ("nearest", [1, 1, 1.7, 0.75], [1, 2, 17, 7]),
    ("linear", [1, 1, 0.6, 1.5], [1, 2, 6, 15]),
])
def test_resize_opset10(mode, scales, out, tmp_path):
    """Resize-10 samples at y / scale; nearest rounds down on a growing axis
    and up on a shrinking one, as onnxruntime does."""
    check(tmp_path, 10,
          [helper.make_node("Resize", ["x", "s"], ["y"], mode=mode)],
          [("x", F32, [1, 2, 10, 10])], [("y", F32, out)],
          [numpy_helper.from_array(np.array(scales, np.float32), "s")])


def test_attribute_axes_before_opset13(tmp_path):
    """Squeeze, Unsqueeze, ReduceSum and Split take attributes at opset
    11."""
    check(tmp_path, 11,
          [helper.make_node("Unsqueeze", ["x"], ["u"], axes=[0, 3]),
           helper.make_node("ReduceSum", ["u"], ["r"], axes=[1], keepdims=1),
           helper.make_node("Squeeze", ["r"], ["s"], axes=[0, 3]),
           helper.make_node("Split", ["s"], ["y0", "y1"], axis=1,
                            split=[2, 4])],
          [("x", F32, [4, 6])], [("y0", F32, [1, 2]), ("y1", F32, [1, 4])])


def test_batchnorm_opset7(tmp_path):
    c = 3
    inits = [numpy_helper.from_array(v.astype(np.float32), n) for n, v in [
        ("scale", RNG.standard_normal(c)), ("bias", RNG.standard_normal(c)),
        ("mean", RNG.standard_normal(c)),
        ("var", RNG.uniform(0.5, 2.0, c))]]
    check(tmp_path, 7,
          [helper.make_node("BatchNormalization",
                            ["x", "scale", "bias", "mean", "var"], ["y"],
                            epsilon=1e-3, spatial=1)],
          [("x", F32, [2, c, 5, 5])], [("y", F32, [2, c, 5, 5])], inits)


LIGHT_DIR = os.path.join(os.path.dirname(onnx.__file__),
                         "backend", "test", "data", "light")
LIGHT_MODELS = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2",
                "resnet50", "shufflenet", "squeezenet", "vgg19", "zfnet512"]


# SqueezeNet's constant weights grow its logits to about 5e9, all equal on
# onnxruntime; a summation order that differs by one rounding moves them
# by hundreds, which the softmax turns into a different distribution. Its
# logits (the softmax's input) are compared instead.
LOGITS = {"squeezenet": "r65"}


@pytest.mark.parametrize("name", LIGHT_MODELS)
def test_light_model_zoo(name, tmp_path):
    """The ONNX model zoo's classic CNNs at their opset (9), weights made by
    ConstantOfShape: Rong's outputs against onnxruntime's on a random input."""
    model = onnx.load(os.path.join(LIGHT_DIR, f"light_{name}.onnx"))
    assert model.opset_import[0].version == 9
    if name in LOGITS:
        del model.graph.output[:]
        model.graph.output.append(helper.make_tensor_value_info(
            LOGITS[name], F32, None))
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    inits = {i.name for i in model.graph.initializer}
    feeds = []
    for value in model.graph.input:
        if value.name in inits:
            continue
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        feeds.append(RNG.uniform(-1, 1, shape).astype(np.float32))
    want = rong_tools.onnxruntime_reference(path, feeds)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, feeds, len(want))
    rong_tools.assert_close(got, want, name)


@pytest.mark.parametrize("opset", [9, 11, 12])
@pytest.mark.parametrize("name", ["cnn", "resnet18", "mlp"])
def test_torchscript_export(name, opset, tmp_path):
    """Rong's test models as PyTorch's TorchScript exporter writes them at
    old opsets, against onnxruntime. (The encoder layer is left out: torch
    2.13's TorchScript exporter fails on its attention.)"""
    import warnings

    import torch

    import model_zoo

    torch.manual_seed(0)
    module, example = model_zoo.models()[name]
    model_zoo.randomize(module)
    module.eval()
    path = str(tmp_path / f"{name}_opset{opset}.onnx")
    warnings.filterwarnings("ignore")
    with torch.no_grad():
        torch.onnx.export(module, example, path, dynamo=False,
                          opset_version=opset)
    assert onnx.load(path).opset_import[0].version == opset
    inputs = [t.numpy() for t in example]
    want = rong_tools.onnxruntime_reference(path, inputs)
    artifact = str(tmp_path / "model.rong")
    rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, inputs, len(want))
    rong_tools.assert_close(got, want, f"{name} at opset {opset}")
