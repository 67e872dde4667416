"""The Python package with its runtime only: `rong._rong_runtime` links Rong's
runtime and nothing of LLVM or MLIR, so it builds on a machine that only runs
artifacts (a GPU machine without LLVM: lib/Runtime's own CMake build with
RONG_RUNTIME_PYTHON=ON). There `import rong` must work, artifacts compiled
elsewhere must load and run (on NumPy arrays, on PyTorch tensors, through
`rong.load`), and compiling must fail with an error that says why.

Two routes: the full build's package with the compiler module hidden, and
the package built by the runtime's standalone CMake project, which has no
compiler module at all."""

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
import pytest

import rong

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: argv[1] is the artifact, argv[2] the input
# (.npy), argv[3] the expected output (.npy), argv[4] "hide" to make the
# compiler module unimportable.
SCRIPT = textwrap.dedent(r'''
    import importlib.abc
    import sys

    import numpy as np

    if sys.argv[4] == "hide":
        class Hide(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "rong._rong":
                    raise ImportError("hidden by the test")
                return None
        sys.meta_path.insert(0, Hide())

    import torch
    import rong

    x, want = np.load(sys.argv[2]), np.load(sys.argv[3])
    session = rong.Session(sys.argv[1])
    assert session.device == "cpu", session.device
    np.testing.assert_allclose(session.run([x])[0], want, rtol=1e-5, atol=1e-6)
    model = rong.load(sys.argv[1])
    got = model(torch.from_numpy(x))
    assert isinstance(got, torch.Tensor), type(got)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    try:
        rong.compile(sys.argv[1])
    except ImportError as err:
        assert "compiling needs the full build" in str(err), str(err)
    else:
        raise AssertionError("rong.compile worked without the compiler")
    assert "rong._rong" not in sys.modules
    assert rong.__version__, rong.__version__
    print("runtime-only ok", rong.__version__, rong.Session.__module__)
''')


@pytest.fixture(scope="module")
def artifact_case(tmp_path_factory):
    """A LayerNorm + GELU-ish model compiled for the CPU by the full build,
    its input and onnxruntime's output."""
    import onnxruntime as ort
    tmp = tmp_path_factory.mktemp("runtime_only")
    rng = np.random.default_rng(7)
    scale = rng.standard_normal(64).astype(np.float32)
    bias = rng.standard_normal(64).astype(np.float32)
    graph = oh.make_graph(
        [oh.make_node("LayerNormalization", ["x", "scale", "bias"], ["n"],
                      axis=-1, epsilon=1e-5),
         oh.make_node("Tanh", ["n"], ["y"])],
        "ln_tanh",
        [oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [8, 64])],
        [oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [8, 64])],
        [onh.from_array(scale, "scale"), onh.from_array(bias, "bias")])
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 17)])
    model.ir_version = 8
    x = rng.standard_normal((8, 64)).astype(np.float32)
    (want,) = ort.InferenceSession(model.SerializeToString()).run(None,
                                                                  {"x": x})
    onnx.save(model, str(tmp / "model.onnx"))
    compiled = rong.compile(model)
    rong.save(compiled, tmp / "model.rong")
    np.save(tmp / "x.npy", x)
    np.save(tmp / "want.npy", want)
    (tmp / "check.py").write_text(SCRIPT)
    return tmp


def run_check(case, python_path, mode):
    env = dict(os.environ, PYTHONPATH=str(python_path))
    done = subprocess.run(
        [sys.executable, str(case / "check.py"), str(case / "model.rong"),
         str(case / "x.npy"), str(case / "want.npy"), mode],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_full_build_package_without_its_compiler(artifact_case,
                                                 rong_build_dir):
    out = run_check(artifact_case, rong_build_dir / "python_packages", "hide")
    assert "runtime-only ok" in out
    assert "rong._rong_runtime" in out


def test_standalone_runtime_build_has_a_working_package(artifact_case,
                                                        rong_build_dir):
    """Configures and builds lib/Runtime on its own with RONG_RUNTIME_PYTHON
    (the GPU machine's recipe, bench/gpu/run_on_gpu.sh), only the module's
    target, then runs the artifact through the package it assembled."""
    build = rong_build_dir / "runtime-python-standalone"
    flatbuffers = rong_build_dir / "lib" / "Runtime" / "flatbuffers-include"
    configure = [
        "cmake", "-S", str(ROOT / "lib" / "Runtime"), "-B", str(build),
        "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
        f"-DRONG_FLATBUFFERS_INCLUDE={flatbuffers}",
        "-DRONG_RUNTIME_PYTHON=ON",
        f"-DPython3_EXECUTABLE={sys.executable}",
    ]
    for compiler, name in (("CMAKE_C_COMPILER", "clang-22"),
                           ("CMAKE_CXX_COMPILER", "clang++-22")):
        if shutil.which(name):
            configure.append(f"-D{compiler}={name}")
    if shutil.which("ccache"):
        configure += ["-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                      "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
    for cmd in (configure,
                ["cmake", "--build", str(build), "--target", "_rong_runtime"]):
        done = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=1200)
        assert done.returncode == 0, (" ".join(cmd) + "\n" + done.stdout[-4000:]
                                      + done.stderr[-4000:])
    package = build / "python_packages" / "rong"
    assert list(package.glob("_rong_runtime*.so"))
    assert not list(package.glob("_rong.*so")), "the compiler module is there"
    # Nothing of LLVM or MLIR is linked.
    module = next(package.glob("_rong_runtime*.so"))
    needed = subprocess.run(["ldd", str(module)], capture_output=True,
                            text=True).stdout
    assert "MLIR" not in needed and "LLVM" not in needed, needed
    out = run_check(artifact_case, build / "python_packages", "none")
    assert "runtime-only ok" in out


def test_gpu_model_saves_where_there_is_no_gpu(artifact_case, tmp_path):
    """A model compiled for a GPU opens its session at the first call, so it
    can be saved (to run elsewhere) on a machine without the GPU; loading or
    calling it here names the missing driver."""
    import torch
    model = onnx.load(str(artifact_case / "model.onnx"))
    compiled = rong.compile(model, target="sm_90")
    assert "not loaded" in repr(compiled)
    rong.save(compiled, tmp_path / "gpu.rong")
    assert (tmp_path / "gpu.rong").read_bytes() == compiled.artifact
    x = torch.from_numpy(np.load(artifact_case / "x.npy"))
    with pytest.raises(rong.ArtifactError, match=r"cannot load the CUDA driver"):
        compiled(x)
    with pytest.raises(rong.ArtifactError, match=r"cannot load the CUDA driver"):
        rong.load(tmp_path / "gpu.rong")
