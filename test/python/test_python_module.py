"""The extension module rong._rong from the build tree: compile ONNX models and
rong-dialect text in-process, run artifacts on NumPy arrays and PyTorch
tensors (numbers against onnxruntime and NumPy), and every error a caller can
provoke: bad text, missing or mismatched resources, corrupt artifacts, and
inputs or outputs of the wrong count, type, shape, layout or alignment."""

import concurrent.futures
import importlib.metadata
import pathlib

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
import onnxruntime as ort
import pytest

import rong._rong as rong  # noqa: E402  (the build tree's, see conftest.py)
import torch  # noqa: E402

F32_RTOL, F32_ATOL = 1e-5, 1e-6


def save(graph, path):
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return str(path)


@pytest.fixture(scope="module")
def mlp_path(tmp_path_factory):
    """y = relu(x @ w + b), x: 4x32, y: 4x16."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((32, 16)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    graph = oh.make_graph(
        [oh.make_node("MatMul", ["x", "w"], ["m"]),
         oh.make_node("Add", ["m", "b"], ["a"]),
         oh.make_node("Relu", ["a"], ["y"])],
        "mlp",
        [oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [4, 32])],
        [oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [4, 16])],
        [onh.from_array(w, "w"), onh.from_array(b, "b")])
    return save(graph, tmp_path_factory.mktemp("pymod") / "mlp.onnx")


@pytest.fixture(scope="module")
def layernorm_path(tmp_path_factory):
    """LayerNormalization over the last axis of x: 8x64, with affine weights."""
    rng = np.random.default_rng(1)
    scale = rng.standard_normal(64).astype(np.float32)
    bias = rng.standard_normal(64).astype(np.float32)
    graph = oh.make_graph(
        [oh.make_node("LayerNormalization", ["x", "scale", "bias"], ["y"],
                      axis=-1, epsilon=1e-5)],
        "layernorm",
        [oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [8, 64])],
        [oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [8, 64])],
        [onh.from_array(scale, "scale"), onh.from_array(bias, "bias")])
    return save(graph, tmp_path_factory.mktemp("pymod") / "layernorm.onnx")


@pytest.fixture(scope="module")
def mlp(mlp_path):
    return rong.compile_onnx(mlp_path)


@pytest.fixture(scope="module")
def session(mlp):
    return rong.Session(mlp.artifact)


def onnxruntime_run(path, inputs):
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return s.run(None, {i.name: x for i, x in zip(s.get_inputs(), inputs)})


def x_input(seed=2):
    return np.random.default_rng(seed).standard_normal((4, 32)).astype(np.float32)


# A rong-dialect graph with one weight passed from Python.
BIAS_MLIR = """
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = rong.constant dense_resource<bias> : tensor<8xf32>
  %0 = rong.add %x, %w : tensor<4x8xf32>, tensor<8xf32>
  %1 = rong.relu %0 : tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
