"""ONNX Resize, imported as constant-index gathers and weighted sums along
each resized axis (lib/Frontend/OnnxResize.cpp), matches onnxruntime in the
modes exporters write: nearest with each rounding mode, linear and cubic
with each coordinate transformation, antialiased downsampling, axes with a
kept aspect ratio, and tf_crop_and_resize with its extrapolation value; on
the CPU, on OpenCL and in sm_90's kernel IR run on OpenCL. A feature
pyramid's upsample-and-add fuses into one kernel.
"""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import rong_tools

F32, F16, I32 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT32
DTYPES = {F32: np.float32, F16: np.float16, I32: np.int32}


def const(name, values, dtype):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


# name -> (input element type and shape, attributes, scales, sizes, roi).
CASES = {
    # torch.nn.Upsample(scale_factor=2), as torch.onnx exports it.
    "nearest_torch_upsample": (
        (F32, [2, 3, 5, 7]),
        dict(mode="nearest", nearest_mode="floor",
             coordinate_transformation_mode="asymmetric"),
        [1, 1, 2, 2], None, None),
    # ONNX's defaults (half_pixel, round_prefer_floor) at a fractional scale.
    "nearest_default_1p5": (
        (F32, [1, 2, 6, 5]), {}, [1, 1, 1.5, 1.5], None, None),
    "nearest_round_prefer_ceil_down": (
        (F32, [1, 2, 9, 8]),
        dict(mode="nearest", nearest_mode="round_prefer_ceil"),
        None, [1, 2, 4, 5], None),
    # F.interpolate(mode="bilinear", align_corners=False).
    "linear_half_pixel_up": (
        (F32, [2, 3, 5, 6]), dict(mode="linear"), [1, 1, 2, 2], None, None),
    "linear_align_corners": (
        (F32, [1, 3, 5, 6]),
        dict(mode="linear", coordinate_transformation_mode="align_corners"),
        None, [1, 3, 9, 4], None),
    "linear_pytorch_half_pixel_down": (
        (F32, [1, 2, 8, 9]),
        dict(mode="linear",
             coordinate_transformation_mode="pytorch_half_pixel"),
        None, [1, 2, 3, 1], None),
    "cubic_up": (
        (F32, [1, 2, 5, 6]), dict(mode="cubic"), [1, 1, 2, 1.5], None, None),
    "cubic_exclude_outside": (
        (F32, [1, 2, 6, 6]),
        dict(mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1),
        [1, 1, 0.8, 1.6], None, None),
    "linear_antialias_down": (
        (F32, [1, 2, 12, 10]), dict(mode="linear", antialias=1),
        [1, 1, 0.6, 0.35], None, None),
    "cubic_antialias_down": (
        (F32, [1, 1, 12, 12]), dict(mode="cubic", antialias=1),
        None, [1, 1, 5, 7], None),
    "axes_not_larger": (
        (F32, [1, 3, 6, 8]),
        dict(mode="linear", axes=[3, 2], keep_aspect_ratio_policy="not_larger"),
        None, [10, 12], None),
    "crop_and_resize": (
        (F32, [1, 2, 6, 6]),
        dict(mode="linear", coordinate_transformation_mode="tf_crop_and_resize",
             extrapolation_value=10.0),
        None, [1, 2, 5, 4], [0, 0, 0.2, -0.3, 1, 1, 0.9, 1.2]),
    "f16_linear": (
        (F16, [1, 4, 6, 6]), dict(mode="linear"), [1, 1, 2, 2], None, None),
    "int_nearest": (
        (I32, [1, 2, 3, 3]), dict(mode="nearest"), [1, 1, 3, 2], None, None),
}

TARGETS = rong_tools.KERNEL_TARGETS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("resize")


def write_case(name, workdir):
    (elem, shape), attrs, scales, sizes, roi = CASES[name]
    inits = []
    inputs = ["x", "", "", ""]
    if roi is not None:
        inits.append(const("roi", roi, np.float32))
        inputs[1] = "roi"
    if scales is not None:
        inits.append(const("scales", scales, np.float32))
        inputs[2] = "scales"
    if sizes is not None:
        inits.append(const("sizes", sizes, np.int64))
        inputs[3] = "sizes"
    while not inputs[-1]:
        inputs.pop()
    node = helper.make_node("Resize", inputs, ["y"], **attrs)
    path = str(workdir / f"{name}.onnx")
    rong_tools.save_onnx_model(path, [node], [("x", elem, shape)],
                               [("y", elem, ["n", "c", "h", "w"])], inits,
                               opset=19)
    rng = np.random.default_rng(3)
    if elem == I32:
        x = rng.integers(-100, 100, shape).astype(np.int32)
    else:
        x = rng.standard_normal(shape).astype(DTYPES[elem])
    return path, x


# Every case on every target, but float16 on the opencl target, which has
# no float16 kernels.
PARAMS = [pytest.param(name, target, id=f"{name}-{target[0]}"
                       + (f"-{target[1]}" if target[1] else ""))
          for name in sorted(CASES) for target in TARGETS
          if not (CASES[name][0][0] == F16 and target[0] == "opencl")]


@pytest.mark.parametrize("name,target", PARAMS)
def test_resize_matches_onnxruntime(name, target, workdir):
    target, profile, device = target
    path, x = write_case(name, workdir)
    want = rong_tools.onnxruntime_reference(path, [x])
    artifact = str(workdir / f"{name}_{target}.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    got = rong_tools.run_artifact(artifact, [x], 1, device=device)
    rong_tools.assert_close(got, want, f"{name} ({target})")


def test_upsample_and_add_is_one_kernel(workdir):
    """A feature pyramid's top-down step: the coarse map upsampled 2x
    (nearest) and added to the finer one. The gathers read the coarse map
    where the sum needs it: one kernel, no upsampled tensor in memory."""
    path = str(workdir / "fpn.onnx")
    rong_tools.save_onnx_model(
        path,
        [helper.make_node("Resize", ["c", "", "scales"], ["up"],
                          mode="nearest", nearest_mode="floor",
                          coordinate_transformation_mode="asymmetric"),
         helper.make_node("Add", ["up", "f"], ["y"])],
        [("c", F32, [1, 64, 20, 20]), ("f", F32, [1, 64, 40, 40])],
        [("y", F32, [1, 64, 40, 40])],
        [const("scales", [1, 1, 2, 2], np.float32)], opset=19)
    rng = np.random.default_rng(4)
    feeds = [rng.standard_normal((1, 64, 20, 20)).astype(np.float32),
             rng.standard_normal((1, 64, 40, 40)).astype(np.float32)]
    artifact = str(workdir / "fpn.rong")
    plan = rong_tools.compile_model(path, artifact)
    assert rong_tools.plan_counts(plan) == (1, 0), plan
    got = rong_tools.run_artifact(artifact, feeds, 1)
    want = rong_tools.onnxruntime_reference(path, feeds)
    rong_tools.assert_close(got, want, "upsample + add")
