"""End to end on OpenCL (PoCL in CI): the models of test_cpu_e2e.py compiled
with `rongc --target=opencl` (kernels printed as OpenCL C, gemm and conv2d
through CLBlast), run with `rong-run --device opencl` and compared with
onnxruntime at the CPU tests' float32 tolerances. The models with reductions
are also compiled for subgroups of 64 and 128 (the kernel IR of the `maca`
and `musa` targets, printed with `--profile=opencl`), whose shuffles the
OpenCL C exchanges through local memory, so every width really runs its
cross-work-item reductions."""

import pytest

import rong_tools

# Subgroup width -> (rongc --target, --profile).
WIDTHS = {32: ("opencl", ""), 64: ("maca", "opencl"), 128: ("musa", "opencl")}
MODELS = ["mlp", "mlp_f64", "bert_layer", "llama_layer", "cnn", "layernorm",
          "softmax", "gelu", "rmsnorm", "layernorm_wide", "softmax_wide"]
# Models whose kernels reduce rows: a row per subgroup (256-wide rows, the
# encoder's 64-wide ones) and, for the 4096-wide rows, a row per work-group
# (through local memory and a barrier) at widths 32 and 64 and a row per
# subgroup at 128.
REDUCTIONS = ["bert_layer", "layernorm", "softmax", "rmsnorm",
              "layernorm_wide", "softmax_wide"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("opencl_e2e")


def compile_for_width(path, artifact, width, fuse=True):
    target, profile = WIDTHS[width]
    plan = rong_tools.compile_model(path, artifact, target=target, fuse=fuse,
                                    profile=profile)
    with open(artifact, "rb") as f:
        code = f.read()
    # The kernels were printed for this width (the prelude names it).
    assert f"#define RONG_WARP_SIZE {width}\n".encode() in code
    return plan


@pytest.mark.parametrize("name,width", [(m, 32) for m in MODELS] +
                         [(m, w) for m in REDUCTIONS for w in (64, 128)])
def test_model_matches_onnxruntime(name, width, exported, workdir):
    path, inputs, want = exported(name)
    artifact = str(workdir / f"{name}_{width}.rong")
    compile_for_width(path, artifact, width)
    got = rong_tools.run_artifact(artifact, inputs, len(want), device="opencl")
    rong_tools.assert_close(got, want, f"{name} (OpenCL, subgroup {width})")


# The same kernel counts as on the CPU: fusion decides them, not the backend.
@pytest.mark.parametrize("name,fused,unfused", [
    ("layernorm", 1, 9), ("softmax", 1, 5), ("gelu", 1, 8), ("rmsnorm", 1, 7),
    ("mlp", 2, 3)])
def test_unfused_matches_with_more_kernels(name, fused, unfused, exported,
                                           workdir):
    path, inputs, want = exported(name)
    artifact = str(workdir / f"{name}_unfused.rong")
    plan_unfused = compile_for_width(path, artifact, 32, fuse=False)
    got = rong_tools.run_artifact(artifact, inputs, len(want), device="opencl")
    rong_tools.assert_close(got, want, f"{name} (OpenCL, --no-fusion)")
    plan = rong_tools.compile_model(path, str(workdir / f"{name}_k.rong"),
                                    target="opencl")
    assert (rong_tools.plan_counts(plan)[0],
            rong_tools.plan_counts(plan_unfused)[0]) == (fused, unfused)
