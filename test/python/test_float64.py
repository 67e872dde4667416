"""float64 narrowed to float16 and bfloat16 is rounded once.

ONNX Cast from DOUBLE to FLOAT16 / BFLOAT16 on the CPU, on OpenCL (PoCL)
and in sm_90's kernel IR printed as OpenCL C. Rounding an f64 to f32 first
and then to the 16-bit type rounds twice: an f64 just above a halfway point
of the 16-bit type rounds *to* that point in f32, and the tie then goes to
even, one ulp off. Every backend must give the correctly rounded value,
checked bit for bit against an exact reference on values built to sit just
above and just below halfway points (both signs, many exponents, f16's
subnormals), exact ties, and random values."""

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper

import rong_tools

BF16 = np.dtype(ml_dtypes.bfloat16)


def round_exactly(x, dtype):
    """Each f64 of `x` rounded to `dtype` to nearest, ties to even, chosen
    among the neighbours of a first guess by exact f64 differences (every
    f16 / bf16 value is an f64, and each difference here is exact)."""
    guess = x.astype(np.float32).astype(dtype).view(np.uint16)
    out = np.empty_like(guess)
    for i, (value, bits) in enumerate(zip(x, guess)):
        if not np.isfinite(value):
            out[i] = np.array([value]).astype(dtype).view(np.uint16)[0]
            continue
        candidates = {int(bits)}
        for step in (-1, 1):
            # Neighbours in value order: bits step the magnitude.
            candidates.add((int(bits) + step) & 0xFFFF)
        best = None
        for c in candidates:
            v = np.array([c], np.uint16).view(dtype)[0].astype(np.float64)
            if not np.isfinite(v) and np.isfinite(value):
                # Overflow: infinity only past the rounding boundary.
                continue
            key = (abs(v - value), c & 1)
            if best is None or key < best[0]:
                best = (key, c)
        out[i] = best[1]
    return out


def halfway_values(dtype):
    """f64 values at, just above and just below halfway points of `dtype`,
    and random values over a wide range."""
    mantissa = 10 if dtype == np.float16 else 7
    exponents = range(-14, 15) if dtype == np.float16 else range(-60, 61, 7)
    values = []
    for e in exponents:
        for m in (0, 1, 5, 2**mantissa - 1):
            halfway = (1 + (2 * m + 1) * 2.0**-(mantissa + 1)) * 2.0**e
            tiny = 2.0**(e - 40)
            values += [halfway, halfway + tiny, halfway - tiny]
    if dtype == np.float16:  # subnormals: halfway between k and k+1 * 2^-24
        values += [(k + 0.5) * 2.0**-24 + s * 2.0**-60
                   for k in (0, 1, 6) for s in (-1, 0, 1)]
    rng = np.random.default_rng(3)
    values += list(rng.standard_normal(200) * 2.0**rng.integers(-12, 12, 200))
    values = np.array(values, np.float64)
    return np.concatenate([values, -values, [0.0, -0.0, np.inf, -np.inf]])


TARGETS = [("cpu", "", "cpu"), ("opencl", "", "opencl"),
           ("sm_90", "opencl", "opencl")]


@pytest.mark.parametrize("target,profile,device", TARGETS,
                         ids=[t[0] for t in TARGETS])
@pytest.mark.parametrize("dtype", [np.float16, BF16], ids=["f16", "bf16"])
def test_cast_from_double_rounds_once(target, profile, device, dtype,
                                      tmp_path):
    x = halfway_values(dtype)
    onnx_type = TensorProto.FLOAT16 if dtype == np.float16 else \
        TensorProto.BFLOAT16
    path = str(tmp_path / "cast.onnx")
    rong_tools.save_onnx_model(
        path, [helper.make_node("Cast", ["x"], ["y"], to=onnx_type)],
        [("x", TensorProto.DOUBLE, list(x.shape))],
        [("y", onnx_type, list(x.shape))])
    artifact = str(tmp_path / "cast.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    (got,) = rong_tools.run_artifact(artifact, [x], 1, device=device)
    got = got.view(np.uint16)
    want = round_exactly(x, dtype)
    # The reference itself: a plain f32 detour is wrong on these values.
    detour = x.astype(np.float32).astype(dtype).view(np.uint16)
    assert np.count_nonzero(detour != want) > 20
    bad = got != want
    assert not bad.any(), (
        f"{np.count_nonzero(bad)} of {x.size} values rounded wrongly, e.g. "
        f"{x[bad][0]!r} gave bits {got[bad][0]:#06x}, expected "
        f"{want[bad][0]:#06x}")


@pytest.mark.parametrize("target,profile,device", TARGETS,
                         ids=[t[0] for t in TARGETS])
def test_pooling_in_double(target, profile, device, tmp_path):
    """Max, average (padding not counted, so the count varies by window)
    and global average pooling of f64 are computed in f64: the window count
    takes the pool's float type."""
    x = np.random.default_rng(5).standard_normal((1, 3, 9, 9))
    path = str(tmp_path / "pool.onnx")
    window = dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    rong_tools.save_onnx_model(
        path,
        [helper.make_node("MaxPool", ["x"], ["max"], **window),
         helper.make_node("AveragePool", ["x"], ["avg"], **window,
                          count_include_pad=0),
         helper.make_node("GlobalAveragePool", ["x"], ["global"])],
        [("x", TensorProto.DOUBLE, list(x.shape))],
        [("max", TensorProto.DOUBLE, [1, 3, 5, 5]),
         ("avg", TensorProto.DOUBLE, [1, 3, 5, 5]),
         ("global", TensorProto.DOUBLE, [1, 3, 1, 1])])
    artifact = str(tmp_path / "pool.rong")
    rong_tools.compile_model(path, artifact, target=target, profile=profile)
    got = rong_tools.run_artifact(artifact, [x], 3, device=device)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)),
                    constant_values=np.nan)
    windows = np.stack([padded[:, :, i:i + 9:2, j:j + 9:2]
                        for i in range(3) for j in range(3)])
    want = [np.nanmax(windows, 0), np.nanmean(windows, 0),
            x.mean((2, 3), keepdims=True)]
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)