"""


# --- compiling ---------------------------------------------------------------

@pytest.mark.parametrize("fuse", [True, False])
def test_compile_onnx_runs_like_onnxruntime(mlp_path, fuse):
    result = rong.compile_onnx(mlp_path, fuse=fuse)
    assert isinstance(result.artifact, bytes)
    assert isinstance(result.arena_bytes, int)
    assert result.explanation == ""
    kinds = [kind for kind, _, _ in result.steps]
    assert set(kinds) <= {"kernel", "library"}
    # The matmul is a gemm library call; add and relu run in kernels.
    assert ("library", "gemm") in [(k, n) for k, n, _ in result.steps]
    assert any("rong.relu" in ops for _, _, ops in result.steps)

    session = rong.Session(result.artifact)
    x = x_input()
    (got,) = session.run([x])
    (want,) = onnxruntime_run(mlp_path, [x])
    assert isinstance(got, np.ndarray) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=F32_RTOL, atol=F32_ATOL)


def test_layernorm_runs_like_onnxruntime(layernorm_path):
    session = rong.Session(rong.compile_onnx(layernorm_path).artifact)
    x = np.random.default_rng(3).standard_normal((8, 64)).astype(np.float32)
    (got,) = session.run([x])
    (want,) = onnxruntime_run(layernorm_path, [x])
    np.testing.assert_allclose(got, want, rtol=F32_RTOL, atol=F32_ATOL)


def test_compile_onnx_bytes(mlp_path):
    data = pathlib.Path(mlp_path).read_bytes()
    result = rong.compile_onnx_bytes(data, source_name="mlp-in-memory")
    x = x_input()
    (got,) = rong.Session(result.artifact).run([x])
    (want,) = onnxruntime_run(mlp_path, [x])
    np.testing.assert_allclose(got, want, rtol=F32_RTOL, atol=F32_ATOL)


def test_explain_returns_the_fusion_report(mlp_path, capfd):
    result = rong.compile_onnx(mlp_path, explain=True)
    assert result.explanation.startswith("fusion report for @main on cpu")
    assert "rong.relu" in result.explanation
    # The report is returned, not printed.
    assert capfd.readouterr().err == ""


def test_compile_onnx_errors_are_compile_errors(tmp_path):
    with pytest.raises(rong.CompileError, match="cannot read"):
        rong.compile_onnx(str(tmp_path / "missing.onnx"))
    with pytest.raises(rong.CompileError, match="not a valid ONNX model"):
        rong.compile_onnx_bytes(b"not a model", source_name="junk.onnx")
    assert issubclass(rong.CompileError, RuntimeError)


def test_symbolic_dimensions_are_sized_by_dims(tmp_path):
    """A batch exported as a dim_param: compile_onnx refuses it until `dims`
    gives it a size, then matches onnxruntime at that size."""
    graph = oh.make_graph(
        [oh.make_node("Softmax", ["x"], ["y"], axis=-1)], "softmax",
        [oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", 16])],
        [oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["batch", 16])])
    path = save(graph, tmp_path / "softmax.onnx")
    with pytest.raises(rong.CompileError,
                       match=r"graph input 'x' has a dynamic shape "
                             r"tensor<\?x16xf32>.*dims=\{'NAME': SIZE\}"):
        rong.compile_onnx(path)
    with pytest.raises(rong.CompileError, match="no graph input has a "
                       "symbolic dimension named 'bacth' \\(theirs: batch\\)"):
        rong.compile_onnx(path, dims={"bacth": 3})
    result = rong.compile_onnx(path, dims={"batch": 3})
    x = np.random.default_rng(3).standard_normal((3, 16)).astype(np.float32)
    (got,) = rong.Session(result.artifact).run([x])
    (want,) = onnxruntime_run(path, [x])
    np.testing.assert_allclose(got, want, rtol=F32_RTOL, atol=F32_ATOL)
    data = pathlib.Path(path).read_bytes()
    assert rong.compile_onnx_bytes(data, dims={"batch": 3}).artifact


def test_unknown_target_is_a_compile_error(mlp_path):
    with pytest.raises(rong.CompileError, match="unknown target 'nope'"):
        rong.compile_onnx(mlp_path, target="nope")


def test_compile_mlir_with_resources():
    bias = np.linspace(-1, 1, 8, dtype=np.float32)
    x = np.random.default_rng(4).standard_normal((4, 8)).astype(np.float32)
    want = np.maximum(x + bias, 0)
    # NumPy arrays and PyTorch tensors both hold resources.
    for weight in (bias, torch.from_numpy(bias.copy())):
        result = rong.compile_mlir(BIAS_MLIR, resources={"bias": weight})
        (got,) = rong.Session(result.artifact).run([x])
        np.testing.assert_allclose(got, want, rtol=F32_RTOL, atol=F32_ATOL)


def test_compile_mlir_missing_resource_names_the_key():
    with pytest.raises(rong.CompileError, match=r"dense_resource<bias> has no data"):
        rong.compile_mlir(BIAS_MLIR)
    with pytest.raises(rong.CompileError, match=r"dense_resource<bias> has no data"):
        rong.compile_mlir(BIAS_MLIR, resources={})


def test_compile_mlir_mismatched_resources():
    bias = np.zeros(8, np.float32)
    with pytest.raises(rong.CompileError, match="does not reference: 'typo'"):
        rong.compile_mlir(BIAS_MLIR, resources={"bias": bias, "typo": bias})
    with pytest.raises(rong.CompileError, match=r"resource 'bias' holds 16 bytes.*needs 32"):
        rong.compile_mlir(BIAS_MLIR, resources={"bias": bias[:4]})
    with pytest.raises(rong.CompileError, match="resource 'bias' is float64"):
        rong.compile_mlir(BIAS_MLIR, resources={"bias": bias.astype(np.float64)})
    with pytest.raises(ValueError, match="resource 'bias' is not C-contiguous"):
        rong.compile_mlir(BIAS_MLIR, resources={"bias": np.zeros(16, np.float32)[::2]})


def test_malformed_mlir_reports_line_and_column():
    text = BIAS_MLIR.replace("rong.relu %0", "rong.relu %9")
    with pytest.raises(rong.CompileError) as error:
        rong.compile_mlir(text, resources={"bias": np.zeros(8, np.float32)},
                          source_name="graph.mlir")
    message = str(error.value)
    assert "graph.mlir:5:18: error: use of undeclared SSA value name" in message
    # The source line follows, as rongc prints it.
    assert "%1 = rong.relu %9 : tensor<4x8xf32>" in message


def test_mlir_that_does_not_verify_is_a_compile_error():
    text = BIAS_MLIR.replace("tensor<8xf32>", "tensor<7xf32>")
    with pytest.raises(rong.CompileError,
                       match=r"<mlir>:4:8: error: shapes 'tensor<4x8xf32>' and "
                             r"'tensor<7xf32>' are not broadcast-compatible"):
        rong.compile_mlir(text, resources={"bias": np.zeros(7, np.float32)})


# --- sessions ----------------------------------------------------------------

def test_session_describes_the_graph(session):
    assert session.target == "cpu"
    assert session.device == "cpu"
    (x,) = session.inputs
    (y,) = session.outputs
    assert (x.name, x.dtype, x.shape) == ("x", "float32", (4, 32))
    assert (y.name, y.dtype, y.shape) == ("y", "float32", (4, 16))


def test_session_loads_from_a_path(mlp, tmp_path):
    path = tmp_path / "mlp.rong"
    path.write_bytes(mlp.artifact)
    x = x_input()
    want = rong.Session(mlp.artifact).run([x])[0]
    for source in (str(path), path):
        np.testing.assert_array_equal(rong.Session(source, num_threads=1).run([x])[0], want)


def test_run_into_writes_torch_tensors_in_place(session, mlp_path):
    x = torch.from_numpy(x_input())
    out = torch.full((4, 16), float("nan"))
    address = out.data_ptr()
    assert session.run_into([x], [out]) is None
    assert out.data_ptr() == address
    (want,) = onnxruntime_run(mlp_path, [x.numpy()])
    np.testing.assert_allclose(out.numpy(), want, rtol=F32_RTOL, atol=F32_ATOL)


def test_run_takes_torch_tensors_and_read_only_arrays(session):
    x = x_input()
    want = session.run([x])[0]
    np.testing.assert_array_equal(session.run([torch.from_numpy(x)])[0], want)
    read_only = np.frombuffer(x.tobytes(), np.float32).reshape(4, 32)
    np.testing.assert_array_equal(session.run([read_only])[0], want)


def byte_misaligned(x):
    """A writable copy of `x` one byte past an aligned address: aligned to
    no element, so the CPU kernels cannot read it in place."""
    storage = bytearray(x.nbytes + 64)
    offset = (-np.frombuffer(storage, np.uint8).ctypes.data) % 64 + 1
    shifted = np.frombuffer(storage, x.dtype, x.size, offset).reshape(x.shape)
    shifted[...] = x
    assert not shifted.flags.aligned
    return shifted


def test_element_aligned_arrays_are_used_in_place(session):
    """CPU kernels need only element alignment (the artifact's io
    alignment): inputs and outputs at any float offset are read and written
    where they are."""
    x = x_input()
    want = session.run([x])[0]
    storage = np.zeros(x.size + 16, np.float32)
    outputs = torch.zeros(want.size + 16)
    for offset in range(16):
        shifted = storage[offset:offset + x.size].reshape(x.shape)
        shifted[...] = x
        np.testing.assert_array_equal(session.run([shifted])[0], want)
        out = outputs[offset:offset + want.size].view(want.shape)
        session.run_into([shifted], [out])
        np.testing.assert_array_equal(out.numpy(), want)
        assert torch.count_nonzero(outputs[:offset]) == 0
        outputs.zero_()


def test_misaligned_inputs_are_staged(session):
    """An input aligned to no element is copied, not handed to the kernels."""
    x = x_input()
    want = session.run([x])[0]
    np.testing.assert_array_equal(session.run([byte_misaligned(x)])[0], want)


def test_staging_buffers_are_reused_without_stale_data(session):
    """A session keeps each input's staging copy for the next call: every call
    must see its own input, also when calls from several threads overlap."""
    rng = np.random.default_rng(11)
    xs = [rng.standard_normal((4, 32)).astype(np.float32) for _ in range(8)]
    wants = [session.run([x])[0] for x in xs]
    misaligned = byte_misaligned

    for x, want in zip(xs, wants):
        np.testing.assert_array_equal(session.run([misaligned(x)])[0], want)
        out = torch.empty(4, 16)
        session.run_into([misaligned(x)], [out])
        np.testing.assert_array_equal(out.numpy(), want)

    def worker(k):
        for _ in range(50):
            got = session.run([misaligned(xs[k])])[0]
            np.testing.assert_array_equal(got, wants[k])

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(worker, k) for k in range(len(xs))]:
            future.result()


def binary_model(op, inputs, output):
    """One `op` node over named (name, element type) inputs."""
    graph = oh.make_graph(
        [oh.make_node(op, [name for name, _ in inputs], [output[0]])], op,
        [oh.make_tensor_value_info(n, t, [2, 8]) for n, t in inputs],
        [oh.make_tensor_value_info(output[0], output[1], [2, 8])])
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def test_sessions_alive_together_run_their_own_kernels():
    f32 = onnx.TensorProto.FLOAT
    inputs = [("x", f32), ("y", f32)]
    add = rong.Session(rong.compile_onnx_bytes(binary_model("Add", inputs, ("z", f32))).artifact)
    mul = rong.Session(rong.compile_onnx_bytes(binary_model("Mul", inputs, ("z", f32))).artifact)
    x, y = np.full((2, 8), 3, np.float32), np.full((2, 8), 2, np.float32)
    np.testing.assert_array_equal(add.run([x, y])[0], x + y)
    np.testing.assert_array_equal(mul.run([x, y])[0], x * y)


def test_bool_inputs_and_outputs():
    f32, boolean = onnx.TensorProto.FLOAT, onnx.TensorProto.BOOL
    data = binary_model("Greater", [("x", f32), ("y", f32)], ("g", boolean))
    session = rong.Session(rong.compile_onnx_bytes(data).artifact)
    assert session.outputs[0].dtype == "bool"
    rng = np.random.default_rng(5)
    x, y = (rng.standard_normal((2, 8)).astype(np.float32) for _ in range(2))
    (got,) = session.run([x, y])
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, x > y)
    out = torch.zeros(2, 8, dtype=torch.bool)
    session.run_into([torch.from_numpy(x), torch.from_numpy(y)], [out])
    np.testing.assert_array_equal(out.numpy(), x > y)


def test_run_outputs_are_fresh_aligned_arrays(session):
    (y,) = session.run([x_input()])
    assert y.flags.c_contiguous and y.flags.writeable
    assert y.ctypes.data % 64 == 0


def test_benchmark(session):
    stats = session.benchmark([x_input()], warmup=1, iterations=3)
    assert stats["iterations"] == 3
    assert 0 < stats["min_ms"] <= stats["median_ms"] <= stats["max_ms"]


@pytest.mark.parametrize("inputs, message", [
    ([], r"expected 1 inputs \(x\), got 0"),
    ([x_input(), x_input()], r"expected 1 inputs \(x\), got 2"),
    ([x_input().astype(np.float64)],
     r"input 0 \('x'\): expected dtype float32, got float64"),
    ([np.zeros((4, 31), np.float32)],
     r"input 0 \('x'\): expected shape \(4, 32\), got \(4, 31\)"),
    ([np.zeros((32, 4), np.float32).T], r"input 0 \('x'\) is not C-contiguous"),
])
def test_bad_inputs_raise_value_error(session, inputs, message):
    with pytest.raises(ValueError, match=message):
        session.run(inputs)


def test_bad_outputs_raise_value_error(session):
    x = x_input()
    with pytest.raises(ValueError, match=r"output 0 \('y'\): expected dtype float32, got int64"):
        session.run_into([x], [torch.empty(4, 16, dtype=torch.int64)])
    with pytest.raises(ValueError, match=r"output 0 \('y'\): expected shape \(4, 16\), got \(16, 4\)"):
        session.run_into([x], [torch.empty(16, 4)])
    with pytest.raises(ValueError, match=r"expected 1 outputs \(y\), got 0"):
        session.run_into([x], [])
    with pytest.raises(ValueError, match=r"output 0 \('y'\) does not start at a 4-byte aligned"):
        session.run_into([x], [byte_misaligned(np.zeros((4, 16), np.float32))])
    read_only = np.frombuffer(bytes(4 * 16 * 4), np.float32).reshape(4, 16)
    with pytest.raises(ValueError, match=r"output 0 \('y'\): cannot borrow its memory"):
        session.run_into([x], [read_only])


def test_bad_argument_types_raise_type_error(session):
    with pytest.raises(TypeError, match="inputs must be a list or tuple"):
        session.run(x_input())
    with pytest.raises(TypeError, match=r"input 0 \('x'\): expected a tensor"):
        session.run([[0.0] * 32])


@pytest.mark.parametrize("corrupt, message", [
    (lambda a: a[: len(a) // 2], "artifact is truncated"),
    (lambda a: a[:5], "artifact is truncated"),
    (lambda a: b"", "artifact is truncated"),
    # Bytes 8..11 are the FlatBuffers file identifier.
    (lambda a: a[:8] + b"ONNX" + a[12:], "not a Rong artifact"),
    # Bytes 0..3 are the size prefix (little-endian, the bytes after it):
    # claiming 4 bytes more than there are, or 256 fewer.
    (lambda a: len(a).to_bytes(4, "little") + a[4:], "artifact is truncated"),
    (lambda a: (len(a) - 260).to_bytes(4, "little") + a[4:],
     "256 stray bytes follow"),
])
def test_corrupt_artifacts_raise_artifact_error(mlp, corrupt, message):
    with pytest.raises(rong.ArtifactError, match=message):
        rong.Session(corrupt(mlp.artifact))


def test_missing_artifact_file(tmp_path):
    with pytest.raises(rong.ArtifactError, match="cannot open artifact"):
        rong.Session(str(tmp_path / "missing.rong"))
    assert issubclass(rong.ArtifactError, RuntimeError)


# --- the package in the build tree -------------------------------------------

def test_build_tree_is_a_distribution():
    """The build tree carries rong's dist-info, so torch.compile finds the
    backend's entry point without an install."""
    assert importlib.metadata.version("rong") == rong.version()
    backends = importlib.metadata.entry_points(group="torch_dynamo_backends")
    assert [(e.name, e.value) for e in backends if e.name == "rong"] == [
        ("rong", "rong.dynamo:rong_backend")]


