"""End to end on the CPU: PyTorch models exported to ONNX, compiled by rongc
into artifacts, run by rong-run, and compared with onnxruntime (all graph
optimisations on) at float32 tolerances. The unfused build of each model
(--no-fusion) must give the same numbers with more kernels."""

import numpy as np
import pytest

import model_zoo
import rong_tools

# Models every commit must compile and match.
MODELS = ["mlp", "mlp_f64", "bert_layer", "llama_layer", "cnn", "resnet18",
          "unet", "layernorm", "softmax", "gelu", "rmsnorm",
          "softmax_channels"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


reference = rong_tools.onnxruntime_reference
assert_close = rong_tools.assert_close


@pytest.mark.parametrize("name", MODELS)
def test_model_matches_onnxruntime(name, workdir):
    path, inputs = model_zoo.export(name, str(workdir))
    want = reference(path, inputs)

    fused = str(workdir / f"{name}.rong")
    plan = rong_tools.compile_model(path, fused)
    assert_close(rong_tools.run_artifact(fused, inputs, len(want)), want,
                 f"{name} (fused)")

    unfused = str(workdir / f"{name}_unfused.rong")
    plan_unfused = rong_tools.compile_model(path, unfused, fuse=False)
    assert_close(rong_tools.run_artifact(unfused, inputs, len(want)), want,
                 f"{name} (--no-fusion)")

    kernels, calls = rong_tools.plan_counts(plan)
    kernels_unfused, calls_unfused = rong_tools.plan_counts(plan_unfused)
    assert calls == calls_unfused
    assert kernels < kernels_unfused, (
        f"{name}: fusion should need fewer kernels than --no-fusion "
        f"({kernels} vs {kernels_unfused})\n{plan}\n{plan_unfused}")


# Kernel counts of the subgraphs: each norm, softmax or activation is one
# kernel fused, and its primitive ops unfused. Softmax over the channels and
# the sum over the batch read their columns in place: no transpose kernels.
@pytest.mark.parametrize("name,fused,unfused", [
    ("layernorm", 1, 9), ("softmax", 1, 5), ("gelu", 1, 8), ("rmsnorm", 1, 7),
    ("mlp", 2, 3), ("softmax_channels", 1, 5), ("bias_grad", 1, 1)])
def test_kernel_counts(name, fused, unfused, workdir):
    path, _ = model_zoo.export(name, str(workdir))
    got = rong_tools.plan_counts(
        rong_tools.compile_model(path, str(workdir / "k.rong")))[0]
    got_unfused = rong_tools.plan_counts(
        rong_tools.compile_model(path, str(workdir / "u.rong"), fuse=False))[0]
    assert (got, got_unfused) == (fused, unfused)


def test_bundled_example_matches_numpy(workdir):
    """examples/mlp_block.mlir: LayerNorm, two GEMMs with bias/GELU and a
    residual, against a NumPy reference."""
    artifact = str(workdir / "mlp_block.rong")
    plan = rong_tools.compile_model(str(rong_tools.ROOT / "examples" /
                                        "mlp_block.mlir"), artifact)
    assert rong_tools.plan_counts(plan) == (3, 2)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 128, 768), dtype=np.float32)
    gamma = rng.standard_normal(768, dtype=np.float32)
    beta = rng.standard_normal(768, dtype=np.float32)
    w1 = rng.standard_normal((768, 3072), dtype=np.float32) * 0.03
    b1 = rng.standard_normal(3072, dtype=np.float32)
    w2 = rng.standard_normal((3072, 768), dtype=np.float32) * 0.02
    b2 = rng.standard_normal(768, dtype=np.float32)
    (got,) = rong_tools.run_artifact(artifact, [x, gamma, beta, w1, b1, w2, b2], 1)

    import torch

    t = {k: torch.from_numpy(v).double() for k, v in
         dict(x=x, gamma=gamma, beta=beta, w1=w1, b1=b1, w2=w2, b2=b2).items()}
    h = torch.nn.functional.layer_norm(t["x"], (768,), t["gamma"], t["beta"],
                                       eps=1e-5).reshape(1024, 768)
    up = torch.nn.functional.gelu(h @ t["w1"] + t["b1"])
    want = t["x"] + (up @ t["w2"] + t["b2"]).reshape(8, 128, 768)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-4, atol=1e-4)
