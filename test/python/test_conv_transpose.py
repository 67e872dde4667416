"""ONNX ConvTranspose, which Rong runs as one stride-1 convolution per
output phase (lib/Frontend/OnnxConvTranspose.cpp): one-node models with
random data, compiled by rongc, run by rong-run and compared with
onnxruntime at float32 tolerances.

The geometries cover what the phase split has to get right: kernels larger
and smaller than the stride (phases no tap reaches hold only the bias),
dilations sharing a factor with the stride, pads larger than the kernel
(phases that crop their input), output_padding, output_shape and auto_pad,
groups and 1-D inputs. The plan must show one library
convolution per reached phase and no kernel on the constant weights."""

import subprocess

import numpy as np
import onnx
import pytest
import torch

import rong_tools
from test_cpu_kernels import assert_matches, make_model, run_both

RNG = np.random.default_rng(11)

# (input shape, weight shape C x M/group x k..., attributes, reached phases)
GEOMETRIES = [
    # The usual 2x upsampling layers: k3 s2 p1 with output_padding, the
    # DCGAN k4 s2 p1, and the U-Net k2 s2.
    ((2, 8, 5, 6), (8, 4, 3, 3),
     dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]), 4),
    ((1, 6, 7, 7), (6, 3, 4, 4), dict(strides=[2, 2], pads=[1, 1, 1, 1]), 4),
    ((2, 4, 6, 5), (4, 5, 2, 2), dict(strides=[2, 2]), 4),
    # Stride 1: one phase, pads above the kernel crop the input.
    ((1, 3, 9, 8), (3, 2, 3, 3), dict(pads=[3, 0, 4, 1]), 1),
    # Kernel smaller than the stride: phases 1 and 2 of each axis get only
    # the bias.
    ((1, 4, 4, 5), (4, 3, 1, 2), dict(strides=[3, 3]), 2),
    # Dilation 2 with stride 2: odd phases are reached by no tap.
    ((1, 2, 6, 6), (2, 2, 3, 3), dict(strides=[2, 2], dilations=[2, 2]), 1),
    # Dilation 3 with stride 2 (coprime): every phase, dilated taps.
    ((1, 2, 6, 7), (2, 3, 3, 2),
     dict(strides=[2, 1], dilations=[3, 1], pads=[2, 0, 1, 1]), 2),
    # Groups, mixed strides, asymmetric pads, output_padding on one axis.
    ((2, 6, 5, 4), (6, 2, 3, 4),
     dict(strides=[3, 2], pads=[0, 2, 1, 0], output_padding=[2, 0],
          group=3), 6),
    # Depthwise.
    ((1, 4, 5, 5), (4, 1, 3, 3),
     dict(strides=[2, 2], pads=[1, 1, 1, 1], group=4), 4),
    # output_shape (pads computed; the odd cut at the start for NOTSET) and
    # auto_pad SAME_UPPER / SAME_LOWER with odd totals.
    ((1, 3, 4, 4), (3, 2, 3, 3),
     dict(strides=[2, 2], output_shape=[9, 8]), 4),
    ((1, 3, 4, 5), (3, 2, 4, 3),
     dict(strides=[2, 3], auto_pad="SAME_UPPER"), 6),
    ((1, 3, 4, 5), (3, 2, 4, 3),
     dict(strides=[2, 3], auto_pad="SAME_LOWER"), 6),
    ((1, 3, 4, 5), (3, 2, 4, 3), dict(strides=[2, 3], auto_pad="VALID"), 6),
    # 1-D (N x C x W), run over a unit row.
    ((2, 6, 9), (6, 2, 5),
     dict(strides=[3], pads=[2, 1], dilations=[2], group=3), 3),
    ((3, 4, 10), (4, 4, 4), dict(strides=[2], pads=[1, 1]), 2),
]


def conv_transpose_model(x_shape, w_shape, attrs, bias=True,
                         batch_name=None):
    weight = RNG.standard_normal(w_shape).astype(np.float32)
    constants = {"w": weight}
    if bias:
        out_channels = w_shape[1] * attrs.get("group", 1)
        constants["b"] = RNG.standard_normal(out_channels).astype(np.float32)
    x = RNG.standard_normal(x_shape).astype(np.float32)
    model = make_model("ConvTranspose", [x], np.float32, attrs,
                       constants=constants)
    if batch_name:  # a symbolic batch, as exporters write it
        dim = model.graph.input[0].type.tensor_type.shape.dim[0]
        dim.ClearField("dim_value")
        dim.dim_param = batch_name
    return model, x


@pytest.mark.parametrize("x_shape,w_shape,attrs,phases", GEOMETRIES)
def test_conv_transpose_matches_onnxruntime(x_shape, w_shape, attrs, phases,
                                            tmp_path):
    model, x = conv_transpose_model(x_shape, w_shape, attrs)
    got, want, plan = run_both(model, [x], tmp_path)
    assert_matches(got, want)
    kernels, calls = rong_tools.plan_counts(plan)
    # One convolution per reached phase, the weights' taps folded at
    # compile time (no kernel reads them), the interleave, and a slice where
    # the stride does not divide the output.
    assert calls == phases, plan
    strides = attrs.get("strides", [1] * (len(x_shape) - 2))
    divides = all(size % stride == 0
                  for size, stride in zip(got.shape[2:], strides))
    assert kernels <= (1 if divides else 2), plan


def test_conv_transpose_without_bias(tmp_path):
    model, x = conv_transpose_model((1, 3, 4, 4), (3, 2, 1, 1),
                                    dict(strides=[2, 2]), bias=False)
    got, want, _ = run_both(model, [x], tmp_path)
    assert_matches(got, want)
    # Three of the four phases are reached by no tap: exact zeros.
    assert not got[:, :, 1::2, :].any() and not got[:, :, :, 1::2].any()


def test_conv_transpose_with_a_symbolic_batch(tmp_path):
    """A model whose batch is a dim_param compiles once it is given a size
    (rongc --dim N=3), and matches onnxruntime at that size."""
    model, _ = conv_transpose_model((1, 4, 5, 5), (4, 3, 3, 3),
                                    dict(strides=[2, 2], pads=[1, 1, 1, 1],
                                         output_padding=[1, 1]),
                                    batch_name="N")
    path = str(tmp_path / "model.onnx")
    onnx.save(model, path)
    artifact = str(tmp_path / "model.rong")
    done = subprocess.run([rong_tools.tool("rongc"), path, "-o", artifact,
                           "--dim", "N=3"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    x = RNG.standard_normal((3, 4, 5, 5)).astype(np.float32)
    got = rong_tools.run_artifact(artifact, [x], 1)[0]
    assert got.shape == (3, 3, 10, 10)
    assert_matches(got, rong_tools.onnxruntime_reference(path, [x])[0])


def test_conv_transpose_matches_pytorch(tmp_path):
    """A torch.nn.ConvTranspose2d exported to ONNX, against PyTorch itself."""
    torch.manual_seed(0)
    layer = torch.nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2,
                                     padding=1, output_padding=1, groups=2,
                                     dilation=2).eval()
    x = torch.randn(2, 8, 6, 7)
    path = str(tmp_path / "layer.onnx")
    torch.onnx.export(layer, (x,), path, dynamo=False, opset_version=17)
    artifact = str(tmp_path / "layer.rong")
    rong_tools.compile_model(path, artifact)
    got = rong_tools.run_artifact(artifact, [x.numpy()], 1)[0]
    with torch.no_grad():
        want = layer(x).numpy()
    assert_matches(got, want)