# --- devices -----------------------------------------------------------------

def test_opencl_artifact_runs_on_its_own_device(mlp_path):
    """An artifact compiled for OpenCL opens on OpenCL (PoCL here) without
    naming the device, takes host tensors like the CPU session and agrees
    with onnxruntime."""
    compiled = rong.compile_onnx(mlp_path, target="opencl")
    session = rong.Session(compiled.artifact)
    assert (session.target, session.device) == ("opencl", "opencl")
    x = x_input()
    (want,) = onnxruntime_run(mlp_path, [x])
    np.testing.assert_allclose(session.run([x])[0], want, rtol=F32_RTOL, atol=F32_ATOL)
    out = torch.full((4, 16), float("nan"))
    session.run_into([torch.from_numpy(x)], [out])
    np.testing.assert_allclose(out.numpy(), want, rtol=F32_RTOL, atol=F32_ATOL)
    explicit = rong.Session(compiled.artifact, device="opencl")
    assert explicit.device == "opencl"


def test_cuda_session_without_a_driver_names_it(mlp_path):
    """A CUDA session opens through the driver it loads at run time; this
    machine has none, and the error says so (with a GPU, run_into takes
    PyTorch's CUDA tensors: bench/gpu/run_models.py checks that there)."""
    compiled = rong.compile_onnx(mlp_path, target="sm_90")
    with pytest.raises(rong.ArtifactError,
                       match=r"cannot load the CUDA driver \(libcuda\.so\.1\)"):
        rong.Session(compiled.artifact)
    with pytest.raises(rong.ArtifactError, match=r"cannot load the CUDA driver"):
        rong.Session(compiled.artifact, device="cuda:1")


def test_hip_session_without_a_device_names_it(mlp_path):
    """ROCm's runtime is installed here but finds no AMD GPU: the session
    fails with HIP's own error instead of being refused up front."""
    compiled = rong.compile_onnx(mlp_path, target="rocm:gfx906")
    with pytest.raises(rong.ArtifactError,
                       match=r"^(cannot initialise the HIP driver: hip|HIP "
                             r"device 0 requested, but 0 devices are present)"):
        rong.Session(compiled.artifact)


@pytest.mark.parametrize("device", ["tpu", "cpu:1", "cuda:", "cuda:x", "hip:-1",
                                    "opencl:0"])
def test_unknown_device_names_are_refused(mlp, device):
    with pytest.raises(ValueError, match=rf"device '{device}' is not one of: "
                                         r"cpu, opencl, cuda, cuda:N, hip, hip:N"):
        rong.Session(mlp.artifact, device=device)


def test_host_session_has_no_stream(mlp):
    session = rong.Session(mlp.artifact)
    assert (session.device, session.device_index, session.stream) == ("cpu", 0,
                                                                       None)
    x = torch.from_numpy(x_input())
    with pytest.raises(ValueError, match=r"stream= is for cuda and hip sessions; "
                                         r"a cpu session finishes inside run_into"):
        session.run_into([x], [torch.empty(4, 16)], stream=0)


def test_source_target_returns_its_package(mlp_path):
    compiled = rong.compile_onnx(mlp_path, target="source:musa:mp_22")
    assert sorted(compiled.package) == ["BUILD.md", "kernels.mu", "launch.json",
                                        "model.rong", "weights.bin"]
    assert compiled.package["model.rong"] == compiled.artifact
    assert b"mcc --offload-arch=mp_22" in compiled.package["BUILD.md"]
    assert b"#define RONG_WARP_SIZE 128" in compiled.package["kernels.mu"]
    # The MLP's weights (32x16 and 16 floats), each 64-byte aligned.
    assert len(compiled.package["weights.bin"]) == 32 * 16 * 4 + 16 * 4
    assert rong.compile_onnx(mlp_path).package == {}
    with pytest.raises(rong.ArtifactError, match=r"source text for the vendor's "
                                                 r"toolchain"):
        rong.Session(compiled.artifact, device="cpu")
